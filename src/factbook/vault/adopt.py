"""Adopting an entity note a person already keeps: its content becomes part of the store.

Key Facts become facts cited to the note itself; Recent Context, Topics and Key
Decisions lines are kept as written; other sections, front matter keys and tags
are kept for every later rendering.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from factbook.models import KIND_OF_NOTE_TYPE, Document, EntityKind, Extraction, Fact, Mention
from factbook.sources.dates import parse_date
from factbook.vault.notes import parse_note

_OWNED_KEYS = {"type", "name", "aliases", "created", "last_contact", "tags"}


@dataclass
class AdoptedNote:
    """What an existing note contributes: the entity, what to keep, and its facts."""

    name: str
    kind: EntityKind
    aliases: list[str]
    created: date | None
    adopted: dict[str, Any]
    extraction: Extraction


def adopt_note(document: Document) -> AdoptedNote:
    """Read an existing entity note (a `NOTE` document) into what the store keeps of it."""
    meta = document.front_matter
    name = str(meta.get("name") or meta.get("title") or document.title).strip()
    kind = KIND_OF_NOTE_TYPE.get(str(meta.get("type", "")).strip().lower(), EntityKind.ORGANIZATION)
    aliases = meta.get("aliases") or []
    if isinstance(aliases, str):
        aliases = [aliases]
    note = parse_note(_reassemble(document))
    adopted: dict[str, Any] = {
        "meta_blocks": {k: v for k, v in note.meta_blocks.items() if k not in _OWNED_KEYS},
        "tags": [str(t) for t in (meta.get("tags") or [])] if not isinstance(meta.get("tags"), str)
        else [meta["tags"]],
        "last_contact": str(meta.get("last_contact") or "") or None,
        "preamble": note.preamble,
        "context": _items(note, "Recent Context"),
        "topics": _items(note, "Topics"),
        "decisions": _items(note, "Key Decisions"),
        "sections": [{"heading": s.heading, "lines": s.lines} for s in note.foreign_sections()],
    }
    facts = [Fact(text=item, subjects=[name], passage=item) for item in _items(note, "Key Facts")]
    mention = Mention(name=name, kind=kind, aliases=[str(a) for a in aliases])
    return AdoptedNote(name=name, kind=kind, aliases=[str(a) for a in aliases],
                       created=parse_date(meta.get("created")), adopted=adopted,
                       extraction=Extraction(mentions=[mention], facts=facts,
                                             summary=f"{name}: existing note adopted"))


def merge_adopted(first: dict[str, Any], second: dict[str, Any]) -> dict[str, Any]:
    """What two adopted notes of one entity keep together: the first note's lines, keys
    and sections stay; the second adds what the first did not have."""
    if not first:
        return dict(second)
    out: dict[str, Any] = dict(first)
    for key in ("tags", "preamble", "context", "topics", "decisions"):
        out[key] = _union(first.get(key) or [], second.get(key) or [])
    out["meta_blocks"] = {**(second.get("meta_blocks") or {}), **(first.get("meta_blocks") or {})}
    out["last_contact"] = max(filter(None, [first.get("last_contact"), second.get("last_contact")]),
                              default=None)
    sections = [dict(s, lines=list(s.get("lines") or [])) for s in first.get("sections") or []]
    by_heading = {s["heading"].strip().casefold(): s for s in sections}
    for section in second.get("sections") or []:
        same = by_heading.get(section["heading"].strip().casefold())
        if same is None:
            sections.append(dict(section))
        else:
            same["lines"] = _union(same["lines"], section.get("lines") or [])
    out["sections"] = sections
    return out


def _union(first: list, second: list) -> list:
    seen = {str(x).strip() for x in first if str(x).strip()}
    return list(first) + [x for x in second if str(x).strip() and str(x).strip() not in seen]


def _items(note, heading: str) -> list[str]:
    section = note.section(heading)
    return section.items() if section else []


def _reassemble(document: Document) -> str:
    """The note text with its front matter (the reader split them apart)."""
    return "---\n" + _dump_meta(document) + "---\n" + document.text


def _dump_meta(document: Document) -> str:
    from io import StringIO

    from ruamel.yaml import YAML

    stream = StringIO()
    yaml = YAML()
    yaml.default_flow_style = False
    yaml.dump(dict(document.front_matter), stream)
    return stream.getvalue()
