"""A note's own subject: the one account, person or project a note is about.

Notes about one thing rarely name it in each bullet ("- The entire data lake is
~500PiB" under "# Contoso"); the note says it once, in its front matter
(`entities:`, `customers: [[Contoso]]`, `account:`, ...), in a [[link]] in its
title or first heading, or in a heading like "# 1:1 — Name — date". Bullets that
name no entity are then facts about that subject (extract/facts.py).
"""
from __future__ import annotations

import re
from typing import Any

from factbook.models import Document, EntityKind, KnownEntity, Mention
from factbook.resolve.names import name_key

# Front matter keys that name what a note is about, with the kind they imply.
_KEYS: list[tuple[str, EntityKind | None]] = [
    ("entities", None), ("entity", None), ("about", None), ("subject", None),
    ("customers", EntityKind.ORGANIZATION), ("customer", EntityKind.ORGANIZATION),
    ("accounts", EntityKind.ORGANIZATION), ("account", EntityKind.ORGANIZATION),
    ("company", EntityKind.ORGANIZATION), ("companies", EntityKind.ORGANIZATION),
    ("organization", EntityKind.ORGANIZATION), ("projects", EntityKind.PROJECT),
    ("project", EntityKind.PROJECT), ("person", EntityKind.PERSON), ("people", EntityKind.PERSON),
]
_LINK = re.compile(r"\[\[([^\]|#^]+)(?:[#^][^\]|]*)?(?:\|[^\]]*)?\]\]")
_HEADING = re.compile(r"^\s*#\s+(.+?)\s*#*\s*$", re.M)
_ONE_ON_ONE = re.compile(r"^\s*(?:1[:\-]1|1 on 1|one[- ]on[- ]one)\b", re.I)
_PARTS = re.compile(r"\s+[—–-]\s+|\s*[|·]\s*")
_DATEISH = re.compile(r"\d{1,4}[-/. ]\d{1,2}|\b(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|"
                      r"jun|jul|aug|sep|oct|nov|dec)\w*\b", re.I)


def note_subject(document: Document, mentions: list[Mention]) -> Mention | None:
    """The mention a note is about when it is about exactly one entity, else None. A
    subject the text never names becomes a new mention of the kind its key implies."""
    named = _from_front_matter(document.front_matter)
    if named is None:
        named = _from_title(document)
    if named is None:
        return _named_in_heading(document, mentions)
    name, kind = named
    found = _known(name, mentions)
    if found is not None:
        return found
    if not re.search(r"[A-Z]", name) or len(name) > 80:
        return None
    return Mention(name=name, kind=kind or EntityKind.ORGANIZATION)


def _values(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    out = []
    for item in items:
        text = str(item or "").strip()
        links = _LINK.findall(text)
        out += [l.strip() for l in links] if links else ([text] if text and "," not in text else
                                                         [t.strip() for t in text.split(",") if t.strip()])
    return out


def _from_front_matter(meta: dict[str, Any]) -> tuple[str, EntityKind | None] | None:
    for key, kind in _KEYS:
        if key in meta:
            names = list(dict.fromkeys(_values(meta[key])))
            return (names[0], kind) if len(names) == 1 else None
    return None


def _from_title(document: Document) -> tuple[str, EntityKind | None] | None:
    """A single [[link]] in the title or first heading, else the one name in a "1:1"
    heading ("# 1:1 — Name — date")."""
    heading = _HEADING.search(document.text[:2000])
    area = " ".join(filter(None, [document.title, heading.group(1) if heading else ""]))
    links = list(dict.fromkeys(l.strip() for l in _LINK.findall(area)))
    if len(links) == 1:
        return links[0], None
    for line in (heading.group(1) if heading else "", document.title):
        if line and _ONE_ON_ONE.match(line):
            parts = [p.strip() for p in _PARTS.split(_ONE_ON_ONE.sub("", line)) if p.strip(" —–-")]
            people = [p.strip(" —–-") for p in parts if not _DATEISH.search(p)]
            if len(people) == 1:
                return people[0], EntityKind.PERSON
    return None


def _named_in_heading(document: Document, mentions: list[Mention]) -> Mention | None:
    """The one mention a note's first heading names ("# Weekly sync with Acme"); in a note
    without a heading, its first line's ("Call w/ Jo Lee + Sam Ito (Acme Corp) - 22.09."):
    the one organization or project it names, however many people it lists."""
    heading = _HEADING.search(document.text[:2000])
    if heading is not None:
        line = heading.group(1)
    else:
        line = next((l for l in document.text[:2000].splitlines() if l.strip()), "")
        if line.lstrip().startswith(("-", "*", "|", ">")):
            return None
    named = [m for m in mentions if any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", line)
                                        for n in (m.name, *m.aliases) if n)]
    if len(named) == 1:
        return named[0]
    things = [m for m in named if m.kind is not EntityKind.PERSON]
    return things[0] if heading is None and len(things) == 1 else None


def _known(name: str, mentions: list[Mention]) -> Mention | None:
    """The mention called `name` (or by it as an alias, or whose first name it is)."""
    key = name.casefold()
    for m in mentions:
        if key == m.name.casefold() or key in (a.casefold() for a in m.aliases):
            return m
    people = [m for m in mentions if m.kind is EntityKind.PERSON and m.name.casefold().split()[0] == key]
    return people[0] if len(people) == 1 else None


def labelled_subjects(labels: list[str], mentions: list[Mention],
                      known: dict[str, KnownEntity]) -> list[Mention]:
    """Mentions for the "Name:" labels that open a note's lines ("HCC: addendum adds four
    sites") when the label is a name or alias of an entity the vault already has and the
    document does not otherwise name it: the label is what those lines are about. An
    existing mention of that entity gains the label as an alias instead."""
    by_name = {m.name: m for m in mentions}
    fresh: list[Mention] = []
    for label in dict.fromkeys(labels):
        if _known(label, mentions) is not None:
            continue
        entity = known.get(name_key(label))
        if entity is None:
            starts = {e.id: e for e in known.values() if e.name.startswith(label + " ")}
            entity = next(iter(starts.values())) if len(starts) == 1 else None
        if entity is None or any(m.name.startswith(label + " ") for m in mentions):
            continue
        mention = by_name.get(entity.name)
        if mention is None:
            mention = by_name[entity.name] = Mention(name=entity.name, kind=entity.kind)
            fresh.append(mention)
        if label != mention.name and label not in mention.aliases:
            mention.aliases.append(label)
    return fresh
