"""`factbook doctor`: check that the vault and the store agree, and repair what can be.

Checks: a journal or temp files left by a killed run, runs that never finished, the
store's own integrity, note paths that would leave the vault, notes the store knows
of that are missing on disk, and records of notes that no longer exist. With
`fix=True` (under the vault lock) it finishes or undoes the interrupted run,
re-indexes the store, re-renders missing notes and drops orphan records; a store
that cannot be opened at all is moved aside (never deleted) and a fresh one made.
"""
from __future__ import annotations

import logging
import sqlite3
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from factbook.errors import FactbookError, StoreError
from factbook.store import open_store
from factbook.store.base import Store
from factbook.vault.journal import JOURNAL_FILE, journaled, recover_vault
from factbook.vault.layout import VaultLayout, inside_vault
from factbook.vault.lock import vault_lock
from factbook.vault.moved import bulk_loss, missing_entity_notes, understand_vault_changes
from factbook.vault.sync import NoteWriter
from factbook.vault.writer import TEMP_SUFFIX

log = logging.getLogger(__name__)

STORE_FILE = "factbook.db"


@dataclass
class Finding:
    """One thing doctor found: what, where, and whether it was (or can be) repaired."""

    kind: str
    detail: str
    fixable: bool = True
    fixed: bool = False


@dataclass
class DoctorReport:
    """Everything one doctor run found and did."""

    vault: str
    fix: bool
    findings: list[Finding] = field(default_factory=list)

    @property
    def healthy(self) -> bool:
        """True when nothing is left to repair."""
        return all(f.fixed for f in self.findings)

    def to_dict(self) -> dict:
        """The report as plain data."""
        return {**asdict(self), "healthy": self.healthy}


def run_doctor(layout: VaultLayout, fix: bool = False, wait: bool | float = False) -> DoctorReport:
    """Check the vault at `layout` (and repair it when `fix`), holding the vault lock."""
    report = DoctorReport(str(layout.root), fix)
    with vault_lock(layout.state_dir, wait):
        _check_leftovers(layout, report)
        try:
            store = open_store(layout.state_dir)
        except StoreError as exc:
            _unopenable_store(layout, report, exc, fix)
            return report
        try:
            _check_store(layout, store, report, fix)
            damaged = None
        except (sqlite3.DatabaseError, StoreError) as exc:
            damaged = exc  # pages that cannot be read: the store is as good as unopenable
        finally:
            store.close()
        if damaged is None and fix and any(f.kind == "store-integrity" and not f.fixed
                                           for f in report.findings):
            damaged = "its integrity problems remain after re-indexing"
        if damaged is not None:
            report.findings = [f for f in report.findings if f.kind != "store-integrity"]
            _unopenable_store(layout, report, StoreError(
                f"{layout.state_dir / STORE_FILE}: the store is damaged ({damaged})"), fix)
    return report


def _check_leftovers(layout: VaultLayout, report: DoctorReport) -> None:
    if (layout.state_dir / JOURNAL_FILE).exists():
        report.findings.append(Finding("interrupted-run", "a killed run left its journal"))
    temps = [p for p in layout.root.rglob(f".*{TEMP_SUFFIX}") if ".git" not in p.parts]
    if temps:
        report.findings.append(Finding("temp-files", f"{len(temps)} leftover temp files"))


def _unopenable_store(layout: VaultLayout, report: DoctorReport, exc: StoreError,
                      fix: bool) -> None:
    finding = Finding("store-unreadable", str(exc))
    report.findings.append(finding)
    if not fix:
        return
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    for suffix in ("", "-wal", "-shm"):
        path = layout.state_dir / f"{STORE_FILE}{suffix}"
        if path.exists():
            path.rename(path.with_name(f"{STORE_FILE}{suffix}.corrupt-{stamp}"))
    open_store(layout.state_dir, fresh_ok=True).close()
    finding.fixed = True
    finding.detail += (f"; moved aside as {STORE_FILE}.corrupt-{stamp} and a fresh store made:"
                       " ingest your documents again to rebuild it (the notes are untouched,"
                       " and your edits in them are read back)")
    leftovers = [f for f in report.findings if f.kind in ("interrupted-run", "temp-files")]
    if leftovers:  # a fresh store has committed no journal: the interrupted run is rolled back
        store = open_store(layout.state_dir, fresh_ok=True)
        try:
            recover_vault(layout.root, layout.state_dir, store)
        finally:
            store.close()
        for other in leftovers:
            other.fixed = True


def _check_store(layout: VaultLayout, store: Store, report: DoctorReport, fix: bool) -> None:
    if fix and any(f.kind in ("interrupted-run", "temp-files") for f in report.findings):
        recovery = recover_vault(layout.root, layout.state_dir, store)
        for finding in report.findings:  # so far only the leftovers
            finding.fixed = True
        if recovery.runs_interrupted:
            report.findings.append(Finding("unfinished-runs", f"{recovery.runs_interrupted} runs"
                                           " marked interrupted", fixed=True))
    elif not fix:
        stuck = [r for r in store.runs(50) if r["status"] == "running"]
        if stuck:
            report.findings.append(Finding("unfinished-runs", f"{len(stuck)} runs never finished"))
    problems = store.integrity_problems()
    if problems:
        finding = Finding("store-integrity", "; ".join(problems[:5]))
        report.findings.append(finding)
        if fix:
            store.reindex()
            finding.fixed = not store.integrity_problems()
    _check_notes(layout, store, report, fix)


def _check_moved(layout: VaultLayout, store: Store, report: DoctorReport, fix: bool) -> set[int]:
    """Entity notes the person moved (followed) or deleted (forgotten) in the vault;
    returns the entities concerned when they are left as they are."""
    missing = missing_entity_notes(layout, store)
    bulk = bool(missing) and bulk_loss(len(missing), store)
    if not missing or (bulk and not fix):
        return set()  # nothing moved or deleted, or so much that the notes are missing ones
    finding = Finding("moved-or-deleted-notes", f"{len(missing)} entity notes were moved or "
                      "deleted in the vault (a moved note is followed, a deleted one forgotten)")
    report.findings.append(finding)
    if not fix:
        return {e.id for e in missing}
    with journaled(layout.root, layout.state_dir, store) as journal:
        repaired = understand_vault_changes(layout, store)
        NoteWriter(layout, store, None, journal=journal).write(repaired.entities, repaired.documents)
    finding.fixed = True
    finding.detail += ": " + "; ".join(repaired.moved + [f"forgot {n}" for n in repaired.forgotten])
    return set()


def _check_notes(layout: VaultLayout, store: Store, report: DoctorReport, fix: bool) -> None:
    missing_entities: set[int] = set()
    missing_docs: list[int] = []
    known: set[str] = set()
    followed = _check_moved(layout, store, report, fix)
    records = [(e.id, e.note_path, "entity") for e in store.entities()]
    records += [(d.id, d.note_path, "document") for d in store.documents() if d.note_path]
    for record_id, rel, kind in records:
        known.add(rel)
        try:
            path = inside_vault(layout.root, rel)
        except FactbookError:
            report.findings.append(Finding("unsafe-path", f"{kind} {record_id}: {rel!r}",
                                           fixable=False))
            continue
        if not path.is_file() and not (kind == "entity" and record_id in followed):
            (missing_entities.add(record_id) if kind == "entity" else missing_docs.append(record_id))
    missing = Finding("missing-notes", f"{len(missing_entities) + len(missing_docs)} notes the "
                      "store knows are missing from the vault")
    orphans = [p for p in store.rendered_paths()
               if p not in known and not _exists(layout.root, p)]
    orphan = Finding("orphan-records", f"{len(orphans)} records of notes that no longer exist")
    if missing_entities or missing_docs:
        report.findings.append(missing)
    if orphans:
        report.findings.append(orphan)
    if not fix:
        return
    if missing_entities or missing_docs:
        with journaled(layout.root, layout.state_dir, store) as journal:
            NoteWriter(layout, store, None, journal=journal).write(missing_entities, missing_docs)
        missing.fixed = True
    if orphans:
        with store.transaction():
            for rel in orphans:
                store.forget_rendered(rel)
        orphan.fixed = True


def _exists(root: Path, rel: str) -> bool:
    try:
        return inside_vault(root, rel).is_file()
    except FactbookError:
        return False
