"""Bringing the vault in line with the store: render the notes a run touched and write
the ones whose text changed."""
from __future__ import annotations

import logging
from pathlib import Path

from factbook.glossary import Glossary, with_glossary
from factbook.store.base import Store
from factbook.vault.journal import Journal
from factbook.vault.layout import VaultLayout, inside_vault
from factbook.vault.render import Lookup, render_entity_note, render_source_note
from factbook.vault.writer import text_hash, write_batch

log = logging.getLogger(__name__)

# Notes are written in batches of this many: one sync per batch instead of one per note.
FLUSH_EVERY = 2000


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
        self._pending: list[tuple[str, str]] = []

    def write(self, entity_ids: set[int], document_ids: list[int]) -> int:
        """Place and render the new documents' source notes, then the touched entities'
        notes; returns how many files were (or, in a dry run, would be) written."""
        self._place_sources(document_ids)
        for document_id in document_ids:
            doc = self.lookup.document(document_id)
            note = render_source_note(self.lookup, doc, doc.meta.get("original"))
            self._put(doc.note_path, with_glossary(note, doc.text, self.glossary))
        for entity_id in sorted(entity_ids):
            entity = self.lookup.entity(entity_id)
            existing = self._read(entity.note_path)
            self._put(entity.note_path, render_entity_note(self.lookup, entity, existing))
        self._flush()
        return len(self.written)

    def rebuild(self) -> int:
        """Re-render every note from the store."""
        docs = [d.id for d in self.store.documents()]
        entities = {e.id for e in self.store.entities()}
        return self.write(entities, docs)

    def _place_sources(self, document_ids: list[int]) -> None:
        taken = {Path(e.note_path).stem.casefold() for e in self.store.entities()}
        taken |= {Path(d.note_path).stem.casefold() for d in self.store.documents() if d.note_path}
        for document_id in document_ids:
            doc = self.lookup.document(document_id)
            if doc.note_path:
                continue
            path = self.layout.source_note(doc.title, doc.date)
            stem, n = path[:-3], 2
            while Path(path).stem.casefold() in taken:
                path = f"{stem} ({n}).md"
                n += 1
            taken.add(Path(path).stem.casefold())
            self.store.set_document_note(document_id, path)
            doc.note_path = path

    def _read(self, rel: str) -> str | None:
        path = inside_vault(self.layout.root, rel)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    def _put(self, rel: str, text: str) -> None:
        if self.dry_run:
            if self._read(rel) != text:
                self.written.append(rel)
            return
        if self.journal is not None:
            # Staged: the note lands only when the run's store transaction commits.
            if self.journal.stage(rel, text):
                self.written.append(rel)
            self.store.set_rendered(rel, text_hash(text), self.run_id)
            return
        self._pending.append((rel, text))
        if len(self._pending) >= FLUSH_EVERY:
            self._flush()

    def _flush(self) -> None:
        """Write what is pending in one atomic batch and record what was written."""
        if not self._pending:
            return
        items = [(inside_vault(self.layout.root, rel), text) for rel, text in self._pending]
        changed = {str(p) for p in write_batch(items)}
        for rel, text in self._pending:
            if str(self.layout.root / rel) in changed:
                self.written.append(rel)
            self.store.set_rendered(rel, text_hash(text), self.run_id)
        self._pending.clear()
