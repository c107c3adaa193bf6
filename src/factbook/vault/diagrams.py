"""Mermaid pictures in notes, which Obsidian draws with no plugin: an account's
relationship map (its people with their roles, their links to projects and other
accounts, the user's colleagues who work the account) and a timeline of dated events.

Both are kept small enough to read (the most connected and most recent first) and are
regenerated on every render, in a section factbook owns. Every label is escaped, so a
name from a document cannot break or extend a diagram.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from factbook.models import EntityKind
from factbook.store.base import EntityRecord, Store
from factbook.store.people import PersonDetails
from factbook.vault.people import PeopleIndex

MAP_HEADING = "Relationship map"
MAX_PEOPLE = 8
MAX_COLLEAGUES = 4
MAX_LINKS_PER_PERSON = 2
MAX_OTHERS = 6
MAX_EVENTS = 10
LABEL_CHARS = 60
# Characters Mermaid reads inside a label, as its entity codes.
_LABEL_CODES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "`": "#96;", "[": "#91;",
                "]": "#93;", "{": "#123;", "}": "#125;", "|": "#124;", ";": "#59;", "&": "#38;"}


@dataclass(frozen=True)
class DatedEvent:
    """One point of a timeline diagram."""

    date: date
    text: str


def escape_label(text: str, limit: int = LABEL_CHARS) -> str:
    """Text made safe inside a quoted Mermaid flowchart label (entity codes for the
    characters Mermaid reads), on one line and cut to `limit` characters."""
    flat = " ".join(str(text).split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return "".join(_LABEL_CODES.get(char, char) for char in flat)


def timeline_text(text: str, limit: int = LABEL_CHARS) -> str:
    """Text made safe as a Mermaid timeline period or event: no ':' (the separator), no
    '#' or '%%' (comments), on one line, cut to `limit` characters."""
    flat = " ".join(str(text).split()).replace(":", "∶").replace("#", "＃").replace("%", "％")
    flat = flat.replace(";", ",")
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return flat or "—"


def fenced(lines: list[str]) -> list[str]:
    """Diagram lines inside a ```mermaid fence."""
    return ["```mermaid", *lines, "```"] if lines else []


def timeline_block(title: str, events: Iterable[DatedEvent], cap: int = MAX_EVENTS) -> list[str]:
    """A fenced Mermaid timeline of the `cap` most recent events, oldest first, events of
    one day together; [] when there is none."""
    by_day: dict[date, list[str]] = {}
    for event in sorted(events, key=lambda e: (e.date, e.text), reverse=True):
        if len(by_day) >= cap and event.date not in by_day:
            continue
        texts = by_day.setdefault(event.date, [])
        if len(texts) < 3 and timeline_text(event.text) not in texts:
            texts.append(timeline_text(event.text))
    if not by_day:
        return []
    lines = ["timeline", f"  title {timeline_text(title)}"]
    for day in sorted(by_day):
        lines.append(f"  {day.isoformat()} : " + " : ".join(by_day[day]))
    return fenced(lines)


@dataclass
class _Node:
    key: str
    label: str
    rank: tuple


def _co_occurring(store: Store, entity_id: int, docs=None) -> dict[int, tuple[int, date]]:
    """Entities named in the same sources as `entity_id` (its `docs`, when the caller has
    them): id → (shared sources, newest date)."""
    out: dict[int, tuple[int, date]] = {}
    for doc in store.documents_for_entity(entity_id) if docs is None else docs:
        for other in store.entities_for_document(doc.id):
            if other != entity_id:
                count, newest = out.get(other, (0, date.min))
                out[other] = (count + 1, max(newest, doc.date or date.min))
    return out


def relationship_map(store: Store, account: EntityRecord, entity=None, docs=None,
                     people_index: PeopleIndex | None = None) -> list[str]:
    """The fenced Mermaid flowchart of an account's people (with roles), the user's
    colleagues who work it, and the projects and other accounts they link to; [] when the
    account has no person. Its people are those whose organization it is and those named
    in its sources. `entity(id)` looks entities up (default: the store's); `docs` are the
    account's sources and `people_index` the render's person details, when the caller has
    them."""
    look = entity or store.entity
    index = people_index or PeopleIndex(store)
    near = _co_occurring(store, account.id, docs)
    for member, _ in index.people_of(account):
        near.setdefault(member.id, (0, date.min))
    people, colleagues = [], []
    for other_id, (count, newest) in near.items():
        other = look(other_id)
        if other.kind is not EntityKind.PERSON or other.merged_into is not None:
            continue
        details = index.details(other_id)
        item = (other, details, (-count, -newest.toordinal(), other.name))
        (colleagues if (details.relationship or "").casefold() == "colleague" else people).append(item)
    if not people and not colleagues:
        return []
    people = sorted(people, key=lambda p: p[2])[:MAX_PEOPLE]
    colleagues = sorted(colleagues, key=lambda p: p[2])[:MAX_COLLEAGUES]
    lines = ["flowchart LR", f'  a0["{escape_label(account.name)}"]']
    others: dict[int, str] = {}
    for n, (person, details, _) in enumerate(people, start=1):
        label = escape_label(person.name) + (f"<br/>{escape_label(details.role)}" if details.role else "")
        lines.append(f'  p{n}["{label}"] --- a0')
        lines += _person_links(store, look, account, person, details, f"p{n}", others)
    for n, (person, details, _) in enumerate(colleagues, start=1):
        role = f"<br/>{escape_label(details.role)}" if details.role else "<br/>colleague"
        lines.append(f'  c{n}["{escape_label(person.name)}{role}"] -. works .- a0')
    for node, name in _account_projects(look, near, others):
        lines.append(f'  a0 --> {node}["{escape_label(name)}"]')
    lines.append("  classDef account fill:#e8f0fe,stroke:#4a6fa5")
    lines.append("  class a0 account")
    return fenced(lines)


def _person_links(store: Store, look, account: EntityRecord, person: EntityRecord,
                  details: PersonDetails, node: str, others: dict[int, str]) -> list[str]:
    """Edges from a person to the projects and other accounts they are named with (their
    own organization first, when it is another account)."""
    links = []
    ranked = sorted(_co_occurring(store, person.id).items(),
                    key=lambda kv: (-kv[1][0], -kv[1][1].toordinal(), kv[0]))
    for other_id, _ in ranked:
        if len(links) >= MAX_LINKS_PER_PERSON:
            break
        other = look(other_id)
        if other_id == account.id or other.kind is EntityKind.PERSON or other.merged_into:
            continue
        if other_id not in others:
            if len(others) >= MAX_OTHERS:
                continue
            others[other_id] = f"o{len(others) + 1}"
            links.append(f'  {node} --> {others[other_id]}["{escape_label(other.name)}"]')
        else:
            links.append(f"  {node} --> {others[other_id]}")
    if details.org and details.org.casefold() not in (account.name.casefold(),
                                                      *(a.casefold() for a in account.aliases)):
        links.insert(0, f'  {node} -. works at .- org{node}["{escape_label(details.org)}"]')
    return links


def _account_projects(look, near: dict[int, tuple[int, date]],
                      others: dict[int, str]) -> list[tuple[str, str]]:
    """The account's own projects not yet drawn, most shared first."""
    out = []
    ranked = sorted(near.items(), key=lambda kv: (-kv[1][0], -kv[1][1].toordinal(), kv[0]))
    for other_id, _ in ranked:
        other = look(other_id)
        if other.kind in (EntityKind.PROJECT, EntityKind.PRODUCT) and other_id not in others \
                and len(others) < MAX_OTHERS:
            others[other_id] = f"o{len(others) + 1}"
            out.append((others[other_id], other.name))
    return out
