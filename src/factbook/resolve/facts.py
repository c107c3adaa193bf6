"""Claim matching: is a new fact one the store already holds, or one that contradicts it?"""
from __future__ import annotations

import re
from dataclasses import dataclass

from factbook.resolve.names import fold

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("a an the of to in on for and or by with at from as is was are be its it that this "
                  "has have had will would said says".split())

# Jaccard overlap of content words above which two claims without figures are one.
SAME_TEXT = 0.6


@dataclass(frozen=True)
class Claim:
    """What matching needs of a fact: its words, figures, event and stance, and the
    entities it is about."""

    text: str
    figures: frozenset[str] = frozenset()
    event: str | None = None
    stance: str | None = None
    entities: frozenset[int] = frozenset()


def content_words(text: str) -> frozenset[str]:
    """The words of `text` that carry meaning."""
    return frozenset(w for w in _WORD.findall(fold(text)) if w not in _STOP)


def overlap(a: str, b: str) -> float:
    """Jaccard similarity of the content words of two texts."""
    wa, wb = content_words(a), content_words(b)
    return len(wa & wb) / max(1, len(wa | wb))


def same_claim(a: Claim, b: Claim) -> bool:
    """True when two claims state the same thing (then they become one fact, two citations)."""
    if fold(a.text) == fold(b.text):
        return True
    if a.stance != b.stance:
        return False
    if a.figures and b.figures:
        return bool(a.figures & b.figures) and overlap(a.text, b.text) >= 0.2
    if a.event and a.event == b.event and a.entities == b.entities:
        return True
    return overlap(a.text, b.text) >= SAME_TEXT


def conflicting(a: Claim, b: Claim) -> bool:
    """True when two claims about the same event disagree: one asserts what the other denies."""
    if not (a.event and a.event == b.event):
        return False
    return (a.stance == "deny") != (b.stance == "deny")


def canonical_text(claims: list[str]) -> str:
    """The line a merged fact is shown with, the same whatever order its sources came in:
    the shortest claim that still says something (40 characters or more), ties by text."""
    distinct = sorted(set(claims))
    full = [c for c in distinct if len(c) >= 40] or distinct
    return min(full, key=lambda c: (len(c), c))
