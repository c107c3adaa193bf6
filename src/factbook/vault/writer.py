"""Atomic file writes for the vault: temp file in the same folder, fsync, rename.

Every temp file factbook creates ends in `TEMP_SUFFIX` and is hidden (starts with
a dot), so a leftover from a killed run is recognisable and is swept by the next
run (vault/journal.py) without ever touching a file a person made.
"""
from __future__ import annotations

import hashlib
import os
import signal
from pathlib import Path

from factbook.errors import VaultError

TEMP_SUFFIX = ".factbook-tmp"
# Test hook for the crash harness (tests/test_crash.py): the process kills itself with
# SIGKILL right after this many file-system steps (temp write, rename, journal step).
KILL_ENV = "FACTBOOK_TEST_KILL_AFTER_WRITES"

_steps = 0


def text_hash(text: str) -> str:
    """The sha256 of a note's text as written (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def temp_path(path: Path, tag: str) -> Path:
    """The hidden temp file a write of `path` goes through."""
    return path.with_name(f".{path.name}.{tag}{TEMP_SUFFIX}")


def step_done() -> None:
    """Count one durable file-system step; under the crash harness, die after the Nth."""
    global _steps
    _steps += 1
    limit = os.environ.get(KILL_ENV)
    if limit and _steps >= int(limit):
        os.kill(os.getpid(), signal.SIGKILL)


def write_file_synced(path: Path, data: bytes, sync: bool = True) -> None:
    """Create or replace `path` with `data`, fsynced unless `sync` is False (the caller
    then makes many files durable with one `os.sync()`); no rename: for temp files."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        if sync:
            os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, text: str) -> bool:
    """Write `text` to `path` so that a crash leaves either the old or the new file.

    Returns False (and writes nothing) when the file already holds exactly `text`.
    Raises `VaultError` with the reason (disk full, read-only) and leaves no temp file.
    """
    data = text.encode("utf-8")
    try:
        if path.exists() and path.read_bytes() == data:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = temp_path(path, f"{os.getpid()}")
        try:
            write_file_synced(tmp, data)
            step_done()
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        fsync_dir(path.parent)
        step_done()
    except OSError as exc:
        raise write_error(path, exc) from exc
    return True


def write_error(path: Path, exc: OSError) -> VaultError:
    """A clear `VaultError` for a failed write, saying why in words a person acts on."""
    import errno

    reasons = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
               errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied",
               errno.EPERM: "permission denied"}
    reason = reasons.get(exc.errno, exc.strerror or str(exc))
    return VaultError(f"{path}: cannot write ({reason})",
                      hint="free space or make the vault writable, then run again")


def fsync_dir(folder: Path) -> None:
    """Make a rename in `folder` durable (best effort: not every OS allows it)."""
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
    """Write many files atomically, cheaply: every new content goes to a temp file beside
    its file, one `sync` makes them durable, then each is renamed into place and each
    folder is synced once. A crash leaves every file either old or new (and at most
    hidden temp files, which the next run sweeps).

    Returns the paths that changed (unchanged files are not touched).
    """
    pending: list[tuple[Path, Path]] = []
    tag = f"{os.getpid()}"
    try:
        for path, content in items:
            data = content.encode("utf-8") if isinstance(content, str) else content
            if path.exists() and path.read_bytes() == data:
                continue
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = temp_path(path, tag)
            pending.append((path, tmp))
            write_file_synced(tmp, data, sync=False)
            step_done()
        if pending:
            os.sync()
        for path, tmp in pending:
            os.replace(tmp, path)
            step_done()
        for folder in {path.parent for path, _ in pending}:
            fsync_dir(folder)
    except OSError as exc:
        for _, tmp in pending:
            tmp.unlink(missing_ok=True)
        raise write_error(Path(exc.filename or (pending[-1][0] if pending else "vault")), exc) \
            from exc
    return [path for path, _ in pending]
