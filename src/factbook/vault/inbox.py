"""After a successful run, the Inbox files it read move to `Inbox/processed/`.

Their bytes are kept twice over (the source's original copy, and the moved file), so
nothing is lost; what changes is that a later run no longer reports them as duplicates
of themselves, and their raw checkboxes no longer show up in vault-wide Tasks queries
from the Inbox. Files that failed stay where they are, for the person to look at.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from factbook.sources import PROCESSED

log = logging.getLogger(__name__)


def file_processed(inbox: Path, files: list[Path], failed: set[str]) -> list[str]:
    """Move the Inbox files of a successful run to `Inbox/processed/` (keeping their
    sub-folders); returns the new paths. A file that cannot be moved stays (logged)."""
    moved: list[str] = []
    inbox_real = inbox.resolve()
    for path in files:
        if str(path) in failed:
            continue
        try:
            rel = path.resolve().relative_to(inbox_real)
        except (ValueError, OSError):
            continue  # not from the Inbox
        if rel.parts[:1] == (PROCESSED,):
            continue
        target = _free(inbox / PROCESSED / rel)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, target)
        except OSError as exc:
            log.warning("%s: could not move it to %s (%s)", path, PROCESSED, exc.strerror or exc)
            continue
        moved.append(str(target))
    return moved


def _free(target: Path) -> Path:
    n = 2
    candidate = target
    while candidate.exists():
        candidate = target.with_name(f"{target.stem} ({n}){target.suffix}")
        n += 1
    return candidate
