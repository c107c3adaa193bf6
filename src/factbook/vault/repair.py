"""The user's repairs of the entity graph: rename, retype, forget, and undo a merge (split).

Each runs like the other decisions (vault/curate.py): under the vault lock, the vault is
read back first, the store changes in one transaction, and the notes concerned are
rendered again in a journaled write that keeps what the person wrote. `dry_run` only
describes what would change.

- rename: the entity gets the new name (the old one stays an alias), its note moves to
  the new file name, and links to it in every note follow.
- retype: the entity becomes a person, an account or a project; its note moves to that
  folder and the tags that tie tasks to it follow.
- forget: the entity and its note go (the note is kept under `.factbook/forgotten/`); its
  names are remembered as "not an entity" and never get a note again; its facts stay on
  the other entities they concern.
- split: undo the merge that folded an entity into another, from what the merge kept.
"""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from factbook.errors import FactbookError
from factbook.models import EntityKind
from factbook.query.entities import find_entity
from factbook.resolve.names import name_key
from factbook.store.base import EntityRecord, Store
from factbook.vault.curate import _retag, journaled_change, rewrite_notes
from factbook.vault.journal import Journal
from factbook.vault.layout import VaultLayout, inside_vault
from factbook.vault.render import entity_tag

log = logging.getLogger(__name__)

# The kinds a user can give an entity, by the word they type.
KINDS = {"person": EntityKind.PERSON, "account": EntityKind.ORGANIZATION,
         "organization": EntityKind.ORGANIZATION, "project": EntityKind.PROJECT}
FORGOTTEN_DIR = "forgotten"


@dataclass
class RepairOutcome:
    """What a repair did (or, in a dry run, would do)."""

    message: str
    changes: list[str] = field(default_factory=list)
    notes_written: int = 0
    links_rewritten: list[str] = field(default_factory=list)
    dry_run: bool = False
    names: list[str] = field(default_factory=list)  # names whose documents to resolve again


def rename(layout: VaultLayout, store: Store, name: str, new_name: str,
           dry_run: bool = False, wait: bool = False) -> RepairOutcome:
    """Rename an entity: its note and the links to it follow; the old name stays an alias."""
    entity = find_entity(store, name)
    new_name = new_name.strip()
    if not new_name:
        raise FactbookError("the new name is empty")
    other = store.find_entity(new_name)
    if other is not None and other.id != entity.id:
        raise FactbookError(f"{new_name!r} is already the entity {other.name!r}",
                            hint=f'merge them instead: factbook merge "{other.name}" "{entity.name}"')
    return _move(layout, store, entity, new_name, entity.kind, dry_run, wait,
                 f"renamed {entity.name} to {new_name}")


def retype(layout: VaultLayout, store: Store, name: str, kind: str,
           dry_run: bool = False, wait: bool = False) -> RepairOutcome:
    """Make an entity a person, an account or a project; its note moves folder."""
    entity = find_entity(store, name)
    new_kind = KINDS.get(kind.strip().lower())
    if new_kind is None:
        raise FactbookError(f"{kind!r} is not a kind of entity", hint="use person, account or project")
    if new_kind is entity.kind:
        raise FactbookError(f"{entity.name} is already a {kind}")
    return _move(layout, store, entity, entity.name, new_kind, dry_run, wait,
                 f"{entity.name} is now a {kind}")


def _move(layout: VaultLayout, store: Store, entity: EntityRecord, new_name: str,
          new_kind: EntityKind, dry_run: bool, wait: bool, message: str) -> RepairOutcome:
    new_path = layout.entity_note(new_name, new_kind)
    taken = store.entity_by_note(new_path)
    if taken is not None and taken.id != entity.id:
        raise FactbookError(f"{new_path} is already the note of {taken.name}",
                            hint=f'merge them instead: factbook merge "{taken.name}" "{entity.name}"')
    changes = [f"{entity.note_path} -> {new_path}"] if new_path != entity.note_path else []
    if new_name != entity.name:
        changes.append(f"{entity.name!r} stays an alias of {new_name}")
    docs = store.documents_citing(entity.id)
    changes.append(f"{len(docs)} source notes link to it again")
    outcome = RepairOutcome(message, changes, dry_run=dry_run, names=[new_name, entity.name])
    if dry_run:
        return outcome
    with journaled_change(layout, store, wait) as todo:
        outcome.links_rewritten = move_entity(layout, store, entity, new_name, new_kind,
                                              move_file=True, journal=todo.journal)
        todo.entities |= _neighbours(store, entity.id, docs)
        todo.documents = docs
        todo.message = message
    outcome.notes_written = todo.written
    return outcome


def move_entity(layout: VaultLayout, store: Store, entity: EntityRecord, new_name: str,
                new_kind: EntityKind, move_file: bool, new_path: str | None = None,
                journal: Journal | None = None) -> list[str]:
    """Give an entity a new name, kind and note path in the store, carry factbook's
    record of the note along (and the file, when `move_file`), and make links and task
    tags across the vault follow; returns the notes whose links were rewritten."""
    old_path, old_tag = entity.note_path, entity_tag(entity)
    new_path = new_path or layout.entity_note(new_name, new_kind)
    store.rename_entity(entity.id, new_name, new_kind, new_path)
    store.remove_not_entity(new_name)  # a name the user gives an entity is one again
    store.move_note_records(old_path, new_path)
    moved = store.entity(entity.id)
    new_tag = entity_tag(moved)
    for task in store.tasks_for_entity(entity.id):
        if task.user_line and f"#{old_tag}" in task.user_line:
            store.set_task_line(task.id, _retag(task.user_line, old_tag, new_tag))
    if move_file and old_path != new_path:
        source, target = inside_vault(layout.root, old_path), inside_vault(layout.root, new_path)
        if source.exists():
            if target.exists():
                raise FactbookError(f"{target}: a note is already there",
                                    hint="move or rename that note first")
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    old_stem, new_stem = Path(old_path).stem, Path(new_path).stem
    if old_stem == new_stem and old_tag == new_tag:
        return []

    def follow(text: str) -> str:
        return _retag(relink_to(text, old_stem, new_stem), old_tag, new_tag)
    return rewrite_notes(layout, store, follow, journal)


def forget(layout: VaultLayout, store: Store, name: str, dry_run: bool = False,
           wait: bool = False) -> RepairOutcome:
    """Forget an entity: its note goes (kept under .factbook/forgotten/), its names are
    never an entity again, and its facts stay on the other entities they concern."""
    entity = find_entity(store, name)
    names = [entity.name, *entity.aliases]
    docs = store.documents_citing(entity.id)
    changes = [f"{entity.note_path} goes (kept in {layout.state_dir.name}/{FORGOTTEN_DIR}/)",
               f"never an entity again: {', '.join(names)}",
               f"{len(docs)} source notes no longer link to it"]
    outcome = RepairOutcome(f"forgot {entity.name}", changes, dry_run=dry_run)
    if dry_run:
        return outcome
    with journaled_change(layout, store, wait) as todo:
        neighbours = _neighbours(store, entity.id, docs) - {entity.id}
        forget_entity(layout, store, entity, keep_note=True)
        todo.entities |= neighbours
        todo.documents = docs
        todo.message = outcome.message
    outcome.notes_written = todo.written
    return outcome


def forget_entity(layout: VaultLayout, store: Store, entity: EntityRecord,
                  keep_note: bool) -> tuple[list[int], set[int]]:
    """Delete an entity from the store and remember its names as not an entity; with
    `keep_note`, its note is moved out of the vault into .factbook/forgotten/."""
    for alias in (entity.name, *entity.aliases):
        store.add_not_entity(alias)
    docs, others = store.forget_entity(entity.id)
    store.forget_rendered(entity.note_path)
    if keep_note:
        note = inside_vault(layout.root, entity.note_path)
        if note.exists():
            folder = layout.state_dir / FORGOTTEN_DIR
            folder.mkdir(parents=True, exist_ok=True)
            os.replace(note, folder / note.name)
    return docs, others


def split(layout: VaultLayout, store: Store, name: str, dry_run: bool = False,
          wait: bool = False) -> RepairOutcome:
    """Undo the merge that folded the entity called `name` into another: both entities
    are as they were before it (with what was added to either since)."""
    gone = _merged_away(store, name)
    undo = store.last_merge_into(gone.id)
    if undo is None:
        raise FactbookError(f"the merge of {gone.name} was not recorded, so it cannot be undone",
                            hint="merges made before this version cannot be split")
    record_id, keep_id = undo
    keep = store.entity(keep_id)
    outcome = RepairOutcome(f"split {gone.name} from {keep.name}",
                            [f"{gone.note_path} is {gone.name}'s own note again",
                             f"links [[{Path(keep.note_path).stem}|{Path(gone.note_path).stem}]]"
                             f" point at {gone.name} again"], dry_run=dry_run,
                            names=[gone.name, *gone.aliases])
    if dry_run:
        return outcome
    with journaled_change(layout, store, wait) as todo:
        store.undo_merge(record_id)
        gone_stem, keep_stem = Path(gone.note_path).stem, Path(keep.note_path).stem
        outcome.links_rewritten = rewrite_notes(
            layout, store, lambda text: unlink_merged(text, keep_stem, gone_stem), todo.journal)
        docs = sorted(set(store.documents_citing(keep.id)) | set(store.documents_citing(gone.id)))
        todo.entities |= _neighbours(store, keep.id, docs) | {gone.id}
        todo.documents = docs
        todo.message = outcome.message
    outcome.notes_written = todo.written
    return outcome


def _merged_away(store: Store, name: str) -> EntityRecord:
    key = name_key(name)
    for entity in reversed(store.merged_entities()):
        if name_key(entity.name) == key or key in {name_key(a) for a in entity.aliases}:
            return entity
    live = store.find_entity(name)
    hint = (f"{live.name} was not merged from another entity" if live is not None
            else "give the name of the entity that was merged away")
    raise FactbookError(f"no merged entity called {name!r}", hint=hint)


def _neighbours(store: Store, entity_id: int, docs: list[int]) -> set[int]:
    """The entity and every entity its documents involve (their notes link to it)."""
    found = {entity_id}
    for doc in docs:
        found.update(store.entities_for_document(doc))
    return found


def relink_to(text: str, old_stem: str, new_stem: str) -> str:
    """Point wikilinks to `old_stem` at `new_stem` as Obsidian does on a rename: a link
    that showed other words keeps them, a plain link shows the new name."""
    pattern = re.compile(r"\[\[(?:[^\]|#]*/)?" + re.escape(old_stem) + r"(#[^\]|]*)?(\|[^\]]*)?\]\]",
                         re.IGNORECASE)
    return pattern.sub(lambda m: f"[[{new_stem}{m.group(1) or ''}{m.group(2) or ''}]]", text)


def unlink_merged(text: str, keep_stem: str, gone_stem: str) -> str:
    """Undo a merge's link rewrite: `[[Keep|Gone]]` points at Gone again."""
    pattern = re.compile(r"\[\[(?:[^\]|#]*/)?" + re.escape(keep_stem) + r"(#[^\]|]*)?\|"
                         + re.escape(gone_stem) + r"(#[^\]|]*)?\]\]", re.IGNORECASE)
    return pattern.sub(lambda m: f"[[{gone_stem}{m.group(1) or ''}]]", text)


def describe_merge(store: Store, keep_name: str, gone_name: str) -> RepairOutcome:
    """What `factbook merge KEEP GONE` would change, without changing anything."""
    keep, gone = find_entity(store, keep_name), find_entity(store, gone_name)
    if keep.id == gone.id:
        raise FactbookError(f"{keep_name!r} and {gone_name!r} are already one entity")
    facts = [f for f in store.facts_for_entity(gone.id) if f.status == "active"]
    return RepairOutcome(
        f"would merge {gone.name} into {keep.name}",
        [f"{len(facts)} facts, {len(store.documents_citing(gone.id))} sources and "
         f"{len(store.tasks_for_entity(gone.id))} tasks move to {keep.name}",
         f"names that become aliases of {keep.name}: {', '.join([gone.name, *gone.aliases])}",
         f"{gone.note_path} becomes a redirect to {keep.note_path}; links to it follow",
         f"undo with: factbook split \"{gone.name}\""], dry_run=True)
