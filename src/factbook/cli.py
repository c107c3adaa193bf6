"""The `factbook` command line: a thin layer over the Python API.

Every command turns a `FactbookError` into one clear line (with a hint) and a
non-zero exit code; nothing below this module prints or exits.
"""
from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from factbook import __version__
from factbook.config import DEFAULT_CONFIG, STATE_DIR, load_config, resolve_vault, update_config_table
from factbook.doctor import run_doctor
from factbook.errors import FactbookError
from factbook.extract import EXTRACTORS, make_extractor
from factbook.glossary import GLOSSARY_TEMPLATE, load_glossary
from factbook.outputs import outputs_from_config
from factbook.persona import Persona, persona_from_config, persona_table
from factbook.pipeline import RunReport, ingest
from factbook.pipeline import rebuild as rebuild_notes
from factbook.profiles import profiles_from_config
from factbook.query.entities import find_entity
from factbook.store import open_store
from factbook.store.base import Store
from factbook.vault.layout import VaultLayout

app = typer.Typer(add_completion=False, no_args_is_help=True, rich_markup_mode=None,
                  help="Turn documents into a living Obsidian vault of cited facts.")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

VaultOption = Annotated[Optional[Path], typer.Option(
    "--vault", help="The vault folder (default: $FACTBOOK_VAULT, then the current directory).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]
WaitOption = Annotated[bool, typer.Option(
    "--wait", help="When another run holds the vault, wait for it instead of stopping.")]


def _fail(exc: FactbookError) -> None:
    # soft_wrap: a long path in the message stays on one line (greppable, copyable)
    err.print(f"factbook: error: {exc}", markup=False, highlight=False, soft_wrap=True)
    if exc.hint:
        err.print(f"  hint: {exc.hint}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def _layout(vault: Path | None, must_exist: bool = True) -> VaultLayout:
    root = resolve_vault(vault)
    if must_exist:
        _require_vault(root)
    return VaultLayout(root, load_config(root))


def _require_vault(root: Path) -> None:
    """Refuse a folder that is not a vault (no `.factbook/`): commands other than `init`
    never make one where they happen to run."""
    if not root.is_dir():
        raise FactbookError(f"no vault at {root}", hint=f"pass --vault PATH or set $FACTBOOK_VAULT "
                                                     f"to your vault, or create one with `factbook init {root}`")
    if not (root / STATE_DIR).is_dir():
        raise FactbookError(f"{root} is not a factbook vault (it has no {STATE_DIR} folder)",
                            hint=f"pass --vault PATH or set $FACTBOOK_VAULT to your vault, or "
                                 f"create one here with `factbook init {root}`")


def vault_to_fill(vault: Path | None) -> VaultLayout:
    """The vault a command that adds documents works on: an existing vault, or a new one
    when the folder was named (--vault or $FACTBOOK_VAULT) and does not exist or is empty;
    any other folder that is not a vault is refused."""
    root = resolve_vault(vault)
    named = vault is not None or bool(os.environ.get("FACTBOOK_VAULT"))
    if not (root / STATE_DIR).is_dir() and named and (not root.exists() or
                                                       (root.is_dir() and not any(root.iterdir()))):
        return init_vault(root)
    _require_vault(root)
    return init_vault(root)


@contextmanager
def _opened(vault: Path | None) -> Iterator[tuple[VaultLayout, Store]]:
    """The vault's layout and its open store, closed again on the way out."""
    layout = _layout(vault)
    store = open_store(layout.state_dir)
    try:
        yield layout, store
    finally:
        store.close()


def init_vault(root: Path) -> VaultLayout:
    """Create the vault folders and a commented config file (keeping any that exist)."""
    layout = VaultLayout(root, load_config(root))
    for folder in (*layout.entity_folders(), layout.config.folders.sources, layout.config.folders.inbox):
        (root / folder).mkdir(parents=True, exist_ok=True)
    layout.state_dir.mkdir(parents=True, exist_ok=True)
    config = layout.state_dir / "config.toml"
    if not config.exists():
        config.write_text(DEFAULT_CONFIG, encoding="utf-8")
    glossary = layout.state_dir / "glossary.toml"
    if not any((layout.state_dir / n).exists() for n in ("glossary.toml", "glossary.yaml", "glossary.yml")):
        glossary.write_text(GLOSSARY_TEMPLATE, encoding="utf-8")
    open_store(layout.state_dir).close()
    return layout


def set_persona(root: Path, changes: dict[str, object]) -> Persona | None:
    """Merge `changes` (persona fields; None = unchanged) into the vault's `[persona]`
    and save it; returns the persona now configured."""
    table = dict(load_config(root).raw.get("persona") or {})
    table.update({k: v for k, v in changes.items() if v not in (None, [], ())})
    persona = persona_from_config({"persona": table}) if table else None
    if persona is not None:
        update_config_table(root, "persona", persona_table(persona))
    return persona


def _ask_persona() -> dict[str, object]:
    """Ask for the persona on the terminal; Enter skips a question (and a blank name all)."""
    def ask(question: str) -> str:
        return str(typer.prompt(question, default="", show_default=False)).strip()

    def many(question: str) -> list[str]:
        return [v.strip() for v in ask(question + " (comma-separated)").split(",") if v.strip()]

    name = ask("Your name (Enter to skip the persona)")
    if not name:
        return {}
    return {"name": name, "emails": many("Your e-mail addresses"),
            "aliases": many("Other names people use for you"), "company": ask("Your company"),
            "company_aliases": many("Other names of your company"), "role": ask("Your role"),
            "interests": many("What you care about most")}


ListOption = Optional[list[str]]


@app.command()
def init(vault: Annotated[Optional[Path], typer.Argument(help="The folder to make a vault.")] = None,
         name: Annotated[Optional[str], typer.Option(help="Your name: the vault's owner.")] = None,
         email: Annotated[ListOption, typer.Option(help="Your e-mail address (repeat for more).")] = None,
         alias: Annotated[ListOption, typer.Option(help="Another name people use for you.")] = None,
         company: Annotated[Optional[str], typer.Option(help="Your company (never an account).")] = None,
         company_alias: Annotated[ListOption, typer.Option(help="Another name of your company.")] = None,
         role: Annotated[Optional[str], typer.Option(help="Your role, e.g. Account Executive.")] = None,
         interest: Annotated[ListOption, typer.Option(help="Something you care about (repeatable).")] = None,
         handle: Annotated[Optional[str], typer.Option(help='Owner of your tasks (default "Me").')] = None,
         interactive: Annotated[Optional[bool], typer.Option(
             "--interactive/--no-interactive",
             help="Ask for your persona (default: when run in a terminal with none set).")] = None,
         ) -> None:
    """Create a vault: folders, .factbook/config.toml, a glossary template and the store;
    record who you are (asked in a terminal, or given by flags).

    Example: factbook init ~/Vault --name "Dana Whitlow" --email dana@orchardiq.example --company OrchardIQ
    """
    flags = {"name": name, "emails": email, "aliases": alias, "company": company,
             "company_aliases": company_alias, "role": role, "interests": interest, "handle": handle}
    try:
        root = resolve_vault(vault)
        layout = init_vault(root)
        if interactive is None:
            interactive = sys.stdin.isatty() and not any(flags.values()) and \
                "persona" not in layout.config.raw
        if interactive:
            flags.update({k: v for k, v in _ask_persona().items() if v})
        persona = set_persona(root, flags) if any(flags.values()) else None
    except FactbookError as exc:
        _fail(exc)
    out.print(f"vault ready at {layout.root}", markup=False, highlight=False)
    if persona is not None:
        out.print(f"persona: {persona.name} (your tasks are @{persona.handle})", markup=False,
                  highlight=False)
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
    wait: WaitOption = False,
    commit: Annotated[Optional[bool], typer.Option(
        "--commit/--no-commit", help="Make one git commit for the run when the vault is a git "
        "repository (default: the config's [ingest] commit, else no).")] = None,
) -> None:
    """Read documents, extract facts, and update the vault's notes.

    One run at a time per vault: while another run holds the vault, this one stops
    with a message, or waits for it with --wait.

    Example: factbook ingest ~/Downloads/articles --vault ~/Vault
    """
    try:
        layout = vault_to_fill(vault) if not dry_run else _layout(vault, must_exist=False)
        targets = paths or [layout.inbox]
        missing = [p for p in targets if not p.exists()]
        if missing:
            raise FactbookError(f"{missing[0]}: no such file or folder")
        store = open_store(layout.state_dir)
        try:
            chosen = make_extractor(extractor or layout.config.extractor, layout.config.llm, store)
            if hasattr(chosen, "progress"):  # the LLM extractor: a line per document, on stderr
                chosen.progress = _say_waiting
            if commit is None:
                commit = layout.config.commit
            tailoring = _tailoring(layout, chosen)
            report = _run_with_progress(targets, layout, store, chosen, dry_run, quiet=as_json,
                                        tailoring=tailoring, wait=wait, commit=commit)
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


def _tailoring(layout: VaultLayout, extractor) -> dict:
    """The user's persona, glossary, profiles and outputs, read from the vault's files."""
    raw = layout.config.raw
    outputs = outputs_from_config(raw)
    settings = getattr(extractor, "settings", None)
    if outputs.drafts and str(getattr(extractor, "name", "")).startswith("llm") and settings is not None:
        from factbook.outputs.drafts import llm_composer

        outputs.compose = llm_composer(settings)
    return {"persona": persona_from_config(raw), "glossary": load_glossary(layout.state_dir),
            "profiles": profiles_from_config(raw), "outputs": outputs}


def _run_with_progress(targets, layout, store, extractor, dry_run, quiet,
                       tailoring: dict | None = None, wait: bool = False,
                       commit: bool = False) -> RunReport:
    show = not quiet and sys.stderr.isatty()
    with Progress(TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=not show) as bar:
        task = bar.add_task("ingest", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        return ingest(targets, layout, store, extractor, dry_run=dry_run, progress=progress,
                      max_file_bytes=layout.config.max_file_bytes, wait=wait,
                      on_wait=_say_waiting, commit=commit, **(tailoring or {}))


def _say_waiting(message: str) -> None:
    err.print(f"factbook: {message}", markup=False, highlight=False)


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
    if report.outputs:
        rows.append(("outputs written", len(report.outputs)))
    for label, value in rows:
        table.add_row(label, str(value))
    out.print(table)
    for dup in report.duplicates[:10]:
        out.print(f"duplicate: {dup.path} (same as {dup.of})", markup=False, highlight=False)
    if len(report.duplicates) > 10:
        out.print(f"… and {len(report.duplicates) - 10} more duplicates (see --json)")
    for swap in report.replaced[:10]:
        out.print(f"fuller: {swap.path} (kept over {swap.replaced})", markup=False, highlight=False)
    for path in report.outputs:
        out.print(f"output: {path}", markup=False, highlight=False)
    for failure in report.failures:
        err.print(f"failed: {failure.path}: {failure.reason}", markup=False, highlight=False)
    for note in (report.recovered, report.git):
        if note:
            out.print(note, markup=False, highlight=False)


@app.command()
def status(vault: VaultOption = None, as_json: JsonOption = False) -> None:
    """What the vault holds and what the last runs did.

    Example: factbook status --vault ~/Vault
    """
    try:
        with _opened(vault) as (layout, store):
            counts = store.counts()
            runs = store.runs(5)
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
        with _opened(vault) as (layout, store):
            record = find_entity(store, entity)
            facts = [f for f in store.facts_for_entity(record.id) if f.status == "active"]
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
        as_json: JsonOption = False, wait: WaitOption = False) -> None:
    """Re-render every note from the store (what a person wrote is kept).

    Example: factbook rebuild --vault ~/Vault
    """
    try:
        with _opened(vault) as (layout, store):
            written = rebuild_notes(layout, store, dry_run=dry_run, wait=wait,
                                    glossary=load_glossary(layout.state_dir))
    except FactbookError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps({"notes_written": written, "dry_run": dry_run}))
    else:
        out.print(f"{'would write' if dry_run else 'wrote'} {written} notes", highlight=False)


@app.command()
def review(vault: VaultOption = None,
           accept_id: Annotated[Optional[int], typer.Option(
               "--accept", help="Accept item ID: a possible duplicate is merged, a fact is kept.")] = None,
           reject_id: Annotated[Optional[int], typer.Option(
               "--reject", help="Reject item ID: its fact is tombstoned, a possible duplicate stays apart.")] = None,
           as_json: JsonOption = False) -> None:
    """List what needs a person, or accept or reject one item.

    Example: factbook review --vault ~/Vault; factbook review --reject 3
    """
    from factbook.query.review import open_reviews
    from factbook.vault import curate

    try:
        with _opened(vault) as (layout, store):
            if accept_id is not None and reject_id is not None:
                raise FactbookError("give --accept or --reject, not both")
            if accept_id is not None or reject_id is not None:
                decide = curate.accept if accept_id is not None else curate.reject
                outcome = decide(layout, store, accept_id if accept_id is not None else reject_id)
                items = None
            else:
                items = open_reviews(store)
    except FactbookError as exc:
        _fail(exc)
    if items is None:
        _print_outcome(outcome, as_json)
    elif as_json:
        print(json.dumps([i.to_dict() for i in items], indent=2))
    elif not items:
        out.print("nothing needs review", highlight=False)
    else:
        for item in items:
            about = " / ".join(n for n in (item.entity, item.other) if n)
            seen = " (tag removed)" if item.acknowledged else ""
            out.print(f"#{item.id} {item.kind} [{about}]{seen}: {item.detail}", markup=False,
                      highlight=False)
        out.print("accept or reject with: factbook review --accept ID | --reject ID", highlight=False)


@app.command("merge")
def merge_command(keep: Annotated[str, typer.Argument(help="The entity that stays.")],
                  gone: Annotated[str, typer.Argument(help="The entity merged into it.")],
                  vault: VaultOption = None, as_json: JsonOption = False,
                  dry_run: Annotated[bool, typer.Option(
                      "--dry-run", help="Show what would change; write nothing.")] = False) -> None:
    """Merge entity GONE into entity KEEP: facts, sources, tasks, aliases and links move;
    GONE's note becomes a redirect to KEEP. `factbook split GONE` undoes it.

    Example: factbook merge "Acme" "Acme Holdings"
    """
    from factbook.vault import curate

    try:
        with _opened(vault) as (layout, store):
            if dry_run:
                from factbook.vault.repair import describe_merge

                cli_repair._print_repair(describe_merge(store, keep, gone), None, as_json)
                return
            outcome = curate.merge(layout, store, keep, gone)
    except FactbookError as exc:
        _fail(exc)
    _print_outcome(outcome, as_json)


@app.command()
def alias(entity: Annotated[str, typer.Argument(help="An entity's name or alias.")],
          name: Annotated[str, typer.Argument(help="Another name for it.")],
          vault: VaultOption = None, as_json: JsonOption = False) -> None:
    """Add another name for an entity; documents using it resolve to the entity.

    Example: factbook alias "Acme" "ACME Group"
    """
    from factbook.vault import curate

    try:
        with _opened(vault) as (layout, store):
            outcome = curate.add_alias(layout, store, entity, name)
            # Documents already in the store that use the new name now resolve to it.
            again = cli_repair.reresolve(layout, store, [name])
    except FactbookError as exc:
        _fail(exc)
    _print_outcome(outcome, as_json)
    if again.documents and not as_json:
        out.print(f"resolved {again.documents} earlier documents again", highlight=False)


def _print_outcome(outcome, as_json: bool) -> None:
    if as_json:
        print(json.dumps(outcome.__dict__, indent=2))
        return
    out.print(f"{outcome.message}; {outcome.notes_written} notes written", markup=False,
              highlight=False)
    if outcome.links_rewritten:
        out.print(f"links rewritten in {len(outcome.links_rewritten)} notes", highlight=False)


@app.command()
def doctor(vault: VaultOption = None,
           fix: Annotated[bool, typer.Option("--fix", help="Repair what can be repaired.")] = False,
           as_json: JsonOption = False, wait: WaitOption = False) -> None:
    """Check that the vault and the store agree (and repair them with --fix).

    Exits 0 when all is well (or repaired), 1 when problems remain.

    Example: factbook doctor --fix --vault ~/Vault
    """
    try:
        result = run_doctor(_layout(vault), fix=fix, wait=wait)
    except FactbookError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        for finding in result.findings:
            state = "fixed" if finding.fixed else ("can fix: --fix" if finding.fixable else "manual")
            out.print(f"{finding.kind}: {finding.detail} [{state}]", markup=False, highlight=False,
                      soft_wrap=True)
        out.print("vault and store are consistent" if result.healthy else "problems remain",
                  markup=False, highlight=False)
    if not result.healthy:
        raise typer.Exit(1)


# -- answers (issue 7): search, timeline, brief, mcp, watch ---------------------------------

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


# The answer commands (search, timeline, brief, mcp, watch) live in their own module;
# importing it registers them on `app`.
from factbook import cli_answers  # noqa: E402,F401  (registers commands)
from factbook import cli_repair  # noqa: E402,F401  (registers the repair commands, issue 17)
from factbook import cli_tasks  # noqa: E402,F401  (registers `factbook tasks`)


def main() -> None:
    """Console-script entry point."""
    app(prog_name="factbook")


__all__ = ["app", "main", "init_vault", "STATE_DIR"]


if __name__ == "__main__":  # `python -m factbook.cli`, e.g. as an MCP server command
    # Run the imported module's app: run as __main__, this file is a second copy of
    # the module, and the answer commands registered themselves on the first.
    from factbook.cli import main as _main

    _main()
