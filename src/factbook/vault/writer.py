"""Atomic note writes: temp file in the same folder, fsync, rename; unchanged files untouched."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from factbook.errors import VaultError


def text_hash(text: str) -> str:
    """The sha256 of a note's text as written (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def write_atomic(path: Path, text: str) -> bool:
    """Write `text` to `path` so that a crash leaves either the old or the new file.

    Returns False (and writes nothing) when the file already holds exactly `text`.
    """
    data = text.encode("utf-8")
    try:
        if path.exists() and path.read_bytes() == data:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        _fsync_dir(path.parent)
    except OSError as exc:
        raise VaultError(f"{path}: cannot write the note ({exc.strerror or exc})",
                         hint="check the vault is writable and the disk has room") from exc
    return True


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
