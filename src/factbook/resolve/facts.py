"""Claim matching: is a new fact one the store already holds, or one that contradicts it?"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from factbook.extract.figures import stated, value_kind, values
from factbook.resolve.names import fold

_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset("a an the of to in on for and or by with at from as is was are be its it that this "
                  "has have had will would said says".split())

# Jaccard overlap of content words above which two claims without figures are one.
SAME_TEXT = 0.6

# Words that put a claim in the future: a plan and its completion are two facts
# ("will supply 12 racks by April", then "delivered 12 racks in March").
_PLANNED = re.compile(r"\b(?:will|would|shall|plans?|planned|planning|intends?|expects? to|"
                      r"aims? to|is to|are to|set to|going to|to be)\b", re.I)


@dataclass(frozen=True)
class Claim:
    """What matching needs of a fact: its words, figures, event and stance, and the
    entities it is about."""

    text: str
    figures: frozenset[str] = frozenset()
    event: str | None = None
    stance: str | None = None
    entities: frozenset[int] = frozenset()

    @cached_property
    def words(self) -> frozenset[str]:
        """The claim's content words, computed once."""
        return content_words(self.text)

    @cached_property
    def values(self) -> frozenset[str]:
        """The values the claim states: amounts, percentages, counts, years, days."""
        return values(self.text)

    @cached_property
    def stated(self) -> frozenset[str]:
        """The claim's amounts, percentages and counts as a source states them (a count
        without its noun)."""
        return frozenset(stated(v) for v in self.values if not v.startswith(_WHEN))

    @cached_property
    def when(self) -> dict[str, frozenset[str]]:
        """The years and days the claim states, by kind."""
        return {k: frozenset(v for v in self.values if v.startswith(k)) for k in _WHEN}

    @cached_property
    def actions(self) -> frozenset[str]:
        """The directions of change the claim states, computed once."""
        return actions(self.text)

    @cached_property
    def planned(self) -> bool:
        """True when the claim says what is to happen rather than what happened."""
        return bool(_PLANNED.search(self.text))


def content_words(text: str) -> frozenset[str]:
    """The words of `text` that carry meaning."""
    return frozenset(w for w in _WORD.findall(fold(text)) if w not in _STOP)


def overlap(a: Claim, b: Claim) -> float:
    """Jaccard similarity of the content words of two claims."""
    wa, wb = a.words, b.words
    return len(wa & wb) / max(1, len(wa | wb))


# Events a company has once: every report of it is a report of the same event.
SINGULAR_EVENTS = frozenset({"ipo"})


# Actions that cannot be the same claim as their opposite ("bought a stake" vs "sold it").
_ACTIONS = [
    ("buy", re.compile(r"\b(?:acquir\w*|buy\w*|bought|purchas\w*)\b")),
    ("sell", re.compile(r"\b(?:sell\w*|sold|sale|divest\w*)\b")),
    ("raise", re.compile(r"\b(?:rais\w*|increas\w*|lift\w*|boost\w*)\b")),
    ("cut", re.compile(r"\b(?:reduc\w*|cut\w*|lower\w*|decreas\w*)\b")),
]


def actions(text: str) -> frozenset[str]:
    """The directions of change a claim states (buy, sell, raise, cut)."""
    low = text.lower()
    return frozenset(name for name, pattern in _ACTIONS if pattern.search(low))


def _opposed(a: Claim, b: Claim) -> bool:
    acts_a, acts_b = a.actions, b.actions
    return bool(acts_a and acts_b and not acts_a & acts_b)


def _money(figures: frozenset[str]) -> frozenset[str]:
    return frozenset(f for f in figures if not f.startswith("pct:"))


def same_claim(a: Claim, b: Claim) -> bool:
    """True when two claims state the same thing (then they become one fact, two citations).

    Claims must agree on stance. Two amounts in common and the same kind of event make
    one claim ("$45 billion" of capex reported three ways); different amounts are different
    claims unless the event is one a company has only once (its IPO); without amounts,
    denials of the same event are one denial, and otherwise the words must overlap.
    """
    if a.text == b.text:
        return True
    if a.stance != b.stance:
        return False
    if a.stated != b.stated or any(a.when[k] and b.when[k] and a.when[k] != b.when[k] for k in _WHEN):
        return False  # a citation means the source states the same values
    # Opposite actions ("bought" vs "sold") are checked last: it is the costly test.
    return _alike(a, b) and not _opposed(a, b)


def _alike(a: Claim, b: Claim) -> bool:
    words = overlap(a, b)
    if words == 1.0 and fold(a.text) == fold(b.text):
        return True
    money_a, money_b = _money(a.figures), _money(b.figures)
    singular = bool(a.event) and a.event == b.event and a.event in SINGULAR_EVENTS
    if money_a and money_b:
        if money_a & money_b:
            return a.event == b.event or words >= 0.35
        return singular
    if money_a or money_b:
        return singular or words >= 0.5
    related = not (a.entities and b.entities) or bool(a.entities & b.entities)
    if a.event and a.event == b.event:
        if singular or (a.stance == "deny" and related):
            return True
        if a.entities == b.entities and words >= 0.25:
            return True
    # Words alone make one claim only when both say what happened, or both what will.
    return words >= SAME_TEXT and a.planned == b.planned


_WHEN = ("year:", "day:")


# Content-word overlap (values aside) above which two claims with different values are
# two reports on one thing: an update or a disagreement, not two facts.
SAME_MATTER = 0.34
_VALUE_WORD = re.compile(r"^(?:\d[\d.]*|zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
                         r"twelve|jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|"
                         r"oct\w*|nov\w*|dec\w*|million|billion|m|k|bn|mln|usd)$")


def same_matter(a: Claim, b: Claim) -> bool:
    """True when two claims give different values of one kind for the same thing ("dwell
    is 3.2 hours" / "dwell is 2.9 hours", "due Oct 2" / "due Oct 9"): much the same words
    around the values, and a value kind both state with no value of that kind in common."""
    if a.stance != b.stance or not (a.values and b.values) or a.values == b.values:
        return False
    kinds = {value_kind(v) for v in a.values} & {value_kind(v) for v in b.values} - {"year"}
    changed = {k for k in kinds
               if not {v for v in a.values if value_kind(v) == k} & {v for v in b.values if value_kind(v) == k}}
    if not changed:
        return False
    wa = {w for w in a.words if not _VALUE_WORD.match(w)}
    wb = {w for w in b.words if not _VALUE_WORD.match(w)}
    words = len(wa & wb) / max(1, len(wa | wb))
    # A count of the same things ("12 sites" / "16 sites") needs fewer words in common.
    counted = any(k.startswith("count:") and len(k) > len("count:") for k in changed)
    return words >= (SAME_MATTER / 2 if counted else SAME_MATTER)


def about_the_past(a: Claim, b: Claim) -> bool:
    """True when both claims state the same year: two accounts of one past period
    disagree (a conflict), a later one does not update the earlier."""
    years_a = {v for v in a.values if v.startswith("year:")}
    return bool(years_a) and years_a == {v for v in b.values if v.startswith("year:")}


def conflicting(a: Claim, b: Claim) -> bool:
    """True when two claims about the same event disagree: one asserts what the other denies.
    Both must concern the same other party (or neither names one)."""
    if not (a.event and a.event == b.event):
        return False
    if (a.entities or b.entities) and not (a.entities & b.entities):
        return False
    return (a.stance == "deny") != (b.stance == "deny")


def canonical_text(claims: list[str]) -> str:
    """The line a merged fact is shown with, the same whatever order its sources came in:
    the shortest claim that still says something (40 characters or more), ties by text."""
    distinct = sorted(set(claims))
    full = [c for c in distinct if len(c) >= 40] or distinct
    return min(full, key=lambda c: (len(c), c))
