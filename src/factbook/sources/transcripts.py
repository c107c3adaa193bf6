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
from dataclasses import dataclass
from pathlib import Path

import pysrt
import webvtt

from factbook.errors import InputError
from factbook.models import Document, DocumentKind
from factbook.sources.base import clean_text, content_hash, decode_text
from factbook.sources.dates import date_from_name, find_document_date
from factbook.sources.speakers import clean_speaker, real_speakers

# "Priya Raman: text", "SPEAKER_01: text", ">> Tomas: text", "- Dana: text", "[00:01:02] Priya: text".
_SPEAKER_LINE = re.compile(
    r"^\s*(?:\[?\(?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\)?\]?\s*)?(?:>>|-)?\s*"
    r"(?P<name>\[?[A-Z][\w.'’-]*(?:[ _][A-Z0-9][\w.'’-]*){0,3}\]?)\s*"
    r"(?:\(?\d{1,2}:\d{2}(?::\d{2})?\)?)?\s*:\s+(?P<said>\S.*)$"
)
# Otter / MacWhisper style: the speaker and a time on a line of their own, the words below.
_SPEAKER_HEAD = re.compile(r"^\s*(?P<name>[A-Z][\w.'’-]*(?:[ _][A-Z0-9][\w.'’-]*){0,3})\s+"
                           r"\(?\d{1,2}:\d{2}(?::\d{2})?\)?\s*$")
_VOICE = re.compile(r"<v(?:\.[\w.]+)?\s+([^>]+)>")
_TAG = re.compile(r"</?[^>]+>")
# Words that end in a colon at the start of a line without being speakers.
_NOT_SPEAKERS = {"from", "to", "cc", "bcc", "subject", "date", "sent", "note", "notes", "summary",
                 "title", "attendees", "participants", "source", "update", "re", "fw", "fwd",
                 "agenda", "decision", "decisions", "action", "tasks", "kind", "type", "http",
                 "https", "warning", "caution", "q", "a", "tl;dr", "edit", "ps", "p.s", "location",
                 "time", "where", "when", "url", "author", "tags", "status", "owner", "due"}
# A file of "Name: text" lines is a transcript when most of its lines are turns.
_MIN_TURNS = 3
_MIN_TURN_SHARE = 0.5


@dataclass
class Turn:
    """One speaker's uninterrupted stretch of speech."""

    speaker: str | None
    said: str


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
    """True when most non-empty lines of `text` are "Name: text" turns."""
    lines = [line for line in text.splitlines() if line.strip()]
    turns = [line for line in lines if _speaker_of(line)]
    heads = [line for line in lines if _SPEAKER_HEAD.match(line)]
    if len(heads) >= _MIN_TURNS and len(heads) * 2 >= len(lines) * 0.5:
        return True
    return len(turns) >= _MIN_TURNS and len(turns) >= len(lines) * _MIN_TURN_SHARE


def read_speaker_lines(path: Path, data: bytes, text: str, header: str = "") -> Document:
    """A transcript document from already decoded "Name: text" (or Otter-style) lines."""
    return transcript_document(path, data, parse_speaker_lines(text), header=header, what="turns")


def parse_speaker_lines(text: str) -> list[Turn]:
    """The turns of a "Name: text" transcript; lines without a speaker continue the previous turn."""
    turns: list[Turn] = []
    pending: str | None = None
    for line in text.splitlines():
        if not line.strip():
            continue
        head = _SPEAKER_HEAD.match(line)
        if head:
            pending = clean_speaker(head.group("name"))
            turns.append(Turn(pending, ""))
            continue
        speaker = _speaker_of(line)
        if speaker:
            said = _SPEAKER_LINE.match(line).group("said")  # type: ignore[union-attr]
            turns.append(Turn(speaker, said.strip()))
        elif turns:
            turns[-1].said = f"{turns[-1].said} {line.strip()}".strip()
        else:
            turns.append(Turn(None, line.strip()))
    return [t for t in turns if t.said]


def transcript_document(path: Path, data: bytes, turns: list[Turn], header: str = "",
                        what: str = "cues") -> Document:
    """The TRANSCRIPT document of `turns`: merged turns as text, real speakers as participants."""
    merged = _merge(turns)
    if not merged:
        raise InputError(str(path), f"has no {what} (an empty transcript)")
    text = clean_text("\n\n".join(f"{t.speaker}: {t.said}" if t.speaker else t.said for t in merged))
    if not any(c.isalnum() for c in text):
        raise InputError(str(path), f"has no {what} with words in them")
    when = find_document_date(header) or date_from_name(path.name) or find_document_date(text)
    title = _title(path, header)
    return Document(
        path=str(path), sha256=content_hash(data), kind=DocumentKind.TRANSCRIPT, title=title,
        text=text, date=when, participants=real_speakers([t.speaker for t in merged if t.speaker]),
        size=len(data),
    )


def _cue_turn(voice: str | None, raw: str) -> Turn:
    raw = raw.strip()
    tagged = _VOICE.search(raw)
    if tagged and not voice:
        voice = tagged.group(1)
    said = " ".join(_TAG.sub("", raw).split())
    if not voice:
        speaker = _speaker_of(said)
        if speaker:
            voice, said = speaker, _SPEAKER_LINE.match(said).group("said")  # type: ignore[union-attr]
    return Turn(clean_speaker(voice) if voice else None, said.strip())


def _speaker_of(line: str) -> str | None:
    match = _SPEAKER_LINE.match(line)
    if not match:
        return None
    name = clean_speaker(match.group("name"))
    if name.lower() in _NOT_SPEAKERS or len(name) > 40:
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
        if key.strip().lower() in {"title", "meeting", "subject"} and value.strip():
            return value.strip()
    stem = re.sub(r"^\d{4}[-_.]?\d{2}[-_.]?\d{2}[\s_-]*", "", path.stem)
    return stem.replace("_", " ").strip() or path.stem


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [exc.__class__.__name__])[0][:120]
