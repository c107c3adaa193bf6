"""The search index of the vault's own notes: entity notes, briefs and anything a person wrote.

Source notes are not indexed here (their documents are, in `fts_sources`), nor
is the Inbox (files waiting to be ingested). The index is refreshed
incrementally: only files whose size or modification time changed are read.
"""
from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from factbook.query.common import connection
from factbook.store.base import Store
from factbook.vault.layout import VaultLayout
from factbook.vault.notes import parse_note

log = logging.getLogger(__name__)

_LINK = re.compile(r"\[\[([^\]|#^]+)")
_FRONT = re.compile(r"\A---[ \t]*\n.*?\n?---[ \t]*(?:\n|\Z)", re.S)
# Front matter keys that date a note, in order of preference.
_DATE_KEYS = ("date", "last_contact", "created")


@dataclass
class NoteRefresh:
    """What one refresh of the notes index did."""

    indexed: int = 0
    removed: int = 0
    unchanged: int = 0


def _note_files(layout: VaultLayout) -> dict[str, tuple[int, int]]:
    """(mtime_ns, size) of every Markdown note outside Sources/, Inbox/ and hidden folders,
    by vault-relative path. os.scandir, not pathlib: a vault can hold thousands of notes."""
    skip = {layout.config.folders.sources, layout.config.folders.inbox}
    found: dict[str, tuple[int, int]] = {}
    stack = [(str(layout.root), "")]
    while stack:
        folder, prefix = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as exc:
            log.warning("%s: cannot be listed for search (%s)", folder, exc)
            continue
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                if prefix or name not in skip:
                    stack.append((entry.path, f"{prefix}{name}/"))
            elif name.endswith(".md") and entry.is_file():
                stat = entry.stat()
                found[prefix + name] = (stat.st_mtime_ns, stat.st_size)
    return found


def _note_date(meta: dict) -> date | None:
    for key in _DATE_KEYS:
        value = meta.get(key)
        if isinstance(value, date):
            return value
        if value:
            try:
                return date.fromisoformat(str(value)[:10])
            except ValueError:
                continue
    return None


def refresh_notes(store: Store, layout: VaultLayout) -> NoteRefresh:
    """Bring the notes index in line with the vault's files."""
    db = connection(store)
    files = _note_files(layout) if layout.root.is_dir() else {}
    known = {row[0]: (row[1], row[2], row[3]) for row in
             db.execute("SELECT path, id, mtime_ns, size FROM note_index")}
    gone = [(rel, row[0]) for rel, row in known.items() if rel not in files]
    changed = [(rel, stamp) for rel, stamp in files.items()
               if rel not in known or known[rel][1:] != stamp]
    result = NoteRefresh(indexed=len(changed), removed=len(gone),
                         unchanged=len(files) - len(changed))
    if not gone and not changed:
        return result  # the common case: no write, no lock
    with store.transaction():
        for _, note_id in gone:
            db.execute("DELETE FROM note_index WHERE id = ?", (note_id,))
            db.execute("DELETE FROM fts_notes WHERE rowid = ?", (note_id,))
        for rel, stamp in changed:
            old = known.get(rel)
            _index_note(db, layout.root / rel, rel, stamp, old[0] if old else None)
    return result


def _index_note(db, path: Path, rel: str, stamp: tuple[int, int], note_id: int | None) -> None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        log.warning("%s: cannot be read for search (%s)", path, exc)
        return
    meta = parse_note(text).meta
    body = _FRONT.sub("", text, count=1)
    name = str(meta.get("name") or meta.get("title") or Path(rel).stem)
    links = sorted({m.strip() for m in _LINK.findall(text)})
    when = _note_date(meta)
    row = (*stamp, str(meta.get("type") or "") or None, name,
           when.isoformat() if when else None, json.dumps(links))
    if note_id is None:
        cur = db.execute("INSERT INTO note_index (mtime_ns, size, type, name, date, links, path)"
                         " VALUES (?,?,?,?,?,?,?)", (*row, rel))
        note_id = int(cur.lastrowid)
    else:
        db.execute("UPDATE note_index SET mtime_ns = ?, size = ?, type = ?, name = ?, date = ?,"
                   " links = ? WHERE id = ?", (*row, note_id))
        db.execute("DELETE FROM fts_notes WHERE rowid = ?", (note_id,))
    db.execute("INSERT INTO fts_notes (rowid, name, body) VALUES (?,?,?)", (note_id, name, body))
