"""What factbook hands back after a run: reply drafts, calendar invites, a daily digest.

Each output is off unless `[outputs]` in config.toml turns it on; the CLI reads that
table and passes `OutputSettings` to `pipeline.ingest`, which calls `write_outputs`
once the notes are written. Outputs are files in the vault (`Outbox/`, `Digest/`)
for the user to act on: nothing is ever sent anywhere.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from factbook.errors import ConfigError, FactbookError
from factbook.outputs.digest import digest_note
from factbook.outputs.drafts import Composer, draft_note, find_request
from factbook.outputs.invites import find_meetings, invite_ics, invite_name
from factbook.store.base import Store
from factbook.vault.layout import VaultLayout, link, safe_stem
from factbook.vault.writer import write_atomic

from factbook.persona import Persona, addresses_from_meta

log = logging.getLogger(__name__)


@dataclass
class OutputSettings:
    """Which outputs to write and where. `compose` (not from config) drafts reply prose."""

    drafts: bool = False
    invites: bool = False
    digest: bool = False
    outbox: str = "Outbox"
    digest_folder: str = "Digest"
    due_within_days: int = 7
    compose: Composer | None = field(default=None, repr=False, compare=False)

    @property
    def enabled(self) -> bool:
        """True when at least one output is on."""
        return self.drafts or self.invites or self.digest


def outputs_from_config(raw: dict[str, Any]) -> OutputSettings:
    """The `[outputs]` table of a parsed config file (every output off by default)."""
    table = raw.get("outputs") or {}
    if not isinstance(table, dict):
        raise ConfigError("[outputs] must be a table", hint="see docs/persona.md")
    flags = {}
    for key in ("drafts", "invites", "digest"):
        value = table.get(key, False)
        if not isinstance(value, bool):
            raise ConfigError(f"[outputs] {key} must be true or false, not {value!r}")
        flags[key] = value
    try:
        within = int(table.get("due_within_days", 7))
    except (TypeError, ValueError) as exc:
        raise ConfigError("[outputs] due_within_days must be a whole number of days") from exc
    return OutputSettings(**flags, outbox=str(table.get("outbox", "Outbox")),
                          digest_folder=str(table.get("digest_folder", "Digest")),
                          due_within_days=within)


@dataclass
class RunOutputs:
    """What one run changed, as the outputs need it."""

    run_id: int | None
    day: date
    document_ids: list[int]


def write_outputs(layout: VaultLayout, store: Store, run: RunOutputs, settings: OutputSettings,
                  persona: Persona | None = None, now: datetime | None = None) -> list[str]:
    """Write the enabled outputs for a run; returns the vault-relative paths written.
    An output that fails is logged and skipped: it never undoes the run."""
    written: list[str] = []
    stamp = now or datetime.now(timezone.utc)
    starts: set[datetime] = set()  # one invite per start time, however many documents say it
    for document_id in run.document_ids if (settings.drafts or settings.invites) else []:
        doc = store.document(document_id)
        try:
            if settings.drafts:
                request = find_request(doc, persona)
                if request is not None:
                    stem = safe_stem(f"{doc.date.isoformat() + ' ' if doc.date else ''}Re {doc.title}")
                    _put(layout, f"{settings.outbox}/{stem}.md", draft_note(request, settings.compose),
                         written)
            if settings.invites:
                _write_invites(layout, doc, settings, persona, stamp, written, starts)
        except FactbookError as exc:
            log.warning("%s: no output written (%s)", doc.path, exc)
    if settings.digest:
        text = digest_note(store, run.day, settings.due_within_days, persona)
        _put(layout, f"{settings.digest_folder}/{run.day.isoformat()}.md", text, written,
             replace=True)
    return written


def _write_invites(layout: VaultLayout, doc, settings: OutputSettings, persona: Persona | None,
                   stamp: datetime, written: list[str], starts: set[datetime]) -> None:
    addresses = addresses_from_meta(doc.meta)
    organizer = (persona.name, persona.emails[0]) if persona and persona.emails else None
    for meeting in find_meetings(doc, addresses):
        wall = meeting.start.replace(tzinfo=None)
        if wall in starts:
            continue
        starts.add(wall)
        ics = invite_ics(meeting, doc, stamp, organizer,
                         link(doc.note_path) if doc.note_path else "")
        _put(layout, f"{settings.outbox}/{safe_stem(invite_name(meeting))}.ics", ics, written)


def _put(layout: VaultLayout, rel: str, text: str, written: list[str], replace: bool = False) -> None:
    """Write one output; never over a different file of the same name (that may be the
    user's edited draft) unless `replace` (the digest, which factbook owns)."""
    path, stem, n = layout.root / rel, rel.rsplit(".", 1), 2
    while not replace and path.exists() and path.read_bytes() != text.encode("utf-8"):
        rel = f"{stem[0]} ({n}).{stem[1]}"
        path, n = layout.root / rel, n + 1
    if write_atomic(Path(path), text):
        written.append(rel)
