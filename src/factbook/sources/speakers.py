"""Speaker names in transcripts and meeting notes: telling people from placeholder labels.

Transcription tools label voices they cannot name "Speaker 1", "SPEAKER_00",
"Unknown" or "Guest 2". Those are labels, not people: they never become
participants, task owners or person notes.
"""
from __future__ import annotations

import re

_LABEL = re.compile(
    r"^(?:speaker|spk|participant|unknown(?:\s+speaker)?|unidentified(?:\s+speaker)?|guest|caller|"
    r"person|voice|user|attendee|interviewer|interviewee|host|co-host|moderator|presenter|"
    r"audience(?:\s+member)?|narrator|other|me|them|"
    # Recorders that tell voices by channel (MacWhisper, Just Press Record): not people.
    r"remote|local|mic|microphone|system(?:\s+audio)?|channel)"
    r"(?:[\s_#-]*(?:\d+|[a-z]))?$",
    re.I,
)
_NUMERIC = re.compile(r"^[\d\s_#-]+$")


def is_speaker_label(name: str) -> bool:
    """True when `name` is a placeholder such as "Speaker 1", "SPEAKER_00" or "Unknown"."""
    name = name.strip().strip("[]()<>*_").strip()
    return not name or bool(_LABEL.match(name)) or bool(_NUMERIC.match(name))


def clean_speaker(name: str) -> str:
    """A speaker name as written, without markup, extra spaces or trailing punctuation."""
    name = re.sub(r"[*<>\[\]]", "", name)
    return re.sub(r"\s+", " ", name).strip(" :-—_")


def real_speakers(names: list[str]) -> tuple[str, ...]:
    """The real people among `names`, in order of first appearance, labels left out."""
    seen: dict[str, None] = {}
    for name in names:
        name = clean_speaker(name)
        if name and not is_speaker_label(name) and name not in seen:
            seen[name] = None
    return tuple(seen)
