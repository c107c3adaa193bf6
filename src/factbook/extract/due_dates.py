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
_UNITS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth"]
_TEENS = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
          "seventeenth", "eighteenth", "nineteenth"]
# "ninth" -> 9, "twenty-fourth" -> 24, "thirty first" -> 31: days of the month as said.
ORDINAL_WORDS = {w: i + 1 for i, w in enumerate(_UNITS)}
ORDINAL_WORDS.update({w: i + 10 for i, w in enumerate(_TEENS)})
ORDINAL_WORDS.update({"twentieth": 20, "thirtieth": 30})
for _tens, _base in (("twenty", 20), ("thirty", 30)):
    for _i, _w in enumerate(_UNITS[: 9 if _base == 20 else 1]):
        ORDINAL_WORDS[f"{_tens}-{_w}"] = ORDINAL_WORDS[f"{_tens} {_w}"] = _base + _i + 1
_ORDINAL = "(?:" + "|".join(sorted(map(re.escape, ORDINAL_WORDS), key=len, reverse=True)) + \
    r"|\d{1,2}(?:st|nd|rd|th))"
_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "a": 1, "an": 1}
_COUNT = r"(\d{1,2}|one|two|three|four|five|six|a|an)"

_LEAD = r"(?:(?:by|before|on|until|till|due|no later than|at the latest by|for)\s+)?(?:the\s+)?(?:week of\s+(?:the\s+)?)?"
_PATTERNS: list[tuple[str, str]] = [
    ("iso", r"(\d{4}-\d{2}-\d{2})"),
    ("written_ordinal", rf"((?:{_DAY},?\s+)?(?:{_MONTH}\s+(?:the\s+)?{_ORDINAL}|{_ORDINAL}\s+of\s+{_MONTH}))"),
    ("ordinal_day", rf"((?:{_DAY},?\s+)?the\s+{_ORDINAL})"),
    ("after_call", r"((?:right |straight |just )?after (?:this|the|our) (?:call|meeting))"),
    ("written", rf"((?:{_DAY},?\s+)?(?:{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH})"
                rf"(?:,?\s+\d{{4}})?)"),
    ("tomorrow", r"(tomorrow)"),
    ("today", r"(today|tonight|end of (?:the )?day|eod)"),
    ("next_weekday", rf"(next\s+{_DAY})"),
    ("weekday", rf"((?:this\s+(?:coming\s+)?)?{_DAY}(?:\s+(?:morning|afternoon|evening))?)"),
    ("end_of_week", r"(end of (?:the |this )?week|eow|the weekend|this week|later this week)"),
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
    if name == "written_ordinal":
        return _written(_ordinal_digits(words), anchor)
    if anchor is None:
        return None
    if name == "ordinal_day":
        return _day_of_month(int(_ordinal_digits(words.split("the")[-1]).strip()), anchor)
    if name == "after_call":
        return anchor
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


def _ordinal_digits(words: str) -> str:
    """"november ninth" -> "november 9", "the 24th" -> "the 24"."""
    for word in sorted(ORDINAL_WORDS, key=len, reverse=True):
        if re.search(rf"\b{re.escape(word)}\b", words):
            return re.sub(rf"\b{re.escape(word)}\b", str(ORDINAL_WORDS[word]), words)
    return re.sub(r"(\d)(st|nd|rd|th)\b", r"\1", words)


def _day_of_month(day: int, anchor: date) -> date | None:
    """The first date on or after `anchor` that falls on the `day`th of a month."""
    year, month = anchor.year, anchor.month
    for _ in range(3):
        if day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= anchor:
            return date(year, month, day)
        month, year = (1, year + 1) if month == 12 else (month + 1, year)
    return None


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
    words = re.sub(rf"^{_DAY},?\s+", "", words, flags=re.I)  # "Thursday, October 1": the date says it
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
