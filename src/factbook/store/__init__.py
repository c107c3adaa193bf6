"""The knowledge store: the system of record behind the vault.

`open_store` is the factory: SQLite inside the vault by default.
"""
from __future__ import annotations

from pathlib import Path

from factbook.store.base import Store
from factbook.store.sqlite import SQLiteStore


def open_store(state_dir: Path) -> Store:
    """Open (creating and migrating as needed) the store kept in `state_dir`."""
    state_dir.mkdir(parents=True, exist_ok=True)
    return SQLiteStore(state_dir / "factbook.db")
