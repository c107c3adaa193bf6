"""Values shared by the read-only queries: a reference to a source, dates, plain-data output."""
from __future__ import annotations

import dataclasses
import sqlite3
from dataclasses import dataclass
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

from factbook.errors import InputError, StoreError
from factbook.store.base import DocumentRecord, Store


@dataclass
class SourceRef:
    """Where something came from: a source document and the note that shows it."""

    document_id: int
    title: str
    kind: str
    date: date | None
    note_path: str | None

    @property
    def link(self) -> str:
        """The wikilink to the source note (the title when there is no note yet)."""
        return f"[[{Path(self.note_path).stem}]]" if self.note_path else self.title

    def to_dict(self) -> dict[str, Any]:
        """The reference as plain data, with its wikilink."""
        return {**to_plain(dataclasses.asdict(self)), "link": self.link}


def source_ref(doc: DocumentRecord) -> SourceRef:
    """A `SourceRef` for a stored document."""
    return SourceRef(doc.id, doc.title, doc.kind, doc.date, doc.note_path)


def to_plain(value: Any) -> Any:
    """Dataclasses, dates and enums as JSON-ready data (SourceRefs keep their link)."""
    if isinstance(value, SourceRef):
        return value.to_dict()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [to_plain(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def parse_day(text: str | None, what: str = "date") -> date | None:
    """An ISO date (YYYY-MM-DD) typed by a person, or None; a clear error otherwise."""
    if text is None or not str(text).strip():
        return None
    try:
        return date.fromisoformat(str(text).strip()[:10])
    except ValueError as exc:
        raise InputError(what, f"{text!r} is not a date in the form YYYY-MM-DD") from exc


def connection(store: Store) -> sqlite3.Connection:
    """The SQLite connection behind a store; search and timelines read it directly."""
    db = getattr(store, "db", None)
    if not isinstance(db, sqlite3.Connection):
        raise StoreError("search needs the SQLite store",
                         hint="this query is not available for this store yet")
    return db


def ingest_dates(store: Store) -> dict[int, date]:
    """The day each document was ingested: the stand-in date of an undated document."""
    db = connection(store)
    rows = db.execute("SELECT d.id, r.started_at FROM documents d JOIN runs r ON r.id = d.run_id")
    return {row[0]: date.fromisoformat(row[1][:10]) for row in rows if row[1]}
