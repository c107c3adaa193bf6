"""Entity resolution: map the names a document uses to the vault's entities.

Exact key matches (after `name_key`) merge; fuzzy matches above a threshold are
not merged silently but reported as uncertain, for a person to review.
"""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from factbook.models import KnownEntity, Mention
from factbook.resolve.names import name_key

# Scores (0-100, rapidfuzz token_sort_ratio on name keys) at or above this are
# close enough to ask a person whether two names are one entity.
REVIEW_THRESHOLD = 90


@dataclass(frozen=True)
class Resolution:
    """Where a mention lands: an existing entity id, or None for a new entity.
    `uncertain_with` names an existing entity that looks like the same one."""

    entity_id: int | None
    uncertain_with: int | None = None
    score: float = 0.0


class EntityIndex:
    """The vault's entities by name key, for resolving mentions quickly.

    Fuzzy comparison only looks at keys that share a first word with the mention
    (blocking), so resolving stays fast with tens of thousands of entities.
    """

    def __init__(self, known: list[KnownEntity] | None = None) -> None:
        self._by_key: dict[str, int] = {}
        self._blocks: dict[str, list[str]] = {}
        self.entities: dict[int, KnownEntity] = {}
        for entity in known or []:
            self.add(entity)

    def add(self, entity: KnownEntity) -> None:
        """Index an entity under its name and every alias (again after they change)."""
        self.entities[entity.id] = entity
        for name in (entity.name, *entity.aliases):
            key = name_key(name)
            if key and key not in self._by_key:
                self._by_key[key] = entity.id
                self._blocks.setdefault(key.split(" ", 1)[0], []).append(key)

    def known(self) -> list[KnownEntity]:
        """Every indexed entity."""
        return list(self.entities.values())

    def lookup(self, name: str) -> int | None:
        """The entity with exactly this name key, if any."""
        return self._by_key.get(name_key(name))

    def resolve(self, mention: Mention) -> Resolution:
        """Resolve one mention by its name and aliases; fuzzy look-alikes become review items."""
        for name in (mention.name, *mention.aliases):
            hit = self._by_key.get(name_key(name))
            if hit is not None:
                return Resolution(hit)
        key = name_key(mention.name)
        candidates = self._blocks.get(key.split(" ", 1)[0], []) if key else []
        if candidates:
            best = process.extractOne(key, candidates, scorer=fuzz.token_sort_ratio,
                                      score_cutoff=REVIEW_THRESHOLD)
            if best is not None:
                return Resolution(None, uncertain_with=self._by_key[best[0]], score=best[1])
        return Resolution(None)
