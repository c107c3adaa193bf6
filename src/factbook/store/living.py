"""Store operations for living notes (issue 6): tombstones, the person's edits, read-back
tasks, review decisions, superseded facts, entity merges and the text factbook last rendered.

`LivingNotesMixin` is mixed into `SQLiteStore`; it only uses `self.db` (a sqlite3
connection with `Row` rows), so another SQL store can reuse it or mirror it.
"""
from __future__ import annotations

import json
import re
import sqlite3
import zlib
from datetime import date, datetime, timezone

from factbook.errors import StoreError
from factbook.resolve.names import name_key
from factbook.store.base import EntityRecord, FactRecord, ReviewItem, TaskRecord
from factbook.store.tasks import row_fields

# Fact states. Only `active` facts are shown in Key Facts and `superseded` ones in History;
# the others are tombstones: kept so that a source repeating them only adds a citation.
ACTIVE, SUPERSEDED = "active", "superseded"
DELETED, REJECTED, MOVED, MERGED = "deleted", "rejected", "moved", "merged"
TOMBSTONED = frozenset({DELETED, REJECTED, MOVED, MERGED})


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def task_key(text: str) -> str:
    """What two statements of one task share: its words, case and punctuation aside."""
    return re.sub(r"[^\w]+", " ", text.casefold()).strip()


def fact_record(row: sqlite3.Row) -> FactRecord:
    """A `facts` row as a record (citations and conflicts are filled in by the caller)."""
    return FactRecord(
        id=row["id"], entity_id=row["entity_id"], text=row["text"], block_id=row["block_id"],
        event=row["event"], stance=row["stance"], figures=json.loads(row["figures"]),
        counterparts=json.loads(row["counterparts"]), date=_date(row["date"]),
        origin=row["origin"], status=row["status"], user_text=row["user_text"],
        user_links=json.loads(row["user_links"] or "[]"), superseded_by=row["superseded_by"],
        deal_status=row["deal_status"])


def task_record(row: sqlite3.Row) -> TaskRecord:
    """A `tasks` row as a record."""
    return TaskRecord(id=row["id"], document_id=row["document_id"], text=row["text"],
                      owner=row["owner"], due=_date(row["due"]), priority=row["priority"],
                      done=bool(row["done"]), done_on=_date(row["done_on"]),
                      entities=json.loads(row["entities"]), block_id=row["block_id"],
                      user_line=row["user_line"], deleted=bool(row["deleted"]),
                      **row_fields(row))


class LivingNotesMixin:
    """What the vault's read-back, `factbook review`, `merge` and `alias` need of a store."""

    db: sqlite3.Connection

    # -- facts ------------------------------------------------------------------------------

    def fact_by_block(self, block_id: str) -> FactRecord | None:
        """The fact whose line carries this block id (`f-…`), if any."""
        row = self.db.execute("SELECT * FROM facts WHERE block_id = ?", (block_id,)).fetchone()
        return fact_record(row) if row else None

    def set_fact_status(self, fact_id: int, status: str) -> None:
        """Change a fact's state (a tombstone is a state: the row and its citations stay)."""
        self.db.execute("UPDATE facts SET status = ?, changed_at = ? WHERE id = ?",
                        (status, _now(), fact_id))

    def set_fact_user_text(self, fact_id: int, text: str | None, links: list[str]) -> None:
        """Keep the person's own wording of a fact's line, and links they put beside its sources."""
        self.db.execute("UPDATE facts SET user_text = ?, user_links = ?, changed_at = ? WHERE id = ?",
                        (text, json.dumps(links), _now(), fact_id))

    def supersede(self, old_id: int, new_id: int) -> None:
        """Record that a newer fact about the same thing replaces an older one (kept as history)."""
        self.db.execute("UPDATE facts SET status = ?, superseded_by = ?, changed_at = ?"
                        " WHERE id = ? AND status = ?", (SUPERSEDED, new_id, _now(), old_id, ACTIVE))

    # -- tasks ------------------------------------------------------------------------------

    def task_by_block(self, block_id: str) -> TaskRecord | None:
        """The task whose line carries this block id (`t-…`), if any."""
        row = self.db.execute("SELECT * FROM tasks WHERE block_id = ?", (block_id,)).fetchone()
        return task_record(row) if row else None

    def find_task(self, key: str, entities: list[int]) -> TaskRecord | None:
        """A stored task with the same words about the same entities, or about one of them
        (a later document may route it to more accounts): then it is not added again."""
        wanted = set(entities)
        for row in self.db.execute("SELECT * FROM tasks WHERE key = ? ORDER BY id", (key,)):
            have = set(json.loads(row["entities"]))
            if have == wanted or have & wanted:
                return task_record(row)
        return None

    def update_task(self, task_id: int, *, done: bool, done_on: date | None, due: date | None,
                    user_line: str | None) -> None:
        """Take a task's state and wording as the person left them in the vault."""
        self.db.execute("UPDATE tasks SET done = ?, done_on = ?, due = ?, user_line = ? WHERE id = ?",
                        (int(done), done_on.isoformat() if done_on else None,
                         due.isoformat() if due else None, user_line, task_id))

    def delete_task(self, task_id: int) -> None:
        """Tombstone a task the person deleted: it is never written again."""
        self.db.execute("UPDATE tasks SET deleted = 1 WHERE id = ?", (task_id,))

    # -- tombstones for lines without a block id ----------------------------------------------

    def add_tombstone(self, path: str, scope: str, line: str) -> None:
        """Remember that the person deleted `line` from `scope` (a section, a key) of a note."""
        self.db.execute("INSERT OR IGNORE INTO tombstones (path, scope, line, created_at)"
                        " VALUES (?,?,?,?)", (path, scope, line, _now()))

    def tombstones(self, path: str) -> set[tuple[str, str]]:
        """Every (scope, line) the person deleted from the note at `path`."""
        return {(r[0], r[1]) for r in self.db.execute(
            "SELECT scope, line FROM tombstones WHERE path = ?", (path,))}

    # -- what factbook rendered last ----------------------------------------------------------

    def rendered_base(self, path: str) -> str | None:
        """factbook's own rendering of the note at `path` the last time it wrote it (the
        person's additions aside): what tells a person's lines from factbook's."""
        row = self.db.execute("SELECT base FROM rendered WHERE path = ?", (path,)).fetchone()
        if row is None or row[0] is None:
            return None
        return zlib.decompress(row[0]).decode("utf-8")

    def set_rendered_base(self, path: str, base: str) -> None:
        """Store factbook's own rendering of a note (call after `set_rendered`)."""
        self.db.execute("UPDATE rendered SET base = ? WHERE path = ?",
                        (zlib.compress(base.encode("utf-8")), path))

    def rendered_notes(self) -> list[tuple[str, str]]:
        """(path, hash of what factbook wrote) for every note factbook has written."""
        return [(r[0], r[1]) for r in self.db.execute("SELECT path, sha256 FROM rendered ORDER BY path")]

    # -- review -------------------------------------------------------------------------------

    def _review(self, row: sqlite3.Row) -> ReviewItem:
        return ReviewItem(id=row["id"], kind=row["kind"], entity_id=row["entity_id"],
                          other_id=row["other_id"], detail=row["detail"], status=row["status"],
                          fact_id=row["fact_id"], acknowledged=bool(row["acknowledged"]))

    def review_item(self, item_id: int) -> ReviewItem:
        """One review item by id."""
        row = self.db.execute("SELECT * FROM review_items WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise StoreError(f"no review item with id {item_id}",
                             hint="`factbook review` lists the open ones")
        return self._review(row)

    def acknowledge_reviews(self, entity_id: int, up_to: int) -> int:
        """The person removed `needs-review` from an entity's note: the open items about it
        (up to id `up_to`) no longer ask for the tag. Returns how many."""
        cur = self.db.execute(
            "UPDATE review_items SET acknowledged = 1 WHERE status = 'open' AND id <= ?"
            " AND (entity_id = ? OR other_id = ?)", (up_to, entity_id, entity_id))
        return cur.rowcount

    def max_review_id(self) -> int:
        """The newest review item's id (0 when there is none)."""
        return int(self.db.execute("SELECT coalesce(max(id), 0) FROM review_items").fetchone()[0])

    def resolve_review(self, item_id: int, status: str) -> None:
        """Close a review item as `accepted` or `rejected`."""
        self.db.execute("UPDATE review_items SET status = ?, resolved_at = ? WHERE id = ?",
                        (status, _now(), item_id))

    # -- entities -----------------------------------------------------------------------------

    def entity_by_note(self, note_path: str) -> EntityRecord | None:
        """The entity whose note lives at `note_path` (merged-away ones included)."""
        row = self.db.execute("SELECT id FROM entities WHERE note_path = ?", (note_path,)).fetchone()
        return self.entity(row[0]) if row else None  # type: ignore[attr-defined]

    def merged_entities(self) -> list[EntityRecord]:
        """Entities merged into another (their notes are redirects)."""
        ids = [r[0] for r in self.db.execute(
            "SELECT id FROM entities WHERE merged_into IS NOT NULL ORDER BY id")]
        return [self.entity(i) for i in ids]  # type: ignore[attr-defined]

    def merge_entities(self, keep_id: int, gone_id: int) -> None:
        """Fold entity `gone_id` into `keep_id`: facts, citations, aliases, documents, tasks,
        decisions and review items move; `gone_id` stays only as a pointer (`merged_into`)."""
        if keep_id == gone_id:
            raise StoreError("cannot merge an entity into itself")
        self.remember_merge(keep_id, gone_id)  # type: ignore[attr-defined]  # issue 17: undoable
        gone_name = self.db.execute("SELECT name FROM entities WHERE id = ?", (gone_id,)).fetchone()[0]
        self._move_facts(keep_id, gone_id)
        self.db.execute("INSERT OR IGNORE INTO aliases (entity_id, alias, key)"
                        " SELECT ?, alias, key FROM aliases WHERE entity_id = ?", (keep_id, gone_id))
        self.db.execute("INSERT OR IGNORE INTO aliases (entity_id, alias, key) VALUES (?,?,?)",
                        (keep_id, gone_name, name_key(gone_name)))
        self.db.execute("DELETE FROM aliases WHERE entity_id = ?", (gone_id,))
        self.db.execute(
            "INSERT INTO document_entities (document_id, entity_id, mentions)"
            " SELECT document_id, ?, mentions FROM document_entities WHERE entity_id = ?"
            " ON CONFLICT DO UPDATE SET mentions = mentions + excluded.mentions", (keep_id, gone_id))
        self.db.execute("DELETE FROM document_entities WHERE entity_id = ?", (gone_id,))
        for table in ("tasks", "decisions", "facts"):
            column = "counterparts" if table == "facts" else "entities"
            self._replace_ids(table, column, keep_id, gone_id)
        self.db.execute("UPDATE review_items SET status = 'accepted', resolved_at = ?"
                        " WHERE status = 'open' AND ((entity_id = ? AND other_id = ?)"
                        " OR (entity_id = ? AND other_id = ?))",
                        (_now(), keep_id, gone_id, gone_id, keep_id))
        self.db.execute("UPDATE review_items SET entity_id = ? WHERE entity_id = ?", (keep_id, gone_id))
        self.db.execute("UPDATE review_items SET other_id = ? WHERE other_id = ?", (keep_id, gone_id))
        self.db.execute("UPDATE entities SET merged_into = ? WHERE id = ? OR merged_into = ?",
                        (keep_id, gone_id, gone_id))

    def _move_facts(self, keep_id: int, gone_id: int) -> None:
        """Move facts across; one stating exactly what a kept fact states becomes its citations."""
        kept = {r["text"].casefold(): r["id"] for r in self.db.execute(
            "SELECT id, text FROM facts WHERE entity_id = ? AND status = 'active'", (keep_id,))}
        # A fact the person deleted (or rejected) from the kept entity stays gone: the same
        # fact coming from the merged entity takes the same tombstone.
        # Same words, or the same event with the same figures, is the same fact.
        gone_before: dict[object, str] = {}
        for r in self.db.execute("SELECT text, event, figures, status FROM facts WHERE entity_id"
                                 " = ? AND status IN (?, ?, ?)", (keep_id, DELETED, REJECTED, MOVED)):
            gone_before[r["text"].casefold()] = r["status"]
            if r["event"] and r["figures"] not in (None, "", "[]"):
                gone_before[(r["event"], r["figures"])] = r["status"]
        for row in self.db.execute("SELECT id, text, event, figures FROM facts WHERE entity_id = ?",
                                   (gone_id,)).fetchall():
            twin = kept.get(row["text"].casefold())
            tomb = gone_before.get(row["text"].casefold()) or gone_before.get(
                (row["event"], row["figures"]))
            if twin is None and tomb is not None:
                self.db.execute("UPDATE facts SET status = ?, changed_at = ? WHERE id = ?",
                                (tomb, _now(), row["id"]))
            if twin is not None:
                self.db.execute("INSERT OR IGNORE INTO citations (fact_id, document_id, claim, passage)"
                                " SELECT ?, document_id, claim, passage FROM citations WHERE fact_id = ?",
                                (twin, row["id"]))
                self.db.execute("UPDATE facts SET status = ?, superseded_by = ? WHERE id = ?",
                                (MERGED, twin, row["id"]))
        self.db.execute("UPDATE facts SET entity_id = ? WHERE entity_id = ?", (keep_id, gone_id))

    def _replace_ids(self, table: str, column: str, keep_id: int, gone_id: int) -> None:
        rows = self.db.execute(
            f"SELECT t.id, t.{column} FROM {table} t, json_each(t.{column}) j"  # noqa: S608
            " WHERE j.value = ?", (gone_id,)).fetchall()
        for row in rows:
            ids = {keep_id if i == gone_id else i for i in json.loads(row[1])}
            if table == "facts":
                owner = self.db.execute("SELECT entity_id FROM facts WHERE id = ?", (row[0],)).fetchone()[0]
                ids.discard(owner)  # a fact is not its own counterpart
            self.db.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?",  # noqa: S608
                            (json.dumps(sorted(ids)), row[0]))

    def tasks_for_entity(self, entity_id: int) -> list[TaskRecord]:
        """Every task (deleted ones aside) that concerns an entity."""
        rows = self.db.execute(
            "SELECT t.* FROM tasks t, json_each(t.entities) j WHERE j.value = ? AND t.deleted = 0"
            " ORDER BY t.id", (entity_id,))
        return [task_record(r) for r in rows]

    def set_task_line(self, task_id: int, user_line: str | None) -> None:
        """Replace the wording a task is written with (used when a merge renames its tag)."""
        self.db.execute("UPDATE tasks SET user_line = ? WHERE id = ?", (user_line, task_id))

    def documents_citing(self, entity_id: int) -> list[int]:
        """Ids of the documents that involve an entity."""
        return [r[0] for r in self.db.execute(
            "SELECT document_id FROM document_entities WHERE entity_id = ? ORDER BY document_id",
            (entity_id,))]
