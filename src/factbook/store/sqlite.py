"""The SQLite store: one file in `VAULT/.factbook/`, WAL mode, ordered migrations."""
from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from factbook.errors import StoreError
from factbook.models import Document, EntityKind
from factbook.resolve.names import name_key
from factbook.store.base import (
    Citation, DecisionRecord, DocumentRecord, EntityRecord, FactRecord, NewFact, ReviewItem,
    TaskRecord,
)
from factbook.store.living import LivingNotesMixin, fact_record, task_key, task_record
from factbook.store.fastpaths import FastPathsMixin
from factbook.store.people import PeopleMixin
from factbook.store.migrations import MIGRATIONS
from factbook.store.repair import RepairMixin
from factbook.store.tasks import TaskFieldsMixin

log = logging.getLogger(__name__)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def block_id(prefix: str, *parts: object) -> str:
    """A short stable block id (`f-1a2b3c`) derived from what identifies the item."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()
    return f"{prefix}-{digest[:6]}"


def _store_error(path: str, exc: sqlite3.DatabaseError) -> StoreError:
    """A clear `StoreError` for a failed store write (the transaction is rolled back)."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        reason = "the store is locked by another program"
        hint = "close the program using .factbook/factbook.db and run again"
    elif "full" in text:
        reason = "the disk is full"
        hint = "free space and run again"
    elif "readonly" in text or "read-only" in text:
        reason = "the store is read-only"
        hint = "make the vault writable and run again"
    else:
        reason = f"the store failed ({text})"
        hint = "run `factbook doctor`"
    return StoreError(f"{path}: {reason}; this run's changes were rolled back", hint=hint)


class SQLiteStore(FastPathsMixin, LivingNotesMixin, RepairMixin, PeopleMixin, TaskFieldsMixin):
    """The default `Store`: a SQLite database file (or ":memory:")."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.row_factory = sqlite3.Row
            self.db.execute("PRAGMA busy_timeout = 10000")  # first: a new store may be busy
            self.db.execute("PRAGMA foreign_keys = ON")
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the store ({exc})",
                             hint="run `factbook doctor`, or move the file away to rebuild") from exc
        self._depth = 0
        # LLM answers cached during a transaction, written after it ends either way:
        # a dry run or a failed run must not throw away calls already paid for.
        self._pending_llm: dict[str, tuple[str, str, int, int]] = {}

    # -- plumbing ---------------------------------------------------------------------------

    def _migrate(self) -> None:
        self.db.execute("CREATE TABLE IF NOT EXISTS migrations "
                        "(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, applied_at TEXT NOT NULL)")
        done = {row[0] for row in self.db.execute("SELECT name FROM migrations")}
        for migration in MIGRATIONS:
            if migration.name in done:
                continue
            log.info("applying migration %s", migration.name)
            self.db.execute("BEGIN IMMEDIATE")  # one process migrates; the others wait
            try:
                if self.db.execute("SELECT 1 FROM migrations WHERE name = ?",
                                   (migration.name,)).fetchone():
                    self.db.execute("COMMIT")  # another process applied it meanwhile
                    continue
                for statement in migration.sql.split(";\n"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                                (migration.name, _now()))
                self.db.execute("COMMIT")
            except sqlite3.DatabaseError:
                self.db.execute("ROLLBACK")
                raise

    def applied_migrations(self) -> list[str]:
        """The names of the migrations applied to this store, in order."""
        return [row[0] for row in self.db.execute("SELECT name FROM migrations ORDER BY id")]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes; nested uses join the outer transaction."""
        if self._depth == 0:
            try:
                self.db.execute("BEGIN IMMEDIATE")
            except sqlite3.DatabaseError as exc:
                raise _store_error(self.path, exc) from exc
        self._depth += 1
        try:
            yield
        except BaseException as exc:
            self._depth -= 1
            if self._depth == 0 and self.db.in_transaction:
                self.db.execute("ROLLBACK")
                self._flush_llm_cache()
            if isinstance(exc, sqlite3.DatabaseError):
                raise _store_error(self.path, exc) from exc
            raise
        self._depth -= 1
        if self._depth == 0:
            try:
                self.db.execute("COMMIT")
            except sqlite3.DatabaseError as exc:
                if self.db.in_transaction:
                    self.db.execute("ROLLBACK")
                raise _store_error(self.path, exc) from exc
            self._flush_llm_cache()

    def close(self) -> None:
        """Close the connection."""
        self.db.close()

    def _one(self, sql: str, *args: object) -> sqlite3.Row | None:
        return self.db.execute(sql, args).fetchone()

    # -- runs -------------------------------------------------------------------------------

    def begin_run(self, extractor: str) -> int:
        """Record the start of a run and return its id."""
        with self.transaction():  # the first write of a run: a locked store fails clearly here
            cur = self.db.execute("INSERT INTO runs (started_at, extractor) VALUES (?, ?)",
                                  (_now(), extractor))
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, status: str, report: dict[str, Any]) -> None:
        """Record how a run ended and what it did."""
        self.db.execute("UPDATE runs SET finished_at = ?, status = ?, report = ? WHERE id = ?",
                        (_now(), status, json.dumps(report, sort_keys=True), run_id))

    def runs(self, limit: int = 10) -> list[dict[str, Any]]:
        """The newest runs, newest first."""
        rows = self.db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        return [{**dict(row), "report": json.loads(row["report"] or "{}")} for row in rows]

    # -- documents --------------------------------------------------------------------------

    def _document(self, row: sqlite3.Row) -> DocumentRecord:
        return DocumentRecord(
            id=row["id"], sha256=row["sha256"], path=row["path"], kind=row["kind"],
            title=row["title"], date=_date(row["date"]), publisher=row["publisher"],
            url=row["url"], authors=json.loads(row["authors"]),
            participants=json.loads(row["participants"]), meta=json.loads(row["meta"]),
            text=row["text"], summary=row["summary"], topics=json.loads(row["topics"]),
            note_path=row["note_path"],
        )

    def document_by_sha(self, sha256: str) -> DocumentRecord | None:
        """The stored document with this content hash, if any."""
        row = self._one("SELECT * FROM documents WHERE sha256 = ?", sha256)
        return self._document(row) if row else None

    def document(self, document_id: int) -> DocumentRecord:
        """One stored document by id."""
        row = self._one("SELECT * FROM documents WHERE id = ?", document_id)
        if row is None:
            raise StoreError(f"no document with id {document_id}")
        return self._document(row)

    def documents(self) -> Iterator[DocumentRecord]:
        """Every stored document, oldest first."""
        for row in self.db.execute("SELECT * FROM documents ORDER BY id"):
            yield self._document(row)

    def add_document(self, document: Document, run_id: int, summary: str,
                     topics: list[str]) -> int:
        """Store a document and what extraction said of it as a whole."""
        cur = self.db.execute(
            "INSERT INTO documents (sha256, path, kind, title, date, publisher, url, authors,"
            " participants, meta, text, summary, topics, run_id)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (document.sha256, document.path, str(document.kind), document.title,
             _iso(document.date), document.publisher, document.url,
             json.dumps(list(document.authors)), json.dumps(list(document.participants)),
             json.dumps(document.meta, sort_keys=True), document.text, summary,
             json.dumps(topics), run_id))
        return int(cur.lastrowid)

    def set_document_signature(self, document_id: int, signature: bytes) -> None:
        """Keep a document's near-duplicate signature, so later runs need not recompute it."""
        self.db.execute("UPDATE documents SET signature = ? WHERE id = ?", (signature, document_id))

    def document_signatures(self) -> Iterator[tuple[str, bytes]]:
        """(path, signature) of every stored source that has one."""
        for row in self.db.execute("SELECT path, signature FROM documents"
                                   " WHERE signature IS NOT NULL ORDER BY id"):
            yield row[0], row[1]

    def note_paths(self) -> list[str]:
        """Every note path the store has handed out, for sources and entities."""
        return [r[0] for r in self.db.execute(
            "SELECT note_path FROM documents WHERE note_path IS NOT NULL"
            " UNION ALL SELECT note_path FROM entities")]

    def set_document_note(self, document_id: int, note_path: str) -> None:
        """Remember where a document's source note lives."""
        self.db.execute("UPDATE documents SET note_path = ? WHERE id = ?", (note_path, document_id))

    # -- entities ---------------------------------------------------------------------------

    def _entity(self, row: sqlite3.Row) -> EntityRecord:
        aliases = [r[0] for r in self.db.execute(
            "SELECT alias FROM aliases WHERE entity_id = ? ORDER BY alias", (row["id"],))]
        return EntityRecord(id=row["id"], name=row["name"], kind=EntityKind(row["kind"]),
                            note_path=row["note_path"], created=date.fromisoformat(row["created"]),
                            aliases=[a for a in aliases if a != row["name"]],
                            adopted=json.loads(row["adopted"]), merged_into=row["merged_into"])

    def entities(self) -> list[EntityRecord]:
        """Every entity, by id (entities merged into another are gone)."""
        aliases: dict[int, list[str]] = {}
        for row in self.db.execute("SELECT entity_id, alias FROM aliases ORDER BY alias"):
            aliases.setdefault(row[0], []).append(row[1])
        return [EntityRecord(id=row["id"], name=row["name"], kind=EntityKind(row["kind"]),
                             note_path=row["note_path"], created=date.fromisoformat(row["created"]),
                             aliases=[a for a in aliases.get(row["id"], []) if a != row["name"]],
                             adopted=json.loads(row["adopted"]))
                for row in self.db.execute("SELECT * FROM entities WHERE merged_into IS NULL"
                                           " ORDER BY id")]

    def entity(self, entity_id: int) -> EntityRecord:
        """One entity by id."""
        row = self._one("SELECT * FROM entities WHERE id = ?", entity_id)
        if row is None:
            raise StoreError(f"no entity with id {entity_id}")
        return self._entity(row)

    def find_entity(self, name: str) -> EntityRecord | None:
        """The entity with this name or alias (compared by name key), if any."""
        row = self._one("SELECT e.* FROM entities e JOIN aliases a ON a.entity_id = e.id"
                        " WHERE a.key = ? AND e.merged_into IS NULL ORDER BY e.id LIMIT 1",
                        name_key(name))
        return self._entity(row) if row else None

    def create_entity(self, name: str, kind: EntityKind, note_path: str, created: date,
                      adopted: dict[str, Any] | None = None) -> int:
        """Create an entity; its own name is its first alias."""
        cur = self.db.execute(
            "INSERT INTO entities (name, kind, note_path, created, adopted) VALUES (?,?,?,?,?)",
            (name, str(kind), note_path, created.isoformat(), json.dumps(adopted or {})))
        entity_id = int(cur.lastrowid)
        self.add_alias(entity_id, name)
        return entity_id

    def update_adopted(self, entity_id: int, adopted: dict[str, Any]) -> None:
        """Replace what is kept of the user's own note for this entity."""
        self.db.execute("UPDATE entities SET adopted = ? WHERE id = ?",
                        (json.dumps(adopted, default=str), entity_id))

    def set_created(self, entity_id: int, created: date) -> None:
        """Set when an entity was first recorded (an adopted note keeps its own date)."""
        self.db.execute("UPDATE entities SET created = ? WHERE id = ?",
                        (created.isoformat(), entity_id))

    def add_alias(self, entity_id: int, alias: str) -> None:
        """Add a name under which the entity is known (ignored when it is already there)."""
        key = name_key(alias)
        if key:
            self.db.execute("INSERT OR IGNORE INTO aliases (entity_id, alias, key) VALUES (?,?,?)",
                            (entity_id, alias, key))

    def link_document(self, document_id: int, entity_id: int, mentions: int) -> None:
        """Record that a document involves an entity."""
        self.db.execute("INSERT INTO document_entities (document_id, entity_id, mentions)"
                        " VALUES (?,?,?) ON CONFLICT DO UPDATE SET mentions = excluded.mentions",
                        (document_id, entity_id, mentions))

    def documents_for_entity(self, entity_id: int) -> list[DocumentRecord]:
        """The documents that involve an entity, newest first (undated last)."""
        rows = self.db.execute(
            "SELECT d.* FROM documents d JOIN document_entities de ON de.document_id = d.id"
            " WHERE de.entity_id = ? ORDER BY d.date IS NULL, d.date DESC, d.title", (entity_id,))
        return [self._document(r) for r in rows]

    def entities_for_document(self, document_id: int) -> list[int]:
        """The ids of the entities a document involves."""
        return [r[0] for r in self.db.execute(
            "SELECT entity_id FROM document_entities WHERE document_id = ? ORDER BY entity_id",
            (document_id,))]

    # -- facts ------------------------------------------------------------------------------

    def facts_for_entity(self, entity_id: int) -> list[FactRecord]:
        """An entity's facts with their citations and conflicts."""
        facts = {row["id"]: fact_record(row)
            for row in self.db.execute("SELECT * FROM facts WHERE entity_id = ? ORDER BY id",
                                       (entity_id,))}
        if not facts:
            return []
        for row in self.db.execute(
                "SELECT c.* FROM citations c JOIN facts f ON f.id = c.fact_id"
                " WHERE f.entity_id = ? ORDER BY c.document_id", (entity_id,)):
            facts[row["fact_id"]].citations.append(
                Citation(row["document_id"], row["claim"], row["passage"]))
        for row in self.db.execute(
                "SELECT k.fact_id, k.other_id FROM conflicts k JOIN facts f ON f.id = k.fact_id"
                " WHERE f.entity_id = ?", (entity_id,)):
            facts[row[0]].conflicts.append(row[1])
        return list(facts.values())

    def add_fact(self, fact: NewFact) -> int:
        """Store a new fact on an entity's page (cite it with `cite`)."""
        bid = block_id("f", fact.entity_id, fact.text)
        while self._one("SELECT 1 FROM facts WHERE block_id = ?", bid):
            bid = block_id("f", bid, fact.text)
        cur = self.db.execute(
            "INSERT INTO facts (entity_id, text, block_id, event, stance, figures, counterparts,"
            " date, origin, deal_status) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (fact.entity_id, fact.text, bid, fact.event, fact.stance,
             json.dumps(sorted(fact.figures)), json.dumps(sorted(fact.counterparts)),
             _iso(fact.date), fact.origin, fact.deal_status))
        return int(cur.lastrowid)

    def cite(self, fact_id: int, document_id: int, claim: str, passage: str) -> bool:
        """Add a source to a fact; False when that source already cites it."""
        cur = self.db.execute("INSERT OR IGNORE INTO citations (fact_id, document_id, claim, passage)"
                              " VALUES (?,?,?,?)", (fact_id, document_id, claim, passage))
        return cur.rowcount > 0

    def set_fact_text(self, fact_id: int, text: str) -> None:
        """Change the line a fact is shown with."""
        self.db.execute("UPDATE facts SET text = ? WHERE id = ?", (text, fact_id))

    def add_conflict(self, fact_id: int, other_id: int) -> None:
        """Mark two facts as disagreeing (both ways)."""
        self.db.executemany("INSERT OR IGNORE INTO conflicts (fact_id, other_id) VALUES (?,?)",
                            [(fact_id, other_id), (other_id, fact_id)])

    # -- tasks and decisions ----------------------------------------------------------------

    def add_task(self, document_id: int, text: str, owner: str | None, due: date | None,
                 priority: str | None, done: bool, done_on: date | None,
                 entities: list[int]) -> int:
        """Store a task found in a document."""
        cur = self.db.execute(
            "INSERT INTO tasks (document_id, text, owner, due, priority, done, done_on, entities,"
            " block_id, key) VALUES (?,?,?,?,?,?,?,?,?,?)",
            (document_id, text, owner, _iso(due), priority, int(done), _iso(done_on),
             json.dumps(sorted(entities)), block_id("t", document_id, text), task_key(text)))
        return int(cur.lastrowid)

    def tasks_for_document(self, document_id: int) -> list[TaskRecord]:
        """The tasks a document states, in order."""
        return [task_record(r)
                for r in self.db.execute("SELECT * FROM tasks WHERE document_id = ? ORDER BY id",
                                         (document_id,))]

    def add_decision(self, document_id: int, text: str, when: date | None,
                     entities: list[int]) -> int:
        """Store a decision found in a document."""
        cur = self.db.execute(
            "INSERT INTO decisions (document_id, text, date, entities) VALUES (?,?,?,?)",
            (document_id, text, _iso(when), json.dumps(sorted(entities))))
        return int(cur.lastrowid)

    def decisions_for_entity(self, entity_id: int) -> list[DecisionRecord]:
        """The decisions that concern an entity, oldest first."""
        rows = self.db.execute(
            "SELECT d.* FROM decisions d, json_each(d.entities) j WHERE j.value = ?"
            " ORDER BY d.date IS NULL, d.date, d.id", (entity_id,))
        return [DecisionRecord(id=r["id"], document_id=r["document_id"], text=r["text"],
                               date=_date(r["date"]), entities=json.loads(r["entities"]))
                for r in rows]

    def open_tasks(self, due_by: date | None = None) -> list[TaskRecord]:
        """Tasks not done, soonest due first; only those due on or before `due_by` when given."""
        sql = "SELECT * FROM tasks WHERE done = 0"
        args: tuple = ()
        if due_by is not None:
            sql += " AND due IS NOT NULL AND due <= ?"
            args = (due_by.isoformat(),)
        rows = self.db.execute(sql + " ORDER BY due IS NULL, due, id", args)
        return [t for t in map(task_record, rows) if not (t.cancelled or t.deleted)]

    # -- daily changes (the digest) ---------------------------------------------------------

    def record_entity_changes(self, day: date, run_id: int | None, created: set[int],
                              updated: set[int]) -> None:
        """Remember which entities a run on `day` created or updated ("created" sticks)."""
        rows = [(day.isoformat(), e, "created", run_id) for e in sorted(created)]
        rows += [(day.isoformat(), e, "updated", run_id) for e in sorted(updated - created)]
        self.db.executemany(
            "INSERT INTO entity_changes (day, entity_id, change, run_id) VALUES (?,?,?,?)"
            " ON CONFLICT(day, entity_id) DO UPDATE SET run_id = excluded.run_id,"
            " change = CASE WHEN entity_changes.change = 'created' THEN 'created'"
            " ELSE excluded.change END", rows)

    def entity_changes(self, day: date) -> dict[int, str]:
        """Entity id -> "created" or "updated" for the runs on `day`."""
        return {r[0]: r[1] for r in self.db.execute(
            "SELECT entity_id, change FROM entity_changes WHERE day = ? ORDER BY entity_id",
            (day.isoformat(),))}

    # -- review -----------------------------------------------------------------------------

    def add_review_item(self, kind: str, entity_id: int | None, other_id: int | None,
                        detail: str, run_id: int | None, fact_id: int | None = None) -> None:
        """Ask a person to look at something (recorded once, with what it is about)."""
        self.db.execute("INSERT OR IGNORE INTO review_items (kind, entity_id, other_id, detail,"
                        " run_id, fact_id) VALUES (?,?,?,?,?,?)",
                        (kind, entity_id, other_id, detail, run_id, fact_id))

    def review_items(self, status: str = "open") -> list[ReviewItem]:
        """Review items in a given state."""
        return [self._review(r)
                for r in self.db.execute("SELECT * FROM review_items WHERE status = ? ORDER BY id",
                                         (status,))]

    # -- rendering bookkeeping --------------------------------------------------------------

    def rendered_hash(self, path: str) -> str | None:
        """The hash of what factbook last wrote at `path` (vault-relative), if anything."""
        row = self._one("SELECT sha256 FROM rendered WHERE path = ?", path)
        return row[0] if row else None

    def set_rendered(self, path: str, sha256: str, run_id: int | None) -> None:
        """Remember what factbook wrote at `path`."""
        self.db.execute("INSERT INTO rendered (path, sha256, run_id) VALUES (?,?,?)"
                        " ON CONFLICT(path) DO UPDATE SET sha256 = excluded.sha256,"
                        " run_id = excluded.run_id, stat = NULL", (path, sha256, run_id))

    # -- LLM cache --------------------------------------------------------------------------

    def get_llm_response(self, key: str) -> str | None:
        """A cached LLM answer for this request key, if any."""
        if key in self._pending_llm:
            return self._pending_llm[key][1]
        row = self._one("SELECT response FROM llm_cache WHERE key = ?", key)
        return row[0] if row else None

    def put_llm_response(self, key: str, model: str, response: str, prompt_tokens: int,
                         completion_tokens: int) -> None:
        """Cache an LLM answer (kept even when the surrounding transaction rolls back)."""
        self._pending_llm[key] = (model, response, prompt_tokens, completion_tokens)
        if self._depth == 0:
            self._flush_llm_cache()

    def get_llm_protocol(self, endpoint: str) -> str | None:
        """The structured-output dialect `endpoint` accepted last time, if known."""
        row = self._one("SELECT structured_output FROM llm_endpoints WHERE endpoint = ?", endpoint)
        return row[0] if row else None

    def put_llm_protocol(self, endpoint: str, protocol: str) -> None:
        """Remember the structured-output dialect `endpoint` accepted."""
        self.db.execute("INSERT INTO llm_endpoints (endpoint, structured_output, updated_at)"
                        " VALUES (?,?,?) ON CONFLICT(endpoint) DO UPDATE SET"
                        " structured_output = excluded.structured_output,"
                        " updated_at = excluded.updated_at", (endpoint, protocol, _now()))

    def _flush_llm_cache(self) -> None:
        pending, self._pending_llm = self._pending_llm, {}
        self.db.executemany(
            "INSERT OR REPLACE INTO llm_cache (key, model, response, prompt_tokens,"
            " completion_tokens, created_at) VALUES (?,?,?,?,?,?)",
            [(key, *entry, _now()) for key, entry in pending.items()])

    # -- reliability: journal commits and checks (issue 8) -----------------------------------

    def mark_journal_committed(self, token: str) -> None:
        """Record, inside the run's transaction, that the run's note journal commits with it."""
        self.db.execute("INSERT OR IGNORE INTO journal_commits (token, committed_at) VALUES (?, ?)",
                        (token, _now()))

    def journal_committed(self, token: str) -> bool:
        """True when the transaction that staged this journal was committed."""
        return self._one("SELECT 1 FROM journal_commits WHERE token = ?", token) is not None

    def integrity_problems(self) -> list[str]:
        """What SQLite's own consistency checks find wrong (empty when the store is sound)."""
        try:
            rows = [r[0] for r in self.db.execute("PRAGMA integrity_check")]
            rows += [f"foreign key: {tuple(r)}" for r in self.db.execute("PRAGMA foreign_key_check")]
        except sqlite3.DatabaseError as exc:
            return [str(exc)]
        return [r for r in rows if r != "ok"]

    def reindex(self) -> None:
        """Rebuild every index from its table (repairs a damaged index)."""
        self.db.execute("REINDEX")

    def rendered_paths(self) -> list[str]:
        """Every vault-relative path factbook has a record of writing."""
        return [r[0] for r in self.db.execute("SELECT path FROM rendered ORDER BY path")]

    def forget_rendered(self, path: str) -> None:
        """Drop the record of having written `path` (the note is gone or no longer ours)."""
        self.db.execute("DELETE FROM rendered WHERE path = ?", (path,))

    def counts(self) -> dict[str, int]:
        """How many of each thing the store holds."""
        tables = ["documents", "entities", "facts", "citations", "tasks", "decisions", "runs"]
        out = {t: self._one(f"SELECT count(*) FROM {t}")[0] for t in tables}  # noqa: S608
        out["open_reviews"] = self._one(
            "SELECT count(*) FROM review_items WHERE status = 'open'")[0]
        out["conflicts"] = self._one("SELECT count(*) FROM conflicts")[0] // 2
        return out
