"""Transcript readers: WebVTT, SRT and plain "Name: text" lines.

All three become one `TRANSCRIPT` document whose text is one "Name: what
they said" paragraph per turn (consecutive cues of one speaker are merged,
timestamps dropped). Participants are the real speaker names only: labels
such as "Speaker 1" stay in the text, so what they said is kept, but never
become people. The meeting date comes from a `NOTE`/header line, the file
name, or the first lines of the text.
"""
from __future__ import annotations

import re
from pathlib import Path

import pysrt
import webvtt

from factbook.errors import InputError
from factbook.models import Document, DocumentKind
from factbook.sources.base import clean_text, content_hash, decode_text
from factbook.sources.dates import date_from_name, find_document_date
from factbook.sources.speakers import clean_speaker, real_speakers
from factbook.sources.transcript_lines import (
    NOT_SPEAKERS, Turn, bracket_turn, drop_hallucinated_opening, head_speaker, is_name_line,
    is_time_only, parse_transcript, speaker_of,
    strip_stamps, transcript_share,
)

# "Priya Raman: text" inside a cue.
_SPEAKER_LINE = re.compile(
    r"^\s*(?:>>|-)?\s*(?P<name>\[?[A-Z][\w.'’-]*(?:[ _][A-Z0-9][\w.'’-]*){0,3}\]?)\s*:\s+(?P<said>\S.*)$"
)
_TITLE_MAX = 120
# First lines that name the file's kind, not the meeting.
_GENERIC_TITLES = {"transcript", "recording", "meeting transcript", "call transcript", "notes",
                   "webvtt", "auto transcript"}
_HEADING_LINE = re.compile(r"^#{1,6}\s+(.+)$")
_LISTED = re.compile(r"^\s*(?:[*_]{2})?(?:participants|attendees|speakers|present)(?:[*_]{2})?\s*:"
                     r"(?:[*_]{2})?\s*(.+)$", re.I)
_LISTED_ALONE = re.compile(r"^\s*(?:[*_#]+\s*)?(?:participants|attendees|speakers|present)\s*:?(?:[*_]+)?\s*$",
                           re.I)
# "Weekly sync (2025-03-04 10:00 GMT) - Transcript": the meeting's name in a tool's title line.
_TITLE_DECOR = re.compile(r"\s*\([^()]*\d[^()]*\)|\s*[-–—|]\s*(?:transcript|recording|notes)\s*$", re.I)
_KEY_VALUE = re.compile(r"^[\w *_-]{1,30}:\s")
_VOICE = re.compile(r"<v(?:\.[\w.]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[^>]+>")
# A file of "Name: text" lines is a transcript when most of its lines are turns.
_MIN_TURNS = 3
_MIN_TURN_SHARE = 0.5


def read_vtt(path: Path, data: bytes) -> list[Document]:
    """Read a WebVTT transcript (voice tags `<v Name>` or "Name:" prefixes)."""
    text = decode_text(path, data)
    if not text.lstrip().startswith("WEBVTT"):
        raise InputError(str(path), "is not a WebVTT file (it does not start with WEBVTT)")
    try:
        captions = webvtt.from_string(text)
    except Exception as exc:  # webvtt raises its own errors and ValueError on bad timings
        raise InputError(str(path), f"is a malformed WebVTT file ({_first_line(exc)})") from exc
    turns = [_cue_turn(c.voice if getattr(c, "voice", None) else None, c.raw_text) for c in captions]
    notes = "\n".join(line[4:].strip() for line in text.splitlines() if line.startswith("NOTE"))
    return [transcript_document(path, data, turns, header=notes, what="cues")]


def read_srt(path: Path, data: bytes) -> list[Document]:
    """Read an SRT subtitle transcript."""
    text = decode_text(path, data)
    try:
        subs = pysrt.from_string(text, error_handling=pysrt.ERROR_RAISE)
    except pysrt.Error as exc:
        # InvalidItem carries (block number, block text); say which block, not its text.
        where = f"subtitle block {exc.args[0]} cannot be parsed" \
            if exc.args and isinstance(exc.args[0], int) else _first_line(exc)
        raise InputError(str(path), f"is a malformed SRT file ({where})") from exc
    turns = [_cue_turn(None, item.text) for item in subs]
    return [transcript_document(path, data, turns, what="subtitles")]


def looks_like_speaker_lines(text: str) -> bool:
    """True when most non-empty lines of `text` are transcript lines: "Name: text" turns,
    speaker heads with a time ("Name  0:02", "**Name** [00:01:12]") and the words under
    them, timestamps."""
    marked, total = transcript_share(text)
    return marked >= _MIN_TURNS and marked >= total * _MIN_TURN_SHARE


def read_speaker_lines(path: Path, data: bytes, text: str, header: str = "",
                       known: tuple[str, ...] = (), front_matter: dict | None = None) -> Document:
    """A transcript document from an already decoded text export (any style of
    `transcript_lines`). Lines before the first turn are its header (title, date,
    participants), not what was said."""
    preamble, talk = split_preamble(drop_hallucinated_opening(text))
    header = "\n".join(x for x in (header, preamble) if x.strip())
    listed = listed_people(header)
    turns = parse_transcript(talk, known + listed)
    lines = talk.splitlines()
    timed = sum(1 for line in lines if is_time_only(line) or strip_stamps(line) != line
                or head_speaker(line)) >= _MIN_TURNS
    return transcript_document(path, data, turns, header=header, what="turns",
                               listed=known + listed, front_matter=front_matter, timed=timed)


def parse_speaker_lines(text: str) -> list[Turn]:
    """The turns of a transcript text; lines without a speaker continue the previous turn."""
    return parse_transcript(text)


def split_preamble(text: str) -> tuple[str, str]:
    """(the header lines before the first turn or speaker head, the rest)."""
    lines = text.splitlines()
    for index, line in enumerate(lines):
        following = next((x for x in lines[index + 1:] if x.strip()), "")
        if speaker_of(line) or head_speaker(line) or (is_time_only(following) and is_name_line(line)):
            return "\n".join(lines[:index]), "\n".join(lines[index:])
        if is_time_only(line) or strip_stamps(line) != line:
            return "\n".join(lines[:index]), "\n".join(lines[index:])
    return "", text


def listed_people(header: str) -> tuple[str, ...]:
    """The names a transcript's header lists as participants or attendees."""
    names: list[str] = []
    lines = [line for line in header.splitlines() if line.strip()]
    for index, line in enumerate(lines):
        match = _LISTED.match(line)
        listed = match.group(1) if match else None
        if listed is None and _LISTED_ALONE.match(line) and index + 1 < len(lines):
            listed = lines[index + 1]  # Google Meet: "Attendees" over the list
        if listed:
            names.extend(n.strip() for n in re.split(r",|;|\band\b", listed) if n.strip())
    return real_speakers([re.sub(r"\s*\(.*?\)\s*", " ", n).strip() for n in names])


def transcript_document(path: Path, data: bytes, turns: list[Turn], header: str = "",
                        what: str = "cues", listed: tuple[str, ...] = (),
                        front_matter: dict | None = None, timed: bool = True) -> Document:
    """The TRANSCRIPT document of `turns`: merged turns as text, real speakers (and the
    people its header lists) as participants."""
    merged = _merge(turns)
    if not merged:
        raise InputError(str(path), f"has no {what} (an empty transcript)")
    text = clean_text("\n\n".join(f"{t.speaker}: {t.said}" if t.speaker else t.said for t in merged))
    if not any(c.isalnum() for c in text):
        raise InputError(str(path), f"has no {what} with words in them")
    when = find_document_date(header) or date_from_name(path.name) or find_document_date(text)
    title = _title(path, header)
    speakers = [t.speaker for t in merged if t.speaker]
    return Document(
        path=str(path), sha256=content_hash(data), kind=DocumentKind.TRANSCRIPT, title=title,
        text=text, date=when, participants=real_speakers(speakers + list(listed)),
        front_matter=dict(front_matter or {}), size=len(data),
        meta={"speakers": str(len(set(real_speakers(speakers)))),
              "timed": "yes" if timed else "no"},
    )


def _cue_turn(voice: str | None, raw: str) -> Turn:
    raw = raw.strip()
    tagged = _VOICE.search(raw)
    if tagged and not voice:
        voice = tagged.group(1)
    said = " ".join(_TAG.sub("", raw).split())
    if not voice:
        speaker = _speaker_of(said)
        bracket = bracket_turn(said)
        if speaker:
            voice, said = speaker, _SPEAKER_LINE.match(said).group("said")  # type: ignore[union-attr]
        elif bracket:
            voice, said = bracket
    return Turn(clean_speaker(voice) if voice else None, said.strip())


def _speaker_of(line: str) -> str | None:
    match = _SPEAKER_LINE.match(line)
    if not match:
        return None
    name = clean_speaker(match.group("name"))
    if name.lower() in NOT_SPEAKERS or len(name) > 40:
        return None
    return name


def _merge(turns: list[Turn]) -> list[Turn]:
    merged: list[Turn] = []
    for turn in turns:
        if not turn.said:
            continue
        if merged and (turn.speaker == merged[-1].speaker or turn.speaker is None):
            merged[-1].said = f"{merged[-1].said} {turn.said}"
        else:
            merged.append(Turn(turn.speaker, turn.said))
    return merged


def _title(path: Path, header: str) -> str:
    for line in header.splitlines():
        key, _, value = line.partition(":")
        if key.strip(" *_").lower() in {"title", "meeting", "subject", "topic"} and value.strip(" *_"):
            return value.strip(" *_")
        heading = _HEADING_LINE.match(line)
        if heading:
            return heading.group(1).strip()
    first = next((line.strip() for line in header.splitlines() if line.strip()), "")
    first = _TITLE_DECOR.sub("", first).strip()
    if first and not _KEY_VALUE.match(first) and len(first) <= _TITLE_MAX and not first.startswith(("-", "*")) \
            and first.lower() not in _GENERIC_TITLES and find_document_date(first) is None:
        return first  # an export's first line names the meeting ("Weekly sync")
    stem = re.sub(r"^\d{4}[-_.]?\d{2}[-_.]?\d{2}[\s_-]*", "", path.stem)
    return stem.replace("_", " ").strip() or path.stem


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [exc.__class__.__name__])[0][:120]
