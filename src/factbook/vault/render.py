"""Rendering notes from the store: entity notes in the shape of DESIGN.md, and source notes."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date

from factbook.models import NOTE_TYPE, EntityKind
from factbook.store.base import DocumentRecord, EntityRecord, FactRecord, Store
from factbook.vault.frontmatter import render_front_matter
from factbook.vault.layout import link, tag_slug
from factbook.vault.notes import ParsedNote, Section, parse_note, strip_lines
from factbook.vault.tasks import format_task

RECENT_CONTEXT_CAP = 12
TOPICS_CAP = 6
RELATED_CAP = 12
REVIEW_TAG = "needs-review"
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

    def forget(self, entity_id: int) -> None:
        self._entities.pop(entity_id, None)

    def under_review(self, entity_id: int) -> bool:
        """True when an open review item concerns the entity."""
        if not hasattr(self, "_review"):
            self._review = {i.entity_id for i in self.store.review_items("open")}
            self._review |= {i.other_id for i in self.store.review_items("open") if i.other_id}
        return entity_id in self._review


def entity_tag(entity: EntityRecord) -> str:
    """The tag that ties tasks to an entity (`account/acme`)."""
    return f"{NOTE_TYPE[entity.kind]}/{tag_slug(entity.name)}"


def render_entity_note(lookup: Lookup, entity: EntityRecord, existing: str | None) -> str:
    """An entity's note from the store, keeping what the person wrote in `existing`."""
    store = lookup.store
    on_disk = parse_note(existing) if existing else None
    adopted = entity.adopted
    facts = [f for f in store.facts_for_entity(entity.id) if f.status == "active"]
    docs = store.documents_for_entity(entity.id)
    needs_review = any(f.conflicts for f in facts) or lookup.under_review(entity.id)
    body = [f"# {entity.name}", ""]
    extra_preamble = _extra_preamble(on_disk, adopted)
    if extra_preamble:
        body += extra_preamble + [""]
    body += _section("Key Facts", _fact_lines(lookup, facts))
    body += _section("Recent Context", _context_lines(docs, adopted.get("context", [])))
    body += _section("Tasks", ["```tasks", f"tags include #{entity_tag(entity)}", "not done", "```"])
    body += _section("Topics", [f"- {t}" for t in _topics(docs, adopted.get("topics", []))])
    body += _section("Key Decisions", _decision_lines(lookup, entity, adopted.get("decisions", [])))
    body += _section("Related", _related_line(lookup, entity, facts, docs))
    for section in _kept_sections(on_disk, adopted):
        body += [f"## {section.heading}", *strip_lines(section.lines), ""]
    owned = {
        "type": NOTE_TYPE[entity.kind],
        "name": entity.name,
        "aliases": entity.aliases or None,
        "created": entity.created,
        "last_contact": _last_contact(docs, adopted.get("last_contact")),
        "tags": _tags(entity, on_disk, adopted, needs_review),
    }
    extra = dict(adopted.get("meta_blocks", {}))
    if on_disk:
        extra.update(on_disk.meta_blocks)
    return render_front_matter(owned, extra) + "\n".join(body).rstrip("\n") + "\n"


def _section(heading: str, lines: list[str]) -> list[str]:
    return [f"## {heading}", "", *lines, ""] if lines else [f"## {heading}", ""]


def _fact_lines(lookup: Lookup, facts: list[FactRecord]) -> list[str]:
    def cited(fact: FactRecord) -> list[DocumentRecord]:
        docs = [lookup.document(c.document_id) for c in fact.citations]
        return sorted(docs, key=lambda d: (d.date or date.min, d.title))

    def newest(fact: FactRecord) -> date:
        return max([d.date or date.min for d in cited(fact)] + [fact.date or date.min])

    def line(fact: FactRecord) -> str:
        links = ", ".join(link(d.note_path) for d in cited(fact) if d.note_path)
        mark = "⚠ Conflicting report: " if fact.conflicts else ""
        return f"- {mark}{fact.text} ({links}) ^{fact.block_id}" if links else \
            f"- {mark}{fact.text} ^{fact.block_id}"

    disputed = sorted((f for f in facts if f.conflicts), key=lambda f: (min(f.conflicts + [f.id]), f.text))
    settled = sorted((f for f in facts if not f.conflicts),
                     key=lambda f: (-newest(f).toordinal(), -len(f.citations), f.text))
    return [line(f) for f in disputed + settled]


def _context_lines(docs: list[DocumentRecord], kept: list[str]) -> list[str]:
    lines = {}
    for doc in docs:
        if doc.kind == "note":
            continue  # the person's own note is the page itself, not context
        when = doc.date.isoformat() if doc.date else "undated"
        summary = f" — {doc.summary}" if doc.summary else ""
        target = link(doc.note_path) if doc.note_path else doc.title
        lines[f"- {when}: {target}{summary}"] = doc.date or date.min
    for item in kept:
        lines.setdefault(f"- {item}", _leading_date(item))
    ordered = sorted(lines, key=lambda k: (-lines[k].toordinal(), k))
    return ordered[:RECENT_CONTEXT_CAP]


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
    return list(kept) + found[: max(0, TOPICS_CAP - len(kept)) if kept else TOPICS_CAP]


def _decision_lines(lookup: Lookup, entity: EntityRecord, kept: list[str]) -> list[str]:
    lines = [f"- {item}" for item in kept]
    for decision in lookup.store.decisions_for_entity(entity.id):
        doc = lookup.document(decision.document_id)
        when = decision.date or doc.date
        prefix = f"{when.isoformat()}: " if when else ""
        source = f" ({link(doc.note_path)})" if doc.note_path else ""
        lines.append(f"- {prefix}{decision.text}{source}")
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


def _tags(entity: EntityRecord, on_disk: ParsedNote | None, adopted: dict, needs_review: bool) -> list[str]:
    tags: list[str] = []
    source = on_disk.meta.get("tags") if on_disk else adopted.get("tags")
    if isinstance(source, str):
        source = [source]
    for tag in source or []:
        if str(tag) not in tags:
            tags.append(str(tag))
    own = f"type/{NOTE_TYPE[entity.kind]}"
    if own not in tags:
        tags.insert(0, own)
    if needs_review and REVIEW_TAG not in tags:
        tags.append(REVIEW_TAG)
    return tags


def _extra_preamble(on_disk: ParsedNote | None, adopted: dict) -> list[str]:
    lines = on_disk.preamble if on_disk else adopted.get("preamble", [])
    kept = [ln for ln in lines if not ln.startswith("# ")]
    return strip_lines(kept)


def _kept_sections(on_disk: ParsedNote | None, adopted: dict) -> list[Section]:
    if on_disk:
        return on_disk.foreign_sections()
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
    body = [f"# {doc.title}", ""]
    if doc.summary:
        body += ["## Summary", "", doc.summary, ""]
    tasks = store.tasks_for_document(doc.id)
    if tasks:
        body += ["## Tasks", ""]
        for task in tasks:
            tags = ["task"] + [entity_tag(lookup.entity(e)) for e in task.entities]
            body.append(format_task(task, tags))
        body.append("")
    text = doc.text if len(doc.text) <= TEXT_IN_NOTE else doc.text[:TEXT_IN_NOTE] + "\n\n[…]"
    body += ["## Text", "", *_quoted(text), ""]
    if original:
        relative = os.path.relpath(original, os.path.dirname(doc.note_path or "."))
        body += [f"Original: [{original.rsplit('/', 1)[-1]}](<{relative}>)", ""]
    return render_front_matter(owned, {}) + "\n".join(body).rstrip("\n") + "\n"


def _quoted(text: str) -> list[str]:
    """The document's text as a block quote, with checkboxes neutralized so Obsidian's
    Tasks plugin never mistakes a quoted line for a task."""
    return [("> " + ln.replace("[ ]", "\\[ ]").replace("[x]", "\\[x]")).rstrip()
            for ln in text.split("\n")]
