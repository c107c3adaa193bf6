"""Transcript text as the tools export it, turned into speaker turns with no debris.

One line parser for the plain-text shapes of Zoom, Teams, Google Meet, Otter,
Fireflies, MacWhisper, Whisper and Granola exports (and transcript blocks pasted
into notes):

* "Name: text", "**Name:** text", "[00:01:02] Name: text", ">> Name: text";
* a speaker head line, the words below: "Name  0:02", "**Name** [00:01:12]",
  "Name (00:01:12)", "Name - 00:03", "[00:03] Name";
* the speaker on one line and the time on the next (Teams and Zoom copy-paste);
* "[00:00:03.18]   Remote- I'm doing good" (MacWhisper channel labels);
* "[00:00.000 --> 00:04.000]  text" (Whisper) and bare "[hh:mm:ss] text" lines;
* speaker names glued to their words ("Ravi MenonYeah, so…"), unglued with the
  names the file uses elsewhere (its speaker lines, its attendee list) or, failing
  those, a name glued the same way on several lines.

Timestamps never reach the turns; a speaker is a name or a label (see speakers.py).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from factbook.sources.speakers import clean_speaker

# "00:03", "1:02:03.180", and Teams' unpadded "0:0:3.450".
_TIME = r"\d{1,2}:\d{1,2}(?::\d{1,2})?(?:[.,]\d{1,3})?"
# Lines a tool adds to its export, not what anyone said.
_BOILERPLATE = re.compile(r"^\s*(?:transcribed by\b|this (?:transcript|recording) was (?:generated|made)\b|"
                          r"(?:transcript|recording) (?:started|ended|stopped)\b)", re.I)
_STAMP = rf"[\[(]?{_TIME}(?:\s*-->\s*{_TIME})?[\])]?"
_NAME = r"[A-Z][\w.'’-]*(?:[ _][A-Z0-9][\w.'’-]*){0,3}"
_TIME_ONLY = re.compile(rf"^\s*(?:{_STAMP}\s*)+$")
# A stamp that only a recording writes: bracketed, or with seconds ("[00:03]", "00:00:03");
# an agenda's "10:00 Kickoff" is not one.
_RECORDING_STAMP = re.compile(rf"^\s*(?:[\[(]{_TIME}|\d{{1,2}}:\d{{2}}:\d{{2}})")
_LEADING_STAMP = re.compile(rf"^\s*(?:{_STAMP}\s*(?:[-–—|]\s*)?)+")
# "Name: text" with an optional time before the name or between name and colon.
_COLON_TURN = re.compile(
    rf"^\s*(?:{_STAMP}\s*)?(?:>>|-)?\s*(?:\*\*|__)?(?P<name>\[?{_NAME}\]?)\s*(?:{_STAMP})?\s*"
    rf"(?:\*\*|__)?\s*:\s*(?:\*\*|__)?\s+(?P<said>\S.*)$")
# A speaker head with its time: "Name  0:02", "**Name** [00:01:12]", "Name - 00:03", "[00:03] Name".
_HEAD_AFTER = re.compile(rf"^\s*(?:\*\*|__|\[)?(?P<name>{_NAME})(?:\*\*|__|\])?\s*(?:[-–—|,]\s*)?{_STAMP}\s*$")
# Before the name only a recording's stamp, or one set off by a dash ("[00:03] Name",
# "00:00:03 Name", "00:03 - Name"): an agenda's "11:30 Pricing" is not a speaker.
_HEAD_BEFORE = re.compile(rf"^\s*(?:[\[(]{_TIME}[\])]|\d{{1,2}}:\d{{2}}:\d{{2}}(?:[.,]\d{{1,3}})?|{_TIME}\s*[-–—|])"
                          rf"\s*(?:[-–—|]\s*)?(?:\*\*|__)?(?P<name>{_NAME})(?:\*\*|__)?:?\s*$")
# A name alone on its line (the time follows on the next line).
_NAME_ALONE = re.compile(rf"^\s*(?:\*\*|__)?(?P<name>{_NAME})(?:\*\*|__)?\s*$")
# "[00:00:03.18]   Remote- I'm doing good": a stamp, a label, a dash glued to it.
_DASH_TURN = re.compile(rf"^\s*{_STAMP}\s*(?P<name>{_NAME})\s?-\s+(?P<said>\S.*)$")
# "[Camille Ferreira] Hi Marisol": the speaker in brackets, written when the voice changes.
_BRACKET_TURN = re.compile(rf"^\s*(?:{_STAMP}\s*)?\[(?P<name>{_NAME})\]\s*(?P<said>\S.*)$")
# Bracketed sounds, not speakers.
_SOUNDS = {"music", "laughter", "laughs", "laughing", "applause", "inaudible", "crosstalk",
           "silence", "noise", "background noise", "pause", "unintelligible", "coughs", "blank_audio"}
# Words that end in a colon at the start of a line without being speakers.
NOT_SPEAKERS = {"from", "to", "cc", "bcc", "subject", "date", "sent", "note", "notes", "summary",
                "title", "attendees", "participants", "source", "update", "re", "fw", "fwd",
                "agenda", "decision", "decisions", "action", "tasks", "kind", "type", "http",
                "https", "warning", "caution", "q", "a", "tl;dr", "edit", "ps", "p.s", "location",
                "time", "where", "when", "url", "author", "tags", "status", "owner", "due",
                "duration", "recorded", "recording", "transcript", "meeting", "next steps",
                "speakers", "organizer", "topic", "description", "link"}
# Whisper's habit: a first segment "Thank you." heard in the silence before the talk.
_HALLUCINATED = re.compile(r"^\s*(?:thank you|thanks for watching|you)\s*[.!]?\s*$", re.I)
_MAX_NAME = 40
_MIN_GLUED_REPEATS = 2


@dataclass
class Turn:
    """One speaker's uninterrupted stretch of speech (speaker None when unknown)."""

    speaker: str | None
    said: str


def strip_stamps(line: str) -> str:
    """A line without its leading timestamps ("[00:01:02]", "0:02 -", Whisper ranges)."""
    return _LEADING_STAMP.sub("", line, count=1)


def is_time_only(line: str) -> bool:
    """True for a line that holds only a timestamp (or a range of two)."""
    return bool(_TIME_ONLY.match(line))


def speaker_of(line: str) -> str | None:
    """The speaker of a "Name: text" line, or None (headers such as "Subject:" are not)."""
    match = _COLON_TURN.match(line)
    return _speaker(match.group("name")) if match else None


def is_name_line(line: str) -> bool:
    """True for a line holding only a name (the speaker of the words below it)."""
    return _alone(line) is not None


def _alone(line: str) -> str | None:
    """The name a line holds alone ("Ravi Menon"), not a sentence ("Thanks.")."""
    match = _NAME_ALONE.match(line)
    if not match or match.group("name").rstrip().endswith((".", "!", "?")):
        return None
    return _speaker(match.group("name"))


def head_speaker(line: str) -> str | None:
    """The speaker of a head line that carries a time ("Name  0:02", "**Name** [00:01:12]")."""
    match = _HEAD_AFTER.match(line) or _HEAD_BEFORE.match(line)
    return _speaker(match.group("name")) if match else None


def bracket_turn(line: str) -> tuple[str, str] | None:
    """(speaker, words) of a "[Name] words" line, or None ("[Music]" is a sound, not a name)."""
    match = _BRACKET_TURN.match(line)
    if not match or match.group("name").lower() in _SOUNDS:
        return None
    name = _speaker(match.group("name"))
    return (name, match.group("said").strip()) if name else None


def _speaker(name: str) -> str | None:
    name = clean_speaker(name)
    if not name or name.lower() in NOT_SPEAKERS or name.lower() in _SOUNDS or len(name) > _MAX_NAME:
        return None
    return name


def transcript_share(text: str) -> tuple[int, int]:
    """(lines that are turns, stamps or stamped text, or under a speaker head; non-empty
    lines) of `text`."""
    lines = [line for line in text.splitlines() if line.strip()]
    glued = _glued_names(lines)
    marked = 0
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        alone = _alone(line)
        if head_speaker(line) or (alone and (is_time_only(following)
                                             or _after_time(lines, index, alone, []))):
            marked += 2  # the head and the words under it
        elif speaker_of(line) or is_time_only(line) or _RECORDING_STAMP.match(line) \
                or bracket_turn(line) or any(strip_stamps(line).startswith(n) for n in glued):
            marked += 1
    return min(marked, len(lines)), len(lines)


def parse_transcript(text: str, known: Iterable[str] = ()) -> list[Turn]:
    """The turns of a transcript export; lines without a speaker continue the current turn.

    `known` are names the document gives elsewhere (attendees), used to unglue
    "NameText" lines together with the speakers found in the text itself.
    """
    lines = [line.rstrip() for line in text.splitlines()]
    names = _names_in(lines, known)
    turns: list[Turn] = []
    for index, line in enumerate(lines):
        if not line.strip() or is_time_only(line) or _BOILERPLATE.match(line):
            continue
        following = next((x for x in lines[index + 1:] if x.strip()), "")
        alone = _alone(line)
        if alone and (is_time_only(following) or _after_time(lines, index, alone, names)):
            turns.append(Turn(alone, ""))
            continue
        head = head_speaker(line)
        if head:
            turns.append(Turn(head, ""))
            continue
        speaker, said = _turn_of(line, names)
        if speaker:
            turns.append(Turn(speaker, said))
        elif turns:
            turns[-1].said = f"{turns[-1].said} {said}".strip()
        elif not _HALLUCINATED.match(said):
            turns.append(Turn(None, said))
    return [t for t in turns if t.said]


def _after_time(lines: list[str], index: int, name: str, names: list[str]) -> bool:
    """True for a name line under a time line (Teams: time, speaker, words): a full name
    or one the file gives elsewhere, not a one-word reply such as "Okay"."""
    previous = next((x for x in reversed(lines[:index]) if x.strip()), "")
    return is_time_only(previous) and (" " in name.strip() or clean_speaker(name) in names)


def _turn_of(line: str, names: list[str]) -> tuple[str | None, str]:
    """(speaker, words) of one line of talk; speaker None when the line names none."""
    colon = _COLON_TURN.match(line)
    if colon and _speaker(colon.group("name")):
        return _speaker(colon.group("name")), colon.group("said").strip()
    bracket = bracket_turn(line)
    if bracket:
        return bracket
    dash = _DASH_TURN.match(line)
    if dash and _speaker(dash.group("name")):
        return _speaker(dash.group("name")), dash.group("said").strip()
    bare = strip_stamps(line).strip()
    for name in names:
        if bare.startswith(name) and len(bare) > len(name):
            rest = bare[len(name):]
            if rest[0].isupper() or rest[0] in "\"“(" or _glued_with_space(rest):
                return name, rest.strip()
    return None, bare


def _glued_with_space(rest: str) -> bool:
    # "Ravi Menon  Yeah" (two spaces, as some exports write it) is a speaker; "Ravi Menon said" is not.
    return rest.startswith("  ")


_GLUED = re.compile(rf"^\s*(?:{_STAMP}\s*)?(?P<name>[A-Z][a-z'’-]+(?: [A-Z][a-z'’-]+){{0,2}})"
                    r"(?=[A-Z][a-z'’]|[A-Z]\b|[\"“(])")


def _names_in(lines: list[str], known: Iterable[str]) -> list[str]:
    """The speaker names of a transcript: given ones, those of its speaker lines, and names
    glued to their words on several lines. Longest first, so "Ravi Menon" wins over "Ravi"."""
    names = {clean_speaker(n) for n in known if clean_speaker(n)}
    for index, line in enumerate(lines):
        found = speaker_of(line) or head_speaker(line)
        if not found and index + 1 < len(lines) and is_time_only(lines[index + 1]):
            found = _alone(line)
        if found:
            names.add(found)
    names.update(_glued_names(lines))
    return sorted(names, key=len, reverse=True)


def _glued_names(lines: list[str]) -> set[str]:
    """Names glued to the next word ("Ravi MenonYeah"): one glued so on several lines, and
    then any full name (two words or more) glued so once."""
    glued = Counter(m.group("name") for m in map(_GLUED.match, lines) if m)
    repeated = {name for name, count in glued.items() if count >= _MIN_GLUED_REPEATS}
    if not repeated:
        return set()
    return {name for name in glued if _speaker(name) and (name in repeated or " " in name)}


def drop_hallucinated_opening(text: str) -> str:
    """`text` without a first line that is only Whisper's "Thank you." (heard in silence)."""
    lines = text.splitlines()
    while lines and (not lines[0].strip() or _HALLUCINATED.match(strip_stamps(lines[0]))):
        lines.pop(0)
    return "\n".join(lines)
