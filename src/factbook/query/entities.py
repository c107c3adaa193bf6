"""Finding entities by the names a person types."""
from __future__ import annotations

from rapidfuzz import fuzz, process

from factbook.errors import EntityNotFoundError
from factbook.resolve.names import name_key
from factbook.store.base import EntityRecord, Store


def find_entity(store: Store, name: str) -> EntityRecord:
    """The entity called `name` (or with that alias); suggests close names when there is none."""
    found = store.find_entity(name)
    if found is not None:
        return found
    entities = store.entities()
    choices = {e.id: name_key(e.name) for e in entities}
    close = process.extract(name_key(name), choices, scorer=fuzz.WRatio, limit=3, score_cutoff=70)
    names = [next(e.name for e in entities if e.id == hit[2]) for hit in close]
    hint = f"did you mean {', '.join(names)}?" if names else "`factbook entities` lists every entity"
    raise EntityNotFoundError(f"no entity called {name!r}", hint=hint)
