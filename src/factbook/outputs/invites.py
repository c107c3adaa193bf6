"""Calendar invites (`.ics`, RFC 5545) for meetings a document schedules, for `Outbox/`.

A sentence schedules a meeting when it names one ("call", "review", "workshop", …),
says it is being arranged ("let's meet", "is booked for", "will hold", …), and gives
a day and a clock time that are not before the document's own date: "Let's hold the
pilot review call on Tuesday at 10:00 for 45 minutes". Days are resolved like due
dates (`extract.due_dates`); a day more than 300 days after the document is taken for
a past one (a day without a year rolls forward). Times are floating (the reader's local time) unless the
sentence says UTC/GMT. A meeting lasts 60 minutes unless the sentence says otherwise.

The file is built with `icalendar` and parsed back before it is written; it is
meant to be opened by the user's calendar, never sent.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone

from icalendar import Calendar, Event, vCalAddress, vText

from factbook.errors import FactbookError
from factbook.extract.commitments import utterances
from factbook.extract.due_dates import find_due
from factbook.persona import person_key
from factbook.store.base import DocumentRecord

DEFAULT_MINUTES = 60
FAR_AHEAD_DAYS = 300
PRODID = "-//factbook//meeting invites//EN"

_MEETING = re.compile(
    r"\b(meeting|call|sync|catch[- ]up|check[- ]in|review|qbr|demo|workshop|session|kick[- ]?off|"
    r"interview|walk[- ]?through|briefing|presentation|stand[- ]?up|offsite|rehearsal|dry run|"
    r"webinar|one-on-one|1:1|lunch|dinner)\b", re.I)
_ARRANGED = re.compile(
    r"\blet(?:'|’)?s (?:meet|talk|chat|do|have|hold|schedule|book|set up|plan)\b|\bmeet\b|\bscheduled?\b"
    r"|\bbook(?:ed)?\b|\bset (?:up|for)\b|\binvite\b|\bcalendar\b|\bplanned\b|\bconfirm(?:ed)?\b"
    r"|\b(?:will|'ll|’ll|shall|going to) (?:have|hold|run|do|meet|host|join|see)\b"
    r"|\bis (?:on|at|set|planned|confirmed|booked)\b|\bsee you\b|\bjoin\b|\bmoved? to\b", re.I)
_HAPPENED = re.compile(r"\b(?:met|took place|happened|went well|was held|were held)\b", re.I)
_TIME = re.compile(
    r"\b(?P<h>1[0-2]|0?[1-9])(?:[:.](?P<m>[0-5]\d))?\s*(?P<ampm>[ap])\.?m\b\.?"
    r"|\b(?P<h24>[01]?\d|2[0-3])[:.](?P<m24>[0-5]\d)\b(?!\s*[%/])", re.I)
_DURATION = re.compile(r"\b(?P<n>\d{1,3}|an?|one|two|three|half an?)[- ]?"
                       r"(?P<unit>minutes?|mins?|hours?|hrs?)\b", re.I)
_UTC = re.compile(r"\b(?:UTC|GMT)\b")
# "the pilot results call": up to three words before the meeting word name it.
_TITLE = re.compile(r"\b(?:the|a|an|our|your|this|next|that)\s+((?:[\w’'-]+\s+){0,3})"
                    + _MEETING.pattern[2:], re.I)
_HEADING = re.compile(r"^\s*#{1,6}\s")
_ITEM = re.compile(r"^\s*(?:[-*+•]|\d{1,2}[.)])\s+(?:\[[ xX/-]\]\s+)?")
_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3}


@dataclass
class Meeting:
    """A meeting a document schedules."""

    summary: str
    start: datetime
    end: datetime
    passage: str
    attendees: list[tuple[str, str]] = field(default_factory=list)  # (name, address)


def find_meetings(doc: DocumentRecord, addresses: dict[str, str] | None = None) -> list[Meeting]:
    """The meetings `doc` schedules, one per start time, in order of appearance."""
    found: dict[datetime, Meeting] = {}
    for said in utterances(_prose(doc.text)):
        meeting = _meeting(said.text, doc)
        if meeting and meeting.start not in found:
            meeting.attendees = _attendees(doc, addresses or {})
            found[meeting.start] = meeting
    return list(found.values())


def _prose(text: str) -> str:
    """Markdown as sentences: headings dropped, each list item a paragraph of its own."""
    lines = []
    for line in text.splitlines():
        if _HEADING.match(line):
            lines.append("")
        elif _ITEM.match(line):
            lines += ["", _ITEM.sub("", line), ""]
        else:
            lines.append(line)
    return "\n".join(lines)


def _meeting(sentence: str, doc: DocumentRecord) -> Meeting | None:
    if sentence.endswith("?") or not _MEETING.search(sentence) or not _ARRANGED.search(sentence) \
            or _HAPPENED.search(sentence):
        return None
    clock = _TIME.search(sentence)
    day = find_due(sentence, doc.date)
    if clock is None or day is None:
        return None
    # A day without a year rolls forward to next year; a meeting that far out is rather
    # a past one ("the call on 3 March" said on 11 March).
    if doc.date and not doc.date <= day.due <= doc.date + timedelta(days=FAR_AHEAD_DAYS):
        return None
    start = datetime.combine(day.due, _clock(clock))
    if _UTC.search(sentence):
        start = start.replace(tzinfo=timezone.utc)
    return Meeting(summary=_summary(sentence, doc), start=start,
                   end=start + timedelta(minutes=_minutes(sentence)), passage=sentence)


def _clock(match: re.Match[str]) -> time:
    if match.group("h24") is not None:
        return time(int(match.group("h24")), int(match.group("m24")))
    hour = int(match.group("h")) % 12 + (12 if match.group("ampm").lower() == "p" else 0)
    return time(hour, int(match.group("m") or 0))


def _minutes(sentence: str) -> int:
    match = _DURATION.search(sentence)
    if not match:
        return DEFAULT_MINUTES
    n, unit = match.group("n").lower(), match.group("unit").lower()
    if n.startswith("half"):
        count = 0.5
    elif n in _WORDS:
        count = _WORDS[n]
    else:
        count = int(n)
    minutes = count * 60 if unit.startswith("h") else count
    return int(minutes) or DEFAULT_MINUTES


def _summary(sentence: str, doc: DocumentRecord) -> str:
    match = _TITLE.search(sentence) or _MEETING.search(sentence)
    phrase = match.group(0) if match else "Meeting"
    if match is not None and match.re is _TITLE:
        phrase = phrase.split(" ", 1)[1]  # without the article
    phrase = re.sub(r"\s+", " ", phrase).strip()
    phrase = phrase[:1].upper() + phrase[1:]
    return phrase if phrase.casefold() in doc.title.casefold() else f"{phrase}: {doc.title}"


def _attendees(doc: DocumentRecord, addresses: dict[str, str]) -> list[tuple[str, str]]:
    people = []
    for name in doc.participants:
        address = addresses.get(person_key(name)) or (name if "@" in name else "")
        people.append((name, address))
    return people


def invite_ics(meeting: Meeting, doc: DocumentRecord, stamp: datetime,
               organizer: tuple[str, str] | None = None, source_link: str = "") -> str:
    """The meeting as an RFC 5545 calendar (text with CRLF line ends), parsed back to
    check it. The UID depends only on the document and the start, so a re-run of the
    same document makes the same event."""
    uid = hashlib.sha1(f"{doc.sha256}\x1f{meeting.start.isoformat()}".encode()).hexdigest()[:20]
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", f"{uid}@factbook")
    event.add("dtstamp", stamp.astimezone(timezone.utc))
    event.add("dtstart", meeting.start)
    event.add("dtend", meeting.end)
    event.add("summary", meeting.summary)
    lines = [meeting.passage, "", f"From: {doc.title}" + (f" ({doc.date.isoformat()})" if doc.date else "")]
    if source_link:
        lines.append(f"Source note: {source_link}")
    lines += [f"Participant: {name}" for name, address in meeting.attendees if not address]
    event.add("description", "\n".join(lines))
    if organizer and organizer[1]:
        event.add("organizer", _address(*organizer), encode=0)
    for name, address in meeting.attendees:
        if address and (not organizer or address != organizer[1]):
            event.add("attendee", _address(name, address), encode=0)
    cal.add_component(event)
    data = cal.to_ical().decode("utf-8")
    validate_ics(data, meeting)
    return data


def _address(name: str, address: str) -> vCalAddress:
    value = vCalAddress(f"mailto:{address}")
    value.params["cn"] = vText(name)
    return value


def validate_ics(data: str, meeting: Meeting) -> None:
    """Parse `data` back and check it holds exactly the meeting; raise FactbookError if not."""
    try:
        parsed = Calendar.from_ical(data)
    except ValueError as exc:
        raise FactbookError(f"the invite for {meeting.summary!r} is not valid iCalendar ({exc})") from exc
    events = parsed.walk("VEVENT")
    if len(events) != 1 or events[0].decoded("dtstart") != meeting.start or \
            str(events[0].get("summary")) != meeting.summary:
        raise FactbookError(f"the invite for {meeting.summary!r} does not read back as written")


def invite_name(meeting: Meeting) -> str:
    """The file stem of an invite: its start and summary."""
    return f"{meeting.start:%Y-%m-%d %H%M} - {meeting.summary}"

