"""Reads taken as "not now": a note seen empty, or sharply shrunk, is not read back.

A 0-byte note (a crash mid-save, an editor that truncates before it writes, a sync
client) or one that suddenly lost most of factbook's lines is far more often caught
in the middle of something than deliberately emptied. Such a read is never taken as
the person deleting lines: the note is neither read back nor written, and the run
goes on. A shrunk (non-empty) note still the same on the next run was meant: it is
read back then. An empty entity note never is (merge or forget the entity instead).

What was deferred is kept in `.factbook/deferred.json` (path -> hash of the read).
"""
from __future__ import annotations

import json
import logging
from pathlib import Path

from factbook.vault.ownership import block_id_of
from factbook.vault.writer import text_hash, write_atomic

log = logging.getLogger(__name__)

DEFERRED_FILE = "deferred.json"
# A read keeping less than this share of the factbook block lines factbook last wrote,
# in less than half the text, is "sharply shrunk" (with at least MIN_BLOCKS lines before).
KEEP_SHARE = 0.25
MIN_BLOCKS = 4


def suspect_read(base: str | None, disk: str) -> bool:
    """True for a read that may be a note caught mid-save: empty, or sharply shrunk."""
    if not disk.strip():
        return True
    if base is None:
        return False
    before = _block_ids(base)
    if len(before) < MIN_BLOCKS:
        return False
    kept = len(before & _block_ids(disk))
    return kept < KEEP_SHARE * len(before) and len(disk) * 2 < len(base)


def _block_ids(text: str) -> set[str]:
    return {bid for line in text.splitlines() if (bid := block_id_of(line))}


class Deferrals:
    """The notes deferred by earlier runs, and what this run decides about each."""

    def __init__(self, state_dir: Path) -> None:
        self.file = state_dir / DEFERRED_FILE
        try:
            self.entries: dict[str, dict] = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.entries = {}
        self._changed = False

    def read_now(self, rel: str, base: str | None, disk: str) -> bool:
        """True when `disk` may be read back now; otherwise the note is deferred."""
        if not suspect_read(base, disk):
            return True
        digest = text_hash(disk)
        entry = self.entries.get(rel)
        if entry and entry.get("hash") == digest and disk.strip():
            if not entry.get("accepted"):
                entry["accepted"] = True
                self._changed = True
            return True
        if entry != {"hash": digest, "accepted": False}:
            self.entries[rel] = {"hash": digest, "accepted": False}
            self._changed = True
        if disk.strip():
            log.warning("%s: the note is much shorter than factbook last wrote it; not read back"
                        " now (if that is meant, the next run reads it)", rel)
        else:
            log.warning("%s: the note is empty; not read back (an empty note never deletes its"
                        " lines: restore it, or delete its lines one by one)", rel)
        return False

    def write_now(self, rel: str, base: str | None, disk: str | None) -> bool:
        """True when the note may be written now (never over a deferred read)."""
        if disk is None or not suspect_read(base, disk):
            return True
        digest = text_hash(disk)
        entry = self.entries.get(rel)
        if entry and entry.get("accepted") and entry.get("hash") == digest:
            del self.entries[rel]
            self._changed = True
            return True
        if not entry or entry.get("hash") != digest:
            self.entries[rel] = {"hash": digest, "accepted": False}
            self._changed = True
            log.warning("%s: the note is empty or much shorter than factbook last wrote it;"
                        " not written now", rel)
        return False

    def save(self) -> None:
        """Keep the deferrals for the next run (best effort)."""
        if not self._changed:
            return
        try:
            if self.entries:
                write_atomic(self.file, json.dumps(self.entries, indent=1, sort_keys=True))
            else:
                self.file.unlink(missing_ok=True)
        except Exception:  # noqa: BLE001 - advisory state; the next run defers again
            log.debug("could not save %s", self.file, exc_info=True)
        self._changed = False
