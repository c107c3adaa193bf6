"""Who owns which line of a note, and merging factbook's new rendering with the note on disk.

Three texts meet when a note is written again:
- `base`: factbook's own rendering the last time it wrote the note (kept in the store);
- `disk`: the note as it is now, with whatever the person did to it;
- `new`: factbook's rendering now, from the store.

A line on disk is factbook's when it carries one of factbook's block ids (`^f-…`,
`^t-…`) known to the section, or when it is, word for word, a line factbook wrote
there last time. Every other line is the person's and is kept, after the same
factbook line it followed on disk (the nearest one that still exists). The same rule
holds one level up for front matter keys and `##` sections, and one level down
for the items of `tags` and `aliases`. Lines the person deleted are tombstoned by
the read-back (vault/readback.py) and filtered out of `new` here.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from factbook.vault.frontmatter import scalar
from factbook.vault.notes import ParsedNote, Section, parse_note, strip_lines

# A factbook line with a block id: always a list item ending in `^f-…` or `^t-…`.
BLOCK_LINE = re.compile(r"^\s*[-*+]\s.*\s\^([ft]-[0-9a-f]{6,})\s*$")
LIST_KEYS = ("tags", "aliases")
# Tombstone scopes that are not a section heading.
FRONT, PREAMBLE, SECTIONS = "#front", "#preamble", "#sections"
START = ("start",)


def block_id_of(line: str) -> str | None:
    """The factbook block id a list line ends with, if any."""
    match = BLOCK_LINE.match(line)
    return match.group(1) if match else None


def section_scope(heading: str) -> str:
    """The tombstone scope of a section's lines."""
    return heading.strip().casefold()


def list_scope(key: str) -> str:
    """The tombstone scope of the items of a front matter list (`#tags`)."""
    return f"#{key}"


@dataclass
class Merged:
    """The merged note, and factbook's own part of it (the next `base`)."""

    text: str
    own: str


def _keys(lines: list[str], ours=None) -> list[tuple]:
    """A key per line: its block id, else its text and occurrence. A blank line is keyed by
    the last factbook line before it (`ours` tells which they are; all, by default), so
    factbook's own spacing is told from blank lines a person adds."""
    seen: dict[object, int] = {}
    out: list[tuple] = []
    last: tuple = START
    for line in lines:
        bid = block_id_of(line)
        if bid:
            key: tuple = ("id", bid)
        elif line.strip():
            n = seen.get(line, 0)
            seen[line] = n + 1
            key = ("tx", line, n)
        else:
            n = seen.get(("bl", last), 0)
            seen[("bl", last)] = n + 1
            out.append(("bl", last, n))
            continue
        out.append(key)
        if ours is None or ours(line, key):
            last = key
    return out


def _norm(line: str) -> str:
    """A line without list marker, citations and block id, for matching without a base."""
    text = re.sub(r"\s\^[ft]-[0-9a-f]+\s*$", "", line.strip())
    text = re.sub(r"\s*\((?:\[\[[^\]]*\]\](?:,\s*)?)+\)\s*$", "", text)
    return re.sub(r"^[-*+]\s+", "", text).strip().casefold()


def merge_lines(base: list[str] | None, disk: list[str], new: list[str]) -> list[str]:
    """Factbook's `new` lines, with the person's lines from `disk` kept after the factbook
    line they followed there. `base` is what factbook wrote last (None when unknown)."""
    new_keys = _keys(new)
    present = set(new_keys)
    base_keys = set(_keys(base)) if base is not None else set()
    by_norm: dict[str, tuple] = {}
    if base is None:
        for line, key in zip(new, new_keys):
            if key[0] != "bl":
                by_norm.setdefault(_norm(line), key)
    def ours(line: str, key: tuple) -> bool:
        return _counterpart(line, key, base_keys, present, by_norm, base is None) is not False

    runs: dict[tuple, list[str]] = {}
    anchor: tuple = START
    pending: list[str] = []
    for line, key in zip(disk, _keys(disk, ours)):
        counterpart = _counterpart(line, key, base_keys, present, by_norm, base is None)
        if counterpart is False:
            pending.append(line)
            continue
        runs.setdefault(anchor, []).extend(pending)
        pending = []
        if counterpart is not None:
            anchor = counterpart
    runs.setdefault(anchor, []).extend(pending)
    out = list(runs.get(START, []))
    for line, key in zip(new, new_keys):
        out.append(line)
        if key in runs:
            out.extend(runs.pop(key))
    return strip_lines(out)


def _counterpart(line: str, key: tuple, base_keys: set, present: set,
                 by_norm: dict[str, tuple], no_base: bool) -> tuple | None | bool:
    """For a disk line: False when it is the person's; else the key of the `new` line that
    replaces it (None when factbook no longer writes it)."""
    if key[0] == "id" or (key[0] == "bl" and no_base):
        if key in base_keys or key in present:
            return key if key in present else None
        return False
    if key in base_keys:
        return key if key in present else None
    if no_base:
        found = by_norm.get(_norm(line))
        if found is not None:
            return found
    return False


def _front(parsed: ParsedNote | None) -> dict[str, str]:
    return dict(parsed.meta_blocks) if parsed else {}


def merge_front(base: ParsedNote | None, disk: ParsedNote, new: ParsedNote,
                tombs: set[tuple[str, str]]) -> list[str]:
    """The merged front matter key blocks, in order."""
    b, d, n = _front(base), _front(disk), _front(new)
    n = {k: v for k, v in n.items() if (FRONT, k) not in tombs}
    owned = set(n) | set(b)
    out_f: dict[str, str] = {}
    unreadable = {k for k in LIST_KEYS if k in d and not disk.list_readable(k)}
    for key in n:
        if key in unreadable:
            continue  # the person's typo: their block stays as they wrote it (below)
        if key in LIST_KEYS and key in d:
            out_f[key] = _merged_list(key, base, disk, new, tombs)
        else:
            out_f[key] = n[key]
    runs: dict[object, list[str]] = {}
    anchor: object = START
    for key, block in d.items():
        theirs = key not in owned or key in unreadable or (
            key not in LIST_KEYS and not _unchanged(key, block, b, n, base))
        if theirs:
            out_f.pop(key, None)
            runs.setdefault(anchor, []).append(block)
        elif key in out_f:
            anchor = key
    out = list(runs.get(START, []))
    for key, block in out_f.items():
        out.append(block)
        out.extend(runs.pop(key, []))
    return out


def _unchanged(key: str, block: str, b: dict[str, str], n: dict[str, str],
               base: ParsedNote | None) -> bool:
    """True when a factbook key on disk is as factbook wrote it (so factbook may update it)."""
    if base is not None:
        return b.get(key) == block
    return n.get(key) == block


def _merged_list(key: str, base: ParsedNote | None, disk: ParsedNote, new: ParsedNote,
                 tombs: set[tuple[str, str]]) -> str:
    scope = list_scope(key)
    new_items = [i for i in new.front_list(key) if (scope, i) not in tombs]
    base_items = base.front_list(key) if base else None
    items = merge_lines(base_items, disk.front_list(key), new_items)
    return f"{key}: [{', '.join(scalar(i, in_list=True) for i in items)}]"


def filter_new(new: ParsedNote, tombs: set[tuple[str, str]]) -> ParsedNote:
    """factbook's rendering less everything the person deleted before (tombstones)."""
    sections = []
    for section in new.sections:
        scope = section_scope(section.heading)
        if (SECTIONS, scope) in tombs:
            continue
        lines = [ln for ln in section.lines
                 if block_id_of(ln) or not ln.strip() or (scope, ln) not in tombs]
        sections.append(Section(section.heading, lines))
    blocks = {}
    for key, block in new.meta_blocks.items():
        if (FRONT, key) in tombs:
            continue
        if key in LIST_KEYS:
            items = [i for i in new.front_list(key) if (list_scope(key), i) not in tombs]
            block = f"{key}: [{', '.join(scalar(i, in_list=True) for i in items)}]"
        blocks[key] = block
    preamble = [ln for ln in new.preamble if not ln.strip() or (PREAMBLE, ln) not in tombs]
    return ParsedNote(meta_blocks=blocks, preamble=preamble, sections=sections,
                      raw_front="\n".join(blocks.values()))


def merge_note(base: str | None, disk: str | None, new: str,
               tombs: set[tuple[str, str]] | frozenset = frozenset()) -> Merged:
    """Merge factbook's `new` rendering into the note on `disk` (see the module docstring)."""
    n = filter_new(parse_note(new), set(tombs))
    own = assemble(list(n.meta_blocks.values()), n.preamble, n.sections, n.meta_blocks != {})
    if disk is None:
        return Merged(own, own)
    b = parse_note(base) if base is not None else None
    d = parse_note(disk)
    front = merge_front(b, d, n, set(tombs))
    preamble = merge_lines(strip_lines(b.preamble) if b else None, strip_lines(d.preamble),
                           strip_lines(n.preamble))
    sections = merge_sections(b, d, n)
    return Merged(assemble(front, preamble, sections, bool(front)), own)


def merge_sections(base: ParsedNote | None, disk: ParsedNote, new: ParsedNote) -> list[Section]:
    """factbook's sections in its order, each merged with the disk's; the person's own
    sections (and what they wrote in a section factbook dropped) kept after the section
    they followed."""
    new_by = {section_scope(s.heading): s for s in new.sections}
    base_by: dict[str, Section] = {}
    for s in (base.sections if base else []):
        base_by.setdefault(section_scope(s.heading), s)
    owned = set(new_by) | set(base_by)
    merged: dict[str, Section] = {}
    done: set[str] = set()
    runs: dict[object, list[Section]] = {}
    anchor: object = START
    for s in disk.sections:
        scope = section_scope(s.heading)
        if scope not in owned or scope in done:
            runs.setdefault(anchor, []).append(s)
            continue
        done.add(scope)
        b_lines = strip_lines(base_by[scope].lines) if scope in base_by else None
        n_sec = new_by.get(scope)
        lines = merge_lines(b_lines, strip_lines(s.lines), strip_lines(n_sec.lines) if n_sec else [])
        if n_sec is not None:
            merged[scope] = Section(n_sec.heading, lines)
            anchor = scope
        elif lines:  # factbook dropped the section; the person's lines in it stay
            runs.setdefault(anchor, []).append(Section(s.heading, ["", *lines], s.raw))
    out = list(runs.get(START, []))
    for scope, n_sec in new_by.items():
        out.append(merged.get(scope) or Section(n_sec.heading, strip_lines(n_sec.lines)))
        out.extend(runs.pop(scope, []))
    return out


def _rstrip_blank(lines: list[str]) -> list[str]:
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return lines[:end]


def assemble(front: list[str], preamble: list[str], sections: list[Section],
             with_front: bool) -> str:
    """A note's text from its parts, in factbook's layout."""
    parts: list[str] = []
    if with_front:
        parts += ["---", *front, "---"]
    body = strip_lines(preamble)
    if body:
        body.append("")
    for section in sections:
        if section.raw:  # the person's own section: exactly as written, trailing blanks aside
            body += [section.raw, *_rstrip_blank(section.lines)]
            body.append("")
        else:
            content = strip_lines(section.lines)
            body += [f"## {section.heading}", ""] + (content + [""] if content else [])
    text = "\n".join(parts) + ("\n" if parts else "") + "\n".join(body).rstrip("\n") + "\n"
    return text
