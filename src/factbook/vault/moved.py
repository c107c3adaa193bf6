"""Understanding what the person did to entity notes in Obsidian: a note renamed or moved
is the same entity under its new name (and, in another entity folder, of that kind); a
note deleted is a `factbook forget`.

An entity note factbook wrote that is no longer where the store says is looked for
among the notes the store does not know: the one carrying the entity's fact block ids,
else the one whose front matter `name` (or file name) is the entity's, is the moved
note. Only the store changes here; the caller renders the notes concerned again.
"""
from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from factbook.config import STATE_DIR
from factbook.errors import FactbookError
from factbook.models import KIND_OF_NOTE_TYPE, EntityKind
from factbook.resolve.names import name_key
from factbook.store.base import EntityRecord, Store
from factbook.vault.layout import VaultLayout, inside_vault
from factbook.vault.notes import parse_note
from factbook.vault.repair import forget_entity, move_entity
from factbook.vault.sync import read_note_text

log = logging.getLogger(__name__)

_BLOCK = re.compile(r"\^(f-[0-9a-f]{6,})\b")
_SKIP = {STATE_DIR, ".obsidian", ".trash", ".git"}


@dataclass
class VaultRepairs:
    """What the person's moves and deletions of entity notes changed in the store."""

    moved: list[str] = field(default_factory=list)  # "old path -> new path"
    forgotten: list[str] = field(default_factory=list)  # entity names
    entities: set[int] = field(default_factory=set)  # notes to render again
    documents: list[int] = field(default_factory=list)  # source notes to render again

    def __bool__(self) -> bool:
        return bool(self.moved or self.forgotten)


def missing_entity_notes(layout: VaultLayout, store: Store) -> list[EntityRecord]:
    """Live entities whose note factbook wrote and that is no longer at its path."""
    gone = []
    for entity_id, rel, merged in store.entity_note_records():
        if merged:
            continue
        try:
            if inside_vault(layout.root, rel).exists() or store.rendered_hash(rel) is None:
                continue
        except FactbookError:
            continue
        gone.append(store.entity(entity_id))
    return gone


def bulk_loss(missing: int, store: Store) -> bool:
    """True when so many entity notes are gone at once (a folder deleted or renamed, a
    sync half done) that it is an accident to repair, not a note-by-note forget."""
    live = sum(1 for _, _, merged in store.entity_note_records() if not merged)
    return missing > max(3, live // 2)


def understand_vault_changes(layout: VaultLayout, store: Store) -> VaultRepairs:
    """Follow entity notes the person moved or renamed, and forget the ones they deleted
    (call inside the store transaction, before the vault is read back). When most notes
    are gone at once, only moves are followed: the rest are written again."""
    repairs = VaultRepairs()
    missing = missing_entity_notes(layout, store)
    if not missing:
        return repairs
    found = _find_moved(layout, store, {e.id: e for e in missing})
    accident = bulk_loss(len(missing) - len(found), store)
    if accident:
        log.warning("%d entity notes are missing: written again, not forgotten",
                    len(missing) - len(found))
    for entity in missing:
        if accident and entity.id not in found:
            continue
        docs = store.documents_citing(entity.id)
        neighbours = {e for d in docs for e in store.entities_for_document(d)}
        if entity.id in found:
            new_rel = found[entity.id]
            name, kind = _new_identity(layout, entity, new_rel)
            move_entity(layout, store, entity, name, kind, move_file=False, new_path=new_rel)
            repairs.moved.append(f"{entity.note_path} -> {new_rel}")
            repairs.entities |= neighbours | {entity.id}
        else:
            forget_entity(layout, store, entity, keep_note=False)
            repairs.forgotten.append(entity.name)
            repairs.entities |= neighbours - {entity.id}
        repairs.documents += [d for d in docs if d not in repairs.documents]
    if repairs:
        log.info("notes moved in the vault: %d; deleted (forgotten): %d",
                 len(repairs.moved), len(repairs.forgotten))
    return repairs


def _find_moved(layout: VaultLayout, store: Store, missing: dict[int, EntityRecord]) -> dict[int, str]:
    """Entity id -> the vault-relative path its note was moved to."""
    known = {p.casefold() for p in store.note_paths()}
    by_name = {name_key(e.name): e.id for e in missing.values()}
    found: dict[int, str] = {}
    for path in sorted(layout.root.rglob("*.md")):
        rel = path.relative_to(layout.root)
        if _SKIP & set(rel.parts) or rel.as_posix().casefold() in known:
            continue
        try:
            text = read_note_text(path) or ""
        except FactbookError:
            continue
        owner = _owner(store, text, missing, by_name, path.stem)
        if owner is not None and owner not in found:
            found[owner] = rel.as_posix()
    return found


def _owner(store: Store, text: str, missing: dict[int, EntityRecord], by_name: dict[str, int],
           stem: str) -> int | None:
    """The missing entity a note is the moved note of: by its fact block ids, else by
    the `name` in its front matter."""
    votes = Counter(store.entity_of_block(b) for b in _BLOCK.findall(text))
    for entity_id, _ in votes.most_common():
        if entity_id in missing:
            return entity_id
    try:
        meta = parse_note(text).meta
    except Exception:  # noqa: BLE001 - a note without readable front matter has no name
        meta = {}
    if str(meta.get("type", "")).lower() not in KIND_OF_NOTE_TYPE:
        return None
    return by_name.get(name_key(str(meta.get("name") or stem)))


def _new_identity(layout: VaultLayout, entity: EntityRecord, new_rel: str) -> tuple[str, EntityKind]:
    """The entity's name and kind as the moved note says: a new file name is a new name,
    a note in another entity folder is of that folder's kind."""
    name = entity.name
    stem = Path(new_rel).stem
    if stem != Path(entity.note_path).stem:
        name = stem
    kind = entity.kind
    folder = Path(new_rel).parent.as_posix()
    for candidate in (EntityKind.PERSON, EntityKind.ORGANIZATION, EntityKind.PROJECT):
        if folder == layout.entity_folder(candidate) and layout.entity_folder(kind) != folder:
            kind = candidate
    return name, kind
