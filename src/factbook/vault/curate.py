"""A person's decisions about the vault: accept or reject review items, merge two entities,
add an alias. Each reads the vault back first, changes the store, and re-renders the
notes concerned (the ownership merge keeps what the person wrote in them).

Merging B into A: A keeps everything (facts, sources, tasks, decisions, aliases; B's
name becomes an alias of A); links to B across the vault are rewritten to A (shown
with B's name, `[[A|B]]`); B's note becomes a short redirect note to A that keeps
whatever the person wrote in it.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from factbook.errors import FactbookError, VaultError
from factbook.query.entities import find_entity
from factbook.store.base import EntityRecord, ReviewItem, Store
from factbook.store.living import REJECTED
from factbook.vault.journal import Journal, journaled, recover_vault
from factbook.vault.layout import VaultLayout
from factbook.vault.lock import vault_lock
from factbook.vault.render import entity_tag
from factbook.vault.sync import NoteWriter, read_back_vault, read_note_text
from factbook.vault.writer import text_hash, write_batch

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What a decision did."""

    message: str
    notes_written: int = 0
    links_rewritten: list[str] = field(default_factory=list)


def accept(layout: VaultLayout, store: Store, item_id: int, wait: bool = False) -> Outcome:
    """Accept a review item: an uncertain match is merged; a conflict or low-confidence
    fact is kept as it is."""
    with journaled_change(layout, store, wait) as todo:
        item = _open_item(store, item_id)
        store.resolve_review(item_id, "accepted")
        if item.kind == "possible-duplicate" and item.entity_id and item.other_id:
            keep, gone = store.entity(item.other_id), store.entity(item.entity_id)
            todo.message = f"accepted #{item_id}: " + _merge(layout, store, keep, gone, todo)
        else:
            todo.message = f"accepted {item.kind} #{item_id}"
            todo.entities |= {i for i in (item.entity_id, item.other_id) if i}
    return todo.outcome()


def reject(layout: VaultLayout, store: Store, item_id: int, wait: bool = False) -> Outcome:
    """Reject a review item: a fact it was raised for is tombstoned (never shown again);
    an uncertain match stays two entities."""
    with journaled_change(layout, store, wait) as todo:
        item = _open_item(store, item_id)
        if item.fact_id is not None:
            store.set_fact_status(item.fact_id, REJECTED)
        store.resolve_review(item_id, "rejected")
        todo.message = f"rejected {item.kind} #{item_id}"
        todo.entities |= {i for i in (item.entity_id, item.other_id) if i}
    return todo.outcome()


def merge(layout: VaultLayout, store: Store, keep_name: str, gone_name: str,
          wait: bool = False) -> Outcome:
    """Merge the entity called `gone_name` into the one called `keep_name`."""
    with journaled_change(layout, store, wait) as todo:
        keep, gone = find_entity(store, keep_name), find_entity(store, gone_name)
        if keep.id == gone.id:
            raise FactbookError(f"{keep_name!r} and {gone_name!r} are already one entity")
        todo.message = _merge(layout, store, keep, gone, todo)
    return todo.outcome()


def add_alias(layout: VaultLayout, store: Store, entity_name: str, alias: str,
              wait: bool = False) -> Outcome:
    """Add another name for an entity (it resolves to the entity from then on)."""
    with journaled_change(layout, store, wait) as todo:
        entity = find_entity(store, entity_name)
        other = store.find_entity(alias)
        if other is not None and other.id != entity.id:
            raise FactbookError(f"{alias!r} is already the entity {other.name!r}",
                                hint=f'merge them: factbook merge "{entity.name}" "{other.name}"')
        store.add_alias(entity.id, alias)
        todo.message = f"{alias!r} is now an alias of {entity.name}"
        todo.entities.add(entity.id)
    return todo.outcome()


@dataclass
class _Todo:
    """What a decision changed and which notes to render again."""

    message: str = ""
    entities: set[int] = field(default_factory=set)
    documents: list[int] = field(default_factory=list)
    relinked: list[str] = field(default_factory=list)
    written: int = 0
    journal: Journal | None = None  # where rewritten notes are staged

    def outcome(self) -> Outcome:
        return Outcome(self.message, self.written, self.relinked)


@contextmanager
def journaled_change(layout: VaultLayout, store: Store, wait: bool | float = False
                     ) -> Iterator[_Todo]:
    """The one path for a person's decision about the vault (accept, reject, merge, alias,
    and any command that changes entities): under the vault lock, read the vault back,
    let the caller change the store and stage rewritten notes (`todo.journal`), then
    render the notes concerned, all in ONE journaled run: the store changes and every
    note land together, or nothing does (vault/journal.py)."""
    todo = _Todo()
    with vault_lock(layout.state_dir, wait):
        recover_vault(layout.root, layout.state_dir, store)
        with journaled(layout.root, layout.state_dir, store) as journal:
            todo.journal = journal
            read_back_vault(layout, store)
            yield todo
            writer = NoteWriter(layout, store, None, journal=journal)
            todo.written = writer.write(todo.entities, todo.documents)



def _open_item(store: Store, item_id: int) -> ReviewItem:
    item = store.review_item(item_id)
    if item.status != "open":
        raise FactbookError(f"review item #{item_id} is already {item.status}",
                            hint="`factbook review` lists the open ones")
    return item


def _merge(layout: VaultLayout, store: Store, keep: EntityRecord, gone: EntityRecord,
           todo: _Todo) -> str:
    old_tag, new_tag = entity_tag(gone), entity_tag(keep)
    store.merge_entities(keep.id, gone.id)
    for task in store.tasks_for_entity(keep.id):
        if task.user_line and f"#{old_tag}" in task.user_line:
            store.set_task_line(task.id, _retag(task.user_line, old_tag, new_tag))
    todo.relinked = relink_vault(layout, store, Path(gone.note_path).stem,
                                 Path(keep.note_path).stem, old_tag, new_tag, todo.journal)
    todo.documents = store.documents_citing(keep.id)
    todo.entities |= {e for d in todo.documents for e in store.entities_for_document(d)}
    todo.entities |= {keep.id, gone.id}
    return f"merged {gone.name} into {keep.name}"


def _retag(text: str, old_tag: str, new_tag: str) -> str:
    return re.sub(rf"#{re.escape(old_tag)}(?![\w/-])", f"#{new_tag}", text)


def relink(text: str, old_stem: str, new_stem: str) -> str:
    """Point every wikilink to `old_stem` at `new_stem`, keeping what the link displayed."""
    pattern = re.compile(r"\[\[(?:[^\]|#]*/)?" + re.escape(old_stem) + r"(#[^\]|]*)?(\|[^\]]*)?\]\]",
                         re.IGNORECASE)

    def swap(match: re.Match) -> str:
        anchor, shown = match.group(1) or "", match.group(2)
        return f"[[{new_stem}{anchor}{shown or '|' + old_stem + anchor}]]"
    return pattern.sub(swap, text)


def relink_vault(layout: VaultLayout, store: Store, old_stem: str, new_stem: str,
                 old_tag: str, new_tag: str, journal: Journal | None = None) -> list[str]:
    """Rewrite links (and task tags) to a merged-away entity in every note of the vault
    (see `rewrite_notes`)."""
    changed = rewrite_notes(layout, store,
                            lambda text: _retag(relink(text, old_stem, new_stem), old_tag, new_tag),
                            journal)
    log.info("rewrote links to %s in %d notes", old_stem, len(changed))
    return changed


def rewrite_notes(layout: VaultLayout, store: Store, change: Callable[[str], str],
                  journal: Journal | None = None) -> list[str]:
    """Apply `change` to the text of every note of the vault, staged in `journal` (they
    land with the store change, or not at all) or written at once with a pre-image check.
    factbook's record of each note moves along, so the rewrite is not taken for the
    person's edit. A note that cannot be read (not UTF-8) is left as it is and named in
    the log. Returns the notes changed."""
    changed = []
    for path in sorted(layout.root.rglob("*.md")):
        rel = path.relative_to(layout.root).as_posix()
        if rel.startswith(".") or not path.is_file():
            continue
        try:
            text = read_note_text(path)
        except VaultError as exc:
            log.warning("%s; it is left as it is", exc)
            continue
        new = change(text) if text is not None else None
        if new is None or new == text:
            continue
        was_ours = store.rendered_hash(rel) == text_hash(text)
        if journal is not None:
            journal.stage(rel, new, before=text)
        else:
            skipped: list[Path] = []
            write_batch([(path, new)], expect={path: text}, skipped=skipped)
            if skipped:
                raise FactbookError(f"{path}: the note changed while its links were rewritten",
                                    hint="run the command again")
        base = store.rendered_base(rel)
        if was_ours:
            store.set_rendered(rel, text_hash(new), None)
        if base is not None:
            store.set_rendered_base(rel, change(base))
        changed.append(rel)
    return changed
