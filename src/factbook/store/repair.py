"""What the user's repairs need of the SQLite store (issue 17): rename, retype and forget
an entity, the names that are "not an entity", and what a merge keeps so it can be undone.

A merge records a snapshot of everything `merge_entities` is about to move (facts,
aliases, document links, ids inside tasks, decisions and facts, review items); undoing
it puts exactly those rows back, so what the merge changed is reverted and what came
after it stays.
"""
from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timezone
from typing import Any

from factbook.errors import StoreError
from factbook.models import EntityKind
from factbook.resolve.names import name_key

# Tables whose JSON column lists entity ids, and that column.
_ID_LISTS = (("tasks", "entities"), ("decisions", "entities"), ("facts", "counterparts"))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class RepairMixin:
    """Store methods for `factbook rename/retype/forget/split` and `reprocess`."""

    db: sqlite3.Connection

    # -- names that are not entities --------------------------------------------------------

    def not_entity_keys(self) -> set[str]:
        """The name keys the user said are not an entity (`factbook forget`)."""
        return {r[0] for r in self.db.execute("SELECT key FROM not_entities")}

    def add_not_entity(self, name: str) -> None:
        """Remember that `name` is not an entity: it never gets a note again."""
        key = name_key(name)
        if key:
            self.db.execute("INSERT OR IGNORE INTO not_entities (key, name, created_at)"
                            " VALUES (?,?,?)", (key, name, _now()))

    def remove_not_entity(self, name: str) -> None:
        """Let `name` be an entity again (the user named an entity so)."""
        self.db.execute("DELETE FROM not_entities WHERE key = ?", (name_key(name),))

    # -- rename, retype, move ---------------------------------------------------------------

    def rename_entity(self, entity_id: int, name: str, kind: EntityKind, note_path: str) -> None:
        """Give an entity a new name, kind and note path; every old name stays an alias."""
        self.db.execute("UPDATE entities SET name = ?, kind = ?, note_path = ? WHERE id = ?",
                        (name, str(kind), note_path, entity_id))
        key = name_key(name)
        if key:
            self.db.execute("INSERT OR IGNORE INTO aliases (entity_id, alias, key) VALUES (?,?,?)",
                            (entity_id, name, key))

    def move_note_records(self, old: str, new: str) -> None:
        """Carry factbook's record of a note (what it wrote, the base, tombstones) to the
        note's new path, so the moved note is known as the same note."""
        if old == new:
            return
        self.db.execute("DELETE FROM rendered WHERE path = ?", (new,))
        self.db.execute("UPDATE rendered SET path = ?, stat = NULL WHERE path = ?", (new, old))
        self.db.execute("UPDATE OR IGNORE tombstones SET path = ? WHERE path = ?", (new, old))

    def entity_note_records(self) -> list[tuple[int, str, bool]]:
        """(entity id, note path, merged away) of every entity."""
        return [(r[0], r[1], r[2] is not None) for r in
                self.db.execute("SELECT id, note_path, merged_into FROM entities ORDER BY id")]

    def entity_of_block(self, block_id: str) -> int | None:
        """The entity whose fact carries this block id, if any."""
        row = self.db.execute("SELECT entity_id FROM facts WHERE block_id = ?",
                              (block_id,)).fetchone()
        return row[0] if row else None

    # -- forget -----------------------------------------------------------------------------

    def forget_entity(self, entity_id: int) -> tuple[list[int], set[int]]:
        """Delete an entity and its own copies of facts; the facts stay on the other
        entities they concern (which no longer name it as a counterpart). Returns the
        documents that involved it and the entities that named it, to render again."""
        docs = [r[0] for r in self.db.execute(
            "SELECT document_id FROM document_entities WHERE entity_id = ?", (entity_id,))]
        others: set[int] = set()
        for table, column in _ID_LISTS:
            for row in self._rows_naming(table, column, entity_id):
                ids = [i for i in json.loads(row[1]) if i != entity_id]
                self.db.execute(f"UPDATE {table} SET {column} = ? WHERE id = ?",  # noqa: S608
                                (json.dumps(ids), row[0]))
                if table == "facts":
                    others.add(self.db.execute("SELECT entity_id FROM facts WHERE id = ?",
                                               (row[0],)).fetchone()[0])
                else:
                    others.update(ids)
        self.db.execute("DELETE FROM review_items WHERE entity_id = ? OR other_id = ?",
                        (entity_id, entity_id))
        # Entities merged into it go with it (their names were its aliases).
        self.db.execute("DELETE FROM entities WHERE merged_into = ?", (entity_id,))
        self.db.execute("DELETE FROM entities WHERE id = ?", (entity_id,))
        others.discard(entity_id)
        return docs, others

    def _rows_naming(self, table: str, column: str, entity_id: int) -> list[sqlite3.Row]:
        return self.db.execute(
            f"SELECT DISTINCT t.id, t.{column} FROM {table} t, json_each(t.{column}) j"  # noqa: S608
            " WHERE j.value = ?", (entity_id,)).fetchall()

    # -- merges that can be undone ----------------------------------------------------------

    def remember_merge(self, keep_id: int, gone_id: int) -> None:
        """Record what merging `gone_id` into `keep_id` will move (call just before it)."""
        q = self.db.execute
        facts = [dict(r) for r in q("SELECT id, status, superseded_by FROM facts WHERE entity_id = ?",
                                    (gone_id,))]
        kept = {r[1].casefold(): r[0] for r in q(
            "SELECT id, text FROM facts WHERE entity_id = ? AND status = 'active'", (keep_id,))}
        added: list[list[int]] = []
        for row in q("SELECT id, text FROM facts WHERE entity_id = ?", (gone_id,)).fetchall():
            twin = kept.get(row[1].casefold())
            if twin is None:
                continue
            cited = {r[0] for r in q("SELECT document_id FROM citations WHERE fact_id = ?", (twin,))}
            added += [[twin, r[0]] for r in q("SELECT document_id FROM citations WHERE fact_id = ?",
                                              (row[0],)) if r[0] not in cited]
        gone_docs = [list(r) for r in q("SELECT document_id, mentions FROM document_entities"
                                        " WHERE entity_id = ?", (gone_id,))]
        keep_docs = {r[0]: r[1] for r in q("SELECT document_id, mentions FROM document_entities"
                                           " WHERE entity_id = ?", (keep_id,))}
        snapshot: dict[str, Any] = {
            "facts": facts, "added_citations": added,
            "gone_aliases": [list(r) for r in q("SELECT alias, key FROM aliases WHERE entity_id = ?",
                                                (gone_id,))],
            "keep_alias_keys": [r[0] for r in q("SELECT key FROM aliases WHERE entity_id = ?",
                                                (keep_id,))],
            "gone_docs": gone_docs,
            "keep_docs": [[d, keep_docs.get(d)] for d, _ in gone_docs],
            "id_lists": [[t, c, r[0], r[1]] for t, c in _ID_LISTS
                         for r in self._rows_naming(t, c, gone_id)],
            "reviews": [dict(r) for r in q(
                "SELECT id, entity_id, other_id, status, resolved_at FROM review_items"
                " WHERE entity_id IN (?, ?) OR other_id IN (?, ?)",
                (gone_id, keep_id, gone_id, keep_id))],
            "merged_into_gone": [r[0] for r in q("SELECT id FROM entities WHERE merged_into = ?",
                                                 (gone_id,))],
            "task_lines": [list(r) for r in q(
                "SELECT t.id, t.user_line FROM tasks t, json_each(t.entities) j WHERE j.value = ?",
                (gone_id,))],
        }
        q("INSERT INTO merge_undo (keep_id, gone_id, snapshot, created_at) VALUES (?,?,?,?)",
          (keep_id, gone_id, json.dumps(snapshot), _now()))

    def last_merge_into(self, gone_id: int) -> tuple[int, int] | None:
        """(undo record id, kept entity id) of the merge that folded `gone_id` away, if it
        can be undone."""
        row = self.db.execute("SELECT id, keep_id FROM merge_undo WHERE gone_id = ? AND undone_at"
                              " IS NULL ORDER BY id DESC LIMIT 1", (gone_id,)).fetchone()
        return (row[0], row[1]) if row else None

    def undo_merge(self, record_id: int) -> None:
        """Put back what the recorded merge moved."""
        row = self.db.execute("SELECT keep_id, gone_id, snapshot FROM merge_undo WHERE id = ?",
                              (record_id,)).fetchone()
        if row is None:
            raise StoreError(f"no merge record {record_id}")
        keep_id, gone_id, snap = row[0], row[1], json.loads(row[2])
        q, many = self.db.execute, self.db.executemany
        q("UPDATE entities SET merged_into = NULL WHERE id = ?", (gone_id,))
        many("UPDATE entities SET merged_into = ? WHERE id = ?",
             [(gone_id, e) for e in snap["merged_into_gone"]])
        many("UPDATE facts SET entity_id = ?, status = ?, superseded_by = ? WHERE id = ?",
             [(gone_id, f["status"], f["superseded_by"], f["id"]) for f in snap["facts"]])
        many("DELETE FROM citations WHERE fact_id = ? AND document_id = ?",
             [tuple(pair) for pair in snap["added_citations"]])
        keep_keys = set(snap["keep_alias_keys"])
        many("DELETE FROM aliases WHERE entity_id = ? AND key = ?",
             [(keep_id, key) for _, key in snap["gone_aliases"] if key not in keep_keys])
        many("INSERT OR IGNORE INTO aliases (entity_id, alias, key) VALUES (?,?,?)",
             [(gone_id, alias, key) for alias, key in snap["gone_aliases"]])
        many("INSERT OR REPLACE INTO document_entities (document_id, entity_id, mentions)"
             " VALUES (?,?,?)", [(d, gone_id, m) for d, m in snap["gone_docs"]])
        for doc, mentions in snap["keep_docs"]:
            if mentions is None:
                q("DELETE FROM document_entities WHERE document_id = ? AND entity_id = ?",
                  (doc, keep_id))
            else:
                q("UPDATE document_entities SET mentions = ? WHERE document_id = ? AND entity_id = ?",
                  (mentions, doc, keep_id))
        for table, column, row_id, ids in snap["id_lists"]:
            q(f"UPDATE {table} SET {column} = ? WHERE id = ?", (ids, row_id))  # noqa: S608
        many("UPDATE review_items SET entity_id = ?, other_id = ?, status = ?, resolved_at = ?"
             " WHERE id = ?", [(r["entity_id"], r["other_id"], r["status"], r["resolved_at"], r["id"])
                               for r in snap["reviews"]])
        many("UPDATE tasks SET user_line = ? WHERE id = ?",
             [(line, task) for task, line in snap["task_lines"]])
        q("UPDATE merge_undo SET undone_at = ? WHERE id = ?", (_now(), record_id))

    # -- re-resolution ----------------------------------------------------------------------

    def documents_mentioning(self, phrases: list[str], limit: int = 10_000) -> list[int]:
        """Ids of the stored documents whose text contains any of these phrases (full-text
        index: proportional to the documents that match, not to the store)."""
        found: set[int] = set()
        for phrase in phrases:
            words = [w for w in "".join(c if c.isalnum() else " " for c in phrase).split() if w]
            if not words:
                continue
            query = '"' + " ".join(words) + '"'
            found.update(r[0] for r in self.db.execute(
                "SELECT rowid FROM fts_sources WHERE fts_sources MATCH ? LIMIT ?", (query, limit)))
        return sorted(found)

    def documents_since(self, since: date | None) -> list[int]:
        """Ids of the stored documents dated on or after `since` (every one when None)."""
        if since is None:
            return [r[0] for r in self.db.execute("SELECT id FROM documents ORDER BY id")]
        return [r[0] for r in self.db.execute(
            "SELECT id FROM documents WHERE date >= ? ORDER BY id", (since.isoformat(),))]

    def entity_rows(self) -> list[dict[str, Any]]:
        """Each live entity with how many active facts and sources it has, its last
        contact and whether a review item is open on it (one query each, for listing)."""
        facts = dict(self.db.execute("SELECT entity_id, count(*) FROM facts WHERE status = 'active'"
                                     " GROUP BY entity_id").fetchall())
        sources = {r[0]: (r[1], r[2]) for r in self.db.execute(
            "SELECT de.entity_id, count(*), max(d.date) FROM document_entities de"
            " JOIN documents d ON d.id = de.document_id GROUP BY de.entity_id")}
        review = {r[0] for r in self.db.execute(
            "SELECT entity_id FROM review_items WHERE status = 'open' AND entity_id IS NOT NULL"
            " UNION SELECT other_id FROM review_items WHERE status = 'open' AND other_id IS NOT NULL")}
        return [{"id": r[0], "name": r[1], "kind": r[2], "note": r[3],
                 "facts": facts.get(r[0], 0), "sources": sources.get(r[0], (0, None))[0],
                 "last_contact": sources.get(r[0], (0, None))[1], "needs_review": r[0] in review}
                for r in self.db.execute("SELECT id, name, kind, note_path FROM entities"
                                         " WHERE merged_into IS NULL ORDER BY name COLLATE NOCASE")]

    def documents_added_since(self, day: date, limit: int = 200) -> list[dict[str, Any]]:
        """Title, date and note of the sources added by runs that started on or after
        `day`, newest first."""
        return [dict(r) for r in self.db.execute(
            "SELECT d.title, d.date, d.note_path FROM documents d JOIN runs r ON r.id = d.run_id"
            " WHERE r.started_at >= ? ORDER BY d.id DESC LIMIT ?", (day.isoformat(), limit))]
