"""Reading notes back: front matter blocks and sections, so nothing a person wrote is lost.

A note is split into its front matter (kept as top-level key blocks, byte for
byte), a preamble (everything before the first `##` heading), and sections.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n?---[ \t]*(?:\n|\Z)", re.S)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ITEM = re.compile(r"^\s*[-*+]\s+(?:\[.\]\s+)?(.*\S)\s*$")
_KEY = re.compile(r"^([A-Za-z0-9_][\w .-]*?)\s*:")

# Sections factbook writes in every entity note, in this order.
OWNED_SECTIONS = ("Key Facts", "Recent Context", "Tasks", "Topics", "Key Decisions", "Related",
                  "People", "Relationship map")


@dataclass
class Section:
    """One `## Heading` and the lines under it (sub-headings included)."""

    heading: str
    lines: list[str] = field(default_factory=list)
    raw: str = ""  # the heading line exactly as written

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
    """A note as read from disk. The front matter is parsed as YAML only when `meta` is
    asked for (it is slow, and merging notes mostly needs the key blocks)."""

    meta_blocks: dict[str, str]
    preamble: list[str]
    sections: list[Section]
    raw_front: str = ""
    loaded: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def meta(self) -> dict[str, Any]:
        """The front matter as data ({} when there is none or it is not valid YAML)."""
        if self.loaded is None:
            raw = _load_front_matter(self.raw_front) if self.raw_front else {}
            self.loaded = {str(k): v for k, v in raw.items()}
        return self.loaded

    def front_list(self, key: str) -> list[str]:
        """The items of a list key (`tags`, `aliases`) as strings; a one-line flow list
        of plain or quoted items (what factbook writes) is read without YAML."""
        block = self.meta_blocks.get(key)
        if block is None:
            return []
        fast = _flow_items(key, block)
        if fast is not None:
            return fast
        value = self.meta.get(key)
        if value is None:
            return []
        if isinstance(value, (list, tuple)):
            return [str(v) for v in value if v is not None]
        return [str(value)]

    def list_readable(self, key: str) -> bool:
        """False when a list key's block is there but cannot be read as a list (a typo
        such as an unclosed `[`): its block is then the person's text, kept as it is."""
        block = self.meta_blocks.get(key)
        if block is None or _flow_items(key, block) is not None:
            return True
        return isinstance(self.meta.get(key), (list, tuple, str))

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
    blocks: dict[str, str] = {}
    raw = ""
    body = text
    match = _FRONT.match(text)
    if match:
        raw = match.group(1)
        blocks = _key_blocks(raw)
        body = text[match.end():]
    preamble: list[str] = []
    sections: list[Section] = []
    for line in body.split("\n"):
        heading = _HEADING.match(line)
        if heading and len(heading.group(1)) == 2:
            sections.append(Section(heading.group(2), raw=line))
        elif sections:
            sections[-1].lines.append(line)
        else:
            preamble.append(line)
    return ParsedNote(meta_blocks=blocks, preamble=preamble, sections=sections, raw_front=raw)


_FLOW = re.compile(r"^\s*\[(.*)\]\s*$")
_FLOW_ITEM = re.compile(r'\s*("(?:[^"\\]|\\.)*"|[A-Za-z0-9_][\w.\'&()/+-]*(?: [\w.\'&()/+-]+)*)\s*(?:,|$)')
_YAML_WORDS = {"yes", "no", "true", "false", "null", "on", "off", "y", "n", "~"}


def _flow_items(key: str, block: str) -> list[str] | None:
    """Items of `key: [a, "b c", d]` on one line, or None when YAML must decide."""
    head, _, rest = block.partition(":")
    if head.strip() != key or "\n" in block:
        return None
    match = _FLOW.match(rest)
    if not match:
        return None
    inner, items, pos = match.group(1), [], 0
    while pos < len(inner):
        item = _FLOW_ITEM.match(inner, pos)
        if not item or item.end() == pos:
            return None
        text = item.group(1)
        if text.startswith('"'):
            try:
                text = json.loads(text)
            except ValueError:
                return None
        elif text.casefold() in _YAML_WORDS:
            return None
        items.append(text)
        pos = item.end()
    return items


@lru_cache(maxsize=4096)
def _load_front_matter(raw: str) -> dict[str, Any]:
    """The front matter as data. Cached: a run parses the same headers again and again
    (what factbook wrote, what is on disk, what it renders now), and YAML is slow."""
    try:
        loaded = YAML(typ="safe").load(raw)
    except YAMLError:
        return {}
    return loaded if isinstance(loaded, dict) else {}


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
