"""Reading a note factbook has no record of writing: after a store was lost, the note on
disk is the person's truth.

When the store holds no rendering of a note (it was rebuilt after damage, or lost) but
the note on disk carries factbook's block ids, the lines there are what the person
last saw and kept: a fact line with other words keeps the person's words, a task line
keeps its state, a fact or task whose line is gone (while the sources it cites were
already in the vault) is tombstoned, a removed `needs-review` settles the items, and
added aliases are kept. Lines without a block id are left to the conservative merge
(vault/ownership.py), which keeps every line it cannot match to factbook's.
"""
from __future__ import annotations

import os
from pathlib import Path

from factbook.store.base import Store
from factbook.vault.ownership import block_id_of
from factbook.vault.readback import apply_read_back, parse_fact_line, read_back

_SKIP_DIRS = {".git", ".obsidian", ".trash", ".factbook", "node_modules"}


def carries_block_ids(text: str) -> bool:
    """True when a note has at least one factbook block line (`^f-…`, `^t-…`)."""
    return any(block_id_of(line) for line in text.splitlines())


class NoteStems:
    """The names of the notes in the vault before this run's writes (lazily listed)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._stems: set[str] | None = None

    def __contains__(self, stem: str) -> bool:
        if self._stems is None:
            self._stems = set()
            for folder, dirs, files in os.walk(self.root):
                dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
                self._stems |= {Path(f).stem.casefold() for f in files if f.endswith(".md")}
        return stem.casefold() in self._stems


def read_back_unknown(store: Store, rel: str, rendered: str, disk: str, stems: NoteStems) -> int:
    """Take the person's changes from a note the store has no rendering of, comparing it
    with factbook's rendering now; returns how many changes were recorded."""
    if not carries_block_ids(disk):
        return 0
    rb = read_back(rendered, disk)
    rb.tombstones = []  # without a record, only block lines and tags are surely factbook's
    lines = {block_id_of(line): line for line in rendered.splitlines() if block_id_of(line)}
    rb.deleted_blocks = [bid for bid in rb.deleted_blocks
                         if bid.startswith("t-") or _sources_were_there(lines.get(bid, ""), stems)]
    return apply_read_back(store, rel, rb, store.max_review_id())


def _sources_were_there(line: str, stems: NoteStems) -> bool:
    """True when every source a fact line cites already had its note in the vault (so the
    person saw the line and deleted it, rather than the line being new)."""
    links = parse_fact_line(line).links
    names = [link.strip("[]").split("|")[0].split("#")[0].rsplit("/", 1)[-1] for link in links]
    return bool(names) and all(name in stems for name in names)
