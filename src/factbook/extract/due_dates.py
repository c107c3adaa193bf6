"""Due dates as people say them ("by next Wednesday", "end of the month", "on 20 March"),
resolved against the date of the document that says them.

Conventions (written down because people disagree about them):
- "Wednesday" / "this Wednesday" / "by Wednesday": the next Wednesday after
  the anchor (a week later when the anchor is a Wednesday).
- "next Wednesday": the Wednesday of the following week (Monday-based weeks),
  so said on Tuesday 4 March it is 12 March, not the next day.
- "end of (the) week" / "EOW": the Friday of the anchor's week; "next week":
  the Friday of the following week; "end of (the) month" / "EOM": its last day.
- "tomorrow", "in N days/weeks", "within N days": counted from the anchor.
- A written date without a year ("March 20", "20 March") takes the first such
  date on or after the anchor.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil import parser as dateutil_parser
from dateutil.relativedelta import relativedelta

WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_DAY = r"(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?"
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "a": 1, "an": 1}
_COUNT = r"(\d{1,2}|one|two|three|four|five|six|a|an)"

_LEAD = r"(?:(?:by|before|on|until|till|due|no later than|at the latest by|for)\s+)?(?:the\s+)?"
_PATTERNS: list[tuple[str, str]] = [
    ("iso", r"(\d{4}-\d{2}-\d{2})"),
    ("written", rf"((?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH})"
                rf"(?:,?\s+\d{{4}})?)"),
    ("tomorrow", r"(tomorrow)"),
    ("today", r"(today|tonight|end of (?:the )?day|eod)"),
    ("next_weekday", rf"(next\s+{_DAY})"),
    ("weekday", rf"((?:this\s+(?:coming\s+)?)?{_DAY}(?:\s+(?:morning|afternoon|evening))?)"),
    ("end_of_week", r"(end of (?:the |this )?week|eow|the weekend)"),
    ("next_week", r"((?:end of |early |later |sometime )?next week)"),
    ("end_of_month", r"(end of (?:the |this )?month|eom|month[- ]end)"),
    ("in_days", rf"((?:in|within) {_COUNT} (day|week|month)s?)"),
]
_COMPILED = [(name, re.compile(rf"\b{_LEAD}{pattern}\b", re.I)) for name, pattern in _PATTERNS]


@dataclass
class DueDate:
    """A resolved due date and the words that said it (to cut from a task's text)."""

    due: date
    phrase: str


def find_due(text: str, anchor: date | None) -> DueDate | None:
    """The first due-date phrase in `text` resolved against `anchor`; None when there is
    none, or when it is relative and there is no anchor."""
    found: list[tuple[int, DueDate]] = []
    for name, pattern in _COMPILED:
        for match in pattern.finditer(text):
            due = _resolve(name, match, anchor)
            if due:
                found.append((match.start(), DueDate(due, match.group(0).strip())))
                break
    if not found:
        return None
    return min(found, key=lambda item: item[0])[1]


def _resolve(name: str, match: re.Match[str], anchor: date | None) -> date | None:
    words = match.group(1).lower()
    if name == "iso":
        try:
            return date.fromisoformat(words)
        except ValueError:
            return None
    if name == "written":
        return _written(words, anchor)
    if anchor is None:
        return None
    if name == "tomorrow":
        return anchor + timedelta(days=1)
    if name == "today":
        return anchor
    if name == "next_weekday":
        return next_week_day(anchor, _weekday(words))
    if name == "weekday":
        return coming_weekday(anchor, _weekday(words))
    if name == "end_of_week":
        return anchor + timedelta(days=(4 - anchor.weekday()) % 7)
    if name == "next_week":
        return next_week_day(anchor, 4)
    if name == "end_of_month":
        return anchor.replace(day=calendar.monthrange(anchor.year, anchor.month)[1])
    return _in_count(match, anchor)


def coming_weekday(anchor: date, weekday: int) -> date:
    """The first `weekday` (0 = Monday) strictly after `anchor`."""
    return anchor + timedelta(days=(weekday - anchor.weekday() - 1) % 7 + 1)


def next_week_day(anchor: date, weekday: int) -> date:
    """`weekday` (0 = Monday) of the week after `anchor`'s week."""
    monday = anchor - timedelta(days=anchor.weekday()) + timedelta(days=7)
    return monday + timedelta(days=weekday)


def _weekday(words: str) -> int:
    token = re.search(_DAY, words, re.I).group(0).lower()[:3]  # type: ignore[union-attr]
    return [w[:3] for w in WEEKDAYS].index(token)


def _in_count(match: re.Match[str], anchor: date) -> date:
    # Groups: 1 the whole phrase, 2 the count, 3 the unit.
    count_word, unit = match.group(2).lower(), match.group(3).lower()
    count = int(count_word) if count_word.isdigit() else _NUMBERS[count_word]
    if unit.startswith("month"):
        return anchor + relativedelta(months=count)
    return anchor + timedelta(days=count * (7 if unit.startswith("week") else 1))


def _written(words: str, anchor: date | None) -> date | None:
    cleaned = re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", words).replace(" of ", " ")
    has_year = bool(re.search(r"\d{4}", cleaned))
    if not has_year and anchor is None:
        return None
    default = datetime(anchor.year if anchor else 1900, 1, 1)
    try:
        found = dateutil_parser.parse(cleaned, default=default).date()
    except (ValueError, OverflowError):
        return None
    if not has_year and anchor and found < anchor:
        found = found.replace(year=found.year + 1)
    return found
