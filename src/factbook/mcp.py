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
from dataclasses import asdict
from typing import Annotated, Any, Optional, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from factbook import __version__
from factbook.errors import EntityNotFoundError, FactbookError, InputError
from factbook.mcp_text import (
    entities_text, ingest_text_answer, note_text, search_text, tasks_text, timeline_text,
)
from factbook.persona import persona_from_config
from factbook.query.brief import brief, render_brief
from factbook.query.common import parse_day
from factbook.query.entities import find_entity
from factbook.query.embeddings import EmbeddingSettings, make_embedder
from factbook.query.listing import list_entities, list_tasks, recent_activity
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
    "document (meeting notes, an e-mail, an article); `list_entities` for every name; "
    "`list_tasks` for open tasks; `recent_activity` for what changed lately. Cite the "
    "sources you are given."
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
        persona = persona_from_config(self.layout.config.raw)
        result = self._with_store(lambda store: brief(store, entity, parse_day(since, "since"),
                                                      persona=persona))
        return {**result.to_dict(), "markdown": render_brief(result)}

    def ask(self, question: str, entity: str | None = None) -> dict[str, Any]:
        """A question answered from cited facts, tasks and decisions (by the configured
        LLM, else the best cited lines); a refusal with the closest lines without evidence."""
        from factbook.query.ask import ask
        from factbook.query.ask_llm import configured_completer

        complete = configured_completer(self.env, self.layout.config.llm)
        return self._with_store(lambda store: ask(store, question, entity=entity,
                                                  complete=complete)).to_dict()

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

    def list_entities(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Every entity with its counts, last contact and review state."""
        return self._with_store(lambda store: [r.to_dict() for r in list_entities(store, kind)])

    def list_tasks(self, due_by: str | None = None, owner: str | None = None) -> list[dict[str, Any]]:
        """Open tasks, soonest due first."""
        return self._with_store(lambda store: [
            asdict(r) for r in list_tasks(store, parse_day(due_by, "due_by"), owner)])

    def recent_activity(self, days: int = 7) -> dict[str, Any]:
        """What the last `days` days of runs created, updated and added."""
        activity = self._with_store(lambda store: recent_activity(store, max(1, min(days, 90))))
        return {**asdict(activity), "text": activity.text()}

    def _inbox_file(self, title: str) -> Path:
        inbox = self.layout.inbox
        inbox.mkdir(parents=True, exist_ok=True)
        stem = safe_stem(f"{date.today().isoformat()} - {title}")
        path, n = inbox / f"{stem}.txt", 2
        while path.exists():
            path, n = inbox / f"{stem} ({n}).txt", n + 1
        return path


# What an assistant should call when a factbook error's hint names a CLI command.
_TOOL_FOR = (("factbook status", "list_entities"), ("factbook entities", "list_entities"),
             ("factbook review", "get_note"),
             ("factbook ingest", "ingest_text"), ("factbook doctor", "nothing: ask the user to "
                                                  "run `factbook doctor --fix`"))


def _assistant_hint(exc: FactbookError) -> str:
    """The error's hint in terms of this server's tools."""
    hint = exc.hint or ""
    for command, tool in _TOOL_FOR:
        if command in hint:
            hint = f"call {tool}" if not tool.startswith("nothing") else tool
    if isinstance(exc, EntityNotFoundError):
        hint = (hint + "; " if hint.startswith("did you mean") else "") + \
            "call list_entities for every entity's exact name"
    elif isinstance(exc, InputError) and not hint:
        hint = "check the argument named in the message and call again"
    return hint


def _guard(call: Callable[[], T]) -> T:
    try:
        return call()
    except FactbookError as exc:
        hint = _assistant_hint(exc)
        raise ToolError(f"{exc}" + (f" (hint: {hint})" if hint else "")) from exc


def _answer(text: str, data: Any) -> CallToolResult:
    """A tool result: compact text for the assistant, the full data as structured content."""
    structured = data if isinstance(data, dict) else {"items": data}
    return CallToolResult(content=[TextContent(type="text", text=text)],
                          structured_content=structured)


READ = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True,
                       open_world_hint=False)
WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False,
                        open_world_hint=False)
Entity = Annotated[str, Field(description="An account's, person's or project's name or alias "
                                          "(list_entities gives the exact names).")]
Since = Annotated[Optional[str], Field(description="Only from this day on, YYYY-MM-DD.")]
Until = Annotated[Optional[str], Field(description="Only up to this day, YYYY-MM-DD.")]


def build_server(layout: VaultLayout, env: dict[str, str] | None = None) -> MCPServer:
    """An MCP server exposing search, get_note, timeline, brief, ingest_text, list_entities,
    list_tasks and recent_activity for a vault."""
    tools = VaultTools(layout, env)
    server = MCPServer("factbook", instructions=INSTRUCTIONS, version=__version__)

    @server.tool(title="Search the vault", annotations=READ)
    def search(query: Annotated[str, Field(description="Words to look for.")],
               entity: Annotated[Optional[str], Field(description="Only what concerns this entity.")] = None,
               kind: Annotated[Optional[str], Field(
                   description="Only this document kind: article, email, transcript, meeting-notes, "
                               "web, pdf, note.")] = None,
               since: Since = None, until: Until = None,
               types: Annotated[Optional[list[str]], Field(
                   description="Result types to include: fact, source, note (default all).")] = None,
               limit: Annotated[int, Field(description="At most this many results (1-50).")] = 10,
               ) -> CallToolResult:
        """Full-text (and semantic, when configured) search over facts, sources and notes.
        Each result names its entities, date and the numbered source it comes from; the
        sources are listed once at the end."""
        data = _guard(lambda: tools.search(query, entity, kind, since, until, types, limit))
        return _answer(search_text(data), data)

    @server.tool(title="Read an entity's note", annotations=READ)
    def get_note(entity: Entity) -> CallToolResult:
        """The Markdown note of an account, person or project, by name or alias."""
        data = _guard(lambda: tools.get_note(entity))
        return _answer(note_text(data), data)

    @server.tool(title="An entity's history", annotations=READ)
    def timeline(entity: Entity, since: Since = None, until: Until = None) -> CallToolResult:
        """An entity's dated facts, events, decisions, tasks and sources, oldest first."""
        data = _guard(lambda: tools.timeline(entity, since, until))
        return _answer(timeline_text(data), data)

    @server.tool(title="Pre-meeting brief", annotations=READ)
    def brief(entity: Entity, since: Annotated[Optional[str], Field(
            description="What changed since this day, YYYY-MM-DD (default: the last meeting "
                        "or e-mail).")] = None) -> CallToolResult:
        """A pre-meeting brief: what changed, open tasks, recent decisions, conflicts
        awaiting review, people involved; each item with its sources, as Markdown."""
        data = _guard(lambda: tools.brief(entity, since))
        return _answer(data["markdown"], data)

    @server.tool(title="Answer a question", annotations=READ)
    def ask(question: Annotated[str, Field(description="The question, in plain words.")],
            entity: Annotated[Optional[str], Field(
                description="Only what concerns this account, person or project.")] = None,
            ) -> CallToolResult:
        """Answer a question from the vault: every sentence cites the source notes it rests
        on; `refused` when nothing in the vault answers it, with the closest cited lines."""
        data = _guard(lambda: tools.ask(question, entity))
        return _answer(data["markdown"], data)

    @server.tool(title="Add a document", annotations=WRITE)
    def ingest_text(text: Annotated[str, Field(
                        description="The document's text: meeting notes, an e-mail, an article.")],
                    title: Annotated[Optional[str], Field(
                        description="Its title (default: its first line).")] = None) -> CallToolResult:
        """Add a document to the vault: it is written to the Inbox and ingested; the answer
        says what changed."""
        data = _guard(lambda: tools.ingest_text(text, title))
        return _answer(ingest_text_answer(data), data)

    _add_list_tools(server, tools)
    return server


def _add_list_tools(server: MCPServer, tools: VaultTools) -> None:
    """The tools that list the vault: entities, open tasks, recent activity."""

    @server.tool(title="List entities", annotations=READ)
    def list_entities(kind: Annotated[Optional[str], Field(
            description="Only this kind: person, account or project.")] = None) -> CallToolResult:
        """Every account, person and project in the vault: name, kind, how many facts and
        sources, last contact, and whether it needs review."""
        data = _guard(lambda: tools.list_entities(kind))
        return _answer(entities_text(data), data)

    @server.tool(title="List open tasks", annotations=READ)
    def list_tasks(due_by: Annotated[Optional[str], Field(
                       description="Only tasks due on or before this day, YYYY-MM-DD.")] = None,
                   owner: Annotated[Optional[str], Field(
                       description="Only tasks of this owner (e.g. Me).")] = None) -> CallToolResult:
        """Open tasks found in the documents, soonest due first, with their owner, due date,
        the entities they concern and the source they come from."""
        data = _guard(lambda: tools.list_tasks(due_by, owner))
        return _answer(tasks_text(data), data)

    @server.tool(title="Recent activity", annotations=READ)
    def recent_activity(days: Annotated[int, Field(
            description="How many days back, today included (1-90).")] = 7) -> CallToolResult:
        """Which entities were created or updated and which sources were added lately."""
        data = _guard(lambda: tools.recent_activity(days))
        return _answer(data["text"], data)


def serve(layout: VaultLayout) -> None:
    """Run the server over stdio until the client disconnects."""
    log.info("serving %s over MCP (stdio)", layout.root)
    build_server(layout).run("stdio")
