"""`factbook tasks`: the open tasks a user checks every morning, by account, owner or due date.

Open means neither done nor cancelled nor deleted. The list is ordered by due date
(undated last), then priority, then when the task was found. An owner filter of "me"
(or the persona's handle or name) finds the user's own tasks.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date

from factbook.persona import Persona
from factbook.query.entities import find_entity
from factbook.resolve.names import name_key
from factbook.store.base import Store, TaskRecord

_PRIORITY_RANK = {"highest": 0, "high": 1, "medium": 2, None: 3, "low": 4, "lowest": 5}


@dataclass
class OpenTask:
    """One open task as `factbook tasks` lists it."""

    text: str
    owner: str | None
    due: date | None
    scheduled: date | None
    start: date | None
    priority: str | None
    recurrence: str | None
    accounts: list[str] = field(default_factory=list)
    source: str | None = None
    block_id: str = ""

    def to_dict(self) -> dict:
        """The task as JSON-ready data (dates as YYYY-MM-DD)."""
        data = asdict(self)
        for key in ("due", "scheduled", "start"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def open_tasks(store: Store, *, account: str | None = None, owner: str | None = None,
               due_before: date | None = None, persona: Persona | None = None) -> list[OpenTask]:
    """The open tasks, optionally only those of one account (or project, by name or alias),
    one owner (full, first or last name; "me" for the user) or due on or before a day."""
    records = store.open_tasks(due_by=due_before)
    if account:
        wanted = find_entity(store, account).id
        records = [t for t in records if wanted in t.entities]
    if owner:
        records = [t for t in records if _owned_by(t, owner, persona)]
    records.sort(key=lambda t: (t.due is None, t.due or date.max,
                                _PRIORITY_RANK.get(t.priority, 3), t.id))
    return [_row(store, t) for t in records]


def format_tasks(tasks: list[OpenTask]) -> str:
    """The open tasks as lines: due date, text, owner, accounts, source."""
    if not tasks:
        return "No open tasks."
    lines = []
    for task in tasks:
        due = task.due.isoformat() if task.due else "no date   "
        owner = f" @{task.owner}" if task.owner else ""
        where = f"  [{', '.join(task.accounts)}]" if task.accounts else ""
        source = f"  ({task.source})" if task.source else ""
        lines.append(f"{due}  {task.text}{owner}{where}{source}")
    return "\n".join(lines)


def _owned_by(task: TaskRecord, owner: str, persona: Persona | None) -> bool:
    if not task.owner:
        return False
    if persona is not None and (owner.strip().lower() in ("me", "myself") or persona.is_me(owner)):
        return persona.is_me(task.owner)
    wanted, have = name_key(owner), name_key(task.owner)
    return wanted == have or wanted in have.split()


def _row(store: Store, task: TaskRecord) -> OpenTask:
    names = []
    for entity_id in task.entities:
        try:
            names.append(store.entity(entity_id).name)
        except Exception:  # noqa: BLE001 - an entity merged or forgotten since: leave it out
            continue
    try:
        source = store.document(task.document_id).title
    except Exception:  # noqa: BLE001
        source = None
    return OpenTask(text=task.text, owner=task.owner, due=task.due, scheduled=task.scheduled,
                    start=task.start, priority=task.priority, recurrence=task.recurrence,
                    accounts=names, source=source, block_id=task.block_id)
