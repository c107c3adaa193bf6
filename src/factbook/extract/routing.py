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

Beyond its own text, a document is read with what the vault and the run know
(`RoutingContext`): the organizations and projects already known (a title or a line may
name one the extractor did not find in this document: "Halvorsen discovery"), and each
person's organization (a speaker whose company another message's signature gave). A
document about an organization that speaks of "the pilot" (a project's kind word) is also
about that organization's project of that kind ("Acme Dock Pilot").

Only organizations and projects are ever subjects of a task or decision routed this way:
a person is never an account, so a task never carries a person's tag.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from email.utils import getaddresses
from typing import TYPE_CHECKING

from factbook.models import Document, DocumentKind, EntityKind, KnownEntity, Mention
from factbook.extract.people import is_role, structural_people
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


@dataclass
class RoutingContext:
    """What the vault and the run know beyond one document: its organizations and
    projects (with their aliases) and each person's organization (name key -> org)."""

    entities: list[KnownEntity] = field(default_factory=list)
    person_orgs: dict[str, str] = field(default_factory=dict)

    @cached_property
    def org_words(self) -> set[str]:
        """The distinctive word of each organization's names, worked out once a batch."""
        return {w for e in self.entities if e.kind is EntityKind.ORGANIZATION
                for w in (_distinctive(n) for n in (e.name, *e.aliases)) if w}


def routing_context(known: list[KnownEntity], run: object | None, documents: list[Document],
                    person_orgs: dict[str, str] | None = None) -> RoutingContext:
    """The context of a batch: the vault's organizations and projects, those the run's
    structure names (`run`: `extract.evidence.RunPeople`), and the organization of each
    person the store (`person_orgs`) or a document's structure (a signature) gives."""
    entities = [e for e in known if e.kind in ROUTABLE]
    have = {name_key(e.name) for e in entities}
    for name in getattr(run, "orgs", []) or []:
        if name_key(name) not in have:
            have.add(name_key(name))
            entities.append(KnownEntity(0, name, EntityKind.ORGANIZATION))
    for name in (getattr(run, "projects", {}) or {}).values():
        if name_key(name) not in have:
            have.add(name_key(name))
            entities.append(KnownEntity(0, name, EntityKind.PROJECT))
    orgs = dict(person_orgs or {})
    for document in documents:
        for person in structural_people(document):
            if person.org:
                orgs.setdefault(name_key(person.name), person.org)
    return RoutingContext(entities, orgs)


def known_mentions(document: Document, mentions: list[Mention],
                   context: RoutingContext | None) -> list[Mention]:
    """Mentions of the known organizations and projects that `document` names (in its
    title or text, by name, alias or distinctive word) and `mentions` lack; count = times named."""
    if context is None:
        return []
    have = {_bare(n) for m in mentions for n in (m.name, *m.aliases) if n}
    org_words = context.org_words
    text = f"{document.title}\n{document.text}"
    people = [*document.participants, *document.authors,
              *(m.name for m in mentions if m.kind is EntityKind.PERSON)]
    their_orgs = {name_key(o) for p in people if (o := context.person_orgs.get(name_key(p)))}
    their_orgs |= {name_key(o) for o in _orgs_of_named(text, context)}
    out: dict[str, Mention] = {}
    for entity in context.entities:
        names = [n for n in (entity.name, *entity.aliases) if n]
        if entity.kind not in ROUTABLE or any(_bare(n) in have for n in names):
            continue
        forms = names + [w for w in (_distinctive(n) for n in names) if w
                         and (entity.kind is EntityKind.ORGANIZATION or w not in org_words)]
        # The substring test first: most known names are not in this document, and
        # compiling a pattern for each of them per document would cost the run.
        count = sum(len(re.findall(rf"(?<![\w-]){re.escape(f)}(?![\w-])", text))
                    for f in set(forms) if f in text)
        if not count and any(name_key(n) in their_orgs for n in names):
            count = 1  # a participant's organization, known from another document
        if not count and entity.kind is not EntityKind.ORGANIZATION:
            count = min(1, _by_kind_word(entity.name, org_words, text, their_orgs))  # weak evidence
        if count and name_key(entity.name) not in out:
            out[name_key(entity.name)] = Mention(entity.name, entity.kind, list(entity.aliases), count=count)
    return list(out.values())


def _bare(name: str) -> str:
    """A name's key without its legal form: "Acme Inc." and "Acme" are one name."""
    words = [w for w in name_key(name).split() if w.strip(".,") not in LEGAL_SUFFIXES]
    return " ".join(words) or name_key(name)


def _by_kind_word(name: str, org_words: set[str], text: str, their_orgs: set[str]) -> int:
    """How often `text` names the project `name` as its organization's "pilot": the
    project's first word is an organization's, which the text names or whose people speak
    in it (`their_orgs`), and the text says the kind word."""
    words = name.split()
    if len(words) < 2 or words[0] not in org_words:
        return 0
    theirs = any(o.split()[0] == words[0].casefold() for o in their_orgs)
    if not theirs and not re.search(rf"\b{re.escape(words[0])}\b", text):
        return 0
    return len(re.findall(rf"\b{re.escape(words[-1])}\b", text, re.I))


def document_about(document: Document, mentions: list[Mention],
                   persona: Persona | None = None,
                   context: RoutingContext | None = None) -> list[str]:
    """Names (as `mentions` spell them) of the organizations and projects `document` is
    about, most certain first; with `context`, `mentions` may include `known_mentions`."""
    candidates = routable(document, mentions, persona)
    if not candidates:
        return []
    found: list[str] = []
    found += _from_domains(document, candidates, persona)
    found += _from_people(mentions, candidates, persona, context)
    found += _in_title(document.title, candidates)
    found += _projects(document, candidates)
    found += _kind_projects(document, candidates, found)
    return list(dict.fromkeys(found))


def _kind_projects(document: Document, candidates: list[Mention], about: list[str]) -> list[str]:
    """The project of an organization the document is about that the document names by
    its kind word: "the pilot" in a mail about Acme -> "Acme Dock Pilot"."""
    orgs = [m for m in candidates if m.name in about and m.kind is EntityKind.ORGANIZATION]
    words = {w.casefold() for m in orgs for w in (_distinctive(n) for n in (m.name, *m.aliases)) if w}
    text = f"{document.title}\n{document.text}".casefold()
    found = []
    for project in candidates:
        parts = name_key(project.name).split()
        if project.kind is EntityKind.ORGANIZATION or len(parts) < 2 or project.name in about:
            continue
        if parts[0] in words and re.search(rf"\b{re.escape(parts[-1])}\b", text):
            found.append(project.name)
    return found


def main_organization(candidates: list[Mention]) -> list[str]:
    """The organization a document mentions most (the last resort of routing)."""
    organizations = [m for m in candidates if m.kind is EntityKind.ORGANIZATION]
    return [max(organizations, key=lambda m: m.count).name] if organizations else []


def routable(document: Document, mentions: list[Mention], persona: Persona | None = None) -> list[Mention]:
    """The organizations and projects among `mentions` that may be routed to: none that
    is a person's name (a participant, an author, a person mentioned, the user)."""
    people = _person_keys(document, mentions, persona)
    lower = set(re.findall(r"(?<![\w'’-])[a-z][a-z-]+", document.text))
    return [m for m in mentions if m.kind in ROUTABLE and not _is_person(m, people)
            and not _junk(m.name, lower)]


def _junk(name: str, lower_words: set[str]) -> bool:
    """A name no task should be tagged with: a job title ("Project Manager"), or one word
    the document also writes as a common noun ("the institute")."""
    words = name.split()
    return is_role(name) or (len(words) == 1 and words[0].lower() in lower_words)


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


def orgs_of_people_named(text: str, mentions: list[Mention], targets: list[Mention],
                         context: RoutingContext | None = None,
                         persona: Persona | None = None) -> list[str]:
    """The organizations (among `targets`) of the external people `text` names, by full or
    first name: "Nudge Ivo about the dates" goes to Ivo's company."""
    known = context.person_orgs if context is not None else {}
    found = []
    for person in mentions:
        if person.kind is not EntityKind.PERSON or getattr(person, "relationship", None) == "colleague":
            continue
        org = getattr(person, "org", None) or known.get(name_key(person.name))
        if not org or (persona is not None and persona.is_own_company(org)):
            continue
        first = person.name.split()[0]
        if re.search(rf"(?<!\w)(?:{re.escape(person.name)}|{re.escape(first)})(?!\w)", text):
            found.append(org)
    if context is not None:
        found += _orgs_of_named(text, context)
    keys = {name_key(o) for o in found if not (persona is not None and persona.is_own_company(o))}
    return [m.name for m in targets if m.kind is EntityKind.ORGANIZATION
            and keys & {name_key(n) for n in (m.name, *m.aliases) if n}]


def _orgs_of_named(text: str, context: RoutingContext) -> list[str]:
    """The organizations of the people (known to the run or the vault) `text` names by full
    name, or by a first name only one of them carries."""
    firsts: dict[str, list[str]] = {}
    for key in context.person_orgs:
        firsts.setdefault(key.split()[0], []).append(key)
    words = set(re.findall(r"[a-z][\w'-]*", name_key(text)))
    padded = f" {name_key(text)} "
    found = []
    for key, org in context.person_orgs.items():
        if f" {key} " in padded or (key.split()[0] in words and len(firsts[key.split()[0]]) == 1
                                    and re.search(rf"\b{re.escape(key.split()[0].title())}\b", text)):
            found.append(org)
    return found


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


def _from_people(mentions: list[Mention], candidates: list[Mention], persona: Persona | None,
                 context: RoutingContext | None = None) -> list[str]:
    found = []
    known = context.person_orgs if context is not None else {}
    for person in mentions:
        if person.kind is not EntityKind.PERSON:
            continue
        org = getattr(person, "org", None) or known.get(name_key(person.name))
        if not org:
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
    """The document's project: the one it names more than once, else, in a conversation
    (a call, a thread: one subject), the only one it names. A note's lines name their own."""
    projects = [m for m in candidates if m.kind is not EntityKind.ORGANIZATION]
    if len(projects) == 1 and document.kind in (DocumentKind.TRANSCRIPT, DocumentKind.EMAIL):
        return [projects[0].name]
    return [m.name for m in sorted(projects, key=lambda m: -m.count) if m.count >= 2][:1]
