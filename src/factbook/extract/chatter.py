"""Talk that is not a fact: questions, first- and second-person chatter, clock times,
speaker labels and mail headers.

A conversation states facts between its greetings and questions; this module tells
the two apart, and cuts the debris a transcript glues to a statement (a timestamp,
a speaker's name and colon) without changing the statement's words. `talk_kind` is
also what bench/chatter.py counts on a built vault's Key Facts.
"""
from __future__ import annotations

import re

_QUESTION = re.compile(r"\?[\"'”’)]*\s*$")
_PERSON = re.compile(
    r"(?<![\w'’])(?:i|i'm|i'll|i've|i'd|we|we're|we'll|we've|we'd|you|you're|you'll|you've|you'd|"
    r"my|our|ours|your|yours|us|me|let's)(?![\w'’])", re.I)
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
_SPEAKER_N = re.compile(r"\bspeaker\s*\d", re.I)
# "Name:" / "**Name**:" opening a line: who speaks, or what a note's line is about.
_LABEL = re.compile(r"^\s*(?:\*\*)?(?P<label>[A-Z][\w.'’-]*(?:\s[A-Z][\w.'’-]*){0,2})(?:\*\*)?:\s+")
_HEADER = re.compile(r"^\s*(?:from|to|cc|bcc|sent|date|subject|re|fwd?|on .{4,80} wrote)\s*:", re.I)
# Debris a transcript export leaves before the words: "[00:01:12]", "00:03", "12:01:05.120 -->".
_STAMP = re.compile(r"^\s*(?:\[\s*\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?\s*\]|\(?\d{1,2}:\d{2}(?::\d{2})?"
                    r"(?:[.,]\d+)?\)?(?:\s*-->\s*\S+)?)\s*[-–—:]?\s*")
_GREETING = re.compile(r"^\s*(?:hi|hello|hey|thanks|thank you|cheers|best|regards|good (?:morning|"
                       r"afternoon|evening)|sounds good|great|ok(?:ay)?|sure|yeah|yes|no|right)\b"
                       r"[\s,.!]*(?:(?:everyone|everybody|all|team|guys|folks|again|so much|"
                       r"[A-Z][a-z]+)[\s,.!]*)?$", re.I)


# "Thanks all, great session!": thanks that open a line, whatever follows.
_THANKS = re.compile(r"^\s*(?:many )?(?:thanks|thank you)(?:\s+(?:all|everyone|again|so much|a lot|team))?"
                     r"\s*[,.!]", re.I)


def cut_debris(text: str, speakers: tuple[str, ...] = ()) -> str:
    """`text` without a leading timestamp or speaker label: cut, never reworded. A label
    is a speaker's when it is one of `speakers`, "Speaker N", or a full name that the
    statement itself does not go on about."""
    text = _STAMP.sub("", text, count=1)
    m = _LABEL.match(text)
    if m and _is_speaker(m.group("label"), speakers):
        text = text[m.end():]
    return text


def speaker_of(text: str, speakers: tuple[str, ...] = ()) -> str | None:
    """The speaker whose label opens `text` (after any timestamp), else None."""
    m = _LABEL.match(_STAMP.sub("", text, count=1))
    return m.group("label") if m and _is_speaker(m.group("label"), speakers) else None


_WE = re.compile(r"(?<![\w'’])(?:we|we're|we've|we'll|we'd|our|ours|us)(?![\w'’])", re.I)


def only_we(text: str) -> bool:
    """True when the first-person words of `text` are all plural ("we", "our", "us"):
    a speaker talking for their organization, not about themselves or to the listener."""
    text = text.replace("’", "'")
    found = [m.group(0) for m in _PERSON.finditer(text) if m.group(0) != "US"]
    return bool(found) and all(_WE.fullmatch(w) for w in found)


def _is_speaker(label: str, speakers: tuple[str, ...]) -> bool:
    low = label.casefold()
    if re.fullmatch(r"speaker\s*\d+", low) or low in {"me", "remote", "host", "guest", "unknown"}:
        return True
    return any(low == s.casefold() or low == s.casefold().split()[0] for s in speakers if s.strip())


_QUOTED = re.compile(r"[“\"][^”\"]*[”\"]")


def talk_kind(text: str, reported: bool = False) -> str | None:
    """Why `text` is talk rather than a fact ("question", "person", "clock", "speaker",
    "header", "greeting"), or None when it may be a fact. With `reported` (a news
    story, not a conversation), words inside a quotation are someone's reported speech:
    their "we" and "our" do not make the sentence talk."""
    if reported:
        text = _QUOTED.sub(" ", text)
    if _QUESTION.search(text):
        return "question"
    if _HEADER.match(text):
        return "header"
    if _GREETING.match(text) or _THANKS.match(text):
        return "greeting"
    label = _LABEL.match(text)
    if _SPEAKER_N.search(text) or (label and _is_speaker(label.group("label"), ())):
        return "speaker"
    if any(m.group(0) != "US" for m in _PERSON.finditer(text.replace("’", "'"))):
        return "person"  # "US" in capitals is the country
    if _CLOCK.search(text):
        return "clock"
    return None


def label_of(text: str) -> str | None:
    """The "Name" of a line that opens with "Name: ", else None."""
    m = _LABEL.match(text)
    return m.group("label") if m else None
