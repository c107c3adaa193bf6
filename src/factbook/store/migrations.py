"""The store's schema as an ordered list of named migrations, each applied once and recorded."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Migration:
    """One schema step: applied in order, recorded by name in `migrations`."""

    name: str
    sql: str


MIGRATIONS: list[Migration] = [
    Migration("001_initial", """
CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    status TEXT NOT NULL DEFAULT 'running',
    extractor TEXT NOT NULL,
    report TEXT
);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT,
    publisher TEXT,
    url TEXT,
    authors TEXT NOT NULL DEFAULT '[]',
    participants TEXT NOT NULL DEFAULT '[]',
    meta TEXT NOT NULL DEFAULT '{}',
    text TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    topics TEXT NOT NULL DEFAULT '[]',
    note_path TEXT,
    signature BLOB,
    run_id INTEGER REFERENCES runs(id)
);
CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    note_path TEXT NOT NULL UNIQUE,
    created TEXT NOT NULL,
    adopted TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE aliases (
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (entity_id, alias)
);
CREATE INDEX aliases_key ON aliases(key);
CREATE TABLE document_entities (
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    mentions INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (document_id, entity_id)
);
CREATE INDEX document_entities_entity ON document_entities(entity_id);
CREATE TABLE facts (
    id INTEGER PRIMARY KEY,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    block_id TEXT NOT NULL UNIQUE,
    event TEXT,
    stance TEXT,
    figures TEXT NOT NULL DEFAULT '[]',
    counterparts TEXT NOT NULL DEFAULT '[]',
    date TEXT,
    origin TEXT NOT NULL DEFAULT 'extracted',
    status TEXT NOT NULL DEFAULT 'active'
);
CREATE INDEX facts_entity ON facts(entity_id);
CREATE TABLE citations (
    fact_id INTEGER NOT NULL REFERENCES facts(id) ON DELETE CASCADE,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    claim TEXT NOT NULL,
    passage TEXT NOT NULL,
    PRIMARY KEY (fact_id, document_id)
);
CREATE INDEX citations_document ON citations(document_id);
CREATE TABLE conflicts (
    fact_id INTEGER NOT NULL REFERENCES facts(id) ON DELETE CASCADE,
    other_id INTEGER NOT NULL REFERENCES facts(id) ON DELETE CASCADE,
    PRIMARY KEY (fact_id, other_id)
);
CREATE TABLE tasks (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    owner TEXT,
    due TEXT,
    priority TEXT,
    done INTEGER NOT NULL DEFAULT 0,
    done_on TEXT,
    entities TEXT NOT NULL DEFAULT '[]',
    block_id TEXT NOT NULL UNIQUE
);
CREATE TABLE decisions (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    text TEXT NOT NULL,
    date TEXT,
    entities TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE review_items (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    entity_id INTEGER REFERENCES entities(id) ON DELETE CASCADE,
    other_id INTEGER,
    detail TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'open',
    run_id INTEGER REFERENCES runs(id),
    UNIQUE (kind, entity_id, other_id, detail)
);
CREATE TABLE rendered (
    path TEXT PRIMARY KEY,
    sha256 TEXT NOT NULL,
    run_id INTEGER
);
CREATE TABLE llm_cache (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    response TEXT NOT NULL,
    prompt_tokens INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
"""),
    Migration("005_reliability", """
CREATE TABLE journal_commits (
    token TEXT PRIMARY KEY,
    committed_at TEXT NOT NULL
)
"""),
    # Issue 9: which entities each day's runs created or changed (the daily digest),
    # and open tasks found by due date without scanning every document.
    Migration("006_persona", """
CREATE TABLE entity_changes (
    day TEXT NOT NULL,
    entity_id INTEGER NOT NULL REFERENCES entities(id) ON DELETE CASCADE,
    change TEXT NOT NULL,
    run_id INTEGER,
    PRIMARY KEY (day, entity_id)
);
CREATE INDEX tasks_open_due ON tasks(done, due)
"""),
]
