"""`factbook timeline`: an entity's dated facts, events, decisions, tasks and sources in order."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from factbook.models import NOTE_TYPE
from factbook.query.common import SourceRef, source_ref, to_plain
from factbook.query.entities import find_entity
from factbook.store.base import DocumentRecord, Store
from factbook.vault.diagrams import DatedEvent, timeline_block
from factbook.vault.render import inert

# Within one day: the source first, then what it reported.
_ORDER = {"source": 0, "event": 1, "fact": 2, "decision": 3, "task": 4}


@dataclass
class TimelineEntry:
    """One dated line of an entity's history, with the sources that state it."""

    date: date | None
    type: str  # source | event | fact | decision | task
    text: str
    sources: list[SourceRef] = field(default_factory=list)
    conflict: bool = False


@dataclass
class Timeline:
    """An entity's history, oldest first; undated entries last."""

    entity: str
    kind: str
    note_path: str
    entries: list[TimelineEntry]

    def to_dict(self) -> dict[str, Any]:
        """The timeline as JSON-ready data."""
        return to_plain(self)


def timeline(store: Store, name: str, since: date | None = None,
             until: date | None = None) -> Timeline:
    """The timeline of the entity called `name`, optionally limited to a date range.

    A fact is dated by the date it refers to, else by its earliest source; an
    undated entry is kept (at the end) unless a date range is asked for.
    """
    entity = find_entity(store, name)
    docs = {d.id: d for d in store.documents_for_entity(entity.id)}
    entries = [TimelineEntry(d.date, "source", _source_line(d), [source_ref(d)])
               for d in docs.values() if d.kind != "note"]
    entries += _fact_entries(store, entity.id, docs)
    for decision in store.decisions_for_entity(entity.id):
        doc = docs.get(decision.document_id) or store.document(decision.document_id)
        entries.append(TimelineEntry(decision.date or doc.date, "decision", decision.text,
                                     [source_ref(doc)]))
    for doc in docs.values():
        for task in store.tasks_for_document(doc.id):
            if task.entities and entity.id not in task.entities:
                continue
            state = "done" if task.done else "open"
            owner = f" ({task.owner})" if task.owner else ""
            entries.append(TimelineEntry(task.due or doc.date, "task",
                                         f"[{state}] {task.text}{owner}", [source_ref(doc)]))
    if since or until:
        entries = [e for e in entries if e.date and (not since or e.date >= since)
                   and (not until or e.date <= until)]
    entries.sort(key=lambda e: (e.date is None, e.date or date.min, _ORDER[e.type], e.text))
    return Timeline(entity.name, NOTE_TYPE[entity.kind], entity.note_path, entries)


def _source_line(doc: DocumentRecord) -> str:
    return doc.summary or doc.title


def _fact_entries(store: Store, entity_id: int,
                  docs: dict[int, DocumentRecord]) -> list[TimelineEntry]:
    out = []
    for fact in store.facts_for_entity(entity_id):
        if fact.status != "active":
            continue
        cited = [docs.get(c.document_id) or store.document(c.document_id) for c in fact.citations]
        cited.sort(key=lambda d: (d.date is None, d.date or date.min, d.id))
        when = fact.date or next((d.date for d in cited if d.date), None)
        out.append(TimelineEntry(when, "event" if fact.event else "fact", fact.text,
                                 [source_ref(d) for d in cited], bool(fact.conflicts)))
    return out


def format_timeline(result: Timeline) -> str:
    """The timeline as lines for a terminal."""
    lines = [f"Timeline of {result.entity} ({result.kind}): {len(result.entries)} entries"]
    for entry in result.entries:
        when = entry.date.isoformat() if entry.date else "undated   "
        mark = "⚠ " if entry.conflict else ""
        links = ", ".join(s.link for s in entry.sources)
        cite = f" ({links})" if links and entry.type != "source" else ""
        text = entry.text
        if entry.type == "source" and entry.sources:
            ref = entry.sources[0]
            text = ref.link if entry.text == ref.title else f"{ref.link} — {entry.text}"
        lines.append(f"{when}  {entry.type:<8}  {mark}{text}{cite}")
    return "\n".join(lines)


TIMELINES_FOLDER = "Timelines"
MEETING_KINDS = ("transcript", "meeting-notes")


def key_events(store: Store, entity_id: int) -> list[DatedEvent]:
    """An entity's dated turning points for a timeline picture: deal stages, figures that
    changed (both sides of a supersession), events, meetings and decisions."""
    facts = [f for f in store.facts_for_entity(entity_id) if f.status in ("active", "superseded")]
    successors = {f.superseded_by for f in facts if f.superseded_by}
    out: list[DatedEvent] = []
    for fact in facts:
        if not (fact.deal_status or fact.event or fact.superseded_by or fact.id in successors):
            continue
        dates = [d for d in (store.document(c.document_id).date for c in fact.citations) if d]
        when = fact.date or (min(dates) if dates else None)
        if when:
            stage = f"Deal {fact.deal_status}: " if fact.deal_status else ""
            out.append(DatedEvent(when, stage + fact.shown_text))
    for doc in store.documents_for_entity(entity_id):
        if doc.kind in MEETING_KINDS and doc.date:
            out.append(DatedEvent(doc.date, f"Meeting: {doc.title}"))
    for decision in store.decisions_for_entity(entity_id):
        when = decision.date or store.document(decision.document_id).date
        if when:
            out.append(DatedEvent(when, f"Decided: {decision.text}"))
    return out


def render_timeline_note(result: Timeline, events: list[DatedEvent], today: date) -> str:
    """The timeline as a note: a Mermaid picture of the key events, then every entry."""
    lines = ["---", "type: timeline", f'entity: "[[{result.entity}]]"',
             f"date: {today.isoformat()}", "tags: [type/timeline]", "---",
             f"# Timeline: {result.entity}", ""]
    picture = timeline_block(result.entity, events)
    if picture:
        lines += ["## Key events", "", *picture, ""]
    lines += ["## Entries", ""]
    for entry in result.entries:
        when = entry.date.isoformat() if entry.date else "undated"
        links = ", ".join(dict.fromkeys(s.link for s in entry.sources))
        mark = "⚠ " if entry.conflict else ""
        lines.append(f"- {when} · {entry.type}: {mark}{inert(entry.text)}" + (f" ({links})" if links else ""))
    return "\n".join(lines).rstrip("\n") + "\n"


def write_timeline(layout, store: Store, result: Timeline, today: date | None = None) -> str:
    """Write `Timelines/<entity>.md` (regenerated each time: the note is factbook's); returns
    its vault path."""
    from factbook.vault.layout import safe_stem
    from factbook.vault.writer import write_atomic

    entity = find_entity(store, result.entity)
    text = render_timeline_note(result, key_events(store, entity.id), today or date.today())
    rel = f"{TIMELINES_FOLDER}/{safe_stem(result.entity)}.md"
    write_atomic(layout.root / rel, text)
    return rel
