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
    # issue 7: full-text search. The FTS5 tables mirror `facts` and `documents` through
    # triggers, so every write path keeps them current without a hook in the store code;
    # `note_index`/`fts_notes` hold the vault's own notes, refreshed by query/notes_index.py;
    # `embeddings` caches vectors for semantic search (keyed by the text's digest).
    # Triggers are written on one line each: the runner splits statements on ";\n".
    Migration("003_search", """
CREATE VIRTUAL TABLE fts_facts USING fts5(
    text, content='facts', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER fts_facts_ai AFTER INSERT ON facts BEGIN INSERT INTO fts_facts(rowid, text) VALUES (new.id, new.text); END;
CREATE TRIGGER fts_facts_ad AFTER DELETE ON facts BEGIN INSERT INTO fts_facts(fts_facts, rowid, text) VALUES ('delete', old.id, old.text); END;
CREATE TRIGGER fts_facts_au AFTER UPDATE OF text ON facts BEGIN INSERT INTO fts_facts(fts_facts, rowid, text) VALUES ('delete', old.id, old.text); INSERT INTO fts_facts(rowid, text) VALUES (new.id, new.text); END;
INSERT INTO fts_facts(fts_facts) VALUES ('rebuild');
CREATE VIRTUAL TABLE fts_sources USING fts5(
    title, summary, text, content='documents', content_rowid='id',
    tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TRIGGER fts_sources_ai AFTER INSERT ON documents BEGIN INSERT INTO fts_sources(rowid, title, summary, text) VALUES (new.id, new.title, new.summary, new.text); END;
CREATE TRIGGER fts_sources_ad AFTER DELETE ON documents BEGIN INSERT INTO fts_sources(fts_sources, rowid, title, summary, text) VALUES ('delete', old.id, old.title, old.summary, old.text); END;
CREATE TRIGGER fts_sources_au AFTER UPDATE OF title, summary, text ON documents BEGIN INSERT INTO fts_sources(fts_sources, rowid, title, summary, text) VALUES ('delete', old.id, old.title, old.summary, old.text); INSERT INTO fts_sources(rowid, title, summary, text) VALUES (new.id, new.title, new.summary, new.text); END;
INSERT INTO fts_sources(fts_sources) VALUES ('rebuild');
CREATE TABLE note_index (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    type TEXT,
    name TEXT NOT NULL,
    date TEXT,
    links TEXT NOT NULL DEFAULT '[]'
);
CREATE VIRTUAL TABLE fts_notes USING fts5(
    name, body, tokenize='porter unicode61 remove_diacritics 2'
);
CREATE TABLE embeddings (
    item TEXT NOT NULL,
    model TEXT NOT NULL,
    digest TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (item, model)
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

# Issue 6, living notes: what a person did to a note is recorded so it is never undone.
MIGRATIONS.append(Migration("002_living_notes", """
ALTER TABLE facts ADD COLUMN user_text TEXT;
ALTER TABLE facts ADD COLUMN user_links TEXT NOT NULL DEFAULT '[]';
ALTER TABLE facts ADD COLUMN superseded_by INTEGER;
ALTER TABLE facts ADD COLUMN deal_status TEXT;
ALTER TABLE facts ADD COLUMN changed_at TEXT;
ALTER TABLE tasks ADD COLUMN user_line TEXT;
ALTER TABLE tasks ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE tasks ADD COLUMN key TEXT;
CREATE INDEX tasks_key ON tasks(key);
ALTER TABLE review_items ADD COLUMN fact_id INTEGER;
ALTER TABLE review_items ADD COLUMN acknowledged INTEGER NOT NULL DEFAULT 0;
ALTER TABLE review_items ADD COLUMN resolved_at TEXT;
ALTER TABLE entities ADD COLUMN merged_into INTEGER;
ALTER TABLE rendered ADD COLUMN base BLOB;
CREATE TABLE tombstones (
    path TEXT NOT NULL,
    scope TEXT NOT NULL,
    line TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (path, scope, line)
)
"""))

# Work proportional to what changed: note stats so unchanged notes are not re-read,
# files skipped as near-duplicates remembered by hash, and near-duplicate look-ups
# through stored MinHash band keys instead of an index rebuilt every run.
MIGRATIONS.append(Migration("007_fast_paths", """
ALTER TABLE rendered ADD COLUMN stat TEXT;
CREATE TABLE skipped_duplicates (
    sha256 TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    of_path TEXT NOT NULL
);
CREATE TABLE dedup_bands (
    band_key INTEGER NOT NULL,
    document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE
);
CREATE INDEX dedup_bands_key ON dedup_bands(band_key);
"""))

# Issue 17, repairs: names the user said are not an entity (never a note again), and
# what each merge moved, so that it can be undone (`factbook split`).
MIGRATIONS.append(Migration("008_issue17_repair", """
CREATE TABLE not_entities (
    key TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE merge_undo (
    id INTEGER PRIMARY KEY,
    keep_id INTEGER NOT NULL,
    gone_id INTEGER NOT NULL,
    snapshot TEXT NOT NULL,
    created_at TEXT NOT NULL,
    undone_at TEXT
);
CREATE INDEX merge_undo_gone ON merge_undo(gone_id)
"""))

# Issue 19: the structured-output dialect each LLM endpoint accepted, found on the first
# call and kept so later runs do not ask again.
MIGRATIONS.append(Migration("019_issue19_llm", """
CREATE TABLE llm_endpoints (
    endpoint TEXT PRIMARY KEY,
    structured_output TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""))

# What a person's note says of them beyond facts: organization, role, e-mail, whether a
# colleague, and the date of the document that said it last (a newer one wins).
MIGRATIONS.append(Migration("012_issue12_people", """
CREATE TABLE person_details (
    entity_id INTEGER PRIMARY KEY REFERENCES entities(id) ON DELETE CASCADE,
    org TEXT,
    role TEXT,
    email TEXT,
    relationship TEXT,
    seen TEXT
)
"""))

# Issue 15: the Obsidian Tasks fields beyond due/priority/done (scheduled, start, created,
# recurrence, cancelled), kept as one JSON object so that a line reads back unchanged.
MIGRATIONS.append(Migration("015_issue15_tasks", """
ALTER TABLE tasks ADD COLUMN fields TEXT NOT NULL DEFAULT '{}'
"""))
