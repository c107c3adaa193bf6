"""The run journal: what makes a run all-or-nothing across the store and the notes.

A run's store changes are one transaction. Its note writes are staged: each new
text goes to a hidden temp file beside its note, and the list of staged files is
appended to `.factbook/journal` *before* the file is created. Only once every
note is staged (and the journal synced) does the store commit, recording the
journal's token in the same transaction; then the temp files are renamed over
the notes and the journal is deleted.

Each staged note carries its pre-image (the hash and text of the note as factbook
read it): a note the person saved since then is never renamed over, it is merged with
the newer text first (vault/premerge.py), at the end of a run and in a roll-forward
alike.

So a run killed at any moment leaves each note either as before or as after,
and `recover` (run under the vault lock before anything else) decides from the
store alone what happened: token committed -> rename the remaining temp files
(roll forward); not committed -> delete them (roll back). Stray temp files from
any other interrupted write are swept.
"""
from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from factbook.errors import VaultError
from factbook.store.base import Store
from factbook.vault.layout import inside_vault
from factbook.vault.premerge import pre_hash, read_bytes, replace_checked
from factbook.vault.writer import (
    TEMP_SUFFIX, fsync_dir, step_done, temp_path, write_error, write_file_synced,
)

log = logging.getLogger(__name__)

JOURNAL_FILE = "journal"
# Folders never searched for stray temp files: version control and editor state.
_SKIP_DIRS = {".git", ".obsidian", ".trash", "node_modules"}


@dataclass
class Recovery:
    """What `recover` found and did."""

    action: str = "none"  # "none", "rolled-forward" or "rolled-back"
    notes: int = 0        # temp files renamed into place or removed for the journal
    strays: int = 0       # other leftover temp files removed
    runs_interrupted: int = 0


class Journal:
    """The staged note writes of one run."""

    def __init__(self, root: Path, state_dir: Path) -> None:
        self.root = root
        self.state_dir = state_dir
        self.token = uuid.uuid4().hex
        self.file = state_dir / JOURNAL_FILE
        self.staged: dict[str, Path] = {}
        self.pre: dict[str, tuple[str, str | None]] = {}  # rel -> (hash, text) as read
        self.merged: list[str] = []  # notes merged with a save made during the run
        self._created_dirs: list[Path] = []
        self._handle: IO[str] | None = None

    def stage(self, rel: str, text: str, before: str | None | bool = False) -> bool:
        """Stage `text` as the new content of the vault-relative note `rel`; `before` is
        the note's text as read when `text` was made from it (None: there was no note;
        False: read it now).

        Returns False (staging nothing) when the note already holds exactly `text`.
        """
        target = inside_vault(self.root, rel)
        data = text.encode("utf-8")
        try:
            current = _read(target)
            if rel not in self.staged and current == data:
                return False
            if before is False:
                before = current.decode("utf-8", "replace") if current is not None else None
            tmp = temp_path(target, self.token[:8])
            if self._handle is None:
                self._start()
            self._make_parents(target.parent)
            if rel not in self.staged:
                pre = pre_hash(before.encode("utf-8") if isinstance(before, str) else None)
                self.pre[rel] = (pre, before if isinstance(before, str) else None)
                self._record({"path": rel, "temp": tmp.relative_to(self.root).as_posix(),
                              "pre": pre, "pre_text": self.pre[rel][1]})
            self.staged[rel] = tmp  # before writing: a half-written temp file is aborted too
            write_file_synced(tmp, data, sync=False)  # made durable all at once in `seal`
        except OSError as exc:
            raise write_error(target, exc) from exc
        step_done()
        return True

    def staged_text(self, rel: str) -> str | None:
        """The text staged for `rel` in this run (what the note will hold), None if none."""
        tmp = self.staged.get(rel)
        if tmp is None:
            return None
        try:
            return tmp.read_bytes().decode("utf-8")
        except OSError as exc:
            raise write_error(tmp, exc) from exc

    def seal(self) -> None:
        """Make the journal durable: called just before the store commits."""
        if self._handle is None:
            return
        try:
            self._handle.flush()
            # One sync for every staged temp file (far cheaper than an fsync per note).
            os.sync()
            os.fsync(self._handle.fileno())
        except OSError as exc:
            raise write_error(self.file, exc) from exc
        step_done()

    def apply(self) -> None:
        """Rename every staged file over its note, then delete the journal."""
        folders: set[Path] = set()
        try:
            for rel, tmp in self.staged.items():
                target = inside_vault(self.root, rel)
                pre, pre_text = self.pre.get(rel, (None, None))
                if pre is None:
                    os.replace(tmp, target)
                elif replace_checked(tmp, target, pre, pre_text):
                    self.merged.append(rel)
                    log.info("%s: saved during the run; merged with factbook's changes", rel)
                folders.add(target.parent)
                step_done()
            for folder in folders:
                fsync_dir(folder)
            self._finish()
        except OSError as exc:
            raise VaultError(f"{self.root}: the run's store changes are saved but its notes could"
                             f" not all be put in place ({exc.strerror or exc})",
                             hint="run `factbook doctor --fix` (or any ingest) to finish them") from exc

    def abort(self) -> None:
        """Undo the staging: delete temp files, folders made for them, and the journal."""
        for tmp in self.staged.values():
            _unlink(tmp)
        for folder in reversed(self._created_dirs):
            _rmdir(folder)
        self.staged.clear()
        try:
            self._finish()
        except OSError:
            log.warning("could not remove %s; the next run will roll it back", self.file)

    # -- plumbing ---------------------------------------------------------------------------

    def _start(self) -> None:
        self.state_dir.mkdir(parents=True, exist_ok=True)
        self._handle = open(self.file, "w", encoding="utf-8")  # noqa: SIM115 (closed in _finish)
        self._record({"token": self.token, "version": 1})
        self._handle.flush()
        os.fsync(self._handle.fileno())
        fsync_dir(self.state_dir)
        step_done()

    def _record(self, entry: dict[str, str | int]) -> None:
        # One JSON object per line; flushed so a killed process leaves it in the OS cache.
        assert self._handle is not None
        self._handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._handle.flush()

    def _make_parents(self, folder: Path) -> None:
        missing = []
        while not folder.exists() and folder != self.root:
            missing.append(folder)
            folder = folder.parent
        for path in reversed(missing):
            self._record({"dir": path.relative_to(self.root).as_posix()})
            path.mkdir()
            self._created_dirs.append(path)

    def _finish(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self._handle = None
            self.file.unlink(missing_ok=True)
            fsync_dir(self.state_dir)
            step_done()


@contextmanager
def journaled(root: Path, state_dir: Path, store: Store) -> Iterator[Journal]:
    """A store transaction and a journal that commit together (see the module docstring).

    Any exception inside the block rolls both back: the store is unchanged and no
    note or temp file is left.
    """
    journal = Journal(root, state_dir)
    try:
        with store.transaction():
            yield journal
            if journal.staged:
                journal.seal()
                store.mark_journal_committed(journal.token)
    except BaseException:
        journal.abort()
        raise
    if journal.staged:
        step_done()
    journal.apply()


def recover(root: Path, state_dir: Path, committed: Callable[[str], bool]) -> Recovery:
    """Finish or undo a journal a killed run left, then remove stray temp files."""
    result = Recovery()
    path = state_dir / JOURNAL_FILE
    if path.exists():
        token, entries = _read_journal(path)
        forward = token is not None and committed(token)
        result.action = "rolled-forward" if forward else "rolled-back"
        for entry in entries:
            if "temp" not in entry:
                continue
            tmp = inside_vault(root, entry["temp"])
            if not tmp.exists():
                continue
            if forward:
                _roll_forward(root, entry, tmp)
            else:
                tmp.unlink()
            result.notes += 1
        if not forward:
            for entry in reversed(entries):
                if "dir" in entry:
                    _rmdir(inside_vault(root, entry["dir"]))
        path.unlink()
        fsync_dir(state_dir)
        # info, not warning: the run's report says it (RunReport.recovered)
        log.info("a previous run was interrupted: %s %d notes", result.action, result.notes)
    result.strays = sweep_temp_files(root)
    return result


def recover_vault(root: Path, state_dir: Path, store: Store) -> Recovery:
    """`recover`, plus marking runs a kill left as "running" as "interrupted".

    Call it holding the vault lock: no other run can then be in progress.
    """
    try:
        result = recover(root, state_dir, store.journal_committed)
    except OSError as exc:
        raise VaultError(f"{root}: cannot finish the interrupted run ({exc.strerror or exc})",
                         hint="make the vault writable and run again") from exc
    with store.transaction():
        for run in store.runs(50):
            if run["status"] == "running":
                store.finish_run(run["id"], "interrupted", run["report"] or {})
                result.runs_interrupted += 1
    return result


def sweep_temp_files(root: Path) -> int:
    """Delete factbook's leftover temp files anywhere in the vault; returns how many."""
    removed = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS]
        for name in files:
            if name.startswith(".") and name.endswith(TEMP_SUFFIX):
                _unlink(Path(folder) / name)
                removed += 1
    return removed


def _roll_forward(root: Path, entry: dict, tmp: Path) -> None:
    """Put one staged note in place, merged with what the person typed since the crash."""
    target = inside_vault(root, entry["path"])
    if "pre" not in entry:  # a journal written before pre-images were kept
        os.replace(tmp, target)
        return
    if replace_checked(tmp, target, entry["pre"], entry.get("pre_text")):
        log.info("%s: changed since the interrupted run read it; merged", entry["path"])


def _read_journal(path: Path) -> tuple[str | None, list[dict]]:
    token: str | None = None
    entries: list[dict] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue  # a line torn by the kill: its temp file is swept as a stray
        if not isinstance(entry, dict):
            continue
        if "token" in entry:
            token = str(entry["token"])
        else:
            entries.append({k: (None if v is None else str(v)) for k, v in entry.items()})
    return token, entries


def _read(path: Path) -> bytes | None:
    return read_bytes(path)


def _unlink(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        log.warning("could not remove %s", path)


def _rmdir(path: Path) -> None:
    try:
        path.rmdir()
    except OSError:
        pass  # not empty (a person put something there) or already gone
