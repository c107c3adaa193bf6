"""`factbook brief`: what to know before the next meeting with an entity.

Assembled from the store, each item with its sources: what changed since a
date, open tasks, recent decisions, conflicts awaiting review, and the people
involved. The default date is the last contact: the newest meeting transcript,
meeting notes or e-mail that involves the entity (inclusive, so the last
conversation itself is recalled). With no contact on record it is the 30 days
up to the newest source. An undated source counts from the day it was ingested.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from factbook.models import NOTE_TYPE, EntityKind
from factbook.query.common import SourceRef, ingest_dates, source_ref, to_plain
from factbook.query.entities import find_entity
from factbook.store.base import DocumentRecord, EntityRecord, FactRecord, Store

CONTACT_KINDS = ("transcript", "meeting-notes", "email")
FALLBACK_DAYS = 30
SECTION_CAP = 20


@dataclass
class BriefItem:
    """One line of a brief and the sources it rests on."""

    text: str
    date: date | None = None
    type: str = "fact"
    sources: list[SourceRef] = field(default_factory=list)


@dataclass
class Person:
    """Someone involved, with the sources that involve them."""

    name: str
    note_path: str | None = None
    sources: list[SourceRef] = field(default_factory=list)


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
    changed: list[BriefItem] = field(default_factory=list)
    open_tasks: list[BriefItem] = field(default_factory=list)
    decisions: list[BriefItem] = field(default_factory=list)
    conflicts: list[BriefItem] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The brief as JSON-ready data."""
        return to_plain(self)


def brief(store: Store, name: str, since: date | None = None,
          today: date | None = None) -> Brief:
    """The brief on the entity called `name`, covering what is dated on or after `since`
    (default: the last contact; see the module's docstring)."""
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
    result.open_tasks = _open_tasks(store, entity, docs)
    result.decisions = _decisions(store, entity, start)
    result.conflicts = _conflicts(store, entity)
    result.people = _people(store, entity, recent or docs)
    return result


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
    recent_ids = {d.id for d in recent}
    items = [BriefItem(f"New source: {_headline(d)}", when(d), "source", [source_ref(d)])
             for d in recent if d.kind != "note"]
    for fact in store.facts_for_entity(entity.id):
        if fact.status != "active":
            continue
        cited = [store.document(c.document_id) for c in fact.citations]
        fresh = [d for d in cited if d.id in recent_ids]
        if not fresh and not (start and fact.date and fact.date >= start):
            continue
        mark = "⚠ conflicting report: " if fact.conflicts else ""
        dated = max((when(d) for d in fresh if when(d)), default=None)
        items.append(BriefItem(mark + fact.text, fact.date or dated,
                               "event" if fact.event else "fact", [source_ref(d) for d in cited]))
    items.sort(key=lambda i: (i.date is None, -(i.date or date.min).toordinal(), i.type != "source"))
    return items[:SECTION_CAP]


def _headline(doc: DocumentRecord) -> str:
    """The title and the summary, once when one repeats the other."""
    title = doc.title.rstrip("…").strip()
    if not doc.summary or doc.summary.startswith(title):
        return doc.summary or doc.title
    return f"{doc.title} — {doc.summary}"


def _open_tasks(store: Store, entity: EntityRecord, docs: list[DocumentRecord]) -> list[BriefItem]:
    items = []
    for doc in docs:
        for task in store.tasks_for_document(doc.id):
            if task.done or (task.entities and entity.id not in task.entities):
                continue
            owner = f" — {task.owner}" if task.owner else ""
            due = f", due {task.due.isoformat()}" if task.due else ""
            items.append(BriefItem(f"{task.text}{owner}{due}", task.due, "task", [source_ref(doc)]))
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


def _people(store: Store, entity: EntityRecord, docs: list[DocumentRecord]) -> list[Person]:
    people: dict[str, Person] = {}
    for doc in docs:
        names: list[tuple[str, str | None]] = []
        for other_id in store.entities_for_document(doc.id):
            other = store.entity(other_id)
            if other.kind is EntityKind.PERSON and other.id != entity.id:
                names.append((other.name, other.note_path))
        names += [(n, None) for n in (*doc.participants, *doc.authors)]
        for person_name, note in names:
            person = people.setdefault(person_name.casefold(), Person(person_name, note))
            person.note_path = person.note_path or note
            if all(s.document_id != doc.id for s in person.sources):
                person.sources.append(source_ref(doc))
    ranked = sorted(people.values(), key=lambda p: (-len(p.sources), p.name))
    return ranked[:SECTION_CAP]


BRIEFS_FOLDER = "Briefs"


def _cite(sources: list[SourceRef]) -> str:
    links = list(dict.fromkeys(s.link for s in sources))
    return f" ({', '.join(links)})" if links else ""


def _lines(items: list[BriefItem], dated: bool = True) -> list[str]:
    if not items:
        return ["- nothing"]
    out = []
    for item in items:
        day = f"{item.date.isoformat()}: " if dated and item.date else ""
        out.append(f"- {day}{item.text}{_cite(item.sources)}")
    return out


def render_brief(result: Brief, prose: str | None = None) -> str:
    """The brief as a Markdown note (front matter, then one section per question; an
    LLM's `prose`, when given, as a Summary first).

    Tasks are listed without checkboxes: the Tasks plugin keeps finding them in their
    source notes, and a copy here would show up twice."""
    people = [f"- {f'[[{p.name}]]' if p.note_path else p.name}{_cite(p.sources)}"
              for p in result.people] or ["- nothing"]
    since = result.since.isoformat() if result.since else "all"
    lines = [
        "---", "type: brief", f'entity: "[[{result.entity}]]"',
        f"date: {result.generated.isoformat()}", f"since: {since}", "tags: [type/brief]", "---",
        f"# Brief: {result.entity} — {result.generated.isoformat()}", "",
        f"Covers {result.since_reason}.", "",
        *(["## Summary", "", prose.strip(), ""] if prose else []),
        "## What changed", "", *_lines(result.changed), "",
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
