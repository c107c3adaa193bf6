"""A person's role and organization as the text states them: "Jane Roe (CFO)",
"Jane Roe, Director of Operations at Acme", "CFO Jane Roe", "Jane Roe from Acme",
"Jane Roe at Acme", "Acme's Jane Roe". Fills only what the structure left blank.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from factbook.extract import lexicon as lx
from factbook.extract.people import is_role
from factbook.models import Mention
from factbook.resolve.names import name_key

_ORG = r"([A-Z][\w&'’\-]*(?:\s+(?:of\s+|&\s+)?[A-Z][\w&'’\-.]*){0,4})"
_ROLE_CHARS = r"[A-Za-z][A-Za-z&/,\- ]{1,70}?"


def details_in_text(text: str, people: list[Mention], org_keys: Mapping[str, str]) -> None:
    """Set `role` and `org` of each person in `people` from what `text` says of them;
    an organization must be one of `org_keys` (name key -> name; named in the document
    or known)."""
    if not text or not people:
        return
    firsts = [p.name.split()[0] for p in people]
    for person in people:
        first = person.name.split()[0]
        alone = [first] if firsts.count(first) == 1 and len(person.name.split()) > 1 else []
        for name in dict.fromkeys((person.name, *person.aliases, *alone)):
            if person.role and person.org:
                break
            _one_name(text, re.escape(name), person, org_keys)


def _one_name(text: str, name: str, person: Mention, org_keys: Mapping[str, str]) -> None:
    for match in re.finditer(rf"(?m)^[ \t>*_-]*{name}[ \t*_]*(?:[|·][ \t]*|\n[ \t>]*)([^|·\n]{{2,70}}?)"
                             rf"[ \t]*(?:[|·][ \t]*([^|·\n]{{2,60}}?))?[ \t]*$", text):
        # a signature: "Jo Quill | Director of Operations | Acme", or the same on lines
        if is_role(match.group(1)) and len(match.group(1).split()) <= 7:
            person.role = person.role or match.group(1).strip()
            _org(match.group(2), person, org_keys)
    for match in re.finditer(rf"(?im)^\s*(?:name|contact)\s*:\s*(?:(?:dr|mr|mrs|ms|prof)\.?\s+)?{name}\s*$((?:\n\s*[A-Za-z ]{{2,20}}:.*){{1,4}})",
                             text):  # a form: "Name: Jo Quill / Title: ... / Company: ..."
        for label, value in re.findall(r"\n\s*([A-Za-z ]{2,20}):\s*(.+)", match.group(1)):
            if label.strip().lower() in ("title", "role", "position", "job title") and is_role(value):
                person.role = person.role or value.strip()
            elif label.strip().lower() in ("company", "organization", "organisation", "employer"):
                _org(value.strip(), person, org_keys)
    for match in re.finditer(rf"(?<![\w]){name}\s*\(([^()\n]{{2,80}})\)", text):
        for part in re.split(r"\s*[,;]\s*", match.group(1)):
            _take(part, person, org_keys)
    for match in re.finditer(rf"(?<![\w]){name},\s+(?:our\s+|the\s+|their\s+|its\s+)?({_ROLE_CHARS})"
                             rf"(?:\s+(?:at|of|for|with)\s+{_ORG})?(?=[,.;:)\n]|\s+(?:and|who|has|said|will)\b)",
                             text):
        if is_role(match.group(1)) and len(match.group(1).split()) <= 7:
            person.role = person.role or match.group(1).strip(" ,")
            _org(match.group(2), person, org_keys)
    for match in re.finditer(rf"\b((?:[A-Z][\w&/\-]*\s+){{1,4}}){name}\b", text):
        words = match.group(1).split()
        while words and not is_role(" ".join(words)):
            words = words[1:]
        if words and all(w[0].isupper() or w in ("of", "&") for w in words):
            person.role = person.role or " ".join(words)
    for match in re.finditer(rf"(?<![\w]){name}\s+(?:from|at|of|with|in)\s+(?:the\s+)?{_ORG}", text):
        if lx.is_department(match.group(1)):  # "Jo Quill from Customer Success"
            person.role = person.role or match.group(1)
        _org(match.group(1), person, org_keys)
    for match in re.finditer(rf"(?<![\w]){name},?\s+who\s+(?:leads|runs|heads|owns|manages)\s+"
                             rf"(?:the\s+)?([A-Z][\w&/\- ]{{2,40}}?)(?:\s+(?:at|for|in)\b|[,.;\n])", text):
        person.role = person.role or match.group(1).strip()
    for match in re.finditer(rf"(?<![\w]){name}\s*(?:=|:)\s*({_ROLE_CHARS})(?=[,.;\n(]|$)", text, re.M):
        if is_role(match.group(1)) and len(match.group(1).split()) <= 6:
            person.role = person.role or match.group(1).strip()
    for match in re.finditer(rf"{_ORG}['’]s\s+(?:[a-z]+\s+){{0,3}}?(?:[A-Z][\w\-]*\s+){{0,3}}?{name}\b", text):
        _org(match.group(1), person, org_keys)


def _take(part: str, person: Mention, org_keys: Mapping[str, str]) -> None:
    part = part.strip()
    if is_role(part) and len(part.split()) <= 7:
        person.role = person.role or part
    else:
        _org(part, person, org_keys)


def _org(candidate: str | None, person: Mention, org_keys: Mapping[str, str]) -> None:
    """Take the longest leading part of `candidate` that is a known organization."""
    if not candidate or person.org:
        return
    words = candidate.split()
    for end in range(len(words), 0, -1):
        key = name_key(" ".join(words[:end]))
        if key in org_keys:
            person.org = org_keys[key]
            return
