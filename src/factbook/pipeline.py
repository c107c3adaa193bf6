"""One ingest run: read files, extract, merge into the store, render the notes that changed.

This is the Python API behind `factbook ingest`; the CLI only parses arguments
and prints the report.
"""
from __future__ import annotations

import logging
import stat
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from pathlib import Path

from factbook.errors import FactbookError, InputError, LLMError
from factbook.extract.base import Extractor
from factbook.extract.evidence import RunPeople, batch_people, with_people
from factbook.extract.structured import merge_structured
from factbook.extract.voice import speak_for_orgs
from factbook.glossary import Glossary, canonical_mentions, load_aliases
from factbook.models import Context, Document, DocumentKind, EntityKind, Extraction, KnownEntity
from factbook.resolve.names import name_key
from factbook.outputs import OutputSettings, RunOutputs, write_outputs
from factbook.persona import Persona, learn_colleagues, personalize
from factbook.profiles import Profile, apply_profile, profile_for
from factbook.resolve.entities import EntityIndex
from factbook.resolve.gazetteer import Gazetteer
from factbook.sources import confined_files, read_path
from factbook.sources.base import MAX_BYTES, content_hash
from factbook.store.base import Store
from factbook.store.duplicates import DuplicateFinder
from factbook.store.merge import Merger, MergeResult
from factbook.vault.adopt import adopt_note, merge_adopted
from factbook.vault.inbox import file_processed
from factbook.vault.gitlog import commit_message, commit_run
from factbook.vault.journal import journaled, recover_vault
from factbook.vault.layout import VaultLayout
from factbook.vault.render import REVIEW_TAG
from factbook.vault.lock import vault_lock
from factbook.vault.moved import understand_vault_changes
from factbook.vault.originals import keep_originals
from factbook.vault.sync import NoteWriter, read_back_vault

log = logging.getLogger(__name__)

# Documents are read, extracted and merged in batches: memory stays flat on large folders.
BATCH = 256

Progress = Callable[[int, int], None]

# A run of more new documents than this (a first import of a whole archive) is read
# once: the second look would cost about a quarter of the run again.
SECOND_LOOK_MAX = 5000


@dataclass
class Failure:
    """A file that could not be ingested, and why."""

    path: str
    reason: str


@dataclass
class Duplicate:
    """A file skipped because its content is already a source."""

    path: str
    of: str


@dataclass
class Replacement:
    """A near-duplicate kept because it is fuller than the source it resembles: a thread
    with more messages, a transcript with speakers and times. `replaced` is the poorer
    document: dropped when it came in the same run, kept (with its citations) when it
    was already a source."""

    path: str
    replaced: str


@dataclass
class RunReport:
    """What one run did: the end-of-run summary and the `--json` output."""

    run_id: int | None = None
    dry_run: bool = False
    files: int = 0
    new_sources: list[str] = field(default_factory=list)
    adopted_notes: list[str] = field(default_factory=list)
    duplicates: list[Duplicate] = field(default_factory=list)
    replaced: list[Replacement] = field(default_factory=list)  # fuller near-duplicates kept
    failures: list[Failure] = field(default_factory=list)
    entities_created: int = 0
    entities_updated: int = 0
    facts_added: int = 0
    facts_merged: int = 0
    conflicts: int = 0
    review_items: int = 0
    notes_written: int = 0
    vault_changes_read: int = 0  # the person's edits read back from the vault before merging
    # entity notes the person moved ("old -> new") or deleted (forgotten names), issue 17
    vault_repairs: list[str] = field(default_factory=list)
    notes_skipped: list[str] = field(default_factory=list)  # changed on disk while merging
    recovered: str | None = None   # what was done about a run that had been killed
    git: str | None = None         # the audit-trail commit, or why there is none
    # What the LLM extractor spent (calls, cached, tokens, cost); None for offline runs.
    llm_usage: dict | None = None
    # Drafts, invites and the digest written after the notes (vault-relative paths).
    outputs: list[str] = field(default_factory=list)
    # Inbox files this run read, moved to Inbox/processed/ once it succeeded.
    processed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """The report as plain data."""
        return asdict(self)


@dataclass
class Tailoring:
    """The user's own settings for a run: who they are, their glossary, their profiles."""

    persona: Persona | None = None
    glossary: Glossary | None = None
    profiles: list[Profile] = field(default_factory=list)


def ingest(paths: Iterable[Path], layout: VaultLayout, store: Store, extractor: Extractor,
           *, dry_run: bool = False, progress: Progress | None = None,
           max_file_bytes: int | None = None, today: date | None = None,
           wait: bool | float = False, on_wait: Callable[[str], None] | None = None,
           commit: bool = False, persona: Persona | None = None,
           glossary: Glossary | None = None, profiles: list[Profile] | None = None,
           outputs: OutputSettings | None = None) -> RunReport:
    """Ingest every file under `paths` into the vault at `layout`.

    The run holds the vault lock (`wait`: see vault/lock.py), first finishes or
    undoes a run that was killed, and is all-or-nothing (vault/journal.py). With
    `commit`, a vault that is a git repository gets one commit for the run.
    `persona`, `glossary` and `profiles` tailor extraction to the user (see
    docs/persona.md); `outputs` says which drafts, invites and digest to write after
    the notes (none by default, and none in a dry run).
    """
    with vault_lock(layout.state_dir, wait, on_wait):
        recovery = recover_vault(layout.root, layout.state_dir, store)
        report, written = _ingest_locked(
            paths, layout, store, extractor, dry_run=dry_run, progress=progress,
            max_file_bytes=max_file_bytes, today=today, persona=persona, glossary=glossary,
            profiles=profiles, outputs=outputs)
        if recovery.action != "none":
            report.recovered = f"{recovery.action} an interrupted run ({recovery.notes} notes)"
        if commit and not dry_run:
            report.git = commit_run(layout.root, written + report.outputs,
                                    commit_message(report))
    return report


def rebuild(layout: VaultLayout, store: Store, *, dry_run: bool = False,
            wait: bool | float = False, glossary: Glossary | None = None) -> int:
    """Re-render every note from the store, under the lock and the journal; returns how
    many notes were (or would be) written."""
    with vault_lock(layout.state_dir, wait):
        recover_vault(layout.root, layout.state_dir, store)
        if dry_run:
            with store.transaction():
                return NoteWriter(layout, store, None, dry_run=True, glossary=glossary).rebuild()
        with journaled(layout.root, layout.state_dir, store) as journal:
            return NoteWriter(layout, store, None, glossary=glossary, journal=journal).rebuild()


def _ingest_locked(paths: Iterable[Path], layout: VaultLayout, store: Store,
                   extractor: Extractor, *, dry_run: bool, progress: Progress | None,
                   max_file_bytes: int | None, today: date | None, persona: Persona | None,
                   glossary: Glossary | None, profiles: list[Profile] | None,
                   outputs: OutputSettings | None) -> tuple[RunReport, list[str]]:
    tailoring = Tailoring(persona, glossary, list(profiles or []))
    inputs = confined_files(paths, layout.root, layout.inbox)
    files = inputs.files
    report = RunReport(dry_run=dry_run, files=len(files))
    report.failures += [Failure(path, reason) for path, reason in inputs.refused]
    run_id = store.begin_run(getattr(extractor, "name", "offline"))
    report.run_id = run_id
    index = EntityIndex(store.known_entities())
    merger = Merger(store, run_id, index, _note_path_allocator(layout, store),
                    today or date.today())
    created: set[int] = set()
    touched: set[int] = set()
    new_docs: list[int] = []
    looked_at: list[_Seen] = []
    written: list[str] = []
    near = DuplicateFinder(store)
    status = "failed"
    try:
        with journaled(layout.root, layout.state_dir, store) as journal:
            # The person's edits first: a fact they deleted is a tombstone before any
            # document of this run can state it again; aliases they added resolve.
            repaired = understand_vault_changes(layout, store)
            report.vault_repairs = repaired.moved + [f"forgot {n}" for n in repaired.forgotten]
            touched |= repaired.entities
            report.vault_changes_read = read_back_vault(layout, store)
            if report.vault_changes_read:
                for known in store.known_entities():
                    index.add(known)
            _load_glossary_aliases(store, index, glossary)
            for start in range(0, len(files), BATCH):
                batch = files[start:start + BATCH]
                # Entities above this id were not yet known when this batch was extracted.
                known_up_to = max(index.entities, default=0)
                docs = _read_batch(batch, store, report, max_file_bytes, near)
                _keep_originals(docs, layout, dry_run)
                for doc, extraction in _extract_batch(docs, extractor, index, report, tailoring):
                    result = _merge_one(merger, doc, extraction)
                    near.stored(doc, result.document_id)
                    new_docs.append(result.document_id)
                    created |= result.entities_created
                    touched |= result.entities_touched
                    _count(report, result, doc)
                    if not doc.note_type:
                        looked_at.append(_Seen(doc, result.document_id,
                                               set(result.entities_touched), known_up_to))
                if progress:
                    progress(min(start + BATCH, len(files)), len(files))
            touched |= _second_look(looked_at, created, index, extractor, merger, report, tailoring)
            report.entities_created = len(created)
            report.entities_updated = len(touched - created)
            writer = NoteWriter(layout, store, run_id, dry_run=dry_run, glossary=glossary,
                                journal=journal)
            report.notes_written = writer.write(
                touched, new_docs + [d for d in repaired.documents if d not in new_docs])
            report.notes_skipped = writer.skipped
            written = writer.written
            if dry_run:
                raise _DryRun()
            report.outputs = _hand_back(layout, store, RunOutputs(run_id, today or date.today(), new_docs),
                                        created, touched, outputs, persona)
        status = "ok" if not report.failures else "ok-with-failures"
        report.processed = file_processed(layout.inbox, files, {f.path for f in report.failures})
    except _DryRun:
        status = "dry-run"
    finally:
        take_usage = getattr(extractor, "take_usage", None)
        if take_usage is not None:
            report.llm_usage = asdict(take_usage())
        _finish(store, run_id, status, report)
    return report, written


@dataclass
class _Seen:
    """A document of this run, its id in the store and the entities it was linked to."""

    doc: Document
    document_id: int
    linked: set[int]
    known_up_to: int


def _second_look(seen: list[_Seen], created: set[int], index: EntityIndex, extractor: Extractor,
                 merger: Merger, report: RunReport, tailoring: Tailoring) -> set[int]:
    """Read again the documents of this run that name an entity a later document of the
    run introduced (with too little evidence in their own text to be found alone), now
    that the entity is known; returns the entities that gained facts or links. Only for
    extractors that are cheap to run twice (`second_look = True`)."""
    if not created or not seen or not getattr(extractor, "second_look", False):
        return set()
    if len(seen) > SECOND_LOOK_MAX:
        log.info("no second look: %d documents in one run (at most %d)", len(seen), SECOND_LOOK_MAX)
        return set()
    gazetteer = Gazetteer([index.entities[e] for e in created if e in index.entities])
    # Only entities the document could not know when it was read, and is not linked to.
    again = [s for s in seen
             if any(e > s.known_up_to and e not in s.linked for e in gazetteer.entities_in(s.doc.text))]
    log.info("second look at %d of %d documents", len(again), len(seen))
    touched: set[int] = set()
    ids = {s.doc.sha256: s.document_id for s in again}
    for doc, extraction in _extract_batch([s.doc for s in again], extractor, index, report, tailoring):
        result = MergeResult(ids[doc.sha256])
        merger.merge_facts(result.document_id, doc, extraction, "extracted", result)
        touched |= result.entities_touched
        report.facts_added += result.facts_added
        report.facts_merged += result.facts_merged
        report.conflicts += result.conflicts
    return touched


def _finish(store: Store, run_id: int, status: str, report: RunReport) -> None:
    try:
        store.finish_run(run_id, status, report.to_dict())
    except Exception:  # noqa: BLE001 - the error that ended the run matters more
        # (a full disk fails this too); the next run marks the run "interrupted".
        log.warning("could not record the end of run %s", run_id, exc_info=True)


def _hand_back(layout: VaultLayout, store: Store, run: RunOutputs, created: set[int],
               touched: set[int], outputs: OutputSettings | None, persona: Persona | None) -> list[str]:
    """Record what the run changed (the day's digest reads it) and write the outputs
    that are turned on; returns the paths written."""
    store.record_entity_changes(run.day, run.run_id, created, touched - created)
    if outputs is None or not outputs.enabled:
        return []
    return write_outputs(layout, store, run, outputs, persona)


class _DryRun(Exception):
    """Raised inside the run's transaction to roll a dry run back."""


def _note_path_allocator(layout: VaultLayout, store: Store):
    taken = {path.casefold() for path in store.entity_note_paths()}

    def allocate(name: str, kind) -> str:
        path = layout.entity_note(name, kind)
        stem, n = path[:-3], 2
        while path.casefold() in taken:
            path = f"{stem} ({n}).md"
            n += 1
        taken.add(path.casefold())
        return path
    return allocate


def _read_batch(files: list[Path], store: Store, report: RunReport,
                max_file_bytes: int | None, near: DuplicateFinder) -> list[Document]:
    docs: list[Document] = []
    seen: dict[str, str] = {}
    for path in files:
        known = _known_file(path, store, max_file_bytes)
        if known is not None:  # seen before: no need to parse it again
            report.duplicates.append(known)
            continue
        try:
            read = read_path(path, max_file_bytes) if max_file_bytes else read_path(path)
        except InputError as exc:
            report.failures.append(Failure(exc.path, exc.reason))
            continue
        for doc in read:  # an mbox holds many documents
            stored = store.document_by_sha(doc.sha256)
            if stored is not None or doc.sha256 in seen:
                report.duplicates.append(Duplicate(doc.path, stored.path if stored else seen[doc.sha256]))
                continue
            if not doc.note_type and not _keep_near_duplicate(doc, docs, store, report, near):
                continue
            seen[doc.sha256] = doc.path
            docs.append(doc)
    # Existing notes first: a person's own note defines its entity before articles name it.
    return sorted(docs, key=lambda d: d.kind is not DocumentKind.NOTE)


def _keep_near_duplicate(doc: Document, docs: list[Document], store: Store, report: RunReport,
                         near: DuplicateFinder) -> bool:
    """Whether `doc` is to be ingested: not a near-duplicate, or a fuller one. A fuller
    document replaces a poorer one of this run (dropped from `docs`); one of an earlier
    run stays a source with its citations, and `doc` is ingested beside it."""
    match = near.match(doc)
    if match is None:
        near.remember(doc)
        return True
    if not match.new_is_fuller:
        report.duplicates.append(Duplicate(doc.path, match.path))
        store.remember_duplicate(doc.sha256, doc.path, match.path)
        return False
    report.replaced.append(Replacement(doc.path, match.path))
    poorer = next((d for d in docs if d.path == match.path), None)
    if not match.stored and poorer is not None:
        docs.remove(poorer)
        near.forget(poorer)
        report.duplicates.append(Duplicate(poorer.path, doc.path))
        store.remember_duplicate(poorer.sha256, poorer.path, doc.path)
    near.remember(doc)
    return True


def _known_file(path: Path, store: Store, max_file_bytes: int | None) -> Duplicate | None:
    """A file whose exact bytes are already a source, or were skipped as a near-duplicate
    of one. (A file holding several documents, like an mbox, is checked per message.)"""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size > (max_file_bytes or MAX_BYTES):
            return None  # the reader says what is wrong with it (a FIFO is never opened)
        sha = content_hash(path.read_bytes())
    except OSError:
        return None  # the reader says what is wrong with it
    stored = store.document_by_sha(sha)
    if stored is not None:
        return Duplicate(str(path), stored.path)
    of = store.skipped_duplicate(sha)
    return Duplicate(str(path), of) if of else None


def _keep_originals(docs: list[Document], layout: VaultLayout, dry_run: bool) -> None:
    """Keep each new source's file byte for byte; its source note links to the copy."""
    sources = [doc for doc in docs if not doc.note_type]
    paths = keep_originals(layout.root, [Path(d.meta.get("file") or d.path) for d in sources], dry_run)
    for doc, rel in zip(sources, paths):
        doc.meta["original"] = rel


def _load_glossary_aliases(store: Store, index: EntityIndex, glossary: Glossary | None) -> None:
    """Give existing entities the aliases the glossary lists for them, before any document
    is resolved."""
    for entity_id in load_aliases(store.add_alias, index.known(), glossary):
        record = store.entity(entity_id)
        index.add(KnownEntity(record.id, record.name, record.kind, tuple(record.aliases)))


def _tailored(doc: Document, extraction: Extraction, tailoring: Tailoring,
              profile: Profile | None, known: list[KnownEntity] | None = None,
              run: RunPeople | None = None) -> Extraction:
    """An extraction seen from the user: short forms resolved, people and organizations
    typed by evidence (colleagues marked), their company and themselves taken out,
    structured tasks added (theirs owned by their handle), and the facts ranked by the
    document's profile."""
    extraction = canonical_mentions(extraction, tailoring.glossary)
    extraction = with_people(doc, extraction, tailoring.persona, known,
                             run.domains if run else None, run.projects if run else None,
                             run.orgs if run else None)
    extraction = speak_for_orgs(extraction, tailoring.persona, keep_unknown=True)
    extraction = personalize(doc, extraction, tailoring.persona)
    extraction = merge_structured(doc, extraction, tailoring.persona)
    return apply_profile(extraction, profile)


def _extract_batch(docs: list[Document], extractor: Extractor, index: EntityIndex,
                   report: RunReport, tailoring: Tailoring | None = None
                   ) -> list[tuple[Document, Extraction]]:
    tailoring = tailoring or Tailoring()
    # Colleagues seen writing from the user's domain anywhere in the batch are known in
    # every document of it (a meeting note names them without an address).
    tailoring.persona = learn_colleagues(tailoring.persona, docs)
    # People the batch's structure names (senders, speakers, attendees) resolve first
    # names in every document of it, like the vault's people.
    run_people = batch_people(docs, tailoring.persona)
    knows = [*index.known(), *run_people.known]
    # The extractor reads with the organizations the batch's structure names (and the
    # projects it names) as known too
    # ("Call w/ Jo Lee (Acme Corp)" in one note, jo@acme.example in another): the facts of
    # a note then reach the account on the first reading, not only on a second look.
    have = {name_key(e.name) for e in knows}
    reads = [*index.known(), *(KnownEntity(0, o, EntityKind.ORGANIZATION) for o in run_people.orgs
                               if name_key(o) not in have)]
    # A project named after its account ("Acme Pilot") would take the account's short name.
    firsts = {name_key(e.name).split()[0] for e in reads if name_key(e.name)}
    reads += [KnownEntity(0, p, EntityKind.PROJECT) for p in dict.fromkeys(run_people.projects.values())
              if name_key(p) not in have and name_key(p).split()[:1] != [] and name_key(p).split()[0] not in firsts]
    context = Context(known=index.known(),
                      glossary=dict(tailoring.glossary.terms) if tailoring.glossary else {},
                      persona=tailoring.persona)

    def run(doc: Document) -> tuple[Document, Extraction | None, str | None]:
        if doc.note_type:
            return doc, None, None
        profile = profile_for(doc, tailoring.profiles)
        try:
            extraction = extractor.extract(doc, replace(context, profile=profile, known=reads))
            return doc, _tailored(doc, extraction, tailoring, profile, knows, run_people), None
        except LLMError as exc:
            if exc.fatal:  # unreachable server, rejected key: the whole run stops, one line
                raise
            return doc, None, str(exc)
        except FactbookError as exc:
            return doc, None, str(exc)

    workers = max(1, int(getattr(extractor, "concurrency", 1)))
    if workers > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(run, docs))
    else:
        results = [run(doc) for doc in docs]
    out = []
    for doc, extraction, error in results:
        if error:
            report.failures.append(Failure(doc.path, error))
        elif extraction is not None or doc.note_type:
            out.append((doc, extraction))
    return out


def _merge_one(merger: Merger, doc: Document, extraction: Extraction | None) -> MergeResult:
    if doc.note_type:
        note = adopt_note(doc)
        result = merger.merge(doc, note.extraction, origin="adopted")
        entity_id = next(iter(result.entities_touched))
        # A second adopted note of the same entity adds to the first; it never replaces it.
        merger.store.update_adopted(
            entity_id, merge_adopted(merger.store.entity(entity_id).adopted, note.adopted))
        for alias in note.aliases:
            merger.store.add_alias(entity_id, alias)
        if note.created:
            merger.store.set_created(entity_id, note.created)
        if REVIEW_TAG in note.adopted.get("tags", []):
            # The person's own flag becomes a review item: it stays until they remove it.
            merger.store.add_review_item("flagged-in-note", entity_id, None,
                                         f"{doc.path} was tagged needs-review", merger.run_id)
            result.review_items += 1
        return result
    return merger.merge(doc, extraction)


def _count(report: RunReport, result: MergeResult, doc: Document) -> None:
    (report.adopted_notes if doc.note_type else report.new_sources).append(doc.path)
    report.facts_added += result.facts_added
    report.facts_merged += result.facts_merged
    report.conflicts += result.conflicts
    report.review_items += result.review_items
