"""What a meeting or thread is about: the accounts and projects its tasks and decisions go to.

A document is about
- the organizations of its external participants: the domains of the e-mail addresses
  it carries (the user's own and public mail domains aside) and the `org` of the people
  it mentions (colleagues aside);
- the organizations and projects its title names;
- its project: a project it names in its title or more than once.
An item that names an organization or project (by name, alias or the distinctive first
word of its name: "Lighthouse" for "Project Lighthouse") goes there too; an item that
reaches nothing this way goes to the organization its document mentions most.

Only organizations and projects are ever subjects of a task or decision routed this way:
a person is never an account, so a task never carries a person's tag.
"""
from __future__ import annotations

import re
from email.utils import getaddresses
from typing import TYPE_CHECKING

from factbook.models import Document, EntityKind, Mention
from factbook.resolve.names import LEGAL_SUFFIXES, name_key

if TYPE_CHECKING:
    from factbook.persona import Persona

ROUTABLE = (EntityKind.ORGANIZATION, EntityKind.PROJECT, EntityKind.PRODUCT)
_PUBLIC_MAIL = frozenset({
    "gmail", "googlemail", "outlook", "hotmail", "live", "yahoo", "icloud", "me", "mac",
    "proton", "protonmail", "aol", "gmx", "web", "fastmail", "hey", "mail", "yandex", "zoho",
})
# Words of a name too common to say, on their own, that a title names the organization.
_WEAK = frozenset({"the", "and", "of", "project", "group", "team", "pilot", "migration", "rfp",
                   "program", "programme", "holdings", "partners", "international", "global",
                   "services", "solutions", "systems", "labs", "foods", "supply", "logistics"})


def document_about(document: Document, mentions: list[Mention],
                   persona: Persona | None = None) -> list[str]:
    """Names (as `mentions` spell them) of the organizations and projects `document` is
    about, most certain first."""
    candidates = routable(document, mentions, persona)
    if not candidates:
        return []
    found: list[str] = []
    found += _from_domains(document, candidates, persona)
    found += _from_people(mentions, candidates, persona)
    found += _in_title(document.title, candidates)
    found += _projects(document, candidates)
    return list(dict.fromkeys(found))


def main_organization(candidates: list[Mention]) -> list[str]:
    """The organization a document mentions most (the last resort of routing)."""
    organizations = [m for m in candidates if m.kind is EntityKind.ORGANIZATION]
    return [max(organizations, key=lambda m: m.count).name] if organizations else []


def routable(document: Document, mentions: list[Mention], persona: Persona | None = None) -> list[Mention]:
    """The organizations and projects among `mentions` that may be routed to: none that
    is a person's name (a participant, an author, a person mentioned, the user)."""
    people = _person_keys(document, mentions, persona)
    return [m for m in mentions if m.kind in ROUTABLE and not _is_person(m, people)]


def named_in(text: str, mentions: list[Mention]) -> list[str]:
    """The organizations and projects among `mentions` that `text` names (name or alias)."""
    out = []
    for mention in mentions:
        if mention.kind not in ROUTABLE:
            continue
        forms = [n for n in (mention.name, *mention.aliases) if n]
        forms += [w for w in (_distinctive(n) for n in forms) if w]
        if any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text, re.I if n.islower() else 0) for n in forms):
            out.append(mention.name)
    return out


def _distinctive(name: str) -> str | None:
    """"Lighthouse" of "Project Lighthouse", "Pinecrest" of "Pinecrest Foods": the first word
    of a name that is neither common nor a legal form (as the name writes it)."""
    for word in re.findall(r"[A-Za-z0-9][\w&'-]*", name):
        if word.casefold() not in LEGAL_SUFFIXES and word.casefold() not in _WEAK and len(word) >= 4:
            return word if word[:1].isupper() else None
    return None


def _person_keys(document: Document, mentions: list[Mention],
                 persona: Persona | None) -> tuple[set[str], set[str]]:
    """The name keys of the document's people, and their first names."""
    names = [*document.participants, *document.authors]
    names += [m.name for m in mentions if m.kind is EntityKind.PERSON]
    if persona is not None:
        names += [persona.name, *persona.aliases, *persona.colleagues]
    keys: set[str] = set()
    for name in names:
        key = name_key(name)
        if key and "@" not in key:
            keys.add(key)
    return keys, {k.split()[0] for k in keys}


def _is_person(mention: Mention, people: tuple[set[str], set[str]]) -> bool:
    """A person's name (full), or a single word that is one of their first names ("Hannah")."""
    full, first = people
    key = name_key(mention.name)
    return key in full or (" " not in key and key in first) or \
        any(name_key(a) in full for a in mention.aliases if a)


def _from_domains(document: Document, candidates: list[Mention], persona: Persona | None) -> list[str]:
    own = set(persona.domains) if persona is not None else set()
    found = []
    for _name, address in getaddresses([document.meta.get("addresses", "")]):
        if "@" not in address:
            continue
        domain = address.rsplit("@", 1)[1].casefold()
        label = _domain_label(domain)
        if domain in own or not label or label in _PUBLIC_MAIL:
            continue
        found += [m.name for m in candidates if m.kind is EntityKind.ORGANIZATION
                  and any(_domain_fits(label, form) for form in _squashed_forms(m))]
    return found


def _domain_label(domain: str) -> str:
    labels = domain.split(".")
    if len(labels) >= 3 and labels[-2] in {"co", "com", "org", "net", "ac", "gov"}:
        return labels[-3]
    return labels[-2] if len(labels) >= 2 else labels[0]


def _squashed_forms(mention: Mention) -> set[str]:
    """"Halvorsen Cold Chain" -> halvorsencoldchain, halvorsencc, hcc (what a domain may use)."""
    forms: set[str] = set()
    for name in (mention.name, *mention.aliases):
        words = [w for w in re.findall(r"[a-z0-9]+", name_key(name)) if w not in LEGAL_SUFFIXES]
        if not words:
            continue
        forms.add("".join(words))
        if len(words) > 1:
            forms.add(words[0] + "".join(w[0] for w in words[1:]))
            forms.add("".join(w[0] for w in words))
    return {f for f in forms if len(f) >= 3}


def _domain_fits(label: str, form: str) -> bool:
    label = label.replace("-", "")
    if label == form:
        return True
    shorter, longer = sorted((label, form), key=len)
    return len(shorter) >= 5 and longer.startswith(shorter)


def _from_people(mentions: list[Mention], candidates: list[Mention], persona: Persona | None) -> list[str]:
    found = []
    for person in mentions:
        org = getattr(person, "org", None)
        if person.kind is not EntityKind.PERSON or not org:
            continue
        if getattr(person, "relationship", None) == "colleague":
            continue
        if persona is not None and persona.is_own_company(org):
            continue
        key = name_key(org)
        found += [m.name for m in candidates
                  if key in {name_key(n) for n in (m.name, *m.aliases) if n}]
    return found


def _in_title(title: str, candidates: list[Mention]) -> list[str]:
    words = set(re.findall(r"[a-z0-9]+", name_key(title or "")))
    found = []
    for mention in candidates:
        for name in (mention.name, *mention.aliases):
            own = [w for w in re.findall(r"[a-z0-9]+", name_key(name))
                   if w not in LEGAL_SUFFIXES and w not in _WEAK and len(w) >= 3]
            if own and own[0] in words:
                found.append(mention.name)
                break
    return found


def _projects(document: Document, candidates: list[Mention]) -> list[str]:
    projects = [m for m in candidates if m.kind is not EntityKind.ORGANIZATION]
    return [m.name for m in sorted(projects, key=lambda m: -m.count) if m.count >= 2][:1]
