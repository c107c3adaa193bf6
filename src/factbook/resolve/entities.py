"""Entity resolution: map the names a document uses to the vault's entities.

A mention's own name merges with an entity whose name or alias has the same key
(`name_key`: case, punctuation, legal form dropped). A mention's aliases are
weaker evidence: a multi-word alias or an acronym that is another entity's name
merges, a one-word short form ("Acme" for "Acme Energy Inc") only raises a review
item, because many companies share a first word. Fuzzy look-alikes are never
merged silently: they become review items for a person; fuzzy comparison only looks
at names that share a first word with the mention (blocking), so resolving stays
fast with tens of thousands of entities.
"""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from factbook.models import EntityKind, KnownEntity, Mention
from factbook.resolve.names import name_key
from factbook.resolve.nicknames import same_person_name, surname_key

# Scores (0-100, rapidfuzz token_sort_ratio on name keys) at or above this are close
# enough to ask a person whether two names are one entity. Measured on the wire-story
# dev set of ../shared/eval (bench/fuzzy_threshold.py): of 35,511 pairs of distinct
# names none reach 90; at 88 one does (two different companies), at 80 six (all
# different).
REVIEW_THRESHOLD = 90


@dataclass(frozen=True)
class Resolution:
    """Where a mention lands: an existing entity id, or None for a new entity.
    `uncertain_with` names an existing entity that looks like the same one."""

    entity_id: int | None
    uncertain_with: int | None = None
    score: float = 0.0


def _strong_alias(alias: str) -> bool:
    """An alias specific enough to identify an entity on its own."""
    words = alias.split()
    return len(words) > 1 or (alias.isupper() and len(alias.replace(".", "")) >= 2)


class EntityIndex:
    """The vault's entities by name key, for resolving mentions quickly."""

    def __init__(self, known: list[KnownEntity] | None = None) -> None:
        self._by_name: dict[str, int] = {}
        self._by_alias: dict[str, set[int]] = {}
        self._blocks: dict[str, list[str]] = {}
        self._by_surname: dict[str, set[int]] = {}  # people, for "Rob X" / "Robert X"
        self.entities: dict[int, KnownEntity] = {}
        for entity in known or []:
            self.add(entity)

    def add(self, entity: KnownEntity) -> None:
        """Index an entity under its name and every alias (again after they change)."""
        self.entities[entity.id] = entity
        key = name_key(entity.name)
        if key and key not in self._by_name:
            self._by_name[key] = entity.id
            self._blocks.setdefault(key.split(" ", 1)[0], []).append(key)
        for alias in entity.aliases:
            akey = name_key(alias)
            if akey:
                self._by_alias.setdefault(akey, set()).add(entity.id)
        if entity.kind is EntityKind.PERSON and (surname := surname_key(entity.name)):
            self._by_surname.setdefault(surname, set()).add(entity.id)

    def known(self) -> list[KnownEntity]:
        """Every indexed entity."""
        return list(self.entities.values())

    def lookup(self, name: str) -> int | None:
        """The entity with exactly this name key (its name, or an alias only it has), if any."""
        return self._exact(name_key(name))[0]

    def _exact(self, key: str) -> tuple[int | None, int | None]:
        """(certain id, uncertain id) for a key that is a whole name."""
        if key in self._by_name:
            return self._by_name[key], None
        owners = self._by_alias.get(key, set())
        if len(owners) == 1:
            return next(iter(owners)), None
        if owners:
            return None, min(owners)
        return None, None

    def _same_sort(self, entity_id: int, mention: Mention) -> bool:
        """False when one of the two is a person and the other is not: a person is never
        an alias of an organization, nor the other way round."""
        entity = self.entities.get(entity_id)
        return entity is None or (entity.kind is EntityKind.PERSON) == (mention.kind is EntityKind.PERSON)

    def _by_nickname(self, mention: Mention) -> int | None:
        """The one person whose full name is the mention's by nickname ("Robert Kessler"
        for "Rob Kessler": same surname, formal and short first name), if exactly one."""
        surname = surname_key(mention.name) if mention.kind is EntityKind.PERSON else None
        if not surname:
            return None
        found = {i for i in self._by_surname.get(surname, ())
                 if same_person_name(self.entities[i].name, mention.name)}
        return next(iter(found)) if len(found) == 1 else None

    def resolve(self, mention: Mention) -> Resolution:
        """Resolve one mention by its name and aliases; look-alikes become review items."""
        key = name_key(mention.name)
        hit, doubt = self._exact(key) if key else (None, None)
        if hit is not None and (key in self._by_name or self._same_sort(hit, mention)):
            return Resolution(hit)
        hit = None
        for alias in mention.aliases:
            akey = name_key(alias)
            if not akey or akey == key:
                continue
            if akey in self._by_name and self._same_sort(self._by_name[akey], mention):
                if _strong_alias(alias):
                    return Resolution(self._by_name[akey])
                doubt = doubt or self._by_name[akey]
            elif _strong_alias(alias) and len(self._by_alias.get(akey, ())) == 1 \
                    and self._same_sort(next(iter(self._by_alias[akey])), mention):
                return Resolution(next(iter(self._by_alias[akey])))
        nicknamed = self._by_nickname(mention)
        if nicknamed is not None:
            return Resolution(nicknamed)
        if doubt is not None:
            return Resolution(None, uncertain_with=doubt, score=100.0)
        candidates = self._blocks.get(key.split(" ", 1)[0], []) if key else []
        if candidates:
            best = process.extractOne(key, candidates, scorer=fuzz.token_sort_ratio,
                                      score_cutoff=REVIEW_THRESHOLD)
            if best is not None:
                return Resolution(None, uncertain_with=self._by_name[best[0]], score=best[1])
        return Resolution(None)
