"""Lists over the whole vault: its entities, its open tasks, and what changed lately
(`factbook entities`, and the MCP tools `list_entities`, `list_tasks`, `recent_activity`)."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, timedelta

from factbook.errors import FactbookError
from factbook.models import NOTE_TYPE, EntityKind
from factbook.store.base import Store

# The kinds a person asks for, and the stored kinds each means.
KIND_FILTER = {"person": {EntityKind.PERSON}, "account": {EntityKind.ORGANIZATION},
               "organization": {EntityKind.ORGANIZATION},
               "project": {EntityKind.PROJECT, EntityKind.PRODUCT}}


@dataclass
class EntityRow:
    """One entity as the list shows it."""

    name: str
    kind: str  # person | account | project (the note type)
    facts: int
    sources: int
    last_contact: str | None
    needs_review: bool
    note: str

    def to_dict(self) -> dict:
        """The row as plain data."""
        return asdict(self)

    def line(self) -> str:
        """The row as one line of text."""
        review = ", needs review" if self.needs_review else ""
        last = f", last {self.last_contact}" if self.last_contact else ""
        return f"{self.name} ({self.kind}): {self.facts} facts, {self.sources} sources{last}{review}"


def list_entities(store: Store, kind: str | None = None) -> list[EntityRow]:
    """Every live entity (of one kind when `kind` is person, account or project), by name."""
    wanted = None
    if kind:
        wanted = KIND_FILTER.get(kind.strip().lower())
        if wanted is None:
            raise FactbookError(f"{kind!r} is not a kind of entity", hint="use person, account or project")
    rows = []
    for r in store.entity_rows():
        stored = EntityKind(r["kind"])
        if wanted is not None and stored not in wanted:
            continue
        rows.append(EntityRow(r["name"], NOTE_TYPE[stored], r["facts"], r["sources"],
                              r["last_contact"], r["needs_review"], r["note"]))
    return rows


@dataclass
class TaskRow:
    """One open task, with the entities it concerns and where it was found."""

    text: str
    owner: str | None
    due: str | None
    priority: str | None
    entities: list[str]
    source: str

    def line(self) -> str:
        """The task as one line of text."""
        bits = [f"@{self.owner}" if self.owner else "", f"due {self.due}" if self.due else "",
                f"[{', '.join(self.entities)}]" if self.entities else ""]
        return " ".join(b for b in [f"- {self.text}", *bits] if b) + f" ({self.source})"


def list_tasks(store: Store, due_by: date | None = None, owner: str | None = None) -> list[TaskRow]:
    """Open tasks, soonest due first (only those due by `due_by`, or owned by `owner`)."""
    names: dict[int, str] = {}
    titles: dict[int, str] = {}
    rows = []
    for task in store.open_tasks(due_by):
        if owner and (task.owner or "").casefold() != owner.casefold().lstrip("@"):
            continue
        for e in task.entities:
            if e not in names:
                try:
                    names[e] = store.entity(e).name
                except FactbookError:
                    names[e] = "?"
        if task.document_id not in titles:
            titles[task.document_id] = store.document(task.document_id).title
        rows.append(TaskRow(task.text, task.owner, task.due.isoformat() if task.due else None,
                            task.priority, [names[e] for e in task.entities],
                            titles[task.document_id]))
    return rows


@dataclass
class Activity:
    """What the runs of the last days created or changed."""

    since: str
    created: list[str]
    updated: list[str]
    sources: list[str]

    def text(self, cap: int = 30) -> str:
        """The activity as compact text (at most `cap` names per list)."""
        def names(label: str, items: list[str]) -> str:
            more = f" … and {len(items) - cap} more" if len(items) > cap else ""
            return f"{label} ({len(items)}): {', '.join(items[:cap]) or '-'}{more}"
        return "\n".join([f"since {self.since}", names("new entities", self.created),
                          names("updated entities", self.updated), names("new sources", self.sources)])


def recent_activity(store: Store, days: int = 7, today: date | None = None) -> Activity:
    """Entities created or updated and sources added in the last `days` days."""
    today = today or date.today()
    start = today - timedelta(days=max(0, days - 1))
    change: dict[int, str] = {}
    for n in range((today - start).days + 1):
        for entity_id, what in store.entity_changes(start + timedelta(days=n)).items():
            change[entity_id] = "created" if "created" in (what, change.get(entity_id)) else what
    named = {}
    for entity_id in change:
        try:
            named[entity_id] = store.entity(entity_id).name
        except FactbookError:
            continue
    created = sorted(named[e] for e, w in change.items() if w == "created" and e in named)
    updated = sorted(named[e] for e, w in change.items() if w != "created" and e in named)
    sources = [r["title"] for r in store.documents_added_since(start)]
    return Activity(start.isoformat(), created, updated, sources)
