"""`factbook watch`: ingest what is dropped into the vault's Inbox, as it arrives.

watchdog reports file events; they are collected and debounced (a run starts
once the Inbox has been quiet for `debounce` seconds, so a file still being
copied is not read half-written), and runs happen one at a time on the
watching thread. `ingest_paths` is also what the MCP server's ingest uses.
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
                      wait=True, commit=bool(raw.get("ingest", {}).get("commit", False)),
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
    if any(part.startswith(".") for part in rel.parts):
        return False
    return not path.name.endswith(_TEMPORARY_SUFFIXES)


@dataclass
class _Pending:
    """Paths seen since the last run, and when the last event arrived."""

    paths: set[Path] = field(default_factory=set)
    last_event: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: Path) -> None:
        """Note an event on `path` (it restarts the quiet period)."""
        with self.lock:
            self.paths.add(path)
            self.last_event = time.monotonic()

    def take_if_quiet(self, debounce: float) -> list[Path]:
        """The pending paths once nothing has happened for `debounce` seconds, else []."""
        with self.lock:
            if not self.paths or time.monotonic() - self.last_event < debounce:
                return []
            taken, self.paths = sorted(self.paths), set()
            return taken


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
                pending.add(target)

    observer = Observer()
    observer.schedule(Handler(), str(inbox), recursive=True)
    observer.start()
    if existing:
        for path in inbox.rglob("*"):
            if path.is_file() and wanted(path, inbox):
                pending.add(path)
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
