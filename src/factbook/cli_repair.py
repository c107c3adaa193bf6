"""The repair commands of the `factbook` command line (issue 17): rename, retype, forget,
split, reprocess and entities. A thin layer over factbook.vault.repair,
factbook.reprocess and factbook.query.listing; importing this module registers them.
"""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Optional

import typer

from factbook.cli import JsonOption, VaultOption, _fail, _opened, _tailoring, app, out
from factbook.errors import FactbookError
from factbook.extract import make_extractor
from factbook.pipeline import Tailoring
from factbook.query.common import parse_day
from factbook.query.listing import list_entities
from factbook.reprocess import ReprocessReport, documents_to_reprocess, reprocess
from factbook.store.base import Store
from factbook.vault import repair
from factbook.vault.layout import VaultLayout

DryRunOption = Annotated[bool, typer.Option("--dry-run", help="Show what would change; write nothing.")]
EntityArg = Annotated[str, typer.Argument(help="An entity's name or alias.")]


def reresolve(layout: VaultLayout, store: Store, names: list[str] | None,
              since: date | None = None) -> ReprocessReport:
    """Resolve again the stored documents that use `names` (or are dated since `since`)
    with the vault's extractor, persona, glossary and profiles."""
    extractor = make_extractor(layout.config.extractor, layout.config.llm, store)
    tailoring = _tailoring(layout, extractor)
    ids = documents_to_reprocess(store, names, since)
    return reprocess(layout, store, extractor, ids,
                     Tailoring(tailoring["persona"], tailoring["glossary"], tailoring["profiles"]))


def _print_repair(outcome: repair.RepairOutcome, again: ReprocessReport | None, as_json: bool) -> None:
    if as_json:
        data = dict(outcome.__dict__)
        data["reprocessed"] = again.to_dict() if again else None
        print(json.dumps(data, indent=2))
        return
    head = "dry run, nothing was written: " if outcome.dry_run else ""
    out.print(f"{head}{outcome.message}", markup=False, highlight=False)
    for change in outcome.changes:
        out.print(f"  {change}", markup=False, highlight=False)
    if not outcome.dry_run:
        out.print(f"{outcome.notes_written} notes written", highlight=False)
    if outcome.links_rewritten:
        out.print(f"links rewritten in {len(outcome.links_rewritten)} notes", highlight=False)
    if again and again.documents:
        out.print(f"resolved {again.documents} earlier documents again "
                  f"({again.notes_written} notes written)", highlight=False)


def _run(vault: Path | None, work, as_json: bool, names_again: bool = True) -> None:
    try:
        with _opened(vault) as (layout, store):
            outcome = work(layout, store)
            again = None
            if names_again and outcome.names and not outcome.dry_run:
                again = reresolve(layout, store, outcome.names)
    except FactbookError as exc:
        _fail(exc)
    _print_repair(outcome, again, as_json)


@app.command()
def rename(entity: EntityArg, new_name: Annotated[str, typer.Argument(help="Its new name.")],
           vault: VaultOption = None, dry_run: DryRunOption = False, as_json: JsonOption = False) -> None:
    """Rename an entity: its note moves to the new name, links to it follow in every
    note, and the old name stays an alias.

    Example: factbook rename Tarnwick "Tarnwick Robotics"
    """
    _run(vault, lambda layout, store: repair.rename(layout, store, entity, new_name, dry_run), as_json)


@app.command()
def retype(entity: EntityArg,
           kind: Annotated[str, typer.Argument(help="person, account or project.")],
           vault: VaultOption = None, dry_run: DryRunOption = False, as_json: JsonOption = False) -> None:
    """Make an entity a person, an account or a project: its note moves to that folder
    and its tags follow; later documents resolve to it as before.

    Example: factbook retype Odile person
    """
    _run(vault, lambda layout, store: repair.retype(layout, store, entity, kind, dry_run), as_json,
         names_again=False)


@app.command()
def forget(entity: EntityArg, vault: VaultOption = None, dry_run: DryRunOption = False,
           as_json: JsonOption = False) -> None:
    """Forget an entity that is not one: its note goes (kept in .factbook/forgotten/), its
    names never get a note again, its facts stay on the other entities they concern.

    Example: factbook forget "Best Regards"
    """
    _run(vault, lambda layout, store: repair.forget(layout, store, entity, dry_run), as_json,
         names_again=False)


@app.command()
def split(entity: Annotated[str, typer.Argument(help="The name of the entity that was merged away.")],
          vault: VaultOption = None, dry_run: DryRunOption = False, as_json: JsonOption = False) -> None:
    """Undo a merge: the entity merged away is its own entity again, with its facts,
    sources, aliases and note (what the person wrote in either note is kept).

    Example: factbook split Odile
    """
    _run(vault, lambda layout, store: repair.split(layout, store, entity, dry_run), as_json)


@app.command("reprocess")
def reprocess_command(
    vault: VaultOption = None,
    since: Annotated[Optional[str], typer.Option(
        help="Only documents dated on or after this day (YYYY-MM-DD).")] = None,
    name: Annotated[Optional[list[str]], typer.Option(
        help="Only documents that use this name (repeatable).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Resolve documents already in the store again, with the vault's entities, aliases,
    glossary and persona as they are now (no re-ingest; what you wrote is kept).

    Example: factbook reprocess --since 2026-01-01
    """
    try:
        with _opened(vault) as (layout, store):
            report = reresolve(layout, store, name, parse_day(since, "since"))
    except FactbookError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps(report.to_dict(), indent=2))
        return
    out.print(f"resolved {report.documents} documents again: {report.facts_added} facts added, "
              f"{report.entities_created} entities created, {report.notes_written} notes written",
              highlight=False)
    for failure in report.failures:
        out.print(f"failed: {failure}", markup=False, highlight=False)


@app.command()
def entities(vault: VaultOption = None,
             kind: Annotated[Optional[str], typer.Option(
                 help="Only this kind: person, account or project.")] = None,
             as_json: JsonOption = False) -> None:
    """List the vault's entities: name, kind, facts, sources, last contact, review state.

    Example: factbook entities --kind person
    """
    try:
        with _opened(vault) as (_, store):
            rows = list_entities(store, kind)
    except FactbookError as exc:
        _fail(exc)
    if as_json:
        print(json.dumps([r.to_dict() for r in rows], indent=2))
        return
    for row in rows:
        out.print(row.line(), markup=False, highlight=False)
    if not rows:
        out.print("no entities", highlight=False)
