"""Tasks, decisions and key facts that a document states in its structure.

Pure functions over a `Document`, used by the extractors before any guessing:
- checkbox tasks anywhere (`- [ ]`, `- [x]`, Obsidian Tasks 📅 ✅ ⏫ 🔼 🔽 ⏬ 🔺, `@Owner`);
- the Action items / Decisions / Key facts sections of meeting notes, verbatim;
- in transcripts and e-mails, spoken commitments ("Priya will send the runbook by
  next Wednesday", "I'll book the rehearsal"), asks (`extract.asks`: "could you send …")
  and decisions (`extract.decisions`: "we agreed to …"), due dates resolved against
  the document's date;
- every task and decision goes to the accounts and projects it names and its document
  is about (`extract.routing`), never to a person.

With a persona (the vault's owner), "I" in the user's own meeting notes is the user,
and every task the user owns, under any of their names, is owned by their handle.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from factbook.extract.commitments import (
    ACTION_VERBS,
    commitment_task,
    resolve_person,
    says_work,
    spoken_tasks,
    utterances,
)
from factbook.extract.decisions import heading_kind, spoken_decisions
from factbook.extract.asks import document_asks
from factbook.extract.due_dates import find_due
from factbook.extract.routing import (
    RoutingContext,
    document_about,
    known_mentions,
    main_organization,
    named_in,
    orgs_of_people_named,
    routable,
)
from factbook.models import Decision, Document, DocumentKind, Extraction, Mention, Task
from factbook.sources.speakers import is_speaker_label
from factbook.vault.tasks import parse_task_line

if TYPE_CHECKING:
    from factbook.persona import Persona

_BULLET = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)])\s+(?P<item>.+\S)\s*$")
_HEADING = re.compile(r"^\s*#{1,6}\s+\S")
# Owners written around an action item: "Priya: …", "… (Priya)", "… — Priya", "Owner: Priya".
_OWNER_PREFIX = re.compile(r"^(?:\*\*)?(?P<name>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2}|me)(?:'s team)?"
                           r"(?:\*\*)?\s*[:–—-]\s+(?P<rest>.+)$")
# Case matters for the name (a capital), not for the "owner:" label: "(late, …)" is no owner.
_OWNER_SUFFIX = re.compile(r"^(?P<rest>.+?)\s*(?:\((?:[Oo]wner:\s*)?(?P<paren>[A-Z][^()]{1,40})\)|"
                           r"[–—]\s*(?P<dash>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,2})|"
                           r"\b[Oo]wner:\s*(?P<label>[A-Z][\w.'’ -]{1,40}))\s*\.?$")
# Words that start a "Word: …" line without being anyone's name.
_NOT_OWNERS = frozenset({
    "note", "notes", "update", "status", "next", "todo", "to do", "action", "actions", "decision",
    "decisions", "owner", "due", "re", "fyi", "q1", "q2", "q3", "q4", "nb", "ps", "agenda", "risk",
    "risks", "question", "questions", "idea", "ideas", "follow-up", "followup", "blocker", "done",
    "open", "closed", "pending", "context", "summary", "goal", "goals", "result", "results", "why",
    "what", "when", "where", "how", "who", "forecast", "commit", "pipeline", "also", "then", "and"})
_NAME_TO = re.compile(r"^(?P<name>[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)\s+to\s+(?P<rest>[a-z].+)$")
_SPOKEN_KINDS = {DocumentKind.TRANSCRIPT, DocumentKind.EMAIL}
_ME_TURN = re.compile(r"^(\s*)Me\s*:", re.M)
# Documents the user writes themselves: an unattributed "I" in them is the user.
_OWN_KINDS = {DocumentKind.MEETING_NOTES, DocumentKind.NOTE}


@dataclass
class StructuredItems:
    """What a document states outright: its tasks, decisions and key facts."""

    tasks: list[Task] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    key_facts: list[str] = field(default_factory=list)


def structured_items(document: Document, persona: Persona | None = None) -> StructuredItems:
    """The tasks, decisions and key facts `document` states in its structure or speech;
    with `persona`, the user's tasks are owned by the persona's handle."""
    items = StructuredItems()
    sections = _sections(document.text)
    participants = _participants(document, persona)
    me = persona.name if persona and document.kind in _OWN_KINDS else None
    for kind, lines in sections:
        for line in lines:
            _take_line(items, kind, line, document, participants, me)
    if me:  # in the user's own notes, a task nobody else owns is the user's
        for task in items.tasks:
            task.owner = task.owner or me
    if document.kind in _SPOKEN_KINDS:
        default = document.authors[0] if len(document.authors) == 1 else None
        spoken = utterances(_me_as_user(document, persona), default_speaker=default)
        said = [*spoken_tasks(spoken, participants, document.date),
                *document_asks(document, spoken, participants, persona.name if persona else None)]
        items.tasks.extend(t for t in said if says_work(t.text))
        items.decisions.extend(spoken_decisions(spoken, document.date))
    items.tasks = _unique_tasks(items.tasks)
    if persona is not None:
        for task in items.tasks:
            if task.owner and persona.is_me(task.owner):
                task.owner = persona.handle
    items.decisions = _unique_decisions(items.decisions)
    items.key_facts = list(dict.fromkeys(items.key_facts))
    return items


def _me_as_user(document: Document, persona: Persona | None) -> str:
    """A transcript's text with the recorder's own "Me:" turns (as MacWhisper and other
    tools label the local microphone) said by the user; other labels stay unknown."""
    if persona is None or document.kind is not DocumentKind.TRANSCRIPT:
        return document.text
    return _ME_TURN.sub(lambda m: f"{m.group(1)}{persona.name}:", document.text)


def merge_structured(document: Document, extraction: Extraction,
                     persona: Persona | None = None,
                     context: RoutingContext | None = None) -> Extraction:
    """`extraction` with the document's structured tasks and decisions added (those it
    does not already have), each about the entities it names, else the document's main
    organization, so that it reaches that entity's note. With `context` (what the vault
    and the run know), known accounts and projects the document names are routed to too."""
    items = structured_items(document, persona)
    have_tasks = {_key(t.text) for t in extraction.tasks}
    extraction.tasks += [t for t in items.tasks if _key(t.text) not in have_tasks]
    have_decisions = {_key(d.text) for d in extraction.decisions}
    extraction.decisions += [d for d in items.decisions if _key(d.text) not in have_decisions]
    extra = known_mentions(document, extraction.mentions, context)
    mentions = [*extraction.mentions, *extra]
    about = document_about(document, mentions, persona, context)
    targets = routable(document, mentions, persona)
    for item in (*extraction.tasks, *extraction.decisions):
        people = orgs_of_people_named(item.text, mentions, targets, context, persona)
        item.subjects = _subjects(item.text, [*item.subjects, *people], targets, about)
    used = {s for item in (*extraction.tasks, *extraction.decisions) for s in item.subjects}
    extraction.mentions += [m for m in extra if m.name in used]
    return extraction


def _subjects(text: str, given: list[str], targets: list[Mention], about: list[str]) -> list[str]:
    """The accounts and projects an item goes to: those it was given or names, and those
    its document is about (never a person)."""
    names = {m.name for m in targets}
    named = [s for s in given if s in names] + named_in(text, targets)
    return list(dict.fromkeys([*named, *about])) or main_organization(targets)


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def action_item_task(text: str, document: Document, me: str | None = None) -> Task | None:
    """The task of one action-item bullet (no checkbox): owner and due date from its wording.
    `me` is who an unattributed "I" is (the user, in their own notes)."""
    participants = document.participants or document.authors
    if me and me not in participants:
        participants = (*participants, me)
    text = text.strip()
    owner, rest = _owner_around(text, participants)
    task = commitment_task(rest, participants, document.date, speaker=me)
    if task:
        task.owner = task.owner or owner
        return task
    due = find_due(rest, document.date)
    if due:
        rest = rest.replace(due.phrase, " ")
    cleaned = re.sub(r"\s+", " ", rest).strip(" .,;:—-")
    if not cleaned:
        return None
    return Task(text=cleaned[:1].upper() + cleaned[1:], owner=owner,
                due=due.due if due else None, passage=text)


def _participants(document: Document, persona: Persona | None) -> tuple[str, ...]:
    participants = document.participants or document.authors
    if persona and document.kind in _OWN_KINDS and persona.name not in participants:
        participants = (*participants, persona.name)  # "Dana to send …" in Dana's own notes
    return participants


def _take_line(items: StructuredItems, kind: str | None, line: str, document: Document,
               participants: tuple[str, ...], me: str | None = None) -> None:
    task = parse_task_line(line)
    if task:
        items.tasks.append(_enrich(task, document, participants, me))
        return
    bullet = _BULLET.match(line)
    if not bullet:
        return
    text = bullet.group("item").strip()
    if kind == "actions" or (kind != "decisions" and _assigned(text, participants)):
        found = action_item_task(text, document, me)
        if found:
            items.tasks.append(found)
    elif kind == "decisions":
        items.decisions.append(Decision(text=_sentence(text), date=document.date, passage=text))
    elif kind == "facts":
        items.key_facts.append(_sentence(text))


def _assigned(text: str, participants: tuple[str, ...]) -> bool:
    """"Marcus to send the spec by Friday": a person, "to", an action verb."""
    match = _NAME_TO.match(re.sub(r"^\*\*|\*\*", "", text))
    if not match:
        return False
    verb = match.group("rest").split()[0].lower()
    return verb in ACTION_VERBS and (resolve_person(match.group("name"), participants) is not None
                                     or len(match.group("name").split()) == 1)


def _enrich(task: Task, document: Document, participants: tuple[str, ...],
            me: str | None = None) -> Task:
    """Fill a checkbox task's missing owner and due date from its wording."""
    if task.owner:
        task.owner = resolve_person(task.owner, participants) or task.owner
    if task.owner is None or task.due is None:
        spoken = action_item_task(task.text, document, me)
        if spoken:
            task.owner = task.owner or spoken.owner
            if task.due is None and spoken.due is not None:
                task.due, task.text = spoken.due, spoken.text
            elif task.owner == spoken.owner and spoken.text != task.text and spoken.owner:
                task.text = spoken.text
    if task.owner and is_speaker_label(task.owner):
        task.owner = None
    return task


def _owner_around(text: str, participants: tuple[str, ...]) -> tuple[str | None, str]:
    for pattern, groups in ((_OWNER_PREFIX, ("name",)), (_NAME_TO, ("name",)),
                            (_OWNER_SUFFIX, ("paren", "dash", "label"))):
        match = pattern.match(text)
        if not match:
            continue
        name = next((match.group(g) for g in groups if match.group(g)), None)
        if name and name.strip().lower() == "me":  # "Me: send the quote" in the user's notes
            return "Me", match.group("rest").strip()
        if not name or is_speaker_label(name):
            continue
        name = name.strip()
        if name.casefold() in _NOT_OWNERS:
            continue
        person = resolve_person(name, participants)
        return person or name, match.group("rest").strip()
    return None, text


def _sections(text: str) -> list[tuple[str | None, list[str]]]:
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in text.splitlines():
        kind = heading_kind(line)
        if kind or _HEADING.match(line):
            sections.append((kind, []))
            continue
        sections[-1][1].append(line)
    return sections


def _sentence(text: str) -> str:
    text = re.sub(r"\s+", " ", text.replace("**", "")).strip()
    return text[:1].upper() + text[1:]


def _unique_tasks(tasks: list[Task]) -> list[Task]:
    seen: dict[str, Task] = {}
    for task in tasks:
        key = _key(task.text)
        if key not in seen:
            seen[key] = task
    return list(seen.values())


def _unique_decisions(decisions: list[Decision]) -> list[Decision]:
    seen: dict[str, Decision] = {}
    for decision in decisions:
        seen.setdefault(_key(decision.text), decision)
    return list(seen.values())
