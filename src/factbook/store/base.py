"""The `Store` seam: the system of record for documents, entities, facts and runs.

Records returned by a store are plain dataclasses; SQLite implements the
protocol today and PostgreSQL can implement it the same way.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from factbook.models import Document, EntityKind, KnownEntity


@dataclass
class EntityRecord:
    """An entity as stored: its display name, kind, note path and aliases.
    `adopted` keeps what an existing note the user wrote carried beyond our sections."""

    id: int
    name: str
    kind: EntityKind
    note_path: str
    created: date
    aliases: list[str] = field(default_factory=list)
    adopted: dict[str, Any] = field(default_factory=dict)
    merged_into: int | None = None


@dataclass
class DocumentRecord:
    """A source document as stored, with what extraction said of it as a whole."""

    id: int
    sha256: str
    path: str
    kind: str
    title: str
    date: date | None
    publisher: str | None
    url: str | None
    authors: list[str]
    participants: list[str]
    meta: dict[str, str]
    text: str
    summary: str
    topics: list[str]
    note_path: str | None


@dataclass
class Citation:
    """One source stating a fact: the claim as that source put it and the exact passage."""

    document_id: int
    claim: str
    passage: str


@dataclass
class FactRecord:
    """A fact on one entity's page, with every source that states it."""

    id: int
    entity_id: int
    text: str
    block_id: str
    event: str | None
    stance: str | None
    figures: list[str]
    counterparts: list[int]
    date: date | None
    origin: str
    status: str
    citations: list[Citation] = field(default_factory=list)
    conflicts: list[int] = field(default_factory=list)
    # Living notes: the person's own wording of the line (and links they added to its
    # citations), the newer fact that replaced this one, and a deal's stage.
    user_text: str | None = None
    user_links: list[str] = field(default_factory=list)
    superseded_by: int | None = None
    deal_status: str | None = None

    @property
    def shown_text(self) -> str:
        """The text the fact's line shows: the person's wording when they edited it."""
        return self.user_text if self.user_text is not None else self.text


@dataclass
class TaskRecord:
    """A task found in a document."""

    id: int
    document_id: int
    text: str
    owner: str | None
    due: date | None
    priority: str | None
    done: bool
    done_on: date | None
    entities: list[int]
    block_id: str
    user_line: str | None = None  # the line as the person last wrote it (block id aside)
    deleted: bool = False
    scheduled: date | None = None  # the other Obsidian Tasks fields (see models.Task)
    start: date | None = None
    created: date | None = None
    recurrence: str | None = None
    cancelled: bool = False
    cancelled_on: date | None = None


@dataclass
class DecisionRecord:
    """A decision found in a document."""

    id: int
    document_id: int
    text: str
    date: date | None
    entities: list[int]


@dataclass
class ReviewItem:
    """Something that needs a person: an uncertain match, a conflict, a low-confidence item."""

    id: int
    kind: str
    entity_id: int | None
    other_id: int | None
    detail: str
    status: str
    fact_id: int | None = None
    acknowledged: bool = False  # the person removed `needs-review` after it was raised


@dataclass
class NewFact:
    """What the merge step asks the store to record for a fact on one entity."""

    entity_id: int
    text: str
    event: str | None = None
    stance: str | None = None
    figures: list[str] = field(default_factory=list)
    counterparts: list[int] = field(default_factory=list)
    date: date | None = None
    origin: str = "extracted"
    deal_status: str | None = None


class Store(Protocol):
    """What the pipeline, the vault writer and the queries need of a knowledge store."""

    def transaction(self) -> AbstractContextManager[None]: ...
    def close(self) -> None: ...

    # runs
    def begin_run(self, extractor: str) -> int: ...
    def finish_run(self, run_id: int, status: str, report: dict[str, Any]) -> None: ...
    def runs(self, limit: int = 10) -> list[dict[str, Any]]: ...

    # documents
    def document_by_sha(self, sha256: str) -> DocumentRecord | None: ...
    def document(self, document_id: int) -> DocumentRecord: ...
    def documents(self) -> Iterator[DocumentRecord]: ...
    def add_document(self, document: Document, run_id: int, summary: str,
                     topics: list[str]) -> int: ...
    def set_document_note(self, document_id: int, note_path: str) -> None: ...
    def note_paths(self) -> list[str]: ...
    def set_document_signature(self, document_id: int, signature: bytes) -> None: ...
    def document_signatures(self) -> Iterator[tuple[str, bytes]]: ...

    # entities
    def entities(self) -> list[EntityRecord]: ...
    def entity(self, entity_id: int) -> EntityRecord: ...
    def find_entity(self, name: str) -> EntityRecord | None: ...
    def create_entity(self, name: str, kind: EntityKind, note_path: str, created: date,
                      adopted: dict[str, Any] | None = None) -> int: ...
    def update_adopted(self, entity_id: int, adopted: dict[str, Any]) -> None: ...
    def set_created(self, entity_id: int, created: date) -> None: ...
    def add_alias(self, entity_id: int, alias: str) -> None: ...
    def link_document(self, document_id: int, entity_id: int, mentions: int) -> None: ...
    def documents_for_entity(self, entity_id: int) -> list[DocumentRecord]: ...
    def entities_for_document(self, document_id: int) -> list[int]: ...

    # facts
    def facts_for_entity(self, entity_id: int) -> list[FactRecord]: ...
    def add_fact(self, fact: NewFact) -> int: ...
    def cite(self, fact_id: int, document_id: int, claim: str, passage: str) -> bool: ...
    def set_fact_text(self, fact_id: int, text: str) -> None: ...
    def add_conflict(self, fact_id: int, other_id: int) -> None: ...

    # tasks and decisions
    def add_task(self, document_id: int, text: str, owner: str | None, due: date | None,
                 priority: str | None, done: bool, done_on: date | None,
                 entities: list[int]) -> int: ...
    def tasks_for_document(self, document_id: int) -> list[TaskRecord]: ...
    def add_decision(self, document_id: int, text: str, when: date | None,
                     entities: list[int]) -> int: ...
    def decisions_for_entity(self, entity_id: int) -> list[DecisionRecord]: ...

    def open_tasks(self, due_by: date | None = None) -> list[TaskRecord]: ...

    # daily changes (the digest)
    def record_entity_changes(self, day: date, run_id: int | None, created: set[int],
                              updated: set[int]) -> None: ...
    def entity_changes(self, day: date) -> dict[int, str]: ...

    # review
    def add_review_item(self, kind: str, entity_id: int | None, other_id: int | None,
                        detail: str, run_id: int | None, fact_id: int | None = None) -> None: ...
    def review_items(self, status: str = "open") -> list[ReviewItem]: ...

    # rendering bookkeeping
    def rendered_hash(self, path: str) -> str | None: ...
    def set_rendered(self, path: str, sha256: str, run_id: int | None) -> None: ...

    # LLM response cache
    def get_llm_response(self, key: str) -> str | None: ...
    def put_llm_response(self, key: str, model: str, response: str, prompt_tokens: int,
                         completion_tokens: int) -> None: ...

    # reliability (issue 8): the journal's commit marker and consistency checks
    def mark_journal_committed(self, token: str) -> None: ...
    def journal_committed(self, token: str) -> bool: ...
    def integrity_problems(self) -> list[str]: ...
    def reindex(self) -> None: ...
    def rendered_paths(self) -> list[str]: ...
    def forget_rendered(self, path: str) -> None: ...

    def counts(self) -> dict[str, int]: ...

    # living notes (issue 6): what a person did to the notes, read back
    def fact_by_block(self, block_id: str) -> FactRecord | None: ...
    def set_fact_status(self, fact_id: int, status: str) -> None: ...
    def set_fact_user_text(self, fact_id: int, text: str | None, links: list[str]) -> None: ...
    def supersede(self, old_id: int, new_id: int) -> None: ...
    def task_by_block(self, block_id: str) -> TaskRecord | None: ...
    def find_task(self, key: str, entities: list[int]) -> TaskRecord | None: ...
    def update_task(self, task_id: int, *, done: bool, done_on: date | None, due: date | None,
                    user_line: str | None) -> None: ...
    def delete_task(self, task_id: int) -> None: ...
    def add_tombstone(self, path: str, scope: str, line: str) -> None: ...
    def tombstones(self, path: str) -> set[tuple[str, str]]: ...
    def rendered_base(self, path: str) -> str | None: ...
    def set_rendered_base(self, path: str, base: str) -> None: ...
    def rendered_notes(self) -> list[tuple[str, str]]: ...

    # work proportional to what changed (store/fastpaths.py)
    def rendered_stats(self) -> list[tuple[str, str, str | None]]: ...
    def set_rendered_stat(self, path: str, stat: str) -> None: ...
    def skipped_duplicate(self, sha256: str) -> str | None: ...
    def remember_duplicate(self, sha256: str, path: str, of_path: str) -> None: ...
    def add_band_keys(self, document_id: int, keys: list[int]) -> None: ...
    def band_candidates(self, keys: list[int]) -> list[tuple[str, bytes]]: ...
    def known_entities(self) -> list[KnownEntity]: ...
    def entity_note_paths(self) -> list[str]: ...
    def review_item(self, item_id: int) -> ReviewItem: ...
    def acknowledge_reviews(self, entity_id: int, up_to: int) -> int: ...
    def max_review_id(self) -> int: ...
    def resolve_review(self, item_id: int, status: str) -> None: ...
    def entity_by_note(self, note_path: str) -> EntityRecord | None: ...
    def merge_entities(self, keep_id: int, gone_id: int) -> None: ...
    def merged_entities(self) -> list[EntityRecord]: ...
    def tasks_for_entity(self, entity_id: int) -> list[TaskRecord]: ...
    def set_task_line(self, task_id: int, user_line: str | None) -> None: ...
    def set_task_fields(self, task_id: int, task: object) -> None: ...
    def decisions_for_document(self, document_id: int) -> list[DecisionRecord]: ...
    def documents_citing(self, entity_id: int) -> list[int]: ...
