"""Transcript blocks inside a Markdown note ("## Transcript (auto)" under the notes).

Note tools paste the machine transcript under a heading of its own, with its
timestamps, channel labels ("Remote-") and names glued to the words. The block is
rewritten as clean "Name: what they said" paragraphs (see transcript_lines), so no
timestamp or speaker debris reaches facts or entities; the rest of the note is kept
as written. A note that is little more than its transcript is read as a transcript.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from factbook.sources.speakers import real_speakers
from factbook.sources.transcript_lines import drop_hallucinated_opening, parse_transcript

_HEADING = re.compile(r"^(?P<level>#{1,6})\s+(?P<title>.+?)\s*$")
_TRANSCRIPT_TITLE = re.compile(r"\btranscri(?:pt|ption)\b", re.I)
# A note with no more than this many lines outside its transcript (title, date, who),
# none of them bullets, is a transcript.
_HEADER_LINES = 4
_BULLET = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


@dataclass(frozen=True)
class NoteTranscript:
    """A note with its transcript block(s) cleaned.

    `body` is the note with each block rewritten as turns; `raw_body` the block's
    original lines and `header` the note's lines before it (for reading the note as a
    transcript when it is `mostly_transcript`); `speakers` the real speakers found.
    """

    body: str
    raw_body: str
    header: str
    speakers: tuple[str, ...]
    mostly_transcript: bool


def clean_transcript_sections(body: str, known: Iterable[str] = ()) -> NoteTranscript | None:
    """The note with its transcript sections cleaned, or None when it has none."""
    lines = body.splitlines()
    spans = _sections(lines)
    if not spans:
        return None
    out: list[str] = []
    raw: list[str] = []
    speakers: list[str] = []
    position = 0
    for start, end in spans:
        out.extend(lines[position:start + 1])
        block = drop_hallucinated_opening("\n".join(lines[start + 1:end]))
        raw.append(block)
        turns = parse_transcript(block, known)
        speakers.extend(t.speaker for t in turns if t.speaker)
        out.append("")
        out.extend(f"{t.speaker}: {t.said}\n" if t.speaker else f"{t.said}\n" for t in turns)
        position = end
    out.extend(lines[position:])
    inside = {i for s, e in spans for i in range(s, e)}
    outside = [line for i, line in enumerate(lines)
               if i not in inside and line.strip() and not _HEADING.match(line)
               and line.strip() != "---"]
    mostly = len(outside) <= _HEADER_LINES and not any(_BULLET.match(line) for line in outside)
    return NoteTranscript(
        body="\n".join(out), raw_body="\n\n".join(raw), header="\n".join(lines[:spans[0][0]]),
        speakers=real_speakers(speakers), mostly_transcript=mostly)


def _sections(lines: list[str]) -> list[tuple[int, int]]:
    """(heading index, end index) of each section whose heading names a transcript."""
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(lines):
        match = _HEADING.match(lines[index])
        if match and _TRANSCRIPT_TITLE.search(match.group("title")):
            level = len(match.group("level"))
            end = index + 1
            while end < len(lines):
                other = _HEADING.match(lines[end])
                if other and len(other.group("level")) <= level:
                    break
                end += 1
            spans.append((index, end))
            index = end
        else:
            index += 1
    return spans
