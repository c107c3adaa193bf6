"""`factbook brief`: what to know before the next meeting with an entity.

Assembled from the store, each item with its sources: what changed since a
date, open tasks, recent decisions, conflicts awaiting review, and the people
involved. The default date is the last contact: the newest meeting transcript,
meeting notes or e-mail that involves the entity (inclusive, so the last
conversation itself is recalled). With no contact on record it is the 30 days
up to the newest source. An undated source counts from the day it was ingested.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from factbook.models import NOTE_TYPE, EntityKind
from factbook.persona import Persona, addresses_from_meta, person_key
from factbook.query.common import SourceRef, ingest_dates, source_ref, to_plain
from factbook.query.entities import find_entity
from factbook.query.timeline import key_events
from factbook.store.base import DocumentRecord, EntityRecord, FactRecord, Store
from factbook.vault.diagrams import DatedEvent, timeline_block

CONTACT_KINDS = ("transcript", "meeting-notes", "email")
FALLBACK_DAYS = 30
SECTION_CAP = 20
DUE_SOON_DAYS = 7


@dataclass
class BriefItem:
    """One line of a brief and the sources it rests on."""

    text: str
    date: date | None = None
    type: str = "fact"
    sources: list[SourceRef] = field(default_factory=list)
    flag: str | None = None  # a task's "overdue" or "due soon"; a fact's "changed"


@dataclass
class Person:
    """Someone involved, with the sources that involve them."""

    name: str
    note_path: str | None = None
    sources: list[SourceRef] = field(default_factory=list)
    colleague: bool = False


@dataclass
class Brief:
    """A pre-meeting brief on one entity."""

    entity: str
    kind: str
    note_path: str
    generated: date
    since: date | None
    since_reason: str
    last_contact: SourceRef | None = None
    asks: list[BriefItem] = field(default_factory=list)
    changed: list[BriefItem] = field(default_factory=list)
    open_tasks: list[BriefItem] = field(default_factory=list)
    decisions: list[BriefItem] = field(default_factory=list)
    conflicts: list[BriefItem] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    events: list[DatedEvent] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The brief as JSON-ready data."""
        return to_plain(self)


def brief(store: Store, name: str, since: date | None = None,
          today: date | None = None, persona: Persona | None = None) -> Brief:
    """The brief on the entity called `name`, covering what is dated on or after `since`
    (default: the last contact; see the module's docstring). Each item is listed once; the
    `persona` (the vault's owner) is never one of the people, their colleagues are marked."""
    entity = find_entity(store, name)
    docs = store.documents_for_entity(entity.id)
    seen = ingest_dates(store)

    def when(doc: DocumentRecord) -> date | None:
        return doc.date or seen.get(doc.id)

    contact = max((d for d in docs if d.kind in CONTACT_KINDS and when(d)), default=None,
                  key=lambda d: (when(d), d.id))
    start, reason = _window(since, contact, [when(d) for d in docs], when)
    result = Brief(entity.name, NOTE_TYPE[entity.kind], entity.note_path, today or date.today(),
                   start, reason, source_ref(contact) if contact else None)
    recent = [d for d in docs if start is None or (when(d) and when(d) >= start)]
    result.changed = _changes(store, entity, recent, start, when)
    tasks = _open_tasks(store, entity, docs, result.generated)
    asked = {contact.id} if contact is not None else set()
    result.asks = [t for t in tasks if t.sources[0].document_id in asked]
    result.open_tasks = [t for t in tasks if t.sources[0].document_id not in asked]
    result.decisions = _decisions(store, entity, start)
    result.conflicts = _conflicts(store, entity)
    result.people = _people(store, entity, recent or docs, persona)
    result.events = key_events(store, entity.id)
    _once(result)
    return result


def _key(text: str) -> str:
    """A line's text compared without case, punctuation or spacing."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def _once(result: Brief) -> None:
    """Each item once: a line already listed in an earlier section (or earlier in its own)
    is dropped, its sources added to the first one."""
    first: dict[str, BriefItem] = {}
    for section in ("asks", "changed", "open_tasks", "decisions", "conflicts"):
        kept = []
        for item in getattr(result, section):
            key = _key(item.text)
            if key in first:
                same = first[key]
                same.sources += [s for s in item.sources
                                 if all(s.document_id != o.document_id for o in same.sources)]
                continue
            first[key] = item
            kept.append(item)
        setattr(result, section, kept)


def _window(since, contact, dates, when) -> tuple[date | None, str]:
    if since:
        return since, f"since {since.isoformat()} (as asked)"
    if contact is not None:
        return when(contact), (f"since the last contact on {when(contact).isoformat()} "
                               f"({source_ref(contact).link})")
    known = [d for d in dates if d]
    if known:
        start = max(known) - timedelta(days=FALLBACK_DAYS)
        return start, (f"no meeting or e-mail on record: the {FALLBACK_DAYS} days up to the "
                       f"newest source, since {start.isoformat()}")
    return None, "everything on record (no dated source)"


def _changes(store: Store, entity: EntityRecord, recent: list[DocumentRecord],
             start: date | None, when) -> list[BriefItem]:
    """What is new since `start`: changed figures and deal stages first (newest first),
    then the other facts and the new sources, newest first. A new source is listed only
    when no fact line cites it, by its title alone when its summary is already a fact."""
    recent_ids = {d.id for d in recent}
    every = store.facts_for_entity(entity.id)
    before = {f.superseded_by: f for f in every if f.status == "superseded" and f.superseded_by}
    items, fact_keys = [], set()
    for fact in every:
        if fact.status != "active":
            continue
        cited = [store.document(c.document_id) for c in fact.citations]
        fresh = [d for d in cited if d.id in recent_ids]
        if not fresh and not (start and fact.date and fact.date >= start):
            continue
        mark = "⚠ conflicting report: " if fact.conflicts else ""
        dated = max((when(d) for d in fresh if when(d)), default=None)
        old = before.get(fact.id)
        was = f" (was: {old.shown_text})" if old is not None else ""
        if fact.deal_status and old is None:
            mark += f"deal {fact.deal_status}: "
        changed = old is not None or bool(fact.deal_status)
        items.append(BriefItem(mark + fact.shown_text + was, fact.date or dated,
                               "event" if fact.event else "fact", [source_ref(d) for d in cited],
                               "changed" if changed else None))
        fact_keys.add(_key(fact.shown_text))
    shown = {s.document_id for item in items for s in item.sources}
    for doc in recent:
        # A source some fact line already cites is seen there, with its title.
        if doc.kind != "note" and doc.id not in shown:
            line = doc.title if _key(doc.summary or "") in fact_keys else _headline(doc)
            items.append(BriefItem(f"New source: {line}", when(doc), "source", [source_ref(doc)]))
    items.sort(key=lambda i: (i.flag != "changed", i.date is None, -(i.date or date.min).toordinal(),
                              i.type != "source"))
    return items[:SECTION_CAP]


def _headline(doc: DocumentRecord) -> str:
    """The title and the summary, once when one repeats the other."""
    title = doc.title.rstrip("…").strip()
    if not doc.summary or doc.summary.startswith(title):
        return doc.summary or doc.title
    return f"{doc.title} — {doc.summary}"


def _open_tasks(store: Store, entity: EntityRecord, docs: list[DocumentRecord],
                today: date) -> list[BriefItem]:
    """Open tasks, soonest due first; overdue ones and those due within a week marked."""
    items = []
    for doc in docs:
        for task in store.tasks_for_document(doc.id):
            if task.done or task.deleted or (task.entities and entity.id not in task.entities):
                continue
            owner = f" — {task.owner}" if task.owner else ""
            due = f", due {task.due.isoformat()}" if task.due else ""
            flag = None
            if task.due and task.due < today:
                flag = "overdue"
            elif task.due and task.due <= today + timedelta(days=DUE_SOON_DAYS):
                flag = "due soon"
            items.append(BriefItem(f"{task.text}{owner}{due}", task.due, "task", [source_ref(doc)],
                                   flag))
    items.sort(key=lambda i: (i.date is None, i.date or date.max, i.text))
    return items[:SECTION_CAP]


def _decisions(store: Store, entity: EntityRecord, start: date | None) -> list[BriefItem]:
    items = []
    for decision in store.decisions_for_entity(entity.id):
        doc = store.document(decision.document_id)
        day = decision.date or doc.date
        if start is None or (day and day >= start):
            items.append(BriefItem(decision.text, day, "decision", [source_ref(doc)]))
    items.sort(key=lambda i: (i.date is None, -(i.date or date.min).toordinal()))
    return items[:SECTION_CAP]


def _conflicts(store: Store, entity: EntityRecord) -> list[BriefItem]:
    facts = {f.id: f for f in store.facts_for_entity(entity.id) if f.status == "active"}
    items, done = [], set()
    for fact in facts.values():
        for other_id in fact.conflicts:
            pair = tuple(sorted((fact.id, other_id)))
            if pair in done or other_id not in facts:
                continue
            done.add(pair)
            other = facts[other_id]
            refs = _refs(store, fact) + _refs(store, other)
            items.append(BriefItem(f"{fact.text} vs {other.text}", None, "conflict", refs))
    for review in store.review_items("open"):
        if entity.id in (review.entity_id, review.other_id):
            items.append(BriefItem(review.detail, None, review.kind, []))
    return items[:SECTION_CAP]


def _refs(store: Store, fact: FactRecord) -> list[SourceRef]:
    return [source_ref(store.document(c.document_id)) for c in fact.citations]


def _people(store: Store, entity: EntityRecord, docs: list[DocumentRecord],
            persona: Persona | None = None) -> list[Person]:
    """The people of the sources, most involved first; never the vault's owner."""
    people: dict[str, Person] = {}
    for doc in docs:
        names: list[tuple[str, str | None]] = []
        for other_id in store.entities_for_document(doc.id):
            other = store.entity(other_id)
            if other.kind is EntityKind.PERSON and other.id != entity.id:
                names.append((other.name, other.note_path))
        names += [(n, None) for n in (*doc.participants, *doc.authors)]
        addresses = addresses_from_meta(doc.meta or {})
        for person_name, note in names:
            if persona is not None and persona.is_me(person_name):
                continue
            person = people.setdefault(person_key(person_name), Person(person_name, note))
            person.note_path = person.note_path or note
            person.colleague = person.colleague or bool(
                persona and persona.is_colleague(person_name, addresses))
            if all(s.document_id != doc.id for s in person.sources):
                person.sources.append(source_ref(doc))
    ranked = sorted(people.values(), key=lambda p: (p.colleague, -len(p.sources), p.name))
    return ranked[:SECTION_CAP]


BRIEFS_FOLDER = "Briefs"


def _cite(sources: list[SourceRef]) -> str:
    links = list(dict.fromkeys(s.link for s in sources))
    return f" ({', '.join(links)})" if links else ""


# A changed figure says what it was; a deal stage says so (see _changes).
_FLAGS = {"overdue": "⚠ overdue: ", "due soon": "⏰ due soon: "}


def _lines(items: list[BriefItem], dated: bool = True) -> list[str]:
    if not items:
        return ["- nothing"]
    out = []
    for item in items:
        day = f"{item.date.isoformat()}: " if dated and item.date else ""
        flag = _FLAGS.get(item.flag or "", "")
        out.append(f"- {flag}{day}{item.text}{_cite(item.sources)}")
    return out


def render_brief(result: Brief, prose: str | None = None) -> str:
    """The brief as a Markdown note (front matter, then one section per question; an
    LLM's `prose`, when given, as a Summary first).

    Tasks are listed without checkboxes: the Tasks plugin keeps finding them in their
    source notes, and a copy here would show up twice."""
    people = [f"- {f'[[{p.name}]]' if p.note_path else p.name}"
              f"{' (colleague)' if p.colleague else ''}{_cite(p.sources)}"
              for p in result.people] or ["- nothing"]
    asks = (["## Open asks from the last contact", "", *_lines(result.asks, dated=False), ""]
            if result.asks else [])
    picture = timeline_block(result.entity, result.events)
    since = result.since.isoformat() if result.since else "all"
    lines = [
        "---", "type: brief", f'entity: "[[{result.entity}]]"',
        f"date: {result.generated.isoformat()}", f"since: {since}", "tags: [type/brief]", "---",
        f"# Brief: {result.entity} — {result.generated.isoformat()}", "",
        f"Covers {result.since_reason}.", "",
        *(["## Summary", "", prose.strip(), ""] if prose else []),
        *asks,
        "## What changed", "", *_lines(result.changed), "",
        *(["## Timeline", "", *picture, ""] if picture else []),
        "## Open tasks", "", *_lines(result.open_tasks, dated=False), "",
        "## Recent decisions", "", *_lines(result.decisions), "",
        "## Conflicts awaiting review", "", *_lines(result.conflicts, dated=False), "",
        "## People involved", "", *people, "",
    ]
    return "\n".join(lines)


def write_brief(layout, result: Brief, prose: str | None = None) -> str:
    """Write the brief as `Briefs/<date> - <entity>.md` in the vault; returns its vault path."""
    from factbook.vault.layout import safe_stem
    from factbook.vault.writer import write_atomic

    rel = f"{BRIEFS_FOLDER}/{safe_stem(f'{result.generated.isoformat()} - {result.entity}')}.md"
    write_atomic(layout.root / rel, render_brief(result, prose))
    return rel
