"""Bringing the vault in line with the store: read back what the person changed, render the
notes a run touched, merge each with the note on disk, and write the ones that changed.

Ownership rules (docs/ownership.md): factbook changes only the lines it owns; the note
on disk is never overwritten blindly (it is merged, and in a batch write it is not
written at all when it changed between reading and writing).
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from factbook.errors import VaultError

from factbook.glossary import Glossary, with_glossary
from factbook.store.base import DocumentRecord, Store
from factbook.vault.deferred import Deferrals
from factbook.vault.journal import Journal
from factbook.vault.layout import VaultLayout, inside_vault
from factbook.vault.ownership import merge_note
from factbook.vault.readback import apply_read_back, read_back
from factbook.vault.render import Lookup, render_entity_note, render_source_note
from factbook.vault.unknown import NoteStems, read_back_unknown
from factbook.vault.writer import text_hash, write_batch

log = logging.getLogger(__name__)

# Notes are written in batches of this many: one sync per batch instead of one per note.
FLUSH_EVERY = 2000


def read_note_text(path: Path) -> str | None:
    """A note's text exactly as on disk (line endings kept), None when there is none."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise VaultError(f"{path}: cannot read the note ({exc})",
                         hint="fix or move the file; factbook will not overwrite it") from exc


def read_back_vault(layout: VaultLayout, store: Store) -> int:
    """Read back every note changed since factbook wrote it (deleted and edited lines,
    checked-off tasks, aliases, a removed `needs-review`); returns how many changes."""
    up_to = store.max_review_id()
    changes = 0
    deferrals = Deferrals(layout.state_dir)
    for rel, sha, seen in store.rendered_stats():
        try:
            path = inside_vault(layout.root, rel)
            info = path.stat()
        except (VaultError, OSError):
            continue  # a note deleted as a whole is written again when it is next needed
        stat = f"{info.st_mtime_ns}:{info.st_size}"
        if stat == seen:
            continue  # untouched since it was last found as factbook wrote it
        try:
            disk = read_note_text(path)
        except VaultError as exc:
            log.warning("%s", exc)
            continue
        if disk is None:
            continue
        if text_hash(disk) == sha:
            store.set_rendered_stat(rel, stat)
            continue
        base = store.rendered_base(rel)
        if not deferrals.read_now(rel, base, disk):
            continue  # empty or sharply shrunk: "not now", never a deletion
        changes += apply_read_back(store, rel, read_back(base, disk), up_to)
    deferrals.save()
    if changes:
        log.info("read back %d changes made in the vault", changes)
    return changes


def _note_name(doc: DocumentRecord) -> str:
    """What a source note is called: its title, or, when the title was made up from the
    text, a neutral name (kind and short hash). Every citation of the source repeats this
    name on the fact's line, so a made-up title would put words there that the fact
    itself does not say."""
    if doc.meta.get("title_made_up"):
        return f"{doc.kind} {doc.sha256[:8]}"
    return doc.title


class NoteWriter:
    """Renders and writes notes for one run (or only counts them, in a dry run)."""

    def __init__(self, layout: VaultLayout, store: Store, run_id: int | None,
                 dry_run: bool = False, glossary: Glossary | None = None,
                 journal: Journal | None = None) -> None:
        self.layout = layout
        # With a journal, writes are staged and land only when the run's store commits.
        self.journal = journal
        self.store = store
        self.run_id = run_id
        self.dry_run = dry_run
        self.glossary = glossary  # source notes list the glossary terms their text uses
        self.lookup = Lookup(store)
        self.written: list[str] = []
        self.skipped: list[str] = []
        self._pending: list[_Pending] = []
        self.deferrals = Deferrals(layout.state_dir)
        self._stems = NoteStems(layout.root)

    def write(self, entity_ids: set[int], document_ids: list[int]) -> int:
        """Place and render the new documents' source notes, then the touched entities'
        notes; returns how many files were (or, in a dry run, would be) written."""
        self._place_sources(document_ids)
        for document_id in document_ids:
            doc = self.lookup.document(document_id)
            self._put(doc.note_path, lambda doc=doc: with_glossary(
                render_source_note(self.lookup, doc, doc.meta.get("original")), doc.text,
                self.glossary))
        for entity_id in sorted(entity_ids):
            entity = self.lookup.entity(entity_id)
            self._put(entity.note_path, lambda entity=entity: render_entity_note(
                self.lookup, entity, None))
        self._flush()
        if not self.dry_run:
            self.deferrals.save()
        return len(self.written)

    def rebuild(self) -> int:
        """Re-render every note from the store, after reading back the person's changes
        (merged entities keep their redirect notes)."""
        read_back_vault(self.layout, self.store)
        docs = [d.id for d in self.store.documents()]
        entities = {e.id for e in self.store.entities()}
        entities |= {e.id for e in self.store.merged_entities()}
        return self.write(entities, docs)

    def _place_sources(self, document_ids: list[int]) -> None:
        if all(self.lookup.document(d).note_path for d in document_ids):
            return
        taken = {Path(p).stem.casefold() for p in self.store.note_paths()}
        for document_id in document_ids:
            doc = self.lookup.document(document_id)
            if doc.note_path:
                continue
            path = self.layout.source_note(_note_name(doc), doc.date)
            stem, n = path[:-3], 2
            while Path(path).stem.casefold() in taken:
                path = f"{stem} ({n}).md"
                n += 1
            taken.add(Path(path).stem.casefold())
            self.store.set_document_note(document_id, path)
            doc.note_path = path

    def _put(self, rel: str, render: Callable[[], str] | str) -> None:
        """Merge factbook's rendering (the text, or how to make it) with the note on disk,
        then write (or stage) it."""
        text = render() if callable(render) else render
        try:
            staged = self.journal.staged_text(rel) if self.journal is not None else None
            disk = staged if staged is not None else read_note_text(
                inside_vault(self.layout.root, rel))
        except VaultError as exc:
            log.warning("%s", exc)
            self.skipped.append(rel)
            return
        base = self.store.rendered_base(rel)
        if not self.deferrals.write_now(rel, base, disk):
            self.skipped.append(rel)  # seen empty or sharply shrunk: not now
            return
        if base is None and disk is not None and not self.dry_run and callable(render) and read_back_unknown(
                self.store, rel, text, disk, self._stems):
            self.lookup = Lookup(self.store)  # the person's words and task states, now stored
            text = render()
        # Without a base (a note factbook did not write, or wrote before keeping one) the
        # merge is conservative: every line it cannot match to factbook's is kept.
        merged = merge_note(base, disk, text, self.store.tombstones(rel))
        if self.dry_run:
            if disk != merged.text:
                self.written.append(rel)
            return
        if self.journal is not None:
            # Staged: the note lands only when the run's store transaction commits.
            if self.journal.stage(rel, merged.text, before=disk):
                self.written.append(rel)
            self._recorded(rel, merged.text, merged.own)
            return
        self._pending.append(_Pending(rel, merged.text, merged.own, disk))
        if len(self._pending) >= FLUSH_EVERY:
            self._flush()

    def _recorded(self, rel: str, text: str, own: str) -> None:
        self.store.set_rendered(rel, text_hash(text), self.run_id)
        self.store.set_rendered_base(rel, own)

    def _flush(self) -> None:
        """Write what is pending in one atomic batch (never over a note that changed since
        it was read) and record what factbook wrote."""
        if not self._pending:
            return
        root = self.layout.root
        paths = {item.rel: inside_vault(root, item.rel) for item in self._pending}
        skipped: list[Path] = []
        changed = set(write_batch([(paths[p.rel], p.text) for p in self._pending],
                                  expect={paths[p.rel]: p.disk for p in self._pending},
                                  skipped=skipped))
        for path in skipped:
            log.warning("%s: the note changed while factbook was merging it; left as it is "
                        "(the next run merges it)", path)
        for item in self._pending:
            if paths[item.rel] in skipped:
                self.skipped.append(item.rel)
                continue
            if paths[item.rel] in changed:
                self.written.append(item.rel)
            self._recorded(item.rel, item.text, item.own)
        self._pending.clear()


@dataclass
class _Pending:
    """A merged note waiting to be written, with what was on disk when it was merged."""

    rel: str
    text: str
    own: str
    disk: str | None
