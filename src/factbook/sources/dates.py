"""Finding the date a document was written, from its text or metadata."""
from __future__ import annotations

import re
from datetime import date, datetime

from dateutil import parser as dateutil_parser

_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
           r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
_WRITTEN = re.compile(rf"\b(?:{_MONTHS}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTHS}\s+\d{{4}})\b")
_HEADER = re.compile(r"^[*_]*(?:date|sent|published|posted|when|recorded)[*_]*\s*:[*_]*\s*(.+)$",
                     re.I | re.M)
# "22.09.2026": day first, as Europe writes it.
_DOTTED = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# "Wed 23 Sep", "Wednesday, September 23" with no year: the weekday tells which year.
_WEEKDAY_DATE = re.compile(
    rf"\b(?P<day_name>(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*)\.?,?\s+"
    rf"(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTHS})|(?P<m2>{_MONTHS})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?)"
    rf"(?!,?\s*\d)")
# How far back a year-less weekday date may lie.
_WEEKDAY_YEARS = 6

# Only the top of a document says when it was written; later dates are what it talks about.
_HEAD_LINES = 6


def find_document_date(text: str) -> date | None:
    """The date a document was written: a `Date:` header, or a date standing in its first lines."""
    if not text:
        return None
    header = _HEADER.search(text[:4000])
    if header:
        found = parse_date(header.group(1)) or _date_in(header.group(1))
        if found:
            return found
    head = "\n".join(text.splitlines()[:_HEAD_LINES])
    return _date_in(head) or date_from_weekday(head)


def date_from_weekday(text: str, today: date | None = None) -> date | None:
    """The date of a year-less "Wed 23 Sep": the most recent year (this one, then up to six
    back, then next year) in which that day falls on that weekday; None when none fits."""
    match = _WEEKDAY_DATE.search(text)
    if not match:
        return None
    day = match.group("d1") or match.group("d2")
    month = parse_date(f"{match.group('m1') or match.group('m2')} 1 2000")
    if month is None:
        return None
    wanted = _DAYS.index(match.group("day_name")[:3].lower())
    anchor = today or date.today()
    for year in [*range(anchor.year, anchor.year - _WEEKDAY_YEARS - 1, -1), anchor.year + 1]:
        try:
            found = date(year, month.month, int(day))
        except ValueError:
            continue
        if found.weekday() == wanted:
            return found
    return None


def _date_in(text: str) -> date | None:
    """The first ISO, written-out or day-first dotted date standing in `text`."""
    for pattern in (_ISO, _WRITTEN):
        match = pattern.search(text)
        if match:
            found = parse_date(match.group(0))
            if found:
                return found
    dotted = _DOTTED.search(text)
    if dotted:
        day, month, year = map(int, dotted.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return None


def parse_date(value: object) -> date | None:
    """A date from a date, datetime or string in any common format; None when it is not one."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return dateutil_parser.parse(text, fuzzy=False, default=datetime(1900, 1, 1)).date()
    except (ValueError, OverflowError):
        match = _ISO.search(text)
        if match:
            try:
                return date(*map(int, match.groups()))
            except ValueError:
                return None
        return None


_NAME_DATE = re.compile(r"(?<!\d)(\d{4})[-_.]?(\d{2})[-_.]?(\d{2})(?!\d)")


def date_from_name(name: str) -> date | None:
    """The date in a file name such as "2025-03-04 Weekly sync.vtt" or "call_20250304.srt"."""
    match = _NAME_DATE.search(name)
    if not match:
        return None
    try:
        found = date(*map(int, match.groups()))
    except ValueError:
        return None
    return found if 1970 <= found.year <= 2100 else None
