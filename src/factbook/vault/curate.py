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
from dataclasses import dataclass, field
from pathlib import Path

from factbook.errors import FactbookError
from factbook.query.entities import find_entity
from factbook.store.base import EntityRecord, Store
from factbook.store.living import REJECTED
from factbook.vault.layout import VaultLayout
from factbook.vault.render import entity_tag
from factbook.vault.sync import NoteWriter, read_back_vault, read_note_text
from factbook.vault.writer import text_hash, write_atomic

log = logging.getLogger(__name__)


@dataclass
class Outcome:
    """What a decision did."""

    message: str
    notes_written: int = 0
    links_rewritten: list[str] = field(default_factory=list)


def accept(layout: VaultLayout, store: Store, item_id: int) -> Outcome:
    """Accept a review item: an uncertain match is merged; a conflict or low-confidence
    fact is kept as it is."""
    with store.transaction():
        read_back_vault(layout, store)
        item = _open_item(store, item_id)
        if item.kind == "possible-duplicate" and item.entity_id and item.other_id:
            keep, gone = store.entity(item.other_id), store.entity(item.entity_id)
            outcome = _merge(layout, store, keep, gone)
            store.resolve_review(item_id, "accepted")
            return outcome
        store.resolve_review(item_id, "accepted")
        written = _render(layout, store, {i for i in (item.entity_id, item.other_id) if i})
    return Outcome(f"accepted {item.kind} #{item_id}", written)


def reject(layout: VaultLayout, store: Store, item_id: int) -> Outcome:
    """Reject a review item: a fact it was raised for is tombstoned (never shown again);
    an uncertain match stays two entities."""
    with store.transaction():
        read_back_vault(layout, store)
        item = _open_item(store, item_id)
        if item.fact_id is not None:
            store.set_fact_status(item.fact_id, REJECTED)
        store.resolve_review(item_id, "rejected")
        written = _render(layout, store, {i for i in (item.entity_id, item.other_id) if i})
    return Outcome(f"rejected {item.kind} #{item_id}", written)


def merge(layout: VaultLayout, store: Store, keep_name: str, gone_name: str) -> Outcome:
    """Merge the entity called `gone_name` into the one called `keep_name`."""
    with store.transaction():
        read_back_vault(layout, store)
        keep, gone = find_entity(store, keep_name), find_entity(store, gone_name)
        if keep.id == gone.id:
            raise FactbookError(f"{keep_name!r} and {gone_name!r} are already one entity")
        return _merge(layout, store, keep, gone)


def add_alias(layout: VaultLayout, store: Store, entity_name: str, alias: str) -> Outcome:
    """Add another name for an entity (it resolves to the entity from then on)."""
    with store.transaction():
        read_back_vault(layout, store)
        entity = find_entity(store, entity_name)
        other = store.find_entity(alias)
        if other is not None and other.id != entity.id:
            raise FactbookError(f"{alias!r} is already the entity {other.name!r}",
                                hint=f'merge them: factbook merge "{entity.name}" "{other.name}"')
        store.add_alias(entity.id, alias)
        written = _render(layout, store, {entity.id})
    return Outcome(f"{alias!r} is now an alias of {entity.name}", written)


def _open_item(store: Store, item_id: int):
    item = store.review_item(item_id)
    if item.status != "open":
        raise FactbookError(f"review item #{item_id} is already {item.status}",
                            hint="`factbook review` lists the open ones")
    return item


def _render(layout: VaultLayout, store: Store, entity_ids: set[int],
            document_ids: list[int] | None = None) -> int:
    writer = NoteWriter(layout, store, None)
    return writer.write(entity_ids, document_ids or [])


def _merge(layout: VaultLayout, store: Store, keep: EntityRecord, gone: EntityRecord) -> Outcome:
    old_tag, new_tag = entity_tag(gone), entity_tag(keep)
    store.merge_entities(keep.id, gone.id)
    for task in store.tasks_for_entity(keep.id):
        if task.user_line and f"#{old_tag}" in task.user_line:
            store.set_task_line(task.id, _retag(task.user_line, old_tag, new_tag))
    rewritten = relink_vault(layout, store, Path(gone.note_path).stem, Path(keep.note_path).stem,
                             old_tag, new_tag)
    docs = store.documents_citing(keep.id)
    related = {e for d in docs for e in store.entities_for_document(d)}
    written = _render(layout, store, related | {keep.id, gone.id}, docs)
    return Outcome(f"merged {gone.name} into {keep.name}", written, rewritten)


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
                 old_tag: str, new_tag: str) -> list[str]:
    """Rewrite links (and task tags) to a merged-away entity in every note of the vault.
    factbook's record of each note moves along, so the rewrite is not taken for an edit."""
    changed = []
    for path in sorted(layout.root.rglob("*.md")):
        rel = path.relative_to(layout.root).as_posix()
        if rel.startswith("."):
            continue
        text = read_note_text(path)
        if text is None:
            continue
        new = _retag(relink(text, old_stem, new_stem), old_tag, new_tag)
        if new == text:
            continue
        was_ours = store.rendered_hash(rel) == text_hash(text)
        write_atomic(path, new, expect=text)
        base = store.rendered_base(rel)
        if was_ours:
            store.set_rendered(rel, text_hash(new), None)
        if base is not None:
            store.set_rendered_base(rel, _retag(relink(base, old_stem, new_stem), old_tag, new_tag))
        changed.append(rel)
    log.info("rewrote links to %s in %d notes", old_stem, len(changed))
    return changed
