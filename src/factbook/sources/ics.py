"""Calendar invites (`.ics`): one `INVITE` document per meeting, parsed with icalendar.

SUMMARY is the title, DESCRIPTION (with LOCATION) the text, DTSTART the date,
and the organizer and attendees (their CN, else the address) the participants;
`meta["addresses"]` holds them as "Name <a@b>" so colleagues can be told from
others, like an e-mail's From/To. A calendar with several events is one document
per event ("invite.ics#2").
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from icalendar import Calendar

from factbook.errors import InputError
from factbook.models import Document, DocumentKind
from factbook.sources.base import clean_text, content_hash, looks_binary
from factbook.sources.dates import date_from_name, parse_date
from factbook.sources.speakers import is_speaker_label


def read_ics(path: Path, data: bytes) -> list[Document]:
    """Read every event of an iCalendar file."""
    if looks_binary(data):
        raise InputError(str(path), "is binary, not an iCalendar file")
    try:
        calendar = Calendar.from_ical(data)
        events = list(calendar.walk("VEVENT"))
    except Exception as exc:  # icalendar raises ValueError and its own errors on bad input
        raise InputError(str(path), f"is a malformed iCalendar file ({exc.__class__.__name__})") from exc
    if not events:
        raise InputError(str(path), "is a calendar with no event (no VEVENT)")
    many = len(events) > 1
    return [_event_document(path, data, event, f"{path}#{n}" if many else str(path))
            for n, event in enumerate(events, start=1)]


def _event_document(path: Path, data: bytes, event: Any, doc_path: str) -> Document:
    title = clean_text(str(event.get("summary") or "")) or path.stem
    description = clean_text(str(event.get("description") or ""))
    location = clean_text(str(event.get("location") or ""))
    text = "\n\n".join(x for x in (title, f"Location: {location}" if location else "", description) if x)
    organizer = _people(event.get("organizer"))
    attendees = _people(event.get("attendee"))
    people = organizer + [p for p in attendees if p not in organizer]
    names = tuple(dict.fromkeys(name or address for name, address in people
                                if (name or address) and not is_speaker_label(name or address)))
    raw = event.to_ical()
    return Document(
        path=doc_path, sha256=content_hash(data) if doc_path == str(path) else content_hash(raw),
        kind=DocumentKind.INVITE, title=title, text=text, date=_start(event) or date_from_name(path.name),
        authors=tuple(name or address for name, address in organizer), participants=names,
        size=len(data) if doc_path == str(path) else len(raw),
        meta={"addresses": ", ".join(f"{n} <{a}>" if n and a else n or a for n, a in people),
              "file": str(path), "uid": str(event.get("uid") or ""), "location": location,
              "signature": ""},
    )


def _people(value: Any) -> list[tuple[str, str]]:
    """(display name, address) of an ORGANIZER or ATTENDEE property (one or a list)."""
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    people = []
    for item in values:
        address = str(item)
        address = address[7:] if address.lower().startswith("mailto:") else address
        params = getattr(item, "params", {}) or {}
        name = clean_text(str(params.get("CN", ""))).strip("\"' ")
        if name or address:
            people.append((name, address.strip()))
    return people


def _start(event: Any):
    try:
        return parse_date(event.decoded("dtstart"))
    except (KeyError, ValueError):
        return None
