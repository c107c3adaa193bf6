"""The Obsidian Tasks fields a task carries beyond due date, priority and done (scheduled,
start, created, recurrence, cancelled), stored with the task, and the open-task look-up
behind `factbook tasks`.

The fields live in the `tasks.fields` JSON column (migration 015); `task_fields` and
`fields_json` convert between it and the names the `Task` / `TaskRecord` dataclasses use.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import date
from typing import Any

from factbook.models import Task
from factbook.store.base import DecisionRecord

# Field name -> kind ("date" is stored ISO, "text" and "flag" as they are).
FIELD_KINDS = {"scheduled": "date", "start": "date", "created": "date", "recurrence": "text",
               "cancelled": "flag", "cancelled_on": "date"}


def fields_json(task: Any) -> str:
    """The extra Tasks fields of a `Task` or `TaskRecord` as the JSON the store keeps."""
    out: dict[str, Any] = {}
    for name, kind in FIELD_KINDS.items():
        value = getattr(task, name, None)
        if value:
            out[name] = value.isoformat() if kind == "date" else value
    return json.dumps(out, sort_keys=True)


def task_fields(raw: str | None) -> dict[str, Any]:
    """The keyword arguments (for `TaskRecord`) of a stored `fields` JSON text."""
    try:
        data = json.loads(raw or "{}")
    except ValueError:
        data = {}
    out: dict[str, Any] = {}
    for name, kind in FIELD_KINDS.items():
        value = data.get(name) if isinstance(data, dict) else None
        if kind == "date":
            try:
                out[name] = date.fromisoformat(value) if value else None
            except (TypeError, ValueError):
                out[name] = None
        elif kind == "flag":
            out[name] = bool(value)
        else:
            out[name] = str(value) if value else None
    return out


def row_fields(row: sqlite3.Row) -> dict[str, Any]:
    """`task_fields` of a `tasks` row (an empty set before migration 015)."""
    return task_fields(row["fields"] if "fields" in row.keys() else None)


class TaskFieldsMixin:
    """Reading and writing a task's extra Tasks fields."""

    db: sqlite3.Connection

    def decisions_for_document(self, document_id: int) -> list[DecisionRecord]:
        """The decisions a document states, in order."""
        rows = self.db.execute("SELECT * FROM decisions WHERE document_id = ? ORDER BY id",
                               (document_id,))
        return [DecisionRecord(id=r["id"], document_id=r["document_id"], text=r["text"],
                               date=date.fromisoformat(r["date"]) if r["date"] else None,
                               entities=json.loads(r["entities"])) for r in rows]

    def set_task_fields(self, task_id: int, task: Task | Any) -> None:
        """Store the scheduled/start/created/recurrence/cancelled fields of `task`."""
        self.db.execute("UPDATE tasks SET fields = ? WHERE id = ?", (fields_json(task), task_id))
