"""The knowledge store: the system of record behind the vault.

`open_store` is the factory: SQLite inside the vault by default. A store that is missing
or empty in a vault that already has factbook's notes is refused (taking it as new would
bring back what the person deleted and revert what they edited): `factbook doctor --fix`
starts a fresh one knowingly, and the notes' own block ids and text then rebuild it as the
documents are ingested again (vault/unknown.py).
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from filelock import FileLock, Timeout

from factbook.errors import StoreError
from factbook.store.base import Store
from factbook.store.sqlite import SQLiteStore

STORE_FILE = "factbook.db"
_BLOCK = re.compile(rb"\s\^[ft]-[0-9a-f]{6,}\s*$", re.MULTILINE)
_SKIP_DIRS = {".git", ".obsidian", ".trash", ".factbook", "node_modules"}
_LOOK_AT = 5000  # notes looked at, at most, to tell whether a vault has factbook's notes


def open_store(state_dir: Path, fresh_ok: bool = False) -> Store:
    """Open (creating and migrating as needed) the store kept in `state_dir`.

    A missing or empty store in a vault with factbook's notes raises `StoreError`,
    unless `fresh_ok` (doctor --fix making a fresh store on purpose).
    """
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / STORE_FILE
    if not fresh_ok and _is_empty(path) and has_factbook_notes(state_dir.parent):
        state = "empty" if path.exists() else "missing"
        raise StoreError(f"{path}: the store is {state}, but the vault has factbook's notes",
                         hint="run `factbook doctor --fix` to start a new store, then ingest your"
                              " documents again: the notes' own lines rebuild it")
    # Opening migrates: first runs racing on a new vault take turns (and re-check).
    try:
        with FileLock(str(state_dir / "store.lock"), timeout=120):
            return SQLiteStore(path)
    except Timeout as exc:
        raise StoreError(f"{path}: another program has been opening the store for 2 minutes",
                         hint="wait for it to finish, then run again") from exc


def _is_empty(path: Path) -> bool:
    try:
        return path.stat().st_size == 0
    except FileNotFoundError:
        return True


def has_factbook_notes(root: Path) -> bool:
    """True when some note in the vault carries a factbook block id (`^f-…`, `^t-…`)."""
    seen = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
        for name in files:
            if not name.endswith(".md"):
                continue
            seen += 1
            try:
                with open(os.path.join(folder, name), "rb") as handle:
                    if _BLOCK.search(handle.read(256 * 1024)):
                        return True
            except OSError:
                continue
            if seen >= _LOOK_AT:
                return False
    return False
