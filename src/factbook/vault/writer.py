"""Atomic note writes: temp file in the same folder, fsync, rename; unchanged files untouched."""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from factbook.errors import VaultError


class NoteChangedError(VaultError):
    """A note changed on disk between factbook reading it and writing it."""


def text_hash(text: str) -> str:
    """The sha256 of a note's text as written (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Anything:
    """The default of `write_atomic(expect=...)`: no check of what is on disk."""


ANYTHING = _Anything()


def write_atomic(path: Path, text: str, expect: str | None | _Anything = ANYTHING) -> bool:
    """Write `text` to `path` so that a crash leaves either the old or the new file.

    Returns False (and writes nothing) when the file already holds exactly `text`.
    With `expect` (the text read before merging, None for "no file"), a note the person
    changed meanwhile is not overwritten: `NoteChangedError` is raised instead.
    """
    data = text.encode("utf-8")
    try:
        current = path.read_bytes() if path.exists() else None
        if current == data:
            return False
        if not isinstance(expect, _Anything):
            wanted = expect.encode("utf-8") if expect is not None else None
            if current != wanted:
                raise NoteChangedError(f"{path}: the note changed while factbook was merging it; "
                                       "left as it is", hint="run the command again")
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


def write_batch(items: list[tuple[Path, str | bytes]], expect: dict[Path, str | None] | None = None,
                skipped: list[Path] | None = None) -> list[Path]:
    """Write many notes atomically, cheaply: every new text goes to a temp file beside its
    note, one `sync` makes them durable, then each is renamed over its note and each
    folder is synced once. A crash leaves every note either old or new.

    With `expect` (path -> the text read before merging, None for "no file"), a note that
    changed on disk meanwhile is not overwritten; its path is added to `skipped`.
    Returns the paths that changed (unchanged files are not touched).
    """
    pending: list[tuple[Path, str]] = []
    try:
        for path, content in items:
            data = content.encode("utf-8") if isinstance(content, str) else content
            current = path.read_bytes() if path.exists() else None
            if current == data:
                continue
            if expect is not None and path in expect:
                wanted = expect[path]
                if current != (wanted.encode("utf-8") if wanted is not None else None):
                    if skipped is not None:
                        skipped.append(path)
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
