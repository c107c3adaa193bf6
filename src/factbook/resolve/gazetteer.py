"""Which known entities a text names: fast multi-pattern matching over names and aliases.

Used to find the documents of a run that name an entity another document of the run
introduced, so they can be read again with that entity known.
"""
from __future__ import annotations

import ahocorasick

from factbook.models import KnownEntity

# Shorter surface forms (initials, two-letter tickers) match too much text to be a cue,
# and so do single words ("First", "National"): a name must have two words or more.
MIN_LENGTH = 4
MIN_WORDS = 2


class Gazetteer:
    """Entities by every way they are written (case-sensitive, whole words only)."""

    def __init__(self, entities: list[KnownEntity]) -> None:
        self._automaton = ahocorasick.Automaton()
        names: dict[str, set[int]] = {}
        for entity in entities:
            for name in {entity.name, *entity.aliases}:
                if len(name) >= MIN_LENGTH and not name.islower() and len(name.split()) >= MIN_WORDS:
                    names.setdefault(name, set()).add(entity.id)
        for name, ids in names.items():
            self._automaton.add_word(name, (len(name), frozenset(ids)))
        self._empty = not names
        if not self._empty:
            self._automaton.make_automaton()

    def entities_in(self, text: str) -> set[int]:
        """The ids of the entities `text` names as a whole word."""
        if self._empty:
            return set()
        found: set[int] = set()
        for end, (length, ids) in self._automaton.iter(text):
            if ids <= found:
                continue
            # The match is text[start:end+1]; it must not sit inside a longer word.
            start = end + 1 - length
            before = text[start - 1] if start > 0 else " "
            after = text[end + 1] if end + 1 < len(text) else " "
            if not (before.isalnum() or after.isalnum()):
                found |= ids
        return found

