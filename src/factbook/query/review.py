"""What needs a person: the open review items, described for `factbook review`."""
from __future__ import annotations

from dataclasses import dataclass

from factbook.store.base import Store


@dataclass
class ReviewLine:
    """One open review item as a person reads it."""

    id: int
    kind: str
    entity: str | None
    other: str | None
    detail: str
    acknowledged: bool

    def to_dict(self) -> dict:
        """The item as plain data (`--json`)."""
        return dict(self.__dict__)


def open_reviews(store: Store) -> list[ReviewLine]:
    """Every open review item, oldest first, with the names of the entities it concerns."""
    names: dict[int, str] = {}

    def name(entity_id: int | None) -> str | None:
        if entity_id is None:
            return None
        if entity_id not in names:
            names[entity_id] = store.entity(entity_id).name
        return names[entity_id]

    return [ReviewLine(i.id, i.kind, name(i.entity_id), name(i.other_id), i.detail, i.acknowledged)
            for i in store.review_items("open")]
