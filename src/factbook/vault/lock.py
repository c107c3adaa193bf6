"""One run at a time per vault: an exclusive lock on `.factbook/lock`.

Every command that changes the vault or the store (ingest, watch, rebuild,
doctor --fix) takes it through `vault_lock`, so two runs never interleave their
writes. A second run either fails at once with `VaultLockedError` naming the
holder, or (asked to wait) waits for the first to finish.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

from factbook.errors import VaultError, VaultLockedError

log = logging.getLogger(__name__)

LOCK_FILE = "lock"
# Who holds the lock, for the second run's message (the lock file itself is truncated by
# every process that tries it, so the holder is written next to it).
HOLDER_FILE = "lock.holder"

# Locks this process already holds, by path: nested uses (watch -> ingest) re-enter.
_held: dict[str, int] = {}
_held_guard = threading.Lock()


@contextmanager
def vault_lock(state_dir: Path, wait: bool | float = False,
               on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the vault's lock for the duration of the block.

    `wait=False` fails at once when another run holds it; `wait=True` waits as long
    as it takes; a number waits that many seconds. `on_wait` is told (once) who is
    being waited for.
    """
    key = str(state_dir.resolve())
    with _held_guard:
        if key in _held:
            _held[key] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _held_guard:
                _held[key] -= 1
        return
    lock = _acquire(state_dir, wait, on_wait)
    with _held_guard:
        _held[key] = 1
    try:
        _write_holder(state_dir)
        yield
    finally:
        with _held_guard:
            _held.pop(key, None)
        _clear_holder(state_dir)
        lock.release()


def _acquire(state_dir: Path, wait: bool | float,
             on_wait: Callable[[str], None] | None) -> FileLock:
    try:
        state_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(state_dir / LOCK_FILE))
        try:
            lock.acquire(timeout=0)
            return lock
        except Timeout:
            pass
        holder = describe_holder(state_dir)
        if wait is False:
            raise VaultLockedError(
                f"{state_dir.parent}: another factbook run is using this vault ({holder})",
                hint="wait for it to finish, or run again with --wait")
        message = f"waiting for the other factbook run to finish ({holder})"
        if on_wait:
            on_wait(message)
        else:
            log.warning("%s", message)
        try:
            lock.acquire(timeout=-1 if wait is True else float(wait))
        except Timeout:
            raise VaultLockedError(
                f"{state_dir.parent}: still in use by another factbook run after {wait} s ({holder})",
                hint="try again later") from None
        return lock
    except OSError as exc:
        raise VaultError(f"{state_dir}: cannot take the vault lock ({exc.strerror or exc})",
                         hint="check the vault is writable") from exc


def describe_holder(state_dir: Path) -> str:
    """Who holds the lock, as far as its holder file says."""
    try:
        info = json.loads((state_dir / HOLDER_FILE).read_text(encoding="utf-8"))
        return f"pid {info['pid']}, started {info['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "holder unknown"


def _write_holder(state_dir: Path) -> None:
    info = {"pid": os.getpid(), "since": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "argv": sys.argv[:4]}
    try:
        (state_dir / HOLDER_FILE).write_text(json.dumps(info), encoding="utf-8")
    except OSError:
        # The holder file only improves a message; a read-only state dir must not stop a run.
        log.debug("cannot write %s", state_dir / HOLDER_FILE)


def _clear_holder(state_dir: Path) -> None:
    try:
        (state_dir / HOLDER_FILE).unlink(missing_ok=True)
    except OSError:
        pass
