"""Full-text ranking with SQLite FTS5 (BM25) over facts, sources and notes.

A person's words become a safe FTS5 expression (every term quoted, so no input
is a syntax error); each table is ranked on its own, filtered in SQL, and only
the top rows get a snippet. Scores are BM25 negated: higher is better.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date

_TERM = re.compile(r'"([^"]*)"|(\w+\*?)', re.U)
_WORD = re.compile(r"\w+", re.U)
# Words too common to narrow an any-term search; they only slow it down.
_STOPWORDS = frozenset(
    "a an and are as at be by did do does for from had has have how i in is it its of on or"
    " that the their this to was were what when where which who why will with".split())
STOPWORDS = _STOPWORDS  # also dropped from a question by query/ask.py
SNIPPET_WORDS = 16
HIGHLIGHT = ("**", "**")


@dataclass(frozen=True)
class Filters:
    """What a search is narrowed to; None means no limit."""

    entity_id: int | None = None
    entity_note: str | None = None
    entity_name: str | None = None
    kind: str | None = None
    since: date | None = None
    until: date | None = None
    # When notes are searched, an adopted note's original text is the same page again.
    skip_note_sources: bool = False


@dataclass
class RawHit:
    """One ranked row from one index, before it is described."""

    type: str  # fact | source | note
    id: int
    score: float
    snippet: str = ""


def match_expression(query: str, any_term: bool = False) -> str | None:
    """An FTS5 expression for `query`: quoted phrases stay phrases, `word*` is a prefix;
    all terms must match unless `any_term`. None when the query has no searchable word."""
    parts: list[str] = []
    for phrase, word in _TERM.findall(query):
        if phrase:
            words = _WORD.findall(phrase)
            if words:
                parts.append('"' + " ".join(words) + '"')
        elif word:
            prefix = word.endswith("*")
            token = word.rstrip("*")
            if any_term and token.casefold() in _STOPWORDS:
                continue
            parts.append(f'"{token}"*' if prefix else f'"{token}"')
    if not parts:
        return None
    return " OR ".join(parts) if any_term else " ".join(parts)


def _between(column: str, filters: Filters, args: list) -> str:
    sql = ""
    if filters.since:
        sql += f" AND {column} >= ?"
        args.append(filters.since.isoformat())
    if filters.until:
        sql += f" AND {column} <= ?"
        args.append(filters.until.isoformat())
    return sql


def _fact_ranked(db: sqlite3.Connection, expr: str, filters: Filters, limit: int) -> list[RawHit]:
    args: list = [expr]
    sql = ("SELECT f.id, bm25(fts_facts) FROM fts_facts JOIN facts f ON f.id = fts_facts.rowid"
           " WHERE fts_facts MATCH ? AND f.status = 'active'")
    if filters.entity_id is not None:
        sql += " AND f.entity_id = ?"
        args.append(filters.entity_id)
    if filters.kind:
        sql += (" AND EXISTS (SELECT 1 FROM citations c JOIN documents d ON d.id = c.document_id"
                " WHERE c.fact_id = f.id AND d.kind = ?)")
        args.append(filters.kind)
    if filters.since or filters.until:
        sql += _between("COALESCE(f.date, (SELECT max(d.date) FROM citations c JOIN documents d"
                        " ON d.id = c.document_id WHERE c.fact_id = f.id))", filters, args)
    sql += " ORDER BY 2 LIMIT ?"
    args.append(limit)
    return [RawHit("fact", row[0], -row[1]) for row in db.execute(sql, args)]


def _source_ranked(db: sqlite3.Connection, expr: str, filters: Filters, limit: int) -> list[RawHit]:
    args: list = [expr]
    sql = ("SELECT d.id, bm25(fts_sources, 4.0, 2.0, 1.0) FROM fts_sources"
           " JOIN documents d ON d.id = fts_sources.rowid WHERE fts_sources MATCH ?")
    if filters.entity_id is not None:
        sql += (" AND EXISTS (SELECT 1 FROM document_entities de WHERE de.document_id = d.id"
                " AND de.entity_id = ?)")
        args.append(filters.entity_id)
    if filters.kind:
        sql += " AND d.kind = ?"
        args.append(filters.kind)
    if filters.skip_note_sources:
        sql += " AND d.kind != 'note'"
    sql += _between("d.date", filters, args)
    sql += " ORDER BY 2 LIMIT ?"
    args.append(limit)
    return [RawHit("source", row[0], -row[1]) for row in db.execute(sql, args)]


def _note_ranked(db: sqlite3.Connection, expr: str, filters: Filters, limit: int) -> list[RawHit]:
    args: list = [expr]
    sql = ("SELECT n.id, bm25(fts_notes, 3.0, 1.0) FROM fts_notes"
           " JOIN note_index n ON n.id = fts_notes.rowid WHERE fts_notes MATCH ?")
    if filters.entity_id is not None:
        sql += " AND (n.path = ? OR EXISTS (SELECT 1 FROM json_each(n.links) j WHERE j.value = ?))"
        args += [filters.entity_note, filters.entity_name]
    if filters.kind:
        sql += " AND n.type = ?"
        args.append(filters.kind)
    sql += _between("n.date", filters, args)
    sql += " ORDER BY 2 LIMIT ?"
    args.append(limit)
    return [RawHit("note", row[0], -row[1]) for row in db.execute(sql, args)]


# Each index: its ranking query, and the column a snippet is cut from (-1: the best one).
_INDEXES = {
    "fact": (_fact_ranked, "fts_facts", 0),
    "source": (_source_ranked, "fts_sources", -1),
    "note": (_note_ranked, "fts_notes", 1),
}


def ranked(db: sqlite3.Connection, expr: str, filters: Filters, limit: int,
           types: tuple[str, ...]) -> list[RawHit]:
    """The best `limit` hits of each index in `types`, best first (without snippets: they
    cost a fraction of a millisecond each, so only the hits that are shown get one)."""
    hits: list[RawHit] = []
    for name in types:
        rank = _INDEXES[name][0]
        hits += rank(db, expr, filters, limit)
    return sorted(hits, key=lambda h: (-h.score, h.type, h.id))


def snippet(db: sqlite3.Connection, expr: str, type_: str, row_id: int) -> str:
    """The passage of one matched row around the query's terms, terms in bold; "" when the
    row does not match (a semantic hit). FTS5 seeks `rowid = ?` directly."""
    _, table, column = _INDEXES[type_]
    sql = (f"SELECT snippet({table}, ?, ?, ?, '…', ?) FROM {table}"  # noqa: S608
           f" WHERE {table} MATCH ? AND rowid = ?")
    row = db.execute(sql, (column, *HIGHLIGHT, SNIPPET_WORDS, expr, row_id)).fetchone()
    return " ".join((row[0] if row else "").split())
