"""`factbook search`: ranked answers over facts, sources and notes.

Full-text ranking (FTS5/BM25) always; when an embedder is given, its nearest
neighbours are fused with the full-text ranking (reciprocal rank fusion).
Every hit says what it is, which entity it concerns, its date, a snippet and
the source note it comes from.
"""
from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from factbook.errors import FactbookError, InputError
from factbook.query.common import SourceRef, connection, to_plain
from factbook.query.entities import find_entity
from factbook.query.fts import Filters, RawHit, match_expression, ranked, snippet
from factbook.query.notes_index import refresh_notes
from factbook.store.base import Store
from factbook.vault.layout import VaultLayout

log = logging.getLogger(__name__)

RESULT_TYPES = ("fact", "source", "note")
FULL_TEXT = "full-text"
HYBRID = "hybrid"
# Reciprocal rank fusion constant: damps the weight of the very first ranks.
RRF_K = 60


@dataclass
class SearchHit:
    """One answer: a fact, a source or a note, with where it comes from."""

    type: str
    id: int
    title: str
    snippet: str
    score: float
    entities: list[str] = field(default_factory=list)
    date: date | None = None
    kind: str | None = None
    note_path: str | None = None
    link: str | None = None
    sources: list[SourceRef] = field(default_factory=list)


@dataclass
class SearchResult:
    """The answers to one query, and how they were ranked."""

    query: str
    mode: str
    hits: list[SearchHit]
    notice: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        return to_plain(self)


def search(store: Store, query: str, *, layout: VaultLayout | None = None,
           entity: str | None = None, kind: str | None = None, since: date | None = None,
           until: date | None = None, types: tuple[str, ...] = RESULT_TYPES, limit: int = 10,
           embedder: Any = None, notice: str | None = None, refresh: bool = True) -> SearchResult:
    """Rank facts, sources and (with `layout`) notes for `query`.

    `entity` keeps what concerns that entity, `kind` a document kind (or a note
    type), `since`/`until` a date range. With `embedder` the ranking is hybrid.
    Notes are searched when `layout` is given; `refresh` first re-reads the notes
    changed on disk since the last search.
    """
    unknown = [t for t in types if t not in RESULT_TYPES]
    if unknown:
        raise InputError("--type", f"{unknown[0]!r} is not one of {', '.join(RESULT_TYPES)}")
    expr = match_expression(query)
    if expr is None:
        raise InputError("query", f"{query!r} has no word to search for")
    filters = _filters(store, entity, kind, since, until)
    if layout is not None and "note" in types:
        if refresh:
            refresh_notes(store, layout)
        filters = dataclasses.replace(filters, skip_note_sources=True)
    elif "note" in types:
        types = tuple(t for t in types if t != "note")
    db = connection(store)
    depth = max(limit * 3, 20)
    hits = ranked(db, expr, filters, depth, types)
    if not hits:
        # No item holds every word: rank by any of them instead.
        any_expr = match_expression(query, any_term=True)
        if any_expr:
            expr = any_expr
            hits = ranked(db, expr, filters, depth, types)
    mode = FULL_TEXT
    if embedder is not None:
        from factbook.query.embeddings import semantic_ranked

        try:
            near = semantic_ranked(store, embedder, query, filters, depth, types)
        except FactbookError as exc:
            # The words still answer: say plainly that meaning did not.
            log.warning("semantic search failed: %s", exc)
            notice = f"semantic search failed ({exc}); results are full-text only"
        else:
            hits = fuse(hits, near)
            mode = HYBRID
    described = describe(store, hits, limit)
    for hit in described:
        hit.snippet = snippet(db, expr, hit.type, hit.id) or _opening(db, hit.type, hit.id)
    return SearchResult(query=query, mode=mode, hits=described, notice=notice)


def _filters(store: Store, entity: str | None, kind: str | None, since: date | None,
             until: date | None) -> Filters:
    if since and until and since > until:
        raise InputError("--since", f"{since} is after --until {until}")
    if not entity:
        return Filters(kind=kind or None, since=since, until=until)
    record = find_entity(store, entity)
    return Filters(entity_id=record.id, entity_note=record.note_path, entity_name=record.name,
                   kind=kind or None, since=since, until=until)


def fuse(*rankings: list[RawHit]) -> list[RawHit]:
    """Reciprocal rank fusion: an item's score is the sum of 1/(k + rank) over the rankings."""
    scores: dict[tuple[str, int], float] = {}
    first: dict[tuple[str, int], RawHit] = {}
    for ranking in rankings:
        for rank, hit in enumerate(ranking, start=1):
            key = (hit.type, hit.id)
            scores[key] = scores.get(key, 0.0) + 1.0 / (RRF_K + rank)
            if key not in first or (not first[key].snippet and hit.snippet):
                first[key] = hit
    fused = [RawHit(k[0], k[1], scores[k], first[k].snippet) for k in scores]
    return sorted(fused, key=lambda h: (-h.score, h.type, h.id))


def _opening(db, type_: str, row_id: int) -> str:
    """A plain opening for a hit that no word of the query matched (a semantic hit)."""
    if type_ == "fact":
        row = db.execute("SELECT text FROM facts WHERE id = ?", (row_id,)).fetchone()
    elif type_ == "source":
        row = db.execute("SELECT substr(coalesce(nullif(summary, ''), text), 1, 200)"
                         " FROM documents WHERE id = ?", (row_id,)).fetchone()
    else:
        row = db.execute("SELECT substr(body, 1, 200) FROM fts_notes WHERE rowid = ?",
                         (row_id,)).fetchone()
    return " ".join((row[0] if row else "").split())[:200]


def describe(store: Store, hits: list[RawHit], limit: int) -> list[SearchHit]:
    """Turn ranked rows into answers; a claim stored on several entities is one answer."""
    db = connection(store)
    out: list[SearchHit] = []
    facts_by_text: dict[str, SearchHit] = {}
    for raw in hits:
        if len(out) >= limit:
            break
        if raw.type == "fact":
            hit = _describe_fact(db, raw)
            if hit is None:
                continue
            same = facts_by_text.get(hit.title.casefold())
            if same is not None:
                same.entities += [e for e in hit.entities if e not in same.entities]
                continue
            facts_by_text[hit.title.casefold()] = hit
        elif raw.type == "source":
            hit = _describe_source(db, raw)
        else:
            hit = _describe_note(db, raw)
        if hit is not None:
            out.append(hit)
    return out


def _ref(row) -> SourceRef:
    return SourceRef(row["id"], row["title"], row["kind"],
                     date.fromisoformat(row["date"]) if row["date"] else None, row["note_path"])


def _describe_fact(db, raw: RawHit) -> SearchHit | None:
    row = db.execute("SELECT f.text, f.date, e.name, e.note_path FROM facts f"
                     " JOIN entities e ON e.id = f.entity_id WHERE f.id = ?", (raw.id,)).fetchone()
    if row is None:
        return None
    refs = [_ref(r) for r in db.execute(
        "SELECT d.id, d.title, d.kind, d.date, d.note_path FROM citations c"
        " JOIN documents d ON d.id = c.document_id WHERE c.fact_id = ?"
        " ORDER BY d.date IS NULL, d.date DESC, d.id", (raw.id,))]
    when = date.fromisoformat(row["date"]) if row["date"] else next(
        (r.date for r in refs if r.date), None)
    newest = refs[0] if refs else None
    return SearchHit(type="fact", id=raw.id, title=row["text"], snippet=raw.snippet or row["text"],
                     score=raw.score, entities=[row["name"]], date=when,
                     kind=newest.kind if newest else None,
                     note_path=newest.note_path if newest else row["note_path"],
                     link=newest.link if newest else None, sources=refs)


def _describe_source(db, raw: RawHit) -> SearchHit | None:
    row = db.execute("SELECT id, title, kind, date, note_path FROM documents WHERE id = ?",
                     (raw.id,)).fetchone()
    if row is None:
        return None
    names = [r[0] for r in db.execute(
        "SELECT e.name FROM document_entities de JOIN entities e ON e.id = de.entity_id"
        " WHERE de.document_id = ? ORDER BY de.mentions DESC, e.name LIMIT 5", (raw.id,))]
    ref = _ref(row)
    return SearchHit(type="source", id=raw.id, title=ref.title, snippet=raw.snippet,
                     score=raw.score, entities=names, date=ref.date, kind=ref.kind,
                     note_path=ref.note_path, link=ref.link, sources=[ref])


def _describe_note(db, raw: RawHit) -> SearchHit | None:
    row = db.execute("SELECT path, type, name, date FROM note_index WHERE id = ?",
                     (raw.id,)).fetchone()
    if row is None:
        return None
    entity = db.execute("SELECT name FROM entities WHERE note_path = ?", (row["path"],)).fetchone()
    stem = row["path"].rsplit("/", 1)[-1][:-3]
    return SearchHit(type="note", id=raw.id, title=row["name"], snippet=raw.snippet,
                     score=raw.score, entities=[entity[0]] if entity else [],
                     date=date.fromisoformat(row["date"]) if row["date"] else None,
                     kind=row["type"], note_path=row["path"], link=f"[[{stem}]]")


def format_search(result: SearchResult) -> str:
    """The result as lines for a terminal: what, which entity, when, source, snippet."""
    lines = [f"{result.mode} search for {result.query!r}: {len(result.hits)} result(s)"]
    if result.notice:
        lines.append(f"note: {result.notice}")
    for n, hit in enumerate(result.hits, start=1):
        head = [hit.type]
        if hit.entities:
            head.append(", ".join(hit.entities))
        head.append(hit.date.isoformat() if hit.date else "undated")
        if hit.link:
            head.append(hit.link)
        lines.append(f"{n}. " + " · ".join(head))
        lines.append(f"   {hit.snippet or hit.title}")
    return "\n".join(lines)
