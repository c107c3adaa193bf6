"""The answer commands of the command line: search, timeline, brief, mcp and watch.

Registered on `factbook.cli.app` when `factbook.cli` is imported; each is a thin
layer over `factbook.query`, `factbook.mcp` and `factbook.watch`.
"""
from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from factbook.cli import JsonOption, VaultOption, _fail, _layout, _opened, app, err, out, vault_to_fill
from factbook.errors import FactbookError
from factbook.vault.layout import VaultLayout


def _embedder(layout: VaultLayout, semantic: str | None):
    """The embedder the vault's settings (or `--semantic`) ask for, and why there is none."""
    import os

    from factbook.query.embeddings import EmbeddingSettings, make_embedder

    env = dict(os.environ, **({"FACTBOOK_SEMANTIC": semantic} if semantic else {}))
    return make_embedder(EmbeddingSettings.from_config(layout.config.llm,
                                                       layout.config.raw.get("search", {}), env))


@app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help="Words to look for; \"quoted phrase\", prefix*.")],
    vault: VaultOption = None,
    entity: Annotated[Optional[str], typer.Option("--entity", "-e", help="Only what concerns this entity.")] = None,
    kind: Annotated[Optional[str], typer.Option(help="Only this document kind (article, email, transcript, ...).")] = None,
    since: Annotated[Optional[str], typer.Option(help="Only items dated on or after YYYY-MM-DD.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Only items dated on or before YYYY-MM-DD.")] = None,
    only: Annotated[Optional[list[str]], typer.Option("--type", help="fact, source or note (repeatable).")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many results.")] = 10,
    semantic: Annotated[Optional[str], typer.Option(help="auto, endpoint, local or off (default: the config's).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Search facts, sources and notes (full text, plus semantic when configured).

    Example: factbook search "price increase" --entity "Acme Corp" --since 2025-01-01
    """
    from factbook.query.common import parse_day
    from factbook.query.search import RESULT_TYPES, format_search, search

    try:
        with _opened(vault) as (layout, store):
            choice = _embedder(layout, semantic)
            result = search(store, query, layout=layout, entity=entity, kind=kind,
                            since=parse_day(since, "--since"), until=parse_day(until, "--until"),
                            types=tuple(only or RESULT_TYPES), limit=limit,
                            embedder=choice.embedder, notice=choice.notice)
    except FactbookError as exc:
        _fail(exc)
    print(json.dumps(result.to_dict(), indent=2) if as_json else format_search(result))


@app.command("timeline")
def timeline_command(
    entity: Annotated[str, typer.Argument(help="An entity's name or alias.")],
    vault: VaultOption = None,
    since: Annotated[Optional[str], typer.Option(help="Only entries dated on or after YYYY-MM-DD.")] = None,
    until: Annotated[Optional[str], typer.Option(help="Only entries dated on or before YYYY-MM-DD.")] = None,
    write: Annotated[bool, typer.Option("--write", help="Also write it, with a Mermaid picture of the key events, as Timelines/<entity>.md.")] = False,
    as_json: JsonOption = False,
) -> None:
    """An entity's dated facts, events, decisions, tasks and sources, oldest first.

    Example: factbook timeline "Acme Corp" --since 2025-01-01 --write
    """
    from factbook.query.common import parse_day
    from factbook.query.timeline import format_timeline, timeline, write_timeline

    written = None
    try:
        with _opened(vault) as (layout, store):
            result = timeline(store, entity, parse_day(since, "--since"), parse_day(until, "--until"))
            written = write_timeline(layout, store, result) if write else None
    except FactbookError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps({**result.to_dict(), "note": written}, indent=2))
        return
    print(format_timeline(result))
    if written:
        err.print(f"wrote {written}", markup=False, highlight=False)


@app.command("brief")
def brief_command(
    entity: Annotated[str, typer.Argument(help="An entity's name or alias.")],
    vault: VaultOption = None,
    since: Annotated[Optional[str], typer.Option(
        help="Cover what is dated on or after YYYY-MM-DD (default: the last meeting or e-mail).")] = None,
    write: Annotated[bool, typer.Option("--write", help="Also write it as Briefs/<date> - <entity>.md.")] = False,
    prose: Annotated[bool, typer.Option("--prose", help="Add a summary written by the configured LLM, citing sources.")] = False,
    as_json: JsonOption = False,
) -> None:
    """A pre-meeting brief: what changed, open tasks, decisions, conflicts, people.

    Example: factbook brief "Acme Corp" --since 2025-03-01 --write
    """
    from factbook.persona import persona_from_config
    from factbook.query.brief import brief, render_brief, write_brief
    from factbook.query.common import parse_day

    try:
        with _opened(vault) as (layout, store):
            result = brief(store, entity, parse_day(since, "--since"),
                           persona=persona_from_config(layout.config.raw))
        summary = _brief_prose(layout, result) if prose else None
        written = write_brief(layout, result, summary) if write else None
    except FactbookError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps({**result.to_dict(), "prose": summary, "note": written}, indent=2))
        return
    print(render_brief(result, summary))
    if written:
        err.print(f"wrote {written}", markup=False, highlight=False)


def _brief_prose(layout: VaultLayout, result) -> str | None:
    """The LLM's summary of a brief, or None (with a line saying why) when it does not cite."""
    import os

    from factbook.extract.llm import LLMSettings
    from factbook.query.brief_prose import ProseError, chat_completer, write_prose

    settings = LLMSettings.from_env(os.environ, layout.config.llm)
    try:
        return write_prose(result, chat_completer(settings))
    except ProseError as exc:
        err.print(f"factbook: {exc}; {exc.hint}", markup=False, highlight=False)
        return None


@app.command("ask")
def ask_command(
    question: Annotated[str, typer.Argument(help="A question in plain words.")],
    vault: VaultOption = None,
    entity: Annotated[Optional[str], typer.Option("--entity", "-e", help="Only what concerns this entity.")] = None,
    offline: Annotated[bool, typer.Option("--offline", help="Show the best cited lines; no LLM even when one is configured.")] = False,
    limit: Annotated[int, typer.Option("--limit", "-n", help="How many cited lines to use.")] = 5,
    as_json: JsonOption = False,
) -> None:
    """Answer a question from the vault, every sentence with its sources.

    With an LLM configured the answer is written from the cited lines only; offline it is
    those lines, best first. Nothing found: a refusal with the closest lines.

    Example: factbook ask "What did Acme say about pricing?" --entity "Acme Corp"
    """
    import os

    from factbook.query.ask import ask, format_answer
    from factbook.query.ask_llm import configured_completer

    try:
        with _opened(vault) as (layout, store):
            complete = None if offline else configured_completer(os.environ, layout.config.llm)
            result = ask(store, question, entity=entity, complete=complete, limit=max(1, limit))
    except FactbookError as exc:
        _fail(exc)
    print(json.dumps(result.to_dict(), indent=2) if as_json else format_answer(result))


@app.command("mcp")
def mcp_command(vault: VaultOption = None) -> None:
    """Serve the vault to AI assistants over MCP (stdio): search, get_note, timeline, brief,
    ingest_text.

    Example: factbook mcp --vault ~/Vault   (in an MCP client's server list)
    """
    try:
        layout = _layout(vault)
        from factbook.mcp import serve
    except FactbookError as exc:
        _fail(exc)
    serve(layout)


@app.command("watch")
def watch_command(
    vault: VaultOption = None,
    debounce: Annotated[float, typer.Option(help="Seconds of quiet before a run starts.")] = 2.0,
    max_runs: Annotated[Optional[int], typer.Option(help="Stop after this many runs.")] = None,
    once: Annotated[bool, typer.Option("--once", help="Ingest what is in the Inbox now, then stop.")] = False,
) -> None:
    """Ingest files as they are dropped into the vault's Inbox (one line per run).

    Example: factbook watch --vault ~/Vault
    """
    from factbook.watch import describe_run, watch

    try:
        layout = vault_to_fill(vault)
        err.print(f"watching {layout.inbox} (Ctrl-C to stop)", markup=False, highlight=False)
        watch(layout, debounce=0.0 if once else debounce, max_runs=1 if once else max_runs,
              stop=_idle_stop(layout) if once else None,
              on_run=lambda report: out.print(describe_run(report), markup=False, highlight=False),
              on_error=lambda exc: err.print(f"run failed: {exc} (the files stay in the Inbox)",
                                             markup=False, highlight=False))
    except FactbookError as exc:
        _fail(exc)
    except KeyboardInterrupt:
        err.print("stopped", markup=False, highlight=False)


def _idle_stop(layout: VaultLayout):
    """For `watch --once`: a stop event already set when the Inbox holds no file to ingest."""
    import threading

    from factbook.sources import iter_files

    stop = threading.Event()
    if not any(True for _ in iter_files([layout.inbox])):
        stop.set()
    return stop
