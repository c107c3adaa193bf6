"""Whose "we" and "our": a statement a customer makes for their side is a fact about
their organization.

"Our average dwell time is 3.2 hours", said by a customer in a call or written by one in
an e-mail, states a figure of the customer's organization. extract/facts.py keeps such a
statement with who said it (`Fact.voice`); once the document's people are known (their
organization from the mail domain, signature or attendee list: `Mention.org`), this
module makes each "we"/"our"/"us" a link over those words to that organization and
makes the organization the fact's subject. The words stay the source's. The user's own
"we" (the user, a colleague, anyone of the user's company) and a speaker whose
organization nobody states stay talk: the fact is dropped.
"""
from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from factbook.extract.wording import MARK, mark
from factbook.models import EntityKind, Extraction, Fact, Mention
from factbook.resolve.names import name_key

if TYPE_CHECKING:
    from factbook.persona import Persona

_WE = re.compile(r"(?<![\w'’])(?:[Ww]e|[Ww]e['’](?:re|ve|ll|d)|[Oo]urs?|[Uu]s)(?![\w'’])")


def speak_for_orgs(extraction: Extraction, persona: Persona | None = None,
                   keep_unknown: bool = False) -> Extraction:
    """`extraction` with each voiced fact about the organization of who said it, its
    "we"/"our" linked to that organization; voiced facts of the user's side are dropped.
    A speaker whose organization the document does not state is dropped too, unless
    `keep_unknown`: then the fact waits, held by the speaker's mention, for the vault's
    people (store/merge.py asks again with what earlier documents said of them)."""
    if not any(f.voice for f in extraction.facts):
        return extraction
    facts: list[Fact] = []
    for fact in extraction.facts:
        if not fact.voice:
            facts.append(fact)
            continue
        person = speaker(fact.voice, extraction.mentions)
        if person is None:
            continue
        org = _org_of(person, extraction.mentions, persona)
        if org is not None:
            facts.append(_spoken_for(fact, org, person.name))
        elif keep_unknown and not person.org and person.relationship != "colleague":
            facts.append(replace(fact, subjects=list(dict.fromkeys([*fact.subjects, person.name]))))
    extraction.facts = facts
    return extraction


def speaker(voice: str, mentions: list[Mention]) -> Mention | None:
    """The person mention a speaker's label or a sender's name stands for."""
    people = [m for m in mentions if m.kind is EntityKind.PERSON]
    key = name_key(voice)
    person = next((m for m in people if name_key(m.name) == key or key in map(name_key, m.aliases)), None)
    if person is None:
        firsts = [m for m in people if name_key(m.name).split()[:1] == key.split()]
        person = firsts[0] if len(firsts) == 1 else None
    return person


def _org_of(person: Mention, mentions: list[Mention], persona: Persona | None) -> str | None:
    """The organization mention (its name) `person` speaks for."""
    if not person.org or person.relationship == "colleague":
        return None
    if persona is not None and (persona.is_me(person.name) or persona.is_own_company(person.org)):
        return None
    org_key = name_key(person.org)
    for m in mentions:
        if m.kind is not EntityKind.PERSON and (name_key(m.name) == org_key
                                                or org_key in map(name_key, m.aliases)):
            return m.name
    mentions.append(Mention(name=person.org, kind=EntityKind.ORGANIZATION))
    return person.org


def _spoken_for(fact: Fact, org: str, person: str) -> Fact:
    """`fact` about `org`, each "we"/"our"/"us" outside existing marks a link to it."""
    pieces, last = [], 0
    for m in MARK.finditer(fact.text):
        pieces.append(_WE.sub(lambda w: mark(org, w.group(0)), fact.text[last:m.start()]))
        pieces.append(m.group(0))
        last = m.end()
    pieces.append(_WE.sub(lambda w: mark(org, w.group(0)), fact.text[last:]))
    subjects = [org, *(s for s in fact.subjects if s not in (org, person))]
    return replace(fact, text="".join(pieces), subjects=subjects, voice=None)
