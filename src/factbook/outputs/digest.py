"""The daily digest note (`Digest/YYYY-MM-DD.md`): what the day's runs changed and what
needs the user, most urgent first.

Sections, in this order: tasks due or overdue (highest priority first, then soonest
due), conflicts awaiting review, new entities, changed entities. Every run of the
day rewrites the note from the store, so it covers all of that day's runs. Tasks are
plain bullets, not checkboxes: the source notes hold the real ones, and the Tasks
plugin must not count them twice.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from factbook.models import NOTE_TYPE
from factbook.store.base import EntityRecord, Store, TaskRecord
from factbook.vault.frontmatter import render_front_matter
from factbook.vault.layout import link
from factbook.vault.tasks import PRIORITY_EMOJI

if TYPE_CHECKING:
    from factbook.persona import Persona

PRIORITY_RANK = {"highest": 0, "high": 1, "medium": 2, None: 3, "low": 4, "lowest": 5}
# Longer lists are cut, with a count of what was left out.
LIST_CAP = 100


def digest_note(store: Store, day: date, due_within_days: int = 7,
                persona: Persona | None = None) -> str:
    """The digest of `day`: open tasks due by `day + due_within_days`, conflicts and
    review items awaiting a person, and the entities the day's runs created or changed."""
    changes = store.entity_changes(day)
    entities = {e: store.entity(e) for e in changes}
    body = [f"# Digest {day.isoformat()}", ""]
    body += _section("Tasks due or overdue", _task_lines(store, day, due_within_days, persona))
    body += _section("Conflicts awaiting review", _conflict_lines(store, entities))
    created = [e for e, change in changes.items() if change == "created"]
    updated = [e for e, change in changes.items() if change != "created"]
    body += _section("New", _entity_lines(entities, created))
    body += _section("Changed", _entity_lines(entities, updated))
    owned = {"type": "digest", "date": day, "tags": ["type/digest"]}
    return render_front_matter(owned, {}) + "\n".join(body).rstrip("\n") + "\n"


def _section(heading: str, lines: list[str]) -> list[str]:
    if len(lines) > LIST_CAP:
        lines = lines[:LIST_CAP] + [f"- … and {len(lines) - LIST_CAP} more"]
    return [f"## {heading}", "", *(lines or ["- nothing"]), ""]


def ranked_tasks(tasks: list[TaskRecord]) -> list[TaskRecord]:
    """Tasks highest priority first, then soonest due, then by text."""
    return sorted(tasks, key=lambda t: (PRIORITY_RANK.get(t.priority, 3), t.due or date.max, t.text))


def _task_lines(store: Store, day: date, within: int, persona: Persona | None) -> list[str]:
    lines = []
    for task in ranked_tasks(store.open_tasks(due_by=day + timedelta(days=within))):
        doc = store.document(task.document_id)
        when = "⚠ overdue since" if task.due and task.due < day else "due"
        parts = [f"- {when} {task.due.isoformat() if task.due else ''}:", task.text]
        if task.owner:
            mine = persona is not None and task.owner == persona.handle
            parts.append(f"@{task.owner}" + (" (you)" if mine else ""))
        if task.priority in PRIORITY_EMOJI:
            parts.append(PRIORITY_EMOJI[task.priority])
        if doc.note_path:
            parts.append(f"({link(doc.note_path)})")
        lines.append(" ".join(parts))
    return lines


def _conflict_lines(store: Store, entities: dict[int, EntityRecord]) -> list[str]:
    lines: list[str] = []
    seen: set[frozenset[int]] = set()
    for entity_id, entity in sorted(entities.items(), key=lambda p: p[1].name):
        facts = {f.id: f for f in store.facts_for_entity(entity_id) if f.status == "active"}
        for fact in facts.values():
            for other in fact.conflicts:
                pair = frozenset((fact.id, other))
                if pair in seen or other not in facts:
                    continue
                seen.add(pair)
                lines.append(f"- {link(entity.note_path)}: {fact.text} ⟷ {facts[other].text}")
    for item in store.review_items("open"):
        lines.append(f"- {item.kind}: {item.detail}")
    return lines


def _entity_lines(entities: dict[int, EntityRecord], ids: list[int]) -> list[str]:
    chosen = sorted((entities[e] for e in ids), key=lambda e: (NOTE_TYPE[e.kind], e.name.casefold()))
    return [f"- {link(e.note_path)} ({NOTE_TYPE[e.kind]})" for e in chosen]
