"""Entity resolution: map the names a document uses to the vault's entities.

Exact key matches (after `name_key`) merge; fuzzy matches above a threshold are
not merged silently but reported as uncertain, for a person to review.
"""
from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from factbook.models import EntityKind, KnownEntity, Mention
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
    """The vault's entities by name key, for resolving mentions quickly."""

    def __init__(self, known: list[KnownEntity] | None = None) -> None:
        self._by_key: dict[str, int] = {}
        self._kinds: dict[int, EntityKind] = {}
        for entity in known or []:
            self.add(entity)

    def add(self, entity: KnownEntity) -> None:
        """Index an entity under its name and every alias."""
        self._kinds[entity.id] = entity.kind
        for name in (entity.name, *entity.aliases):
            key = name_key(name)
            if key:
                self._by_key.setdefault(key, entity.id)

    def resolve(self, mention: Mention) -> Resolution:
        """Resolve one mention by its name and aliases; fuzzy look-alikes become review items."""
        for name in (mention.name, *mention.aliases):
            hit = self._by_key.get(name_key(name))
            if hit is not None:
                return Resolution(hit)
        key = name_key(mention.name)
        if self._by_key and key:
            best = process.extractOne(key, self._by_key.keys(), scorer=fuzz.token_sort_ratio,
                                      score_cutoff=REVIEW_THRESHOLD)
            if best is not None:
                return Resolution(None, uncertain_with=self._by_key[best[0]], score=best[1])
        return Resolution(None)
