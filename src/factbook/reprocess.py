"""Resolving stored documents again after the user changed what names mean (`factbook
reprocess`, and the repair commands): an alias, a merge or split, a rename, a forgotten
name, a glossary or persona change.

Documents are not read or ingested again: each stored document's text is extracted
again with the vault's entities as they are now, and its mentions and facts are merged
the way a run merges them (what is already cited stays, a fact the person deleted stays
deleted, a forgotten name gets no entity). Only the documents asked for are touched, so
the cost is proportional to them; their source notes and the notes of the entities they
involve are rendered again, keeping what the person wrote.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from factbook.extract.base import Extractor
from factbook.models import Document, DocumentKind
from factbook.pipeline import RunReport, Tailoring, _extract_batch, _note_path_allocator
from factbook.resolve.entities import EntityIndex
from factbook.store.base import DocumentRecord, Store
from factbook.store.living import task_key
from factbook.store.merge import Merger, MergeResult
from factbook.errors import FactbookError
from factbook.vault.journal import journaled, recover_vault
from factbook.vault.layout import VaultLayout, inside_vault
from factbook.vault.lock import vault_lock
from factbook.vault.readback import apply_read_back, read_back
from factbook.vault.sync import NoteWriter, read_note_text
from factbook.vault.writer import text_hash

log = logging.getLogger(__name__)


@dataclass
class ReprocessReport:
    """What resolving documents again changed."""

    documents: int = 0
    entities_created: int = 0
    entities_touched: int = 0
    facts_added: int = 0
    facts_merged: int = 0
    notes_written: int = 0
    failures: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The report as plain data."""
        return dict(self.__dict__)


def documents_to_reprocess(store: Store, names: list[str] | None = None,
                           since: date | None = None) -> list[int]:
    """The stored documents a change concerns: those whose text uses one of `names`
    (found through the full-text index), else those dated on or after `since` (every
    document when neither is given)."""
    if names:
        ids = store.documents_mentioning(names)
        if since is not None:
            dated = set(store.documents_since(since))
            ids = [i for i in ids if i in dated]
        return ids
    return store.documents_since(since)


def reprocess(layout: VaultLayout, store: Store, extractor: Extractor, document_ids: list[int],
              tailoring: Tailoring | None = None, wait: bool = False,
              today: date | None = None) -> ReprocessReport:
    """Resolve the given stored documents again and render what changed.

    Like a decision (vault/curate.py) it runs under the vault lock and renders in a
    journaled write; but only the notes it may change are read back first (the other
    notes' edits are read by the next run), so its cost follows the documents."""
    report = ReprocessReport(documents=len(document_ids))
    if not document_ids:
        return report
    with vault_lock(layout.state_dir, wait):
        recover_vault(layout.root, layout.state_dir, store)
        with store.transaction():
            before = {e for d in document_ids for e in store.entities_for_document(d)}
            read_back_notes(layout, store, _note_paths(store, before, document_ids))
            touched = _resolve_again(layout, store, extractor, document_ids, tailoring, today, report)
            read_back_notes(layout, store, _note_paths(store, touched - before, []))
        with journaled(layout.root, layout.state_dir, store) as journal:
            writer = NoteWriter(layout, store, None, journal=journal)
            report.notes_written = writer.write(touched | before, list(document_ids))
    return report


def _resolve_again(layout: VaultLayout, store: Store, extractor: Extractor, document_ids: list[int],
                   tailoring: Tailoring | None, today: date | None,
                   report: ReprocessReport) -> set[int]:
    """Extract and merge the documents again; returns the entities they now involve."""
    index = EntityIndex(store.known_entities())
    merger = Merger(store, None, index, _note_path_allocator(layout, store),  # type: ignore[arg-type]
                    today or date.today())
    docs = {d: _as_document(store.document(d)) for d in document_ids}
    run = RunReport()
    created: set[int] = set()
    touched: set[int] = set()
    for doc, extraction in _extract_batch(list(docs.values()), extractor, index, run, tailoring):
        doc_id = next(i for i, d in docs.items() if d is doc)
        result = MergeResult(doc_id)
        ids = merger.merge_facts(doc_id, doc, extraction, "extracted", result)
        _add_new_tasks(store, doc_id, extraction, ids)
        created |= result.entities_created
        touched |= result.entities_touched
        report.facts_added += result.facts_added
        report.facts_merged += result.facts_merged
    report.failures = [f"{f.path}: {f.reason}" for f in run.failures]
    report.entities_created = len(created)
    report.entities_touched = len(touched)
    return touched


def _note_paths(store: Store, entity_ids: set[int], document_ids: list[int]) -> set[str]:
    paths = {store.entity(e).note_path for e in entity_ids}
    return paths | {p for p in (store.document(d).note_path for d in document_ids) if p}


def read_back_notes(layout: VaultLayout, store: Store, paths: set[str]) -> int:
    """Read back what the person changed in these notes (as `read_back_vault` does for
    the whole vault); returns how many changes."""
    up_to = store.max_review_id()
    changes = 0
    for rel in sorted(paths):
        sha = store.rendered_hash(rel)
        if sha is None:
            continue
        try:
            disk = read_note_text(inside_vault(layout.root, rel))
        except FactbookError as exc:
            log.warning("%s", exc)
            continue
        if disk is None or text_hash(disk) == sha:
            continue
        changes += apply_read_back(store, rel, read_back(store.rendered_base(rel), disk), up_to)
    return changes


def _as_document(record: DocumentRecord) -> Document:
    """A stored document in the shape the extractors read."""
    try:
        kind = DocumentKind(record.kind)
    except ValueError:
        kind = DocumentKind.ARTICLE
    return Document(path=record.path, sha256=record.sha256, kind=kind, title=record.title,
                    text=record.text, date=record.date, authors=tuple(record.authors),
                    participants=tuple(record.participants), publisher=record.publisher,
                    url=record.url, meta=dict(record.meta))


def _add_new_tasks(store: Store, doc_id: int, extraction, ids: dict[str, int]) -> None:
    """Tasks the document states that are not stored yet (a stored one keeps its state)."""
    for task in extraction.tasks:
        ents = sorted({ids[s] for s in task.subjects if s in ids})
        if store.find_task(task_key(task.text), ents) is None and not any(
                task_key(t.text) == task_key(task.text) for t in store.tasks_for_document(doc_id)):
            store.add_task(doc_id, task.text, task.owner, task.due, task.priority,
                           task.done, task.done_on, ents)
