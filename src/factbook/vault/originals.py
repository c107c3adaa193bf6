"""Originals kept byte for byte under `.factbook/originals/`, content addressed.

Each ingested file is copied once to `originals/<sha256[:2]>/<sha256><suffix>`
(the hash of the whole file, so an mbox is kept once for all its messages);
the same bytes dropped again are not copied again, and nothing the user
dropped is ever moved or deleted.
"""
from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath

from factbook.config import STATE_DIR
from factbook.errors import VaultError
from factbook.vault.writer import write_batch

ORIGINALS = "originals"


def original_path(data: bytes, suffix: str) -> str:
    """The vault-relative POSIX path where bytes `data` with file ending `suffix` are kept."""
    digest = hashlib.sha256(data).hexdigest()
    return str(PurePosixPath(STATE_DIR, ORIGINALS, digest[:2], digest + suffix.lower()))


def keep_originals(root: Path, sources: list[Path], dry_run: bool = False) -> list[str]:
    """Copy each of `sources` into the vault's originals (unless already there), in one
    atomic batch; returns their vault-relative paths in order. A dry run computes the
    paths and writes nothing."""
    paths: list[str] = []
    pending: dict[str, bytes] = {}
    for source in sources:
        try:
            data = source.read_bytes()
        except OSError as exc:
            raise VaultError(f"{source}: cannot be kept as an original ({exc.strerror or exc})") from exc
        rel = original_path(data, source.suffix)
        paths.append(rel)
        if not (root / rel).exists():
            pending[rel] = data
    if pending and not dry_run:
        write_batch([(root / rel, data) for rel, data in pending.items()])
    return paths
