"""Structured meeting notes: the Markdown that transcription and note tools write.

Recognised by their sections (Summary, Key facts, Decisions, Action items,
Attendees, …) or checkbox tasks. The text keeps its Markdown structure so
that `extract.structured` can use the sections verbatim; this module only
finds the meeting's title, date and (real) attendees.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from factbook.models import Document, DocumentKind
from factbook.sources.base import content_hash
from factbook.sources.dates import date_from_name, find_document_date, parse_date
from factbook.sources.speakers import real_speakers

# Section names, lower-case, as tools write them.
SECTION_NAMES = {
    "summary": "summary", "overview": "summary", "tl;dr": "summary", "meeting summary": "summary",
    "key facts": "facts", "key points": "facts", "facts": "facts", "highlights": "facts",
    "key takeaways": "facts", "takeaways": "facts", "notes": "facts",
    "decisions": "decisions", "key decisions": "decisions", "decisions made": "decisions",
    "action items": "actions", "action points": "actions", "actions": "actions",
    "next steps": "actions", "tasks": "actions", "follow-ups": "actions", "follow ups": "actions",
    "todo": "actions", "to do": "actions", "to-do": "actions",
    "attendees": "attendees", "participants": "attendees", "present": "attendees",
}
# "## Action items", "**Decisions:**", "Decisions:" on a line of its own.
_SECTION = re.compile(r"^\s*(?:#{1,6}\s*)?(?:\*\*|__)?\s*([A-Za-z][A-Za-z ;/-]{1,30}?)\s*:?\s*(?:\*\*|__)?\s*:?\s*$")
_CHECKBOX = re.compile(r"^\s*[-*+]\s+\[[ xX/-]\]\s+\S", re.M)
_ATTENDEE_LINE = re.compile(r"^\s*(?:\*\*|__)?(?:attendees|participants|present)(?:\*\*|__)?\s*:"
                            r"(?:\*\*|__)?\s*(.+)$", re.I | re.M)
_HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.M)


def section_kind(line: str) -> str | None:
    """The section a heading line opens ("summary", "facts", "decisions", "actions",
    "attendees"), or None when the line is not a known section heading."""
    match = _SECTION.match(line)
    if match:
        return SECTION_NAMES.get(match.group(1).strip().lower())
    return _decisions_or_actions_heading(line)


def _decisions_or_actions_heading(line: str) -> str | None:
    """A Markdown heading that starts with a decisions or next-steps name and says more:
    "## Decisions (what we agreed)", "## Next steps (this week)", "### Action items for Friday"."""
    heading = re.match(r"^\s*#{1,6}\s+(.+?)\s*#*\s*$", line)
    if not heading:
        return None
    words = re.sub(r"\(.*?\)", " ", heading.group(1)).strip(" :*_").lower().split()
    for size in (3, 2, 1):
        kind = SECTION_NAMES.get(" ".join(words[:size])) if len(words) >= size else None
        if kind in ("decisions", "actions"):
            return kind
    return None


# A first line (or file name) that says the note is about a meeting: "Call w/ …", "1:1 — …".
_MEETING_TITLE = re.compile(r"\b(?:call|meeting|sync|stand-?up|1[:-]1|one-on-one|kick-?off|review|"
                            r"check-?in|workshop|interview|demo|debrief|retro|catch-?up|minutes)\b",
                            re.I)


def looks_like_meeting_notes(body: str, name: str = "") -> bool:
    """True for Markdown with at least two known meeting sections, or one plus checkbox
    tasks, or one in a note whose first line or file `name` says it is about a meeting."""
    kinds = {section_kind(line) for line in body.splitlines()} - {None}
    structural = kinds & {"decisions", "actions", "facts", "summary"}
    if len(kinds) >= 2 and bool(structural) or (bool(structural) and bool(_CHECKBOX.search(body))):
        return True
    first = next((line for line in body.splitlines() if line.strip()), "")
    return bool(structural) and bool(_MEETING_TITLE.search(first) or _MEETING_TITLE.search(name))


def meeting_notes_document(path: Path, data: bytes, body: str, meta: dict[str, Any]) -> Document:
    """The MEETING_NOTES document of a structured note (front matter already split off)."""
    heading = _HEADING.search(body)
    title = str(meta.get("title") or "") or (heading.group(1).strip() if heading else "") \
        or path.stem
    when = parse_date(meta.get("date") or meta.get("created") or "") \
        or find_document_date(body) or date_from_name(path.name)
    return Document(
        path=str(path), sha256=content_hash(data), kind=DocumentKind.MEETING_NOTES,
        title=title, text=body, date=when, participants=_attendees(body, meta),
        front_matter=dict(meta), size=len(data),
    )


def _attendees(body: str, meta: dict[str, Any]) -> tuple[str, ...]:
    names: list[str] = []
    listed = meta.get("attendees") or meta.get("participants") or []
    if isinstance(listed, str):
        listed = listed.split(",")
    names.extend(str(n) for n in listed)
    line = _ATTENDEE_LINE.search(body)
    if line:
        names.extend(re.split(r",|;|\band\b", line.group(1)))
    names.extend(_section_list(body, "attendees"))
    return real_speakers([re.sub(r"\s*\(.*?\)\s*", " ", n).strip() for n in names])


def _section_list(body: str, wanted: str) -> list[str]:
    items: list[str] = []
    inside = False
    for line in body.splitlines():
        kind = section_kind(line)
        if kind or line.startswith("#"):
            inside = kind == wanted
            continue
        bullet = re.match(r"^\s*[-*+]\s+(.+)$", line)
        if inside and bullet:
            items.append(bullet.group(1).strip())
    return items
