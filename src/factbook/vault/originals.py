"""Originals kept byte for byte under `.factbook/originals/`, content addressed.

Each ingested file is copied once to `originals/<sha256[:2]>/<sha256><suffix>`
(the hash of the whole file, so an mbox is kept once for all its messages);
the same bytes dropped again are not copied again, and nothing the user
dropped is ever moved or deleted.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path, PurePosixPath

from factbook.config import STATE_DIR
from factbook.errors import VaultError

ORIGINALS = "originals"


def original_path(data: bytes, suffix: str) -> str:
    """The vault-relative POSIX path where bytes `data` with file ending `suffix` are kept."""
    digest = hashlib.sha256(data).hexdigest()
    return str(PurePosixPath(STATE_DIR, ORIGINALS, digest[:2], digest + suffix.lower()))


def keep_original(root: Path, source: Path, dry_run: bool = False) -> str:
    """Copy `source` into the vault's originals (unless already there); returns its
    vault-relative path. A dry run computes the path and writes nothing."""
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise VaultError(f"{source}: cannot be kept as an original ({exc.strerror or exc})") from exc
    rel = original_path(data, source.suffix)
    target = root / rel
    if dry_run or target.exists():
        return rel
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".orig.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise VaultError(f"{target}: cannot write the original ({exc.strerror or exc})",
                         hint="check the vault is writable and the disk has room") from exc
    return rel
