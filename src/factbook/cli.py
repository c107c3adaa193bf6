"""The `factbook` command line: a thin layer over the Python API.

Every command turns a `FactbookError` into one clear line (with a hint) and a
non-zero exit code; nothing below this module prints or exits.
"""
from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from factbook import __version__
from factbook.config import DEFAULT_CONFIG, STATE_DIR, load_config, resolve_vault
from factbook.errors import FactbookError
from factbook.extract import EXTRACTORS, make_extractor
from factbook.pipeline import RunReport, ingest
from factbook.query.entities import find_entity
from factbook.store import open_store
from factbook.vault.layout import VaultLayout
from factbook.vault.sync import NoteWriter

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Turn documents into a living Obsidian vault of cited facts.")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

VaultOption = Annotated[Optional[Path], typer.Option(
    "--vault", help="The vault folder (default: $FACTBOOK_VAULT, then the current directory).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


def _fail(exc: FactbookError) -> None:
    err.print(f"factbook: error: {exc}", markup=False, highlight=False)
    if exc.hint:
        err.print(f"  hint: {exc.hint}", markup=False, highlight=False)
    raise typer.Exit(2)


def _layout(vault: Path | None, must_exist: bool = True) -> VaultLayout:
    root = resolve_vault(vault)
    if must_exist and not root.is_dir():
        raise FactbookError(f"no vault at {root}", hint=f"create one with `factbook init {root}`")
    return VaultLayout(root, load_config(root))


def init_vault(root: Path) -> VaultLayout:
    """Create the vault folders and a commented config file (keeping any that exist)."""
    layout = VaultLayout(root, load_config(root))
    for folder in (*layout.entity_folders(), layout.config.folders.sources, layout.config.folders.inbox):
        (root / folder).mkdir(parents=True, exist_ok=True)
    layout.state_dir.mkdir(parents=True, exist_ok=True)
    config = layout.state_dir / "config.toml"
    if not config.exists():
        config.write_text(DEFAULT_CONFIG, encoding="utf-8")
    open_store(layout.state_dir).close()
    return layout


@app.command()
def init(vault: Annotated[Optional[Path], typer.Argument(help="The folder to make a vault.")] = None) -> None:
    """Create a vault: folders, .factbook/config.toml and the store.

    Example: factbook init ~/Vault
    """
    try:
        layout = init_vault(resolve_vault(vault))
    except FactbookError as exc:
        _fail(exc)
    out.print(f"vault ready at {layout.root}", markup=False, highlight=False)
    out.print(f"drop documents into {layout.inbox} and run `factbook ingest`", markup=False,
              highlight=False)


@app.command("ingest")
def ingest_command(
    paths: Annotated[Optional[list[Path]], typer.Argument(
        help="Files and folders to ingest (default: the vault's Inbox).")] = None,
    vault: VaultOption = None,
    extractor: Annotated[Optional[str], typer.Option(
        help=f"Which extractor: {' or '.join(EXTRACTORS)} (default: the config's, else offline).")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Read documents, extract facts, and update the vault's notes.

    Example: factbook ingest ~/Downloads/articles --vault ~/Vault
    """
    try:
        root = resolve_vault(vault)
        layout = init_vault(root) if not dry_run else _layout(vault, must_exist=False)
        targets = paths or [layout.inbox]
        missing = [p for p in targets if not p.exists()]
        if missing:
            raise FactbookError(f"{missing[0]}: no such file or folder")
        store = open_store(layout.state_dir)
        try:
            chosen = make_extractor(extractor or layout.config.extractor, layout.config.llm, store)
            report = _run_with_progress(targets, layout, store, chosen, dry_run, quiet=as_json)
        finally:
            store.close()
    except FactbookError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps(report.to_dict(), indent=2, default=str))
    else:
        _print_report(report)
    if report.failures:
        raise typer.Exit(1)


def _run_with_progress(targets, layout, store, extractor, dry_run, quiet) -> RunReport:
    show = not quiet and sys.stderr.isatty()
    with Progress(TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=not show) as bar:
        task = bar.add_task("ingest", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return ingest(targets, layout, store, extractor, dry_run=dry_run, progress=progress,
                      max_file_bytes=layout.config.max_file_bytes)


def _print_report(report: RunReport) -> None:
    title = "dry run: nothing was written" if report.dry_run else f"run {report.run_id}"
    table = Table(title=title, show_header=False, box=None)
    rows = [
        ("files seen", report.files), ("new sources", len(report.new_sources)),
        ("notes adopted", len(report.adopted_notes)),
        ("duplicates skipped", len(report.duplicates)),
        ("entities created", report.entities_created), ("entities updated", report.entities_updated),
        ("facts added", report.facts_added), ("facts merged", report.facts_merged),
        ("conflicts flagged", report.conflicts), ("review items", report.review_items),
        ("notes written", report.notes_written), ("failures", len(report.failures)),
    ]
    for label, value in rows:
        table.add_row(label, str(value))
    out.print(table)
    for dup in report.duplicates[:10]:
        out.print(f"duplicate: {dup.path} (same as {dup.of})", markup=False, highlight=False)
    if len(report.duplicates) > 10:
        out.print(f"… and {len(report.duplicates) - 10} more duplicates (see --json)")
    for failure in report.failures:
        err.print(f"failed: {failure.path}: {failure.reason}", markup=False, highlight=False)


@app.command()
def status(vault: VaultOption = None, as_json: JsonOption = False) -> None:
    """What the vault holds and what the last runs did.

    Example: factbook status --vault ~/Vault
    """
    try:
        layout = _layout(vault)
        store = open_store(layout.state_dir)
        try:
            counts = store.counts()
            runs = store.runs(5)
        finally:
            store.close()
    except FactbookError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps({"vault": str(layout.root), "counts": counts, "runs": runs}, indent=2,
                         default=str))
        return
    out.print(f"vault: {layout.root}", markup=False, highlight=False)
    table = Table(show_header=False, box=None)
    for key, value in counts.items():
        table.add_row(key.replace("_", " "), str(value))
    out.print(table)
    for run in runs:
        rep = run["report"]
        out.print(f"run {run['id']} {run['started_at']} {run['status']}: "
                  f"{len(rep.get('new_sources', []))} new sources, {rep.get('facts_added', 0)} facts added, "
                  f"{len(rep.get('failures', []))} failures{_usage_line(run)}",
                  markup=False, highlight=False)


def _usage_line(run: dict) -> str:
    """What a run's LLM extraction cost, as a suffix of its status line ("" if offline)."""
    usage = (run.get("report") or {}).get("llm_usage")
    if not usage:
        return ""
    return (f"; {run.get('extractor', 'llm')}: {usage['calls']} calls, {usage['cached']} cached, "
            f"{usage['prompt_tokens']:,} prompt + {usage['completion_tokens']:,} completion "
            f"tokens, ~${usage['estimated_cost_usd']:.4f}")


@app.command()
def show(entity: Annotated[str, typer.Argument(help="An entity's name or alias.")],
         vault: VaultOption = None, as_json: JsonOption = False) -> None:
    """Print an entity's note.

    Example: factbook show "Acme Corp" --vault ~/Vault
    """
    try:
        layout = _layout(vault)
        store = open_store(layout.state_dir)
        try:
            record = find_entity(store, entity)
            facts = [f for f in store.facts_for_entity(record.id) if f.status == "active"]
        finally:
            store.close()
        note = layout.root / record.note_path
        text = note.read_text(encoding="utf-8") if note.exists() else ""
    except FactbookError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps({"name": record.name, "kind": str(record.kind), "aliases": record.aliases,
                          "note": record.note_path, "facts": [f.text for f in facts],
                          "text": text}, indent=2))
    else:
        print(text, end="")


@app.command()
def rebuild(vault: VaultOption = None, dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="Count the notes that would change; write nothing.")] = False,
        as_json: JsonOption = False) -> None:
    """Re-render every note from the store (what a person wrote is kept).

    Example: factbook rebuild --vault ~/Vault
    """
    try:
        layout = _layout(vault)
        store = open_store(layout.state_dir)
        try:
            with store.transaction():
                written = NoteWriter(layout, store, None, dry_run=dry_run).rebuild()
        finally:
            store.close()
    except FactbookError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps({"notes_written": written, "dry_run": dry_run}))
    else:
        out.print(f"{'would write' if dry_run else 'wrote'} {written} notes", highlight=False)


def _version(value: bool) -> None:
    if value:
        print(f"factbook {__version__}")
        raise typer.Exit()


@app.callback()
def _root(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log what happens.")] = False,
          version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Print the version.")] = False) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


def main() -> None:
    """Console-script entry point."""
    app(prog_name="factbook")


__all__ = ["app", "main", "init_vault", "STATE_DIR"]
