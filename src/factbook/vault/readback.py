"""Reading a person's changes back from a note: what they deleted, edited, checked off
or added, compared with what factbook wrote there last (`base`).

`read_back` is pure (texts in, a `ReadBack` out); `apply_read_back` records it in the
store: deleted factbook lines become tombstones, edited fact lines keep the person's
words, task lines keep their state and wording, added aliases become aliases, and a
removed `needs-review` tag settles the review items it was raised for.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import date

from factbook.models import Task
from factbook.store.base import Store
from factbook.store.living import ACTIVE, DELETED, MOVED, SUPERSEDED
from factbook.vault.notes import ParsedNote, parse_note, strip_lines
from factbook.vault.render import CONFLICT_MARK, REVIEW_TAG
from factbook.vault.tasks import parse_task_line as parse_task_line_of
from factbook.vault.tasks import task_block_id
from factbook.vault.ownership import (
    FRONT, LIST_KEYS, PREAMBLE, SECTIONS, block_id_of, list_scope, section_scope,
)

log = logging.getLogger(__name__)

# Sections whose list lines are facts (a fact's line may move between them only by factbook).
FACT_SECTIONS = ("key facts", "history")

_CITES = re.compile(r"\s*\(((?:\[\[[^\]]+\]\])(?:,\s*\[\[[^\]]+\]\])*)\)\s*$")
_LINK = re.compile(r"\[\[[^\]]+\]\]")
_DATED = re.compile(r"^\d{4}-\d{2}-\d{2}:\s+")


@dataclass
class FactLine:
    """A fact's line split into the person-editable text and factbook's citations."""

    text: str
    links: list[str]


@dataclass
class TaskLine:
    """A task line as the person left it (Obsidian Tasks syntax)."""

    line: str  # without the block id
    done: bool
    done_on: date | None
    due: date | None
    task: Task | None = None  # every Tasks field of the line (scheduled, start, cancelled, …)


@dataclass
class ReadBack:
    """What a person changed in one note since factbook last wrote it."""

    deleted_blocks: list[str] = field(default_factory=list)
    moved_blocks: list[str] = field(default_factory=list)
    edited_facts: dict[str, FactLine] = field(default_factory=dict)
    tasks: dict[str, TaskLine] = field(default_factory=dict)
    tombstones: list[tuple[str, str]] = field(default_factory=list)
    aliases_added: list[str] = field(default_factory=list)
    review_tag_removed: bool = False


def parse_fact_line(line: str) -> FactLine:
    """`- ⚠ …text… ([[a]], [[b]]) ^f-…` → the text (mark and a History date aside) and links."""
    body = re.sub(r"\s*\^[ft]-[0-9a-f]+\s*$", "", line.strip())
    body = re.sub(r"^[-*+]\s+", "", body)
    links: list[str] = []
    cites = _CITES.search(body)
    if cites:
        links = _LINK.findall(cites.group(1))
        body = body[:cites.start()]
    body = _DATED.sub("", body.strip())
    if body.startswith(CONFLICT_MARK):
        body = body[len(CONFLICT_MARK):]
    return FactLine(body.strip(), links)


def parse_task_line(line: str) -> TaskLine | None:
    """A `- [x] … ✅ 2026-01-10 ^t-…` line as state, dates and wording; None if not a task
    factbook wrote (no `^t-` block id). The line itself is read by `vault.tasks`."""
    bid = task_block_id(line)
    task = parse_task_line_of(line) if bid and bid.startswith("t-") else None
    if task is None:
        return None
    text = line.rstrip()[:-len(bid)].rstrip().removesuffix("^").rstrip()
    return TaskLine(line=text, done=task.done, done_on=task.done_on, due=task.due, task=task)


def _block_lines(note: ParsedNote) -> dict[str, tuple[str, str]]:
    """block id → (section scope, line) for every factbook block line in a note."""
    out: dict[str, tuple[str, str]] = {}
    for line in note.preamble:
        bid = block_id_of(line)
        if bid:
            out.setdefault(bid, (PREAMBLE, line))
    for section in note.sections:
        for line in section.lines:
            bid = block_id_of(line)
            if bid:
                out.setdefault(bid, (section_scope(section.heading), line))
    return out


def read_back(base: str | None, disk: str) -> ReadBack:
    """Compare the note on disk with factbook's last rendering of it (`base`)."""
    d = parse_note(disk)
    on_disk = _block_lines(d)
    rb = ReadBack()
    for bid, (_scope, line) in on_disk.items():
        task = parse_task_line(line) if bid.startswith("t-") else None
        if task:
            rb.tasks[bid] = task
    if base is None:
        return rb
    b = parse_note(base)
    for bid, (scope, line) in _block_lines(b).items():
        if bid not in on_disk:
            rb.deleted_blocks.append(bid)
            continue
        disk_scope, disk_line = on_disk[bid]
        if bid.startswith("t-"):
            if disk_line == line:
                rb.tasks.pop(bid, None)  # unchanged: nothing to read back
            continue
        if disk_scope != scope and disk_scope not in FACT_SECTIONS:
            rb.moved_blocks.append(bid)
            continue
        was, now = parse_fact_line(line), parse_fact_line(disk_line)
        if was.text != now.text or set(now.links) - set(was.links):
            rb.edited_facts[bid] = FactLine(now.text, [k for k in now.links if k not in was.links])
    rb.tombstones = _deleted_lines(b, d)
    _front_changes(b, d, rb)
    return rb


def _deleted_lines(base: ParsedNote, disk: ParsedNote) -> list[tuple[str, str]]:
    """(scope, line) of every factbook line without a block id that is gone from its place."""
    out: list[tuple[str, str]] = []
    disk_sections: dict[str, set[str]] = {}
    for section in disk.sections:
        disk_sections.setdefault(section_scope(section.heading), set()).update(section.lines)
    for section in base.sections:
        scope = section_scope(section.heading)
        if scope not in disk_sections:
            out.append((SECTIONS, scope))
            continue
        for line in strip_lines(section.lines):
            if line.strip() and not block_id_of(line) and line not in disk_sections[scope]:
                out.append((scope, line))
    kept = set(disk.preamble)
    out += [(PREAMBLE, ln) for ln in base.preamble if ln.strip() and ln not in kept]
    for key in base.meta_blocks:
        if key not in disk.meta_blocks:
            out.append((FRONT, key))
        elif key in LIST_KEYS and disk.list_readable(key):
            now = set(disk.front_list(key))
            out += [(list_scope(key), i) for i in base.front_list(key)
                    if i not in now and i != REVIEW_TAG]
    return out


def _front_changes(base: ParsedNote, disk: ParsedNote, rb: ReadBack) -> None:
    if not disk.list_readable("tags") or not disk.list_readable("aliases"):
        return  # a list the person mistyped says nothing yet (it is kept as written)
    before = set(base.front_list("aliases"))
    rb.aliases_added = [a for a in disk.front_list("aliases") if a not in before]
    had = REVIEW_TAG in base.front_list("tags")
    has = REVIEW_TAG in disk.front_list("tags")
    rb.review_tag_removed = had and not has and "tags" in disk.meta_blocks


def apply_read_back(store: Store, path: str, rb: ReadBack, up_to_review: int) -> int:
    """Record a note's read-back in the store; returns how many changes it held."""
    changes = 0
    for bid in rb.deleted_blocks:
        changes += _tombstone_block(store, bid, DELETED)
    for bid in rb.moved_blocks:
        changes += _tombstone_block(store, bid, MOVED)
    for bid, line in rb.edited_facts.items():
        fact = store.fact_by_block(bid)
        if fact is not None:
            links = sorted(set(fact.user_links) | set(line.links))
            text = None if line.text == fact.text else line.text
            if text != fact.user_text or links != fact.user_links:
                store.set_fact_user_text(fact.id, text, links)
                changes += 1
    for bid, task in rb.tasks.items():
        changes += _read_task(store, bid, task)
    for scope, line in rb.tombstones:
        store.add_tombstone(path, scope, line)
    changes += len(rb.tombstones)
    entity = store.entity_by_note(path) if (rb.aliases_added or rb.review_tag_removed) else None
    if entity is not None:
        for alias in rb.aliases_added:
            store.add_alias(entity.id, alias)
        if rb.review_tag_removed:
            changes += store.acknowledge_reviews(entity.id, up_to_review)
    return changes


def _tombstone_block(store: Store, bid: str, status: str) -> int:
    if bid.startswith("t-"):
        task = store.task_by_block(bid)
        if task is not None and not task.deleted:
            store.delete_task(task.id)
            return 1
        return 0
    fact = store.fact_by_block(bid)
    if fact is not None and fact.status in (ACTIVE, SUPERSEDED):
        store.set_fact_status(fact.id, status)
        log.info("fact %s %s by the person", bid, status)
        return 1
    return 0


def _read_task(store: Store, bid: str, task: TaskLine) -> int:
    record = store.task_by_block(bid)
    if record is None or record.deleted:
        return 0
    if record.user_line == task.line and record.done == task.done:
        return 0
    store.update_task(record.id, done=task.done, done_on=task.done_on or record.done_on,
                      due=task.due or record.due, user_line=task.line)
    if task.task is not None:
        store.set_task_fields(record.id, task.task)
    return 1
