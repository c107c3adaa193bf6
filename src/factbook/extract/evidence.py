"""Who becomes an entity in a work document, and of which kind, by evidence.

Applied to every extractor's output (pipeline._tailored), before the persona:
- the people of the document's structure (extract/people.py) become person mentions,
  with their organization, role and e-mail address;
- names the text found are typed by evidence: a person when they match a participant,
  or (in work documents) start with a given name and carry no organization word;
- a bare first name links to the one person in context who carries it (the
  document's people, then the vault's), otherwise it stays in the source note only;
- junk never becomes a note: pronouns and contractions, speaker labels and their
  debris, e-mail addresses, file names, numbers and units, days and months, job titles;
- the owner (under any name, address, "Me", or a misspelling) is dropped; colleagues
  are kept with `relationship: colleague` and the owner's company as organization.
"""
from __future__ import annotations

import re
from collections import ChainMap
from collections.abc import Container, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from factbook.extract import lexicon as lx
from factbook.extract.given_names import is_given_name
from factbook.extract.people import (ROLE_NOUNS, Person, domain_match, domain_of, is_full_name, is_role,
                                     names_in_text, org_for_domain, person_name,
                                     structural_people)
from factbook.extract.roles import details_in_text
from factbook.models import Document, DocumentKind, EntityKind, Extraction, KnownEntity, Mention
from factbook.persona import Persona, document_addresses
from factbook.resolve.names import name_key
from factbook.resolve.nicknames import same_person_name
from factbook.sources.speakers import is_speaker_label

WORK_KINDS = frozenset({DocumentKind.EMAIL, DocumentKind.TRANSCRIPT, DocumentKind.MEETING_NOTES,
                        DocumentKind.NOTE})
# A name this close (rapidfuzz ratio of name keys) to the owner's is the owner misspelt.
OWNER_LIKENESS = 88
_SELF = frozenset({"me", "myself", "i", "moi"})
_PRONOUNS = frozenset("""i me my mine myself we us our ours you your yours he him his she her
hers they them their theirs it its this that these those there here""".split())
_FILE = re.compile(r"\.(?:pdf|docx?|xlsx?|pptx?|csv|txt|md|eml|msg|png|jpe?g|gif|zip|vtt|srt|"
                   r"json|html?|ics|mp[34]|wav|m4a)\b", re.I)
_NUMBERISH = re.compile(r"^(?=[^A-Za-z]*\d)[\d\s.,%$€£#:/+\-]*[a-zA-Z]{0,3}$")
_PERIOD = re.compile(r"^(?:Q[1-4]|H[12]|FY\s?\d{2,4}|CY\s?\d{2,4})(?:\s+\d{2,4})?$", re.I)
_DEBRIS = re.compile(r"[a-z]I$|^[A-Z][a-z]+:[A-Z]")


@dataclass
class _Scene:
    """Who a document is about: its people by name key, and by first name."""

    people: dict[str, Mention]
    first: dict[str, set[str]]


def is_junk(name: str) -> bool:
    """True for names that are never an entity: pronouns, contractions, speaker labels and
    their debris, addresses, file names, numbers and units, days and months, job titles."""
    text = name.strip()
    low = text.casefold().strip(".")
    if not text or low in _PRONOUNS or low in _SELF or is_speaker_label(text):
        return True
    if re.search(r"['’](?:m|ll|re|ve|d|s|t)$", low) and len(low.split()) == 1 and len(low) <= 8:
        return True  # "I'm", "We'll", "Don't"
    if "@" in text or _FILE.search(text) or _NUMBERISH.match(text) or _DEBRIS.search(text) \
            or _PERIOD.match(text):
        return True
    words = text.split()
    if all(lx.is_calendar_word(w) or w.isdigit() for w in words):
        return True
    if lx.is_department(text):
        return True
    if lx.has_legal_form(text) or lx.has_org_word(text):
        return False
    edges = {words[0].lower().strip(".,"), words[-1].lower().strip(".,")}
    return is_role(text) and bool(edges & ROLE_NOUNS) and person_name(text) is None


def with_people(document: Document, extraction: Extraction, persona: Persona | None,
                known: list[KnownEntity] | None = None,
                run_domains: dict[str, str] | None = None,
                run_projects: dict[str, str] | None = None,
                run_orgs: list[str] | None = None) -> Extraction:
    """`extraction` with the document's people added and every mention typed and
    resolved by evidence (see the module docstring). `known` is the vault's entities
    (and the run's people, see `batch_people`); `run_domains` the organization each mail
    domain names elsewhere in the run."""
    _drop(extraction, {m.name for m in extraction.mentions if is_junk(m.name)})
    people = structural_people(document)
    orgs = _org_names(extraction, known or [], people)
    scene = _Scene({}, {})
    _structure_orgs(extraction, people, persona)
    by_domain = _domain_orgs(document, extraction, people, orgs, persona, run_domains or {})
    for person in people:
        _add_person(extraction, scene, _as_mention(person, by_domain, persona))
    work = document.kind in WORK_KINDS or bool(people)
    # Organizations known apart from the text's own guesses (the vault's, the structure's).
    outside = _org_names(Extraction(), known or [], people)
    if work:
        projects = {**(run_projects or {}),
                    **named_projects(f"{document.title}\n{document.text}", document.front_matter)}
        _add_front_matter_project(extraction, document)
        _add_named_projects(extraction, projects, f"{document.title}\n{document.text}")
        _type_projects(extraction, projects, {*outside, *map(name_key, by_domain.values())})
    if work:
        _fuller_org_names(extraction, [*(run_orgs or []), *outside.values()])
    for mention in list(extraction.mentions):
        if mention.kind is EntityKind.PERSON or (work and looks_personal(mention, outside)):
            if mention.name in {m.name for m in extraction.mentions}:
                _type_person(extraction, scene, mention)
    _resolve_first_names(extraction, scene, known or [], work)
    for mention in extraction.mentions if work else ():
        if mention.kind is EntityKind.PERSON:  # a bare first name is no name of its own
            mention.aliases = [a for a in mention.aliases if is_full_name(a) or not is_given_name(a)]
    if work:  # what a conversation says of its people; news names them with their titles
        details_in_text(document.text, [m for m in extraction.mentions if m.kind is EntityKind.PERSON],
                        orgs)
    if persona is not None:
        _apply_persona(document, extraction, persona)
    return extraction


def _initials(name: str) -> str:
    words = [w for w in name.split() if w[:1].isupper() and w.lower().strip(".") not in lx.LEGAL_FORMS]
    return "".join(w[0] for w in words) if len(words) > 1 else ""


def _fuller_org_names(extraction: Extraction, orgs: list[str]) -> None:
    """An organization ("Corrin", "Corrin Freight") whose name starts exactly one longer
    organization the run's structure or the vault names ("Corrin Freight Lines"), or an
    acronym of exactly one ("CFL"), is that one."""
    by_first: dict[str, set[str]] = {}
    for name in orgs:
        words = name_key(name).split()
        if len(words) > 1:
            by_first.setdefault(words[0], set()).add(name)
    for mention in extraction.mentions:
        key = name_key(mention.name)
        if mention.kind is not EntityKind.ORGANIZATION:
            continue
        if mention.name.isupper() and 2 <= len(mention.name) <= 5:  # "QLS": its initials
            fuller = {name_key(n): n for n in orgs if _initials(n) == mention.name}
        else:
            fuller = {name_key(n): n for n in by_first.get(key.split(" ")[0], ())
                      if name_key(n).startswith(key + " ")}
        if len(fuller) == 1:
            target = next(iter(fuller.values()))
            other = next((m for m in extraction.mentions if m is not mention
                          and name_key(m.name) == name_key(target)), None)
            _rename(extraction, mention.name, other.name if other else target)
            if other is not None:
                other.aliases = list(dict.fromkeys([*other.aliases, mention.name, *mention.aliases]))
                mention.name = ""  # merged into `other`; removed below
                continue
            mention.aliases = list(dict.fromkeys([*mention.aliases, mention.name]))
            mention.name = target
    extraction.mentions = [m for m in extraction.mentions if m.name]


def _add_named_projects(extraction: Extraction, projects: dict[str, str], text: str) -> None:
    """A named project (of this document or of the run) the text names, by its full name
    or the word that stands for it, is a project mention."""
    have = {name_key(n) for m in extraction.mentions for n in (m.name, *m.aliases)}
    added: set[str] = set()
    for key, name in projects.items():
        if key in have or name_key(name) in have or name in added:
            continue
        short = name[8:] if name.startswith("Project ") else name
        if name_key(short) in have:
            continue  # the text's own mention of it is typed below
        if re.search(rf"(?<![\w-]){re.escape(short)}(?![\w-])", text):
            aliases = [short] if short != name else []
            extraction.mentions.append(Mention(name, EntityKind.PROJECT, aliases))
            added.add(name)
            have.add(name_key(name))


def _add_front_matter_project(extraction: Extraction, document: Document) -> None:
    """A note's own `project:` front matter names a project it is about."""
    value = document.front_matter.get("project")
    if not isinstance(value, str) or not value.strip():
        return
    name = value.strip().strip("[]")
    if name_key(name) not in {name_key(n) for m in extraction.mentions for n in (m.name, *m.aliases)}:
        extraction.mentions.append(Mention(name, EntityKind.PROJECT))


def _org_names(extraction: Extraction, known: list[KnownEntity],
               people: list[Person]) -> Mapping[str, str]:
    """Organization names a person's domain or words may refer to, by name key: the
    document's own, then the vault's (not copied: a vault may know thousands)."""
    names = [n for m in extraction.mentions if m.kind is EntityKind.ORGANIZATION
             for n in (m.name, *m.aliases)]
    names += [p.org for p in people if p.org]
    return ChainMap({name_key(n): n for n in reversed(names)}, _known_orgs(known))


_ORG_CACHE: dict[int, tuple[list[KnownEntity], int, dict[str, str]]] = {}


def _known_orgs(known: list[KnownEntity]) -> dict[str, str]:
    """The vault's organization names by name key (cached per list of known entities)."""
    held = _ORG_CACHE.get(id(known))
    if held is not None and held[0] is known and held[1] == len(known):
        return held[2]
    keys = {}
    for entity in known:
        if entity.kind is EntityKind.ORGANIZATION:
            for name in (entity.name, *entity.aliases):
                keys.setdefault(name_key(name), name)
    _ORG_CACHE.clear()
    _ORG_CACHE[id(known)] = (known, len(known), keys)
    return keys


def _domain_orgs(document: Document, extraction: Extraction, people: list[Person],
                 orgs: Mapping[str, str], persona: Persona | None,
                 run_domains: dict[str, str]) -> dict[str, str]:
    """The organization each mail domain of the document's people stands for: a name
    the document or the vault uses that the domain spells ("pinecrestfoods" is
    "Pinecrest Foods"). A name only the text shows becomes an organization mention: the
    domain is its evidence."""
    own = persona.domains if persona is not None else frozenset()
    domains = sorted({d for p in people if (d := domain_of(p.email)) and d not in own})
    if not domains:
        return {}
    spans = names_in_text(f"{document.title}\n{document.text}")
    found = {}
    for domain in domains:
        name, rank = domain_match(domain, list(orgs.values()))
        if rank[0] < 3:  # no exact spelling known: the run's best, then this text's
            name = run_domains.get(domain) or name or org_for_domain(domain, spans)
        if not name or not _fits_org(name, domain):
            continue
        key = name_key(name)
        mention = next((m for m in extraction.mentions
                        if key in {name_key(n) for n in (m.name, *m.aliases)}), None)
        fuller = run_domains.get(domain)
        if mention is not None and fuller and name_key(fuller).startswith(name_key(mention.name) + " "):
            mention.aliases = list(dict.fromkeys([*mention.aliases, mention.name]))
            _rename(extraction, mention.name, fuller)
            mention.name = fuller
        if mention is None:
            mention = Mention(name, EntityKind.ORGANIZATION)
            extraction.mentions.append(mention)
        elif mention.kind is EntityKind.PERSON:
            continue
        mention.kind = EntityKind.ORGANIZATION if mention.kind is not EntityKind.PROJECT else mention.kind
        found[domain] = mention.name
    return found


def _as_mention(person: Person, by_domain: dict[str, str], persona: Persona | None) -> Mention:
    org = person.org
    domain = domain_of(person.email)
    if org is None and domain:
        org = by_domain.get(domain)
    mention = Mention(person.name, EntityKind.PERSON, list(person.aliases), 1, org=org,
                      role=person.role, email=person.email)
    if persona is not None and domain and domain in persona.domains:
        mention.relationship = "colleague"
    return mention


def _add_person(extraction: Extraction, scene: _Scene, person: Mention) -> None:
    """Add a person of the structure, merged with the text's mention of the same name."""
    key = name_key(person.name)
    same = next((m for m in extraction.mentions
                 if key in {name_key(n) for n in (m.name, *m.aliases)}), None)
    if not is_full_name(person.name):
        # A bare first name (a title's "1:1 — Jo"): resolved below, never a note of its own.
        if same is None:
            extraction.mentions.append(person)
        else:
            same.kind = EntityKind.PERSON
        return
    if same is not None:
        _merge_into(extraction, person, same)
    else:
        extraction.mentions.append(person)
    _remember(scene, person)


def _merge_into(extraction: Extraction, person: Mention, mention: Mention) -> None:
    """Make `person` the mention that `mention` was (its facts follow)."""
    person.aliases = list(dict.fromkeys([*person.aliases, *mention.aliases,
                                         *([mention.name] if mention.name != person.name else [])]))
    person.aliases = [a for a in person.aliases if a != person.name and is_full_name(a)]
    person.count = max(person.count, mention.count)
    person.role = person.role or mention.role
    person.org = person.org or mention.org
    person.email = person.email or mention.email
    _rename(extraction, mention.name, person.name)
    extraction.mentions = [m for m in extraction.mentions if m is not mention]
    extraction.mentions.append(person)


def _remember(scene: _Scene, person: Mention) -> None:
    scene.people[name_key(person.name)] = person
    for alias in person.aliases:
        if is_full_name(alias):
            scene.people.setdefault(name_key(alias), person)
    first = person.name.split()[0].casefold()
    scene.first.setdefault(first, set()).add(person.name)
    surname = person.name.split()[-1].casefold()
    for alias in person.aliases:
        if " " not in alias and alias.casefold() != surname:  # a nickname ("Tomek")
            scene.first.setdefault(alias.casefold(), set()).add(person.name)


def looks_personal(mention: Mention, orgs: Container[str]) -> bool:
    """A name the text typed as something else that reads as a person's: two to four
    name words, the first a given name, no legal form or organization word, no place,
    not an organization the vault or the document knows."""
    return reads_as_person(mention.name, orgs)


def reads_as_person(name: str, orgs: Container[str] = ()) -> bool:
    """`looks_personal` for a bare name."""
    words = name.split()
    if not 2 <= len(words) <= 4 or not is_given_name(words[0]) or person_name(name) is None:
        return False
    if lx.has_legal_form(name) or lx.has_org_word(name) or lx.is_place(name) \
            or any(lx.is_place(w) or w.lower() in lx.COMMON_CAPS for w in words[1:]):
        return False
    return name_key(name) not in orgs


def _type_person(extraction: Extraction, scene: _Scene, mention: Mention) -> None:
    mention.kind = EntityKind.PERSON
    if not is_full_name(mention.name):
        return  # resolved by first name below
    key = name_key(mention.name)
    held = scene.people.get(key) or next(  # "Robert Kessler" for "Rob Kessler"
        (p for p in scene.people.values() if same_person_name(p.name, mention.name)), None)
    if held is not None and held is not mention:
        _merge_into(extraction, held, mention)
    else:
        _remember(scene, mention)


def _resolve_first_names(extraction: Extraction, scene: _Scene, known: list[KnownEntity],
                         work: bool) -> None:
    """A one-word name that is a given name: the one person in context who carries it,
    else no mention (a bare first name never makes a note)."""
    vault = _vault_first_names(known)
    for mention in list(extraction.mentions):
        word, initial = mention.name, None
        short = _INITIALLED.match(word)
        if short:  # "Sam W.": a first name and an initial
            word, initial = short.group(1), short.group(2).casefold()
        if " " in word:
            continue
        in_context = word.casefold() in scene.first or word.casefold() in vault
        if not work and (mention.kind is EntityKind.PERSON or not in_context):
            continue  # news keeps its surnames ("Mr Lawson") and its one-word companies
        if not (in_context or mention.kind is EntityKind.PERSON or is_given_name(word)):
            continue
        if any(k.name == word and k.kind is not EntityKind.PERSON for k in known):
            continue  # the vault knows it as something else
        here = _initialled(scene.first.get(word.casefold(), set()), initial)
        target = _only(here)
        if target is None and not here:
            target = _only(_initialled(vault.get(word.casefold(), set()), initial))
        if target is None:
            if work:  # a bare first name no one in context carries: no note
                _drop(extraction, {mention.name})
            continue
        person = scene.people.get(name_key(target))
        if person is mention:
            continue
        if person is None:  # a person the vault knows: a mention under their full name
            person = Mention(target, EntityKind.PERSON, [], mention.count)
            _remember(scene, person)
            extraction.mentions.append(person)
        _rename(extraction, mention.name, person.name)
        if initial:
            person.aliases = list(dict.fromkeys([*person.aliases, mention.name]))
        extraction.mentions = [m for m in extraction.mentions if m is not mention]


_INITIALLED = re.compile(r"^([A-Z][\w'’\-]+)\s+([A-Z])\.?$")


def _initialled(names: set[str], initial: str | None) -> set[str]:
    """The names whose surname starts with `initial` (all of them when None)."""
    return names if initial is None else {n for n in names if n.split()[-1][:1].casefold() == initial}


def _only(names: set[str]) -> str | None:
    return next(iter(names)) if len(names) == 1 else None


_FIRST_CACHE: dict[int, tuple[list[KnownEntity], int, dict[str, set[str]]]] = {}


def _vault_first_names(known: list[KnownEntity]) -> dict[str, set[str]]:
    """The vault's people by first name (cached per list of known entities)."""
    held = _FIRST_CACHE.get(id(known))
    if held is not None and held[0] is known and held[1] == len(known):
        return held[2]
    index: dict[str, set[str]] = {}
    for entity in known:
        if entity.kind is EntityKind.PERSON and is_full_name(entity.name):
            index.setdefault(entity.name.split()[0].casefold(), set()).add(entity.name)
    _FIRST_CACHE.clear()
    _FIRST_CACHE[id(known)] = (known, len(known), index)
    return index


def _apply_persona(document: Document, extraction: Extraction, persona: Persona) -> None:
    """Drop the owner under any name; mark colleagues, with the owner's company."""
    addresses = document_addresses(document)
    first = persona.name.split()[0].casefold() if persona.name else ""
    mine = set()
    for mention in extraction.mentions:
        if mention.kind is not EntityKind.PERSON:
            continue
        names = (mention.name, *mention.aliases, *([mention.email] if mention.email else []))
        if any(persona.is_me(n) or n.casefold() in _SELF for n in names) or \
                fuzz.ratio(name_key(mention.name), name_key(persona.name)) >= OWNER_LIKENESS or \
                (" " not in mention.name and mention.name.casefold() == first):
            mine.add(mention.name)
        elif mention.relationship == "colleague" or persona.is_colleague(mention.name, addresses):
            mention.relationship = "colleague"
            mention.org = persona.company or mention.org
    _drop(extraction, mine)


def _rename(extraction: Extraction, old: str, new: str) -> None:
    if old == new:
        return
    for item in (*extraction.facts, *extraction.tasks, *extraction.decisions):
        item.subjects = list(dict.fromkeys(new if s == old else s for s in item.subjects))


def _drop(extraction: Extraction, names: set[str]) -> None:
    """Remove mentions; facts about nothing else go, tasks and decisions stay."""
    if not names:
        return
    extraction.mentions = [m for m in extraction.mentions if m.name not in names]
    facts = []
    for fact in extraction.facts:
        kept = [s for s in fact.subjects if s not in names]
        if kept or not fact.subjects:
            fact.subjects = kept
            facts.append(fact)
    extraction.facts = facts
    for item in (*extraction.tasks, *extraction.decisions):
        item.subjects = [s for s in item.subjects if s not in names]


@dataclass
class RunPeople:
    """What a batch of documents shows beyond each one: its people (full names, as
    entities not yet stored) and the organization each mail domain spells somewhere."""

    known: list[KnownEntity]
    domains: dict[str, str]
    projects: dict[str, str] = field(default_factory=dict)  # name key of "X" -> project name
    orgs: list[str] = field(default_factory=list)  # organizations the structure names


def batch_people(documents: list[Document], persona: Persona | None = None) -> RunPeople:
    """The people and mail domains of a batch: a first name in one document of a run
    may mean a sender of another, and a domain another message spells out names the
    organization of a message that does not."""
    names: dict[str, str] = {}
    best: dict[str, tuple[str, tuple[int, int]]] = {}
    own = persona.domains if persona is not None else frozenset()
    domain_docs: set[str] = set()
    for document in documents:
        people = structural_people(document)
        for person in people:
            if is_full_name(person.name):
                names.setdefault(name_key(person.name), person.name)
        domains = {d for p in people if (d := domain_of(p.email)) and d not in own}
        domains |= {d for a in _ADDRESS.findall(document.text) if (d := domain_of(a)) and d not in own}
        if not domains:
            continue
        domain_docs.update(domains)
        spans = names_in_text(f"{document.title}\n{document.text}")
        for domain in domains:
            name, rank = domain_match(domain, spans)
            if name and rank > best.get(domain, ("", (0, 0)))[1] and _fits_org(name, domain):
                best[domain] = (name, rank)
    weak = [d for d in domain_docs if best.get(d, ("", (0, 0)))[1][0] < 3]
    if weak:  # another document of the run may spell the name out
        spans = list(dict.fromkeys(n for d in documents for n in names_in_text(f"{d.title}\n{d.text}")))
        for domain in weak:
            name, rank = domain_match(domain, spans)
            if name and rank > best.get(domain, ("", (0, 0)))[1] and _fits_org(name, domain):
                best[domain] = (name, rank)
    if best:  # "Quarry Lane" spelt by a domain, "Quarry Lane Supply" written out somewhere
        spans = spans if weak else list(dict.fromkeys(
            n for d in documents if d.kind in WORK_KINDS for n in names_in_text(f"{d.title}\n{d.text}")))
        for domain, (name, rank) in list(best.items()):
            longer = [s for s in spans if name_key(s).startswith(name_key(name) + " ")
                      and len(s.split()) == len(name.split()) + 1 and _fits_org(s)
                      and s.split()[-1].lower() not in lx.COMMON_CAPS
                      and s.split()[-1].lower() not in _PROJECT_TAIL and _title_cased(s)]
            if longer:
                best[domain] = (min(longer, key=len), rank)
    company = name_key(persona.company) if persona is not None and persona.company else None
    structure = [p.org for d in documents for p in structural_people(d) if p.org and not (
        company and (name_key(p.org) == company or name_key(p.org).startswith(company + " ")))]
    for domain, (name, rank) in list(best.items()):
        longer = [o for o in structure if name_key(o).startswith(name_key(name) + " ")
                  and domain_match(domain, [o])[0]]
        if longer:  # "Acme" in one message, "Acme Consulting" as someone's company in another
            best[domain] = (max(longer, key=len), rank)
    projects: dict[str, str] = {}
    for document in documents:
        if document.kind in WORK_KINDS or structural_people(document):
            projects.update(named_projects(f"{document.title}\n{document.text}", document.front_matter))
    domain_names = {domain: name for domain, (name, _) in best.items()}
    return RunPeople([KnownEntity(0, name, EntityKind.PERSON) for name in names.values()],
                     domain_names, projects,
                     list(dict.fromkeys([*structure, *domain_names.values()])))


_PROJECT_NAMED = re.compile(r"\bProject\s+([A-Z][\w\-]+)")
_PROJECT_OF = re.compile(r"\b([A-Z][\w\-]+)\s+(?:migration|rollout|roll-out|programme|program|"
                         r"initiative|project)\b")
_PROJECT_TAIL = frozenset("project migration rollout programme program initiative pilot rfp poc".split())
# "Halyard - the migration of ...": a name defined as a project.
_PROJECT_DEFINED = re.compile(r"\b([A-Z][\w\-]+)\s+[-–—:]\s+(?:the|a|an|our)\s+(?:[a-z\-]+\s+)?"
                              r"(?:migration|rollout|programme|program|initiative|project|pilot)\b")
# "the Pinecone Dock Pilot": a capitalized name that ends with a project word.
_PROJECT_TITLED = re.compile(r"\b((?:[A-Z][\w\-]+\s+){1,3}(?:Pilot|Migration|Rollout|Programme|"
                             r"Program|Initiative))\b")


def named_projects(text: str, front_matter: dict | None = None) -> dict[str, str]:
    """Projects a text names: "Project X" (X stands for it), "X migration" and the like,
    and a note's own `project:` front matter; name key of "X" -> the project's name."""
    found: dict[str, str] = {}
    lower = set(re.findall(r"(?<![\w'’-])[a-z][a-z\-]+", text))

    def a_name(word: str) -> bool:  # not a common word, an acronym, a place or a first name
        return word.lower() not in lx.COMMON_CAPS and word.lower() not in lower \
            and not word.isupper() and not is_given_name(word)

    for match in (*_PROJECT_OF.finditer(text), *_PROJECT_DEFINED.finditer(text)):
        before = text[max(0, match.start() - 3):match.start()]
        at_start = not before.strip() or before.rstrip()[-1:] in ".!?:#-*"
        if a_name(match.group(1)) and not at_start:
            found.setdefault(name_key(match.group(1)), match.group(1))
    for match in _PROJECT_TITLED.finditer(text):
        name = re.sub(r"^(?:The|A|An|Our|Your|This)\s+", "", match.group(1))
        if len(name.split()) >= 2 and name.split()[0].lower() not in lx.COMMON_CAPS:
            found.setdefault(name_key(name), name)
    for match in _PROJECT_NAMED.finditer(text):
        found[name_key(match.group(1))] = f"Project {match.group(1)}"
    value = (front_matter or {}).get("project")
    if isinstance(value, str) and value.strip():
        name = value.strip().strip("[]")
        found[name_key(name)] = name
        if name.startswith("Project "):
            found[name_key(name[8:])] = name
    return found


def _type_projects(extraction: Extraction, projects: dict[str, str], org_keys: Container[str]) -> None:
    """Organizations that are named projects become projects (named as the text names
    them: "Project X" for "X"); an organization the structure or vault knows stays one."""
    for mention in list(extraction.mentions):
        if mention.kind is EntityKind.PERSON:
            continue
        key = name_key(mention.name)
        words = mention.name.split()
        if words[0] == "Project" or (len(words) > 1 and words[-1].lower() in _PROJECT_TAIL):
            mention.kind = EntityKind.PROJECT
        elif key in projects and key not in org_keys and not lx.has_legal_form(mention.name) \
                and not lx.has_org_word(mention.name):
            mention.kind = EntityKind.PROJECT
            target = projects[key]
            if target != mention.name:
                mention.aliases = list(dict.fromkeys([*mention.aliases, mention.name]))
                _rename(extraction, mention.name, target)
                mention.name = target


def _title_cased(name: str) -> bool:
    return all(re.fullmatch(r"[A-Z][a-z][\w'’\-]*\.?", w) for w in name.split())


_ADDRESS = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+")


def _structure_orgs(extraction: Extraction, people: list[Person], persona: Persona | None) -> None:
    """An organization the structure gives a person ("Jo Quill (Acme)", a signature's
    company line, "Call with Jo (Acme)") is an organization mention of the document."""
    have = {name_key(n) for m in extraction.mentions for n in (m.name, *m.aliases)}
    for person in people:
        org = person.org
        if not org or not _fits_org(org) or is_role(org) or name_key(org) in have:
            continue
        if persona is not None and persona.company and (persona.is_own_company(org) or name_key(
                org).startswith(name_key(persona.company) + " ")):
            person.org = persona.company
            continue
        extraction.mentions.append(Mention(org, EntityKind.ORGANIZATION))
        have.add(name_key(org))


def _fits_org(name: str, domain: str | None = None) -> bool:
    """A name may be an organization's: no junk, no person's name, and no place unless a
    mail domain spells it out ("Quarry Lane" for quarrylane.example)."""
    if is_junk(name) or reads_as_person(name):
        return False
    return not lx.is_place(name) or (domain is not None and domain_match(domain, [name])[1][0] == 3)
