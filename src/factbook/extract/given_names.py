"""Given names ("Hannah", "Tomasz", "Aoife"): evidence that a capitalized word starts a
person's name.

The names come from the person providers of the `faker` package (maintained, MIT), one
list per locale, in Latin script; they are read once, on first use, and nothing is
downloaded. A given name is evidence, never proof: "Summer", "Page" and "Lane" are
given names too, so callers combine it with the shape of the name and its context.
"""
from __future__ import annotations

import importlib
import pkgutil
import unicodedata
from functools import lru_cache

# The attributes of a faker person provider that hold given names.
_ATTRIBUTES = ("first_names", "first_names_male", "first_names_female",
               "first_names_nonbinary", "first_romanized_names")
# Short forms that name lists leave out but that work documents use.
_SHORT_FORMS = frozenset("""deb tom rob bob bill jim jon ben dan sam alex chris matt nick
mike pat liz kate beth jess greg danny terry steve andy tony ted ed""".split())


def _fold(word: str) -> str:
    """A name folded for look-up: case and accents dropped ("Inês" is "ines")."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=1)
def given_names() -> frozenset[str]:
    """Every given name of every locale faker knows, folded; Latin script only."""
    return frozenset(_SHORT_FORMS) | _names(_ATTRIBUTES)


@lru_cache(maxsize=1)
def surnames() -> frozenset[str]:
    """Every family name of every locale faker knows, folded; Latin script only."""
    return _names(("last_names", "last_names_male", "last_names_female", "last_romanized_names"))


def _names(attributes: tuple[str, ...]) -> frozenset[str]:
    import faker.providers.person as people  # imported lazily: ~0.5 s for all locales

    found: set[str] = set()
    for module in pkgutil.iter_modules(people.__path__):
        provider = importlib.import_module(f"{people.__name__}.{module.name}").Provider
        for attribute in attributes:
            value = provider.__dict__.get(attribute)
            if isinstance(value, dict):
                value = value.keys()
            if not isinstance(value, (list, tuple, set, frozenset, type({}.keys()))):
                continue
            for name in value:
                folded = _fold(str(name))
                if folded.isascii() and folded.isalpha() and len(folded) >= 2:
                    found.add(folded)
    return frozenset(found)


@lru_cache(maxsize=65536)
def is_surname(word: str) -> bool:
    """True when `word` ("Kowalski", "Toth") is a family name in some locale."""
    word = word.strip(".,;:'’")
    return len(word) >= 2 and word[:1].isupper() and _fold(word) in surnames()


@lru_cache(maxsize=65536)
def is_given_name(word: str) -> bool:
    """True when `word` ("Hannah", "Ines") is a given name in some locale."""
    word = word.strip(".,;:'’")
    return len(word) >= 2 and word[:1].isupper() and _fold(word) in given_names()
