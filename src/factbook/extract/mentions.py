"""Spellings of one name folded into one Mention: short forms ("Acme" for "Acme Energy
Inc"), surnames, acronyms and parenthetical definitions, and the fullest display name.

Also the values the name finder hands on: where each candidate occurs, the cues seen
around it, and the finding itself (mentions, their places in each sentence, publishers).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from factbook.extract import lexicon as lx
from factbook.models import EntityKind, KnownEntity, Mention
from factbook.resolve.names import name_key


@dataclass
class Occurrence:
    """One place a capitalized span stands in the document."""

    surface: str
    sentence: int
    start: int
    end: int
    initial: bool
    heading: bool = False


@dataclass
class Candidate:
    """Everything the document says about one surface form."""

    surface: str
    occurrences: list[Occurrence] = field(default_factory=list)
    cues: set[str] = field(default_factory=set)
    strong: bool = False
    person: int = 0
    publisher: bool = False
    product: bool = False
    acronym_of: str | None = None


@dataclass
class NameFinding:
    """What the name finder returns: mentions, where each occurs, and the publishers."""

    mentions: list[Mention]
    spans: dict[int, list[tuple[int, int, str]]]  # sentence index -> (start, end, mention name)
    publishers: list[str]
    surfaces: dict[str, str]  # surface form -> mention name


def _initials(name: str) -> str:
    words = [w for w in re.split(r"[\s\-]+", name) if w and w[0].isupper()
             and w.lower().strip(".") not in lx.LEGAL_FORMS]
    return "".join(w[0] for w in words)


def group(cands: dict[str, Candidate], accepted: dict[str, EntityKind], publishers: set[str],
           known: dict[str, KnownEntity]) -> NameFinding:
    """Fold short forms, acronyms and spellings of one name into one Mention each."""
    order = sorted(accepted, key=lambda s: (min(o.sentence for o in cands[s].occurrences), -len(s)))
    by_key: dict[str, str] = {}
    owner: dict[str, str] = {}
    for surface in order:
        key = name_key(surface)
        if key in known:
            key = name_key(known[key].name)
        if key in by_key:
            owner[surface] = by_key[key]
            continue
        parent = _short_form_of(surface, by_key, accepted)
        if parent:
            owner[surface] = parent
            continue
        by_key[key] = surface
        owner[surface] = surface
    fulls = [s for s in order if owner[s] == s]
    for surface, cand in cands.items():
        if surface in owner or surface in publishers or all(o.heading for o in cand.occurrences):
            continue
        parent = _alias_target(surface, cand, fulls, cands, accepted)
        if parent and not lx.is_place(surface):
            owner[surface] = parent
    for surface, cand in cands.items():
        if surface not in owner and surface.isupper() and 2 <= len(surface) <= 6 \
                and surface not in publishers:
            hit = next((o for s2, o in owner.items() if _initials(s2) == surface), None)
            if hit:
                owner[surface] = hit
    # Parenthetical definitions: "Harbor Data Systems (HDS)".
    for surface, cand in cands.items():
        for cue in cand.cues:
            if cue.startswith("defines:") and surface in owner:
                acr = cue.split(":", 1)[1]
                # A definition beats the acronym's own evidence: "(ABC)" names its parent.
                if acr in cands and acr not in publishers and owner.get(acr, acr) == acr:
                    owner[acr] = owner[surface]
    return _build(cands, owner, accepted, publishers, known)


def _short_form_of(surface: str, by_key: dict[str, str], accepted: dict[str, EntityKind]) -> str | None:
    """The longer accepted name that `surface` abbreviates, if any (a word prefix)."""
    words = surface.split()
    for full_key, full in by_key.items():
        full_words = full.split()
        if len(words) == 1 and accepted[full] is EntityKind.PERSON and len(full_words) > 1 \
                and full_words[-1].lower() == words[0].lower():
            return full  # "Roe" after "Jane Roe"
        if len(words) < len(full_words) and [w.lower() for w in full_words[:len(words)]] == \
                [w.lower() for w in words] and accepted[full] == accepted[surface]:
            return full
    return None


def _alias_target(surface: str, cand: Candidate, fulls: list[str],
                  cands: dict[str, Candidate], accepted: dict[str, EntityKind]) -> str | None:
    """The full name an unaccepted span stands for: a prefix ("Acme" for "Acme Energy Inc"),
    a person's surname, an acronym of the initials, or a longer form that starts with a
    person's name (an organization's name and more is a product of it, not its name)."""
    low = [w.lower() for w in surface.split()]
    if len(low) == 1 and lx.is_demonym(surface):
        return None  # "the Swedish group" is not a short name of "Swedish Match AB"
    first_seen = min(o.sentence for o in cand.occurrences)
    hits = []
    for full in fulls:
        fw = [w.lower() for w in full.split()]
        if len(low) < len(fw) and fw[:len(low)] == low and low[0] not in lx.COMMON_CAPS:
            hits.append(full)
        elif len(low) == 1 and len(fw) > 1 and fw[-1] == low[0] and len(low[0]) >= 4 \
                and not surface.isupper() and low[0] not in lx.ORG_WORDS \
                and low[0] not in lx.LEGAL_FORMS and low[0] not in lx.COMMON_CAPS:
            hits.append(full)
        elif surface.isupper() and 2 <= len(surface) <= 6 and _initials(full) == surface:
            hits.append(full)
        elif len(low) > len(fw) and low[:len(fw)] == fw and not lx.has_legal_form(surface) \
                and not lx.has_org_word(surface) and accepted.get(full) is not EntityKind.ORGANIZATION:
            # an organization's name and more is a product ("<Company> <Product>"), no alias
            hits.append(full)
    if not hits:
        return None
    # Prefer the name introduced before this span, then the earliest.
    return min(hits, key=lambda f: (min(o.sentence for o in cands[f].occurrences) > first_seen,
                                    min(o.sentence for o in cands[f].occurrences)))


def _build(cands: dict[str, Candidate], owner: dict[str, str], accepted: dict[str, EntityKind],
           publishers: set[str], known: dict[str, KnownEntity]) -> NameFinding:
    groups: dict[str, list[str]] = defaultdict(list)
    for surface, full in owner.items():
        groups[full].append(surface)
    mentions: list[Mention] = []
    surfaces: dict[str, str] = {}
    spans: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for full, members in groups.items():
        name = _display_name(full, members, known)
        kinds = [accepted[m] for m in members if m in accepted]
        kind = EntityKind.PERSON if kinds.count(EntityKind.PERSON) > len(kinds) / 2 \
            else (kinds[0] if kinds else EntityKind.ORGANIZATION)
        count = 0
        for member in members:
            surfaces[member] = name
            for occ in cands[member].occurrences:
                spans[occ.sentence].append((occ.start, occ.end, name))
                count += 1
        aliases = sorted({m for m in members if m != name})
        mentions.append(Mention(name=name, kind=kind, aliases=aliases, count=count))
    for lst in spans.values():
        lst.sort()
    mentions.sort(key=lambda m: -m.count)
    return NameFinding(mentions, dict(spans), sorted(publishers), surfaces)


def _display_name(full: str, members: list[str], known: dict[str, KnownEntity]) -> str:
    """The fullest spelling: one with a legal form beats a bare one of the same key."""
    key = name_key(full)
    if key in known:
        return known[key].name
    same = [m for m in members if name_key(m) == key]
    with_form = [m for m in same if lx.has_legal_form(m)]
    best = max(with_form or same or [full], key=lambda m: (not m.endswith("."), len(m)))
    # "Acme Inc." at a sentence end is "Acme Inc".
    return best[:-1] if best.endswith(".") and lx.last_word(best) in lx.LEGAL_FORMS else best
