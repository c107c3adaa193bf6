"""A small reader for the Reuters-21578 SGML files, for the benchmarks only.

Each `<REUTERS>` element carries a `<DATE>` ("26-FEB-1987 15:01:01.79"), and
inside `<TEXT>` a `<TITLE>` and a `<BODY>` (some stories have neither). The
files are not well-formed XML, so elements are cut out with patterns.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

_STORY = re.compile(r"<REUTERS\b[^>]*\bNEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)
_FIELD = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.S) for name in ("DATE", "TITLE", "BODY")}
# Control characters the wire service left in the text (&#3; ends every body).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass(frozen=True)
class Story:
    """One Reuters story: its id, date, headline and body text."""

    newid: int
    day: date | None
    title: str
    body: str

    def as_text(self) -> str:
        """The story as a plain-text document: headline, ISO date, blank line, body."""
        when = self.day.isoformat() if self.day else ""
        return f"{self.title}\n{when}\n\n{self.body}\n"


def _field(name: str, chunk: str) -> str:
    match = _FIELD[name].search(chunk)
    if not match:
        return ""
    return _CONTROL.sub("", html.unescape(match.group(1))).strip()


def _day(raw: str) -> date | None:
    try:
        return datetime.strptime(raw.split()[0], "%d-%b-%Y").date()
    except (ValueError, IndexError):
        return None


def read_stories(folder: Path) -> Iterator[Story]:
    """Every story with a headline and a body in the `*.sgm` files of `folder`."""
    for path in sorted(folder.glob("*.sgm"), key=lambda p: int(re.sub(r"\D", "", p.stem) or 0)):
        data = path.read_bytes().decode("latin-1")
        for match in _STORY.finditer(data):
            chunk = match.group(2)
            title, body = _field("TITLE", chunk), _field("BODY", chunk)
            if title and body:
                yield Story(int(match.group(1)), _day(_field("DATE", chunk)), title, body)


def write_stories(folder: Path, out: Path, limit: int | None = None) -> int:
    """Write each story as `reut-NNNNN.txt` under `out`; returns how many were written."""
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for story in read_stories(folder):
        (out / f"reut-{story.newid:05d}.txt").write_text(story.as_text(), encoding="utf-8")
        count += 1
        if limit and count >= limit:
            break
    return count
