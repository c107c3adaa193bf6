"""Reader for the Reuters-21578 SGML collection, for benchmarks only (not part of the product).

Each <REUTERS> record becomes a plain-text document in the shape a user would
save a wire story: headline, date, blank line, dateline and body.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared"
COLLECTION = SHARED / "data" / "reuters21578"

_RECORD = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\"[^>]*>(.*?)</REUTERS>", re.S)
_FIELD = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.S) for name in ("DATE", "TITLE", "DATELINE", "BODY")}
_CONTROL = re.compile(r"&#\d+;")


@dataclass(frozen=True)
class Story:
    """One wire story."""

    newid: str
    date: str
    title: str
    text: str

    def as_file_text(self) -> str:
        """The story as a text file: headline, ISO date, blank line, body."""
        return f"{self.title}\n{self.date}\n\n{self.text}\n"


def _field(name: str, record: str) -> str:
    match = _FIELD[name].search(record)
    return html.unescape(_CONTROL.sub("", match.group(1))).strip() if match else ""


def stories(folder: Path = COLLECTION) -> Iterator[Story]:
    """Every story with a body, in file and record order."""
    for path in sorted(folder.glob("*.sgm"), key=lambda p: int(re.sub(r"\D", "", p.stem) or 0)):
        raw = path.read_bytes().decode("latin-1")
        for newid, record in _RECORD.findall(raw):
            body = _field("BODY", record)
            if not body:
                continue
            when = _field("DATE", record).split(" ")[0]
            try:
                iso = datetime.strptime(when, "%d-%b-%Y").date().isoformat()
            except ValueError:
                iso = ""
            dateline = _field("DATELINE", record)
            text = f"{dateline} {body}".strip() if dateline else body
            yield Story(newid, iso, _field("TITLE", record) or f"Story {newid}", text)


def write_stories(target: Path, limit: int | None = None) -> list[Path]:
    """Write stories as text files under `target`; returns their paths."""
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, story in enumerate(stories()):
        if limit is not None and n >= limit:
            break
        path = target / f"reut-{int(story.newid):05d}.txt"
        path.write_text(story.as_file_text(), encoding="utf-8")
        paths.append(path)
    return paths
