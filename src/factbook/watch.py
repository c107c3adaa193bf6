"""`factbook watch`: ingest what is dropped into the vault's Inbox, as it arrives.

watchdog reports file events; they are collected and debounced (a run starts
once the Inbox has been quiet for `debounce` seconds), and runs happen one at a
time on the watching thread. A file is taken only once it is stable: where the
platform reports closes (Linux), not while a writer still has it open since its
last change, however long the copy stalls; everywhere, not while its size or
modification time differs from what the last event saw. `ingest_paths` is also what the MCP server's ingest uses.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from factbook.errors import ConfigError, FactbookError
from factbook.extract import make_extractor
from factbook.glossary import load_glossary
from factbook.outputs import outputs_from_config
from factbook.persona import persona_from_config
from factbook.pipeline import RunReport, ingest
from factbook.profiles import profiles_from_config
from factbook.sources import PROCESSED
from factbook.store import open_store
from factbook.vault.layout import VaultLayout

log = logging.getLogger(__name__)

DEBOUNCE_SECONDS = 2.0
# Editors and browsers write these next to the real file; they are never documents.
_TEMPORARY_SUFFIXES = (".tmp", ".part", ".crdownload", ".swp", "~")


def ingest_paths(layout: VaultLayout, paths: list[Path], extractor: str | None = None) -> RunReport:
    """One ingest run over `paths`, configured as `factbook ingest` configures it: the
    vault's extractor (or `extractor`), persona, glossary, profiles, outputs and git
    commit setting. It waits for a run already holding the vault rather than failing."""
    raw = layout.config.raw
    store = open_store(layout.state_dir)
    try:
        chosen = make_extractor(extractor or layout.config.extractor, layout.config.llm, store)
        return ingest(paths, layout, store, chosen, max_file_bytes=layout.config.max_file_bytes,
                      wait=True, commit=layout.config.commit,
                      persona=persona_from_config(raw), glossary=load_glossary(layout.state_dir),
                      profiles=profiles_from_config(raw), outputs=outputs_from_config(raw))
    finally:
        store.close()


def wanted(path: Path, inbox: Path) -> bool:
    """True for a file in the Inbox that may be a document (not hidden, not a partial download)."""
    try:
        rel = path.relative_to(inbox)
    except ValueError:
        return False
    if any(part.startswith(".") for part in rel.parts) or rel.parts[:1] == (PROCESSED,):
        return False
    return not path.name.endswith(_TEMPORARY_SUFFIXES)


@dataclass
class _Pending:
    """Paths seen since the last run, and when the last event arrived."""

    paths: set[Path] = field(default_factory=set)
    last_event: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    writing: set[Path] = field(default_factory=set)  # changed, and not closed since
    closes_seen: bool = False  # the platform reports closes after writing
    stats: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def add(self, path: Path, event: str = "modified") -> None:
        """Note an event on `path` (it restarts the quiet period)."""
        with self.lock:
            self.paths.add(path)
            self.last_event = time.monotonic()
            if event == "closed":
                self.closes_seen = True
                self.writing.discard(path)
            elif event in ("created", "modified"):
                self.writing.add(path)
            self.stats[path] = _stat(path)

    def take_if_quiet(self, debounce: float) -> list[Path]:
        """The pending paths that are stable once nothing has happened for `debounce`
        seconds, else []; a file still being written stays pending."""
        with self.lock:
            if not self.paths or time.monotonic() - self.last_event < debounce:
                return []
            taken = [p for p in sorted(self.paths) if self._stable(p)]
            self.paths -= set(taken)
            for path in taken:
                self.stats.pop(path, None)
            return taken

    def _stable(self, path: Path) -> bool:
        if self.closes_seen and path in self.writing:
            return False  # still open for writing (a stalled copy)
        return self.stats.get(path, _stat(path)) == _stat(path)


def _stat(path: Path) -> tuple[int, int]:
    try:
        info = path.stat()
    except OSError:
        return (-1, -1)
    return (info.st_size, info.st_mtime_ns)


def watch(layout: VaultLayout, *, on_run: Callable[[RunReport], None] | None = None,
          on_error: Callable[[FactbookError], None] | None = None,
          debounce: float = DEBOUNCE_SECONDS, max_runs: int | None = None,
          stop: threading.Event | None = None, existing: bool = True,
          run: Callable[[list[Path]], RunReport] | None = None) -> int:
    """Watch the Inbox and ingest what arrives until `stop` is set or `max_runs` runs are done.

    With `existing`, files already in the Inbox are ingested first (the store skips the
    ones it has). A run that fails is reported to `on_error` and the watch goes on (a
    configuration error stops it). Returns the number of runs.
    """
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    inbox = layout.inbox
    inbox.mkdir(parents=True, exist_ok=True)
    pending = _Pending()
    stop = stop or threading.Event()
    run = run or (lambda paths: ingest_paths(layout, paths))

    class Handler(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            """Queue a created, changed or moved-in file of the Inbox."""
            if event.is_directory or event.event_type not in ("created", "modified", "moved", "closed"):
                return
            target = Path(getattr(event, "dest_path", "") or event.src_path)
            if wanted(target, inbox):
                pending.add(target, event.event_type)

    observer = Observer()
    # inotify (Linux) reports every close after writing: a file not closed is still written.
    pending.closes_seen = type(observer).__name__.startswith("Inotify")
    observer.schedule(Handler(), str(inbox), recursive=True)
    observer.start()
    if existing:
        for path in inbox.rglob("*"):
            if path.is_file() and wanted(path, inbox):
                pending.add(path, "existing")
    runs = 0
    try:
        while not stop.is_set() and (max_runs is None or runs < max_runs):
            paths = [p for p in pending.take_if_quiet(debounce) if p.is_file()]
            if not paths:
                stop.wait(min(0.2, debounce / 4 or 0.05))
                continue
            runs += 1
            try:
                report = run(paths)
            except ConfigError:
                raise  # no later run can do better
            except FactbookError as exc:
                # The files stay in the Inbox; the next `factbook ingest` reads them.
                log.warning("run failed: %s", exc)
                if on_error:
                    on_error(exc)
                continue
            if on_run:
                on_run(report)
    finally:
        observer.stop()
        observer.join(timeout=5)
    return runs


def describe_run(report: RunReport) -> str:
    """The one line `factbook watch` prints per run."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    line = (f"{stamp} run {report.run_id}: {report.files} file(s), {len(report.new_sources)} new "
            f"source(s), {len(report.duplicates)} duplicate(s), {report.facts_added} fact(s) added, "
            f"{report.notes_written} note(s) written, {len(report.failures)} failure(s)")
    for failure in report.failures:
        line += f"\n  failed: {failure.path}: {failure.reason}"
    return line
