"""Store methods that keep runs proportional to what changed (migration 007)."""
from __future__ import annotations

import sqlite3

from factbook.models import EntityKind, KnownEntity


class FastPathsMixin:
    """Note stats, remembered near-duplicates and near-duplicate band keys."""

    db: sqlite3.Connection

    def rendered_stats(self) -> list[tuple[str, str, str | None]]:
        """(path, hash written, last seen "mtime_ns:size" or None) of every note written."""
        return [(r[0], r[1], r[2]) for r in
                self.db.execute("SELECT path, sha256, stat FROM rendered ORDER BY path")]

    def set_rendered_stat(self, path: str, stat: str) -> None:
        """Remember the file stat under which a note was last seen unchanged."""
        self.db.execute("UPDATE rendered SET stat = ? WHERE path = ?", (stat, path))

    def skipped_duplicate(self, sha256: str) -> str | None:
        """The source a file with these bytes was found to duplicate, if it was."""
        row = self.db.execute("SELECT of_path FROM skipped_duplicates WHERE sha256 = ?",
                              (sha256,)).fetchone()
        return row[0] if row else None

    def remember_duplicate(self, sha256: str, path: str, of_path: str) -> None:
        """Remember that a file was skipped as a near-duplicate of a source."""
        self.db.execute("INSERT OR REPLACE INTO skipped_duplicates (sha256, path, of_path)"
                        " VALUES (?,?,?)", (sha256, path, of_path))

    def add_band_keys(self, document_id: int, keys: list[int]) -> None:
        """Index a source's near-duplicate band keys."""
        self.db.executemany("INSERT INTO dedup_bands (band_key, document_id) VALUES (?,?)",
                            [(k, document_id) for k in keys])

    def band_candidate_ids(self, keys: list[int]) -> list[tuple[int, str, bytes]]:
        """(id, path, signature) of the stored sources sharing a band key with `keys`."""
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        return [(r[0], r[1], r[2]) for r in self.db.execute(
            "SELECT DISTINCT d.id, d.path, d.signature FROM dedup_bands b JOIN documents d"
            f" ON d.id = b.document_id WHERE b.band_key IN ({marks})"  # noqa: S608
            " AND d.signature IS NOT NULL ORDER BY d.id", keys)]

    def band_candidates(self, keys: list[int]) -> list[tuple[str, bytes]]:
        """(path, signature) of the stored sources sharing a band key with `keys`."""
        if not keys:
            return []
        marks = ",".join("?" * len(keys))
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT DISTINCT d.path, d.signature FROM dedup_bands b JOIN documents d"
            f" ON d.id = b.document_id WHERE b.band_key IN ({marks})"  # noqa: S608
            " AND d.signature IS NOT NULL", keys)]

    def known_entities(self) -> list[KnownEntity]:
        """Every live entity with its aliases, as resolution needs them (nothing more)."""
        aliases: dict[int, list[str]] = {}
        for row in self.db.execute("SELECT entity_id, alias FROM aliases ORDER BY alias"):
            aliases.setdefault(row[0], []).append(row[1])
        return [KnownEntity(row[0], row[1], EntityKind(row[2]),
                            tuple(a for a in aliases.get(row[0], []) if a != row[1]))
                for row in self.db.execute("SELECT id, name, kind FROM entities"
                                           " WHERE merged_into IS NULL ORDER BY id")]

    def entity_note_paths(self) -> list[str]:
        """The note path of every entity (merged ones too: their redirect notes stay)."""
        return [r[0] for r in self.db.execute("SELECT note_path FROM entities")]
