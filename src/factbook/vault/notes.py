"""Reading notes back: front matter blocks and sections, so nothing a person wrote is lost.

A note is split into its front matter (kept as top-level key blocks, byte for
byte), a preamble (everything before the first `##` heading), and sections.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n?---[ \t]*(?:\n|\Z)", re.S)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^\s*[-*+]\s+(?:\[.\]\s+)?(.*\S)\s*$")
_KEY = re.compile(r"^([A-Za-z0-9_][\w .-]*?)\s*:")

# Sections factbook writes in every entity note, in this order.
OWNED_SECTIONS = ("Key Facts", "Recent Context", "Tasks", "Topics", "Key Decisions", "Related")


@dataclass
class Section:
    """One `## Heading` and the lines under it (sub-headings included)."""

    heading: str
    lines: list[str] = field(default_factory=list)

    def items(self) -> list[str]:
        """The text of the list items in this section."""
        out = []
        for line in self.lines:
            match = _ITEM.match(line)
            if match:
                out.append(match.group(1))
        return out


@dataclass
class ParsedNote:
    """A note as read from disk."""

    meta: dict[str, Any]
    meta_blocks: dict[str, str]
    preamble: list[str]
    sections: list[Section]

    def section(self, heading: str) -> Section | None:
        """The first section with this heading (case-insensitive)."""
        for section in self.sections:
            if section.heading.casefold() == heading.casefold():
                return section
        return None

    def foreign_sections(self) -> list[Section]:
        """Sections factbook does not own: the person's own, kept as they are."""
        owned = {h.casefold() for h in OWNED_SECTIONS} | {"history"}
        return [s for s in self.sections if s.heading.casefold() not in owned]


def parse_note(text: str) -> ParsedNote:
    """Split a note into front matter, preamble and sections."""
    meta: dict[str, Any] = {}
    blocks: dict[str, str] = {}
    body = text
    match = _FRONT.match(text)
    if match:
        raw = match.group(1)
        try:
            loaded = YAML(typ="safe").load(raw)
            meta = loaded if isinstance(loaded, dict) else {}
        except YAMLError:
            meta = {}
        blocks = _key_blocks(raw)
        body = text[match.end():]
    preamble: list[str] = []
    sections: list[Section] = []
    for line in body.split("\n"):
        heading = _HEADING.match(line)
        if heading and len(heading.group(1)) == 2:
            sections.append(Section(heading.group(2)))
        elif sections:
            sections[-1].lines.append(line)
        else:
            preamble.append(line)
    return ParsedNote(meta={str(k): v for k, v in meta.items()}, meta_blocks=blocks,
                      preamble=preamble, sections=sections)


def _key_blocks(raw: str) -> dict[str, str]:
    """Top-level front matter keys with their text exactly as written (continuation lines too)."""
    blocks: dict[str, list[str]] = {}
    current: str | None = None
    for line in raw.split("\n"):
        key = _KEY.match(line) if line and not line[0].isspace() and not line.startswith("- ") else None
        if key:
            current = key.group(1)
            blocks[current] = [line]
        elif current is not None:
            blocks[current].append(line)
    return {k: "\n".join(v).rstrip() for k, v in blocks.items()}


def strip_lines(lines: list[str]) -> list[str]:
    """Lines without leading and trailing blank ones."""
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]
