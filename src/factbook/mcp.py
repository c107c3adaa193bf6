"""`factbook mcp`: the vault's answers for AI assistants, as an MCP server over stdio.

A thin layer over the Python API (query/ and the pipeline) built with the
official `mcp` SDK. Every tool opens the store for the call and closes it, so
the server can run beside `factbook ingest` and `factbook watch`. A factbook
error becomes a tool error whose text says what went wrong and how to fix it.
"""
from __future__ import annotations

import logging
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

from factbook import __version__
from factbook.errors import FactbookError, InputError
from factbook.query.brief import brief, render_brief
from factbook.query.common import parse_day
from factbook.query.entities import find_entity
from factbook.query.embeddings import EmbeddingSettings, make_embedder
from factbook.query.search import RESULT_TYPES, search
from factbook.query.timeline import timeline
from factbook.store import open_store
from factbook.store.base import Store
from factbook.vault.layout import VaultLayout, safe_stem
from factbook.watch import ingest_paths

log = logging.getLogger(__name__)

T = TypeVar("T")
INSTRUCTIONS = (
    "factbook answers from an Obsidian vault of cited facts about accounts, people and "
    "projects. Use `search` to find facts, sources and notes; `get_note` for an entity's page; "
    "`timeline` for its dated history; `brief` before a meeting; `ingest_text` to add a "
    "document (meeting notes, an e-mail, an article). Cite the source links you are given."
)
MAX_TEXT = 2_000_000


class VaultTools:
    """The operations the server exposes, on one vault (usable without MCP, for tests)."""

    def __init__(self, layout: VaultLayout, env: dict[str, str] | None = None) -> None:
        self.layout = layout
        self.env = dict(os.environ if env is None else env)
        self._embedder = None

    def _with_store(self, work: Callable[[Store], T]) -> T:
        store = open_store(self.layout.state_dir)
        try:
            return work(store)
        finally:
            store.close()

    def _embedding(self):
        if self._embedder is None:
            settings = EmbeddingSettings.from_config(
                self.layout.config.llm, self.layout.config.raw.get("search", {}), self.env)
            self._embedder = make_embedder(settings)  # loaded once: a local model is slow to load
        return self._embedder

    def search(self, query: str, entity: str | None = None, kind: str | None = None,
               since: str | None = None, until: str | None = None,
               types: list[str] | None = None, limit: int = 10) -> dict[str, Any]:
        """Search facts, sources and notes."""
        choice = self._embedding()
        result = self._with_store(lambda store: search(
            store, query, layout=self.layout, entity=entity, kind=kind,
            since=parse_day(since, "since"), until=parse_day(until, "until"),
            types=tuple(types or RESULT_TYPES), limit=max(1, min(limit, 50)),
            embedder=choice.embedder, notice=choice.notice))
        return result.to_dict()

    def get_note(self, entity: str) -> dict[str, Any]:
        """An entity's note as it is in the vault."""
        record = self._with_store(lambda store: find_entity(store, entity))
        path = self.layout.root / record.note_path
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        return {"name": record.name, "kind": str(record.kind), "aliases": record.aliases,
                "note_path": record.note_path, "text": text}

    def timeline(self, entity: str, since: str | None = None,
                 until: str | None = None) -> dict[str, Any]:
        """An entity's dated history."""
        return self._with_store(lambda store: timeline(
            store, entity, parse_day(since, "since"), parse_day(until, "until"))).to_dict()

    def brief(self, entity: str, since: str | None = None) -> dict[str, Any]:
        """A pre-meeting brief, as data and as Markdown."""
        result = self._with_store(lambda store: brief(store, entity, parse_day(since, "since")))
        return {**result.to_dict(), "markdown": render_brief(result)}

    def ingest_text(self, text: str, title: str | None = None) -> dict[str, Any]:
        """Write `text` into the Inbox as a file and ingest it."""
        if not text.strip():
            raise InputError("text", "is empty")
        if len(text) > MAX_TEXT:
            raise InputError("text", f"is {len(text):,} characters, over {MAX_TEXT:,}")
        path = self._inbox_file(title or text.strip().split("\n", 1)[0][:80])
        body = text if not title or text.lstrip().startswith(title) else f"{title}\n\n{text}"
        path.write_text(body if body.endswith("\n") else body + "\n", encoding="utf-8")
        report = ingest_paths(self.layout, [path])
        if report.processed:  # a successful run moved it to Inbox/processed/
            path = Path(report.processed[0])
        return {"file": path.relative_to(self.layout.root).as_posix(), **report.to_dict()}

    def _inbox_file(self, title: str) -> Path:
        inbox = self.layout.inbox
        inbox.mkdir(parents=True, exist_ok=True)
        stem = safe_stem(f"{date.today().isoformat()} - {title}")
        path, n = inbox / f"{stem}.txt", 2
        while path.exists():
            path, n = inbox / f"{stem} ({n}).txt", n + 1
        return path


def _guard(call: Callable[[], T]) -> T:
    try:
        return call()
    except FactbookError as exc:
        hint = f" (hint: {exc.hint})" if exc.hint else ""
        raise ToolError(f"{exc}{hint}") from exc


def build_server(layout: VaultLayout, env: dict[str, str] | None = None) -> MCPServer:
    """An MCP server exposing search, get_note, timeline, brief and ingest_text for a vault."""
    tools = VaultTools(layout, env)
    server = MCPServer("factbook", instructions=INSTRUCTIONS, version=__version__)

    @server.tool()
    def search(query: str, entity: str | None = None, kind: str | None = None,
               since: str | None = None, until: str | None = None,
               types: list[str] | None = None, limit: int = 10) -> dict[str, Any]:
        """Full-text (and semantic, when configured) search over facts, sources and notes.
        Filters: entity name, document kind (article, email, transcript, ...), dates
        YYYY-MM-DD, result types (fact, source, note). Each hit has a snippet, entities,
        date and the source note link."""
        return _guard(lambda: tools.search(query, entity, kind, since, until, types, limit))

    @server.tool()
    def get_note(entity: str) -> dict[str, Any]:
        """The Markdown note of an account, person or project, by name or alias."""
        return _guard(lambda: tools.get_note(entity))

    @server.tool()
    def timeline(entity: str, since: str | None = None, until: str | None = None) -> dict[str, Any]:
        """An entity's dated facts, events, decisions, tasks and sources, oldest first."""
        return _guard(lambda: tools.timeline(entity, since, until))

    @server.tool()
    def brief(entity: str, since: str | None = None) -> dict[str, Any]:
        """A pre-meeting brief: what changed (default: since the last meeting or e-mail),
        open tasks, recent decisions, conflicts awaiting review, people involved; each item
        with its sources. `markdown` holds it ready to show."""
        return _guard(lambda: tools.brief(entity, since))

    @server.tool()
    def ingest_text(text: str, title: str | None = None) -> dict[str, Any]:
        """Add a document (meeting notes, an e-mail, an article) to the vault: it is written
        to the Inbox and ingested; the run's report says what changed."""
        return _guard(lambda: tools.ingest_text(text, title))

    return server


def serve(layout: VaultLayout) -> None:
    """Run the server over stdio until the client disconnects."""
    log.info("serving %s over MCP (stdio)", layout.root)
    build_server(layout).run("stdio")
