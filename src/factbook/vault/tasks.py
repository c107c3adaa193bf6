"""Obsidian Tasks syntax: writing a `Task` as a checklist line and reading one back.

The line factbook writes is the line the Tasks plugin itself writes: the description
(text, owner, tags), then the fields in the plugin's order (priority, 🔁 recurrence,
➕ created, 🛫 start, ⏳ scheduled, 📅 due, ❌ cancelled, ✅ done), then the block id.
Ticking it in Obsidian only changes the box and adds the ✅ date:

    - [ ] Send the runbook @Priya Raman #task #account/harborline-foods ⏫ 📅 2025-03-12 ^t-1a2b3c
    - [x] Book the rehearsal @Tomas Berg #task ✅ 2025-03-03
    - [-] Print the badges #task ❌ 2025-03-04

A stored task (the store's `TaskRecord`) ends with its block id, so that a
line the user ticks or edits in Obsidian is recognised when read back.

Reading accepts what people write by hand as well: `*`/`+` bullets, `[X]`, `[-]`
(cancelled: not done), the fields in any order, and user tags (kept in the text;
only `#task` and factbook's own `#account/…`, `#person/…`, `#project/…` tags are
taken out).
"""
from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING

from factbook.models import Task

if TYPE_CHECKING:
    from factbook.store.base import TaskRecord

PRIORITY_EMOJI = {"highest": "🔺", "high": "⏫", "medium": "🔼", "low": "🔽", "lowest": "⏬"}
_EMOJI_PRIORITY = {emoji: name for name, emoji in PRIORITY_EMOJI.items()}
DUE, DONE, SCHEDULED, START, CREATED, CANCELLED, RECUR = "📅", "✅", "⏳", "🛫", "➕", "❌", "🔁"
# Date fields in the order the Tasks plugin writes them (after priority and recurrence).
DATE_FIELDS = (("created", CREATED), ("start", START), ("scheduled", SCHEDULED), ("due", DUE),
               ("cancelled_on", CANCELLED), ("done_on", DONE))

_LINE = re.compile(r"^(?P<indent>\s*)[-*+]\s+\[(?P<state>[ xX/-])\]\s+(?P<body>.*\S)\s*$")
_DATES = {
    "due": re.compile(r"(?:📅|🗓️?)\s*(\d{4}-\d{2}-\d{2})"),
    "done_on": re.compile(r"✅\s*(\d{4}-\d{2}-\d{2})"),
    "scheduled": re.compile(r"(?:⏳|⌛)\s*(\d{4}-\d{2}-\d{2})"),
    "start": re.compile(r"🛫\s*(\d{4}-\d{2}-\d{2})"),
    "created": re.compile(r"➕\s*(\d{4}-\d{2}-\d{2})"),
    "cancelled_on": re.compile(r"❌\s*(\d{4}-\d{2}-\d{2})"),
}
_FIELD_START = "📅🗓✅⏳⌛🛫➕❌🔁🔺⏫🔼🔽⏬#^"
_RECUR = re.compile(rf"🔁\s*(?P<rule>[^{_FIELD_START}]*[^{_FIELD_START}\s])")
_PRIORITY = re.compile("(?:" + "|".join(map(re.escape, _EMOJI_PRIORITY)) + ")\ufe0f?")
_OWNER = re.compile(r"(?<![\w@])@(?P<name>\[\[[^\]]+\]\]|[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,3}|\w[\w.-]*)")
_OWN_TAGS = re.compile(r"(?<!\S)#(?:task|(?:account|person|project|organization)/[\w/-]+)(?!\S)")
_BLOCK_ID = re.compile(r"\s+\^([\w-]+)\s*$")


def format_task(task: Task | TaskRecord, tags: list[str]) -> str:
    """`task` as one Obsidian Tasks line: text, @owner, tags, the Tasks fields in the
    plugin's order, and the block id when `task` is a stored record.

    `tags` are written after `#task`, with a `#` added when missing
    (e.g. ["account/harborline-foods"]).
    """
    cancelled = bool(getattr(task, "cancelled", False))
    state = "-" if cancelled else "x" if task.done else " "
    parts = [f"- [{state}]", _one_line(task.text)]
    if task.owner:
        parts.append(f"@{_one_line(task.owner)}")
    written = ["#task"] + [t if t.startswith("#") else f"#{t}" for t in tags]
    parts.extend(dict.fromkeys(t for t in written if t != "#"))
    if task.priority in PRIORITY_EMOJI:
        parts.append(PRIORITY_EMOJI[task.priority])
    recurrence = getattr(task, "recurrence", None)
    if recurrence:
        parts.append(f"{RECUR} {_one_line(recurrence)}")
    for name, emoji in DATE_FIELDS:
        value = getattr(task, name, None)
        if value and (name != "done_on" or task.done) and (name != "cancelled_on" or cancelled):
            parts.append(f"{emoji} {value.isoformat()}")
    block_id = getattr(task, "block_id", None)
    if block_id:
        parts.append(f"^{block_id}")
    return " ".join(p for p in parts if p)


def parse_task_line(line: str) -> Task | None:
    """The `Task` of a checklist line, or None when `line` is not one."""
    match = _LINE.match(line)
    if not match:
        return None
    body = _BLOCK_ID.sub("", match.group("body"))
    dates = {name: _iso(pattern.search(body)) for name, pattern in _DATES.items()}
    recur = _RECUR.search(body)
    priority_match = _PRIORITY.search(body)
    for pattern in (*_DATES.values(), _RECUR, _PRIORITY):
        body = pattern.sub(" ", body)
    body = _OWN_TAGS.sub(" ", body)
    owner, body = _owner(body)
    text = re.sub(r"\s+", " ", body).strip()
    if not text:
        return None
    state = match.group("state")
    return Task(
        text=text, owner=owner, due=dates["due"],
        priority=_EMOJI_PRIORITY[priority_match.group(0)[:1]] if priority_match else None,
        done=state in "xX", done_on=dates["done_on"], passage=line.strip(),
        scheduled=dates["scheduled"], start=dates["start"], created=dates["created"],
        recurrence=recur.group("rule").strip() if recur else None,
        cancelled=state == "-", cancelled_on=dates["cancelled_on"],
    )


def task_block_id(line: str) -> str | None:
    """The block id (`^t-…`) at the end of a checklist line, or None."""
    match = _BLOCK_ID.search(line)
    return match.group(1) if match and _LINE.match(line) else None


def _owner(body: str) -> tuple[str | None, str]:
    matches = list(_OWNER.finditer(body))
    if not matches:
        return None, body
    match = matches[-1]
    name = match.group("name").strip("[]").rstrip(".")
    if not body[match.end():].strip():
        # factbook writes the owner last: take it out of the text.
        return name, body[: match.start()]
    # Written mid-sentence by a person ("Call @Dana about it"): keep the words, lose the "@".
    return name, body[: match.start()] + match.group("name").strip("[]") + body[match.end():]


def _iso(match: re.Match[str] | None) -> date | None:
    if not match:
        return None
    try:
        return date.fromisoformat(match.group(1))
    except ValueError:
        return None


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()
