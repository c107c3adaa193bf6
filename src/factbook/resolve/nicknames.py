"""Nicknames: "Rob Kessler" and "Robert Kessler" are one person's two names.

The nickname pairs come from the `nicknames` package (a maintained, hand-curated
dataset of English given names and their nicknames), not from a hand list here.
Two full names are one person's when their surnames are the same and one first name
is the other's nickname (or the same name). A nickname shared by two formal names
("Sam" of Samuel and of Samantha) links each to "Sam", never Samuel to Samantha.
"""
from __future__ import annotations

from functools import lru_cache

from nicknames import NickNamer

from factbook.resolve.names import name_key


@lru_cache(maxsize=1)
def _namer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=65536)
def _nicknames_of(first: str) -> frozenset[str]:
    return frozenset(_namer().nicknames_of(first))


def nickname_related(first: str, other: str) -> bool:
    """True when two given names are one, or one is the other's nickname ("Rob", "Robert")."""
    a, b = name_key(first), name_key(other)
    if not a or not b:
        return False
    return a == b or b in _nicknames_of(a) or a in _nicknames_of(b)


def split_name(name: str) -> tuple[str, str] | None:
    """(first name, surname key) of a full name of two or more words, else None."""
    words = name_key(name).split()
    if len(words) < 2:
        return None
    return words[0], " ".join(words[1:])


def same_person_name(name: str, other: str) -> bool:
    """True when `name` and `other` are one person's full names by nickname: the same
    surname, and first names that are one or nickname and formal name."""
    a, b = split_name(name), split_name(other)
    if a is None or b is None or a[1] != b[1]:
        return False
    return nickname_related(a[0], b[0])


def surname_key(name: str) -> str | None:
    """The key under which names that may be one person's by nickname meet."""
    parts = split_name(name)
    return parts[1] if parts else None
