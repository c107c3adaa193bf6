"""Rendering notes from the store: entity notes in the shape of DESIGN.md, and source notes."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from factbook.models import NOTE_TYPE, EntityKind
from factbook.store.base import DocumentRecord, EntityRecord, FactRecord, Store
from factbook.vault.diagrams import MAP_HEADING, relationship_map
from factbook.vault.frontmatter import render_front_matter
from factbook.vault.layout import link, tag_slug
from factbook.vault.notes import Section, strip_lines
from factbook.vault.people import PeopleIndex, people_section, person_front_matter, person_line
from factbook.vault.tasks import format_task

RECENT_CONTEXT_CAP = 12
TOPICS_CAP = 6
RELATED_CAP = 12
REVIEW_TAG = "needs-review"
# Marks each side of a disagreement in Key Facts (read back by vault/readback.py).
CONFLICT_MARK = "⚠ Conflicting report: "
# Source notes hold the document's text up to this size; beyond it, the kept original.
TEXT_IN_NOTE = 100_000


@dataclass
class Lookup:
    """Cached look-ups of documents and entities while rendering many notes."""

    store: Store

    def __post_init__(self) -> None:
        self._docs: dict[int, DocumentRecord] = {}
        self._entities: dict[int, EntityRecord] = {}

    def document(self, document_id: int) -> DocumentRecord:
        if document_id not in self._docs:
            self._docs[document_id] = self.store.document(document_id)
        return self._docs[document_id]

    def entity(self, entity_id: int) -> EntityRecord:
        if entity_id not in self._entities:
            self._entities[entity_id] = self.store.entity(entity_id)
        return self._entities[entity_id]

    @property
    def people(self) -> PeopleIndex:
        """Person details and organizations, read once for this rendering pass."""
        if not hasattr(self, "_people"):
            self._people = PeopleIndex(self.store)
        return self._people

    def forget(self, entity_id: int) -> None:
        self._entities.pop(entity_id, None)

    def under_review(self, entity_id: int) -> bool:
        """True when an open review item concerns the entity and the person has not yet
        removed `needs-review` since it was raised."""
        if not hasattr(self, "_review"):
            items = [i for i in self.store.review_items("open") if not i.acknowledged]
            self._review = {i.entity_id for i in items} | {i.other_id for i in items if i.other_id}
        return entity_id in self._review


def entity_tag(entity: EntityRecord) -> str:
    """The tag that ties tasks to an entity (`account/acme`), from its note's file name,
    which is unique where the display name may not be."""
    return f"{NOTE_TYPE[entity.kind]}/{tag_slug(Path(entity.note_path).stem)}"


def tasks_query(entity: EntityRecord) -> list[str]:
    """The Obsidian Tasks query for an entity's open tasks. `tags include` matches any tag
    containing the text (#account/acme would also pick #account/acme-bank), so the query
    matches the whole tag with a regular expression instead."""
    pattern = "#" + entity_tag(entity).replace("/", "\\/")
    return ["```tasks", f"tags regex matches /^{pattern}$/i", "not done", "```"]


def render_entity_note(lookup: Lookup, entity: EntityRecord, existing: str | None) -> str:
    """An entity's note as factbook renders it from the store (and the adopted note it
    came from). What the person wrote in the vault is merged in afterwards by
    vault/ownership.py; `existing` is accepted for callers and not needed here."""
    store = lookup.store
    adopted = entity.adopted
    if entity.merged_into is not None:
        return render_redirect_note(lookup, entity)
    every = store.facts_for_entity(entity.id)
    facts = [f for f in every if f.status == "active"]
    history = [f for f in every if f.status == "superseded"]
    docs = store.documents_for_entity(entity.id)
    needs_review = lookup.under_review(entity.id)
    body = [f"# {entity.name}", "", *person_line(lookup.people, entity)]
    extra_preamble = _extra_preamble(adopted)
    if extra_preamble:
        body += extra_preamble + [""]
    body += _section("Key Facts", _fact_lines(lookup, facts))
    members = people_section(lookup.people, entity)
    if members:
        body += _section("People", members)
    if history:
        body += _section("History", _history_lines(lookup, history))
    body += _section("Recent Context", _context_lines(docs, adopted.get("context", [])))
    body += _section("Tasks", tasks_query(entity))
    body += _section("Topics", [f"- {t}" for t in _topics(docs, adopted.get("topics", []))])
    body += _section("Key Decisions", _decision_lines(lookup, entity, adopted.get("decisions", [])))
    body += _section("Related", _related_line(lookup, entity, facts, docs))
    picture = (relationship_map(store, entity, lookup.entity, docs, lookup.people)
               if entity.kind is EntityKind.ORGANIZATION else [])
    if picture:
        body += _section(MAP_HEADING, picture)
    for section in _kept_sections(adopted):
        body += [f"## {section.heading}", *strip_lines(section.lines), ""]
    owned = {
        "type": NOTE_TYPE[entity.kind],
        "name": entity.name,
        "aliases": entity.aliases or None,
        **person_front_matter(lookup.people, entity),
        "created": entity.created,
        "last_contact": _last_contact(docs, adopted.get("last_contact")),
        "tags": _tags(entity, adopted, needs_review),
    }
    extra = dict(adopted.get("meta_blocks", {}))
    return render_front_matter(owned, extra) + "\n".join(body).rstrip("\n") + "\n"


def _section(heading: str, lines: list[str]) -> list[str]:
    return [f"## {heading}", "", *lines, ""] if lines else [f"## {heading}", ""]


_WIKILINK = re.compile(r"\[\[([^\]|]*)(?:\|([^\]]*))?\]\]")
_BLOCK_REF = re.compile(r"\^(?=[\w-])")
_TAG = re.compile(r"(?<![\w\\])#(?=[^\s#\d])")


def inert(text: str) -> str:
    """Text taken from a document, made safe to place in a note: wikilinks become their
    words, block ids and tags lose their markers, so a document cannot link, tag or
    address anything in the vault through a fact."""
    text = _WIKILINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = text.replace("[[", "[ [").replace("]]", "] ]")
    text = _BLOCK_REF.sub("", text)
    return _TAG.sub("\\#", _markup_inert(one_line(text)))


_CHECKBOX = re.compile(r"^(\s*(?:[-*+]\s+)?)\[([ xX/-])\]")
_HTML_TAG = re.compile(r"<(?=[A-Za-z/!?])")


def one_line(text: str) -> str:
    """Text for a single line of a note (a title, a fact): line breaks become spaces."""
    return re.sub(r"[ \t]*[\r\n\u2028\u2029\x0b\x0c]+[ \t]*", " ", text).strip()


def _markup_inert(text: str) -> str:
    """Obsidian markup a document's words must not carry into a note: comments (`%%`),
    HTML tags (`<script>`), and a leading checkbox (`[ ]`) that would become a task."""
    text = text.replace("%%", "\\%\\%")
    text = _HTML_TAG.sub("&lt;", text)
    return _CHECKBOX.sub(lambda m: f"{m.group(1)}\\[{m.group(2)}]", text)


def quoted_inert(line: str) -> str:
    """A line of a document's text, quoted in its source note: it reads the same, but
    links, embeds, tags, block ids, comments, HTML and checkboxes stay words."""
    line = line.replace("[[", "\\[\\[").replace("]]", "\\]\\]")
    line = _BLOCK_REF.sub("\\^", line)
    line = _TAG.sub("\\#", _markup_inert(line))
    return line.replace("[ ]", "\\[ ]").replace("[x]", "\\[x]")


def inert_linked(text: str) -> str:
    """A stored fact's text made safe like `inert`, except for the links over the source's
    words that merging put there (store/merge.py made a document's own links words)."""
    pieces = _OWN_LINK.split(one_line(text))
    return "".join(p if i % 2 else _inert_between(p) for i, p in enumerate(pieces))


def _inert_between(piece: str) -> str:
    """`inert` for the words between two links, keeping the spaces that part them."""
    lead = " " if piece[:1].isspace() else ""
    trail = " " if piece[-1:].isspace() and piece.strip() else ""
    return lead + inert(piece) + trail


_OWN_LINK = re.compile(r"(\[\[[^\[\]|#^\n]+(?:\|[^\[\]\n]+)?\]\])")


def _cited(lookup: Lookup, fact: FactRecord) -> list[DocumentRecord]:
    docs = [lookup.document(c.document_id) for c in fact.citations]
    return sorted(docs, key=lambda d: (d.date or date.min, d.title))


def _fact_line(lookup: Lookup, fact: FactRecord, prefix: str = "") -> str:
    """`- text (citations) ^f-id`: the person's wording when they edited it, and every
    source, plus any link the person put beside the sources."""
    links = [link(d.note_path) for d in _cited(lookup, fact) if d.note_path]
    links += [extra for extra in fact.user_links if extra not in links]
    cites = f" ({', '.join(links)})" if links else ""
    text = fact.user_text if fact.user_text is not None else inert_linked(fact.text)
    return f"- {prefix}{text}{cites} ^{fact.block_id}"


def _fact_lines(lookup: Lookup, facts: list[FactRecord]) -> list[str]:
    def newest(fact: FactRecord) -> date:
        return max([d.date or date.min for d in _cited(lookup, fact)] + [fact.date or date.min])

    active = {f.id for f in facts}
    for fact in facts:  # a report disputed only by a tombstoned one is no longer disputed
        fact.conflicts = [c for c in fact.conflicts if c in active]

    def line(fact: FactRecord) -> str:
        return _fact_line(lookup, fact, CONFLICT_MARK if fact.conflicts else "")

    disputed = sorted((f for f in facts if f.conflicts), key=lambda f: (min(f.conflicts + [f.id]), f.text))
    settled = sorted((f for f in facts if not f.conflicts),
                     key=lambda f: (-newest(f).toordinal(), -len(f.citations), f.text))
    return [line(f) for f in disputed + settled]


def _history_lines(lookup: Lookup, facts: list[FactRecord]) -> list[str]:
    """Superseded facts, newest first, each with the date it refers to."""
    def when(fact: FactRecord) -> date | None:
        return fact.date or max((d.date for d in _cited(lookup, fact) if d.date), default=None)

    ordered = sorted(facts, key=lambda f: (-(when(f) or date.min).toordinal(), f.id))
    return [_fact_line(lookup, f, f"{when(f).isoformat()}: " if when(f) else "") for f in ordered]


def _context_lines(docs: list[DocumentRecord], kept: list[str]) -> list[str]:
    lines = {}
    for doc in docs:
        if doc.kind == "note":
            continue  # the person's own note is the page itself, not context
        when = doc.date.isoformat() if doc.date else "undated"
        summary = f" — {inert(doc.summary)}" if doc.summary else ""
        target = link(doc.note_path) if doc.note_path else doc.title
        lines[f"- {when}: {target}{summary}"] = doc.date or date.min
    for item in kept:
        lines.setdefault(f"- {item}", _leading_date(item))
    ordered = sorted(lines, key=lambda k: (-lines[k].toordinal(), k))
    if len(ordered) > RECENT_CONTEXT_CAP:
        # The rest stays reachable: every source note links here (Obsidian's backlinks).
        rest = len(ordered) - RECENT_CONTEXT_CAP
        return ordered[:RECENT_CONTEXT_CAP] + [
            f"- … {rest} older source{'s' if rest > 1 else ''}: see the backlinks of this note"]
    return ordered


def _leading_date(text: str) -> date:
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return date.min


def _topics(docs: list[DocumentRecord], kept: list[str]) -> list[str]:
    counts: dict[str, int] = {}
    for doc in docs:
        for rank, topic in enumerate(doc.topics):
            counts[topic] = counts.get(topic, 0) + 100 - rank
    seen = {t.casefold() for t in kept}
    found = [t for t in sorted(counts, key=lambda t: (-counts[t], t)) if t.casefold() not in seen]
    return list(kept) + [inert(t) for t in found[: max(0, TOPICS_CAP - len(kept)) if kept else TOPICS_CAP]]


def _decision_lines(lookup: Lookup, entity: EntityRecord, kept: list[str]) -> list[str]:
    lines = [f"- {item}" for item in kept]
    for decision in lookup.store.decisions_for_entity(entity.id):
        doc = lookup.document(decision.document_id)
        when = decision.date or doc.date
        prefix = f"{when.isoformat()}: " if when else ""
        source = f" ({link(doc.note_path)})" if doc.note_path else ""
        lines.append(f"- {prefix}{inert(decision.text)}{source}")
    return lines


def _related_line(lookup: Lookup, entity: EntityRecord, facts: list[FactRecord],
                  docs: list[DocumentRecord]) -> list[str]:
    weight: dict[int, int] = {}
    for fact in facts:
        for other in fact.counterparts:
            weight[other] = weight.get(other, 0) + 3
    for doc in docs:
        for other in lookup.store.entities_for_document(doc.id):
            weight[other] = weight.get(other, 0) + 1
    weight.pop(entity.id, None)
    names = []
    for other in sorted(weight, key=lambda e: (-weight[e], e))[:RELATED_CAP]:
        names.append(link(lookup.entity(other).note_path))
    return ["- " + " · ".join(names)] if names else []


def _last_contact(docs: list[DocumentRecord], kept: object) -> date | None:
    dates = [d.date for d in docs if d.date]
    if kept:
        try:
            dates.append(date.fromisoformat(str(kept)[:10]))
        except ValueError:
            pass
    return max(dates) if dates else None


def _tags(entity: EntityRecord, adopted: dict, needs_review: bool) -> list[str]:
    tags: list[str] = []
    source = adopted.get("tags")
    if isinstance(source, str):
        source = [source]
    for tag in source or []:
        # `needs-review` is factbook's to raise (an adopted note's flag became a review item)
        if str(tag) not in tags and str(tag) != REVIEW_TAG:
            tags.append(str(tag))
    own = f"type/{NOTE_TYPE[entity.kind]}"
    if own not in tags:
        tags.insert(0, own)
    if needs_review and REVIEW_TAG not in tags:
        tags.append(REVIEW_TAG)
    return tags


def _extra_preamble(adopted: dict) -> list[str]:
    lines = adopted.get("preamble", [])
    kept = [ln for ln in lines if not ln.startswith("# ")]
    return strip_lines(kept)


def _kept_sections(adopted: dict) -> list[Section]:
    return [Section(s["heading"], list(s["lines"])) for s in adopted.get("sections", [])]


def render_source_note(lookup: Lookup, doc: DocumentRecord, original: str | None = None) -> str:
    """A source's note: its metadata, summary, what was extracted, and its text."""
    store = lookup.store
    entity_ids = store.entities_for_document(doc.id)
    entities = [lookup.entity(e) for e in entity_ids]
    owned = {
        "type": "source", "kind": doc.kind, "title": doc.title, "date": doc.date,
        "url": doc.url, "publisher": doc.publisher, "authors": doc.authors or None,
        "participants": doc.participants or None,
        "entities": [link(e.note_path) for e in sorted(entities, key=lambda e: e.name)] or None,
        "sha256": doc.sha256, "original": original,
    }
    body = [f"# {inert(doc.title)}", ""]
    if doc.summary:
        body += ["## Summary", "", inert(doc.summary), ""]
    tasks = [t for t in store.tasks_for_document(doc.id) if not t.deleted]
    if tasks:
        body += ["## Tasks", ""]
        for task in tasks:
            if task.user_line:  # as the person last left it in Obsidian
                body.append(f"{task.user_line} ^{task.block_id}")
                continue
            tags = ["task"] + [entity_tag(lookup.entity(e)) for e in task.entities]
            body.append(format_task(task, tags))
        body.append("")
    decisions = getattr(store, "decisions_for_document", lambda _id: [])(doc.id)
    if decisions:  # what the meeting or thread decided, here as on its accounts' notes
        body += ["## Decisions", "", *[f"- {inert(d.text)}" for d in decisions], ""]
    text = doc.text if len(doc.text) <= TEXT_IN_NOTE else doc.text[:TEXT_IN_NOTE] + "\n\n[…]"
    body += ["## Text", "", *_quoted(text), ""]
    if original:
        relative = os.path.relpath(original, os.path.dirname(doc.note_path or "."))
        body += [f"Original: [{original.rsplit('/', 1)[-1]}](<{relative}>)", ""]
    return render_front_matter(owned, {}) + "\n".join(body).rstrip("\n") + "\n"


def _quoted(text: str) -> list[str]:
    """The document's text as a block quote, with checkboxes neutralized so Obsidian's
    Tasks plugin never mistakes a quoted line for a task."""
    return [("> " + quoted_inert(ln)).rstrip() for ln in text.split("\n")]


def render_redirect_note(lookup: Lookup, entity: EntityRecord) -> str:
    """The note of an entity merged into another: a pointer to where everything went
    (what the person wrote in it is kept by the ownership merge)."""
    target = lookup.store.entity(entity.merged_into)
    while target.merged_into is not None:
        target = lookup.store.entity(target.merged_into)
    owned = {"type": "redirect", "name": entity.name, "merged_into": link(target.note_path)}
    body = [f"# {entity.name}", "", f"Merged into {link(target.note_path)}: its facts, sources "
            "and tasks are there, and this name is one of its aliases."]
    return render_front_matter(owned, {}) + "\n".join(body) + "\n"
