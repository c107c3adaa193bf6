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


def write_batch(items: list[tuple[Path, str | bytes]]) -> list[Path]:
    """Write many notes atomically, cheaply: every new text goes to a temp file beside its
    note, one `sync` makes them durable, then each is renamed over its note and each
    folder is synced once. A crash leaves every note either old or new.

    Returns the paths that changed (unchanged files are not touched).
    """
    pending: list[tuple[Path, str]] = []
    try:
        for path, content in items:
            data = content.encode("utf-8") if isinstance(content, str) else content
            if path.exists() and path.read_bytes() == data:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            pending.append((path, tmp))
        if pending:
            os.sync()
        for path, tmp in pending:
            os.replace(tmp, path)
        for folder in {path.parent for path, _ in pending}:
            _fsync_dir(folder)
    except OSError as exc:
        for _, tmp in pending:
            Path(tmp).unlink(missing_ok=True)
        raise VaultError(f"cannot write notes ({exc.strerror or exc}: {exc.filename or ''})",
                         hint="check the vault is writable and the disk has room") from exc
    return [path for path, _ in pending]
