"""`factbook tasks`: open tasks by account, owner or due date (registered on `factbook.cli.app`)."""
from __future__ import annotations

import json
from typing import Annotated, Optional

import typer

from factbook.cli import JsonOption, VaultOption, _fail, _opened, app
from factbook.errors import FactbookError


@app.command("tasks")
def tasks_command(
    vault: VaultOption = None,
    account: Annotated[Optional[str], typer.Option(
        "--account", "-a", help="Only this account's (or project's) tasks, by name or alias.")] = None,
    owner: Annotated[Optional[str], typer.Option(
        "--owner", "-o", help='Only this person\'s tasks ("me" for yours).')] = None,
    due_before: Annotated[Optional[str], typer.Option(
        "--due-before", help="Only tasks due on or before YYYY-MM-DD.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Open tasks (not done, not cancelled), soonest due first.

    Example: factbook tasks --account "Acme Corp" --owner me --due-before 2025-03-31
    """
    from factbook.persona import persona_from_config
    from factbook.query.common import parse_day
    from factbook.query.tasks import format_tasks, open_tasks

    try:
        with _opened(vault) as (layout, store):
            persona = persona_from_config(layout.config.raw)
            found = open_tasks(store, account=account, owner=owner,
                               due_before=parse_day(due_before, "--due-before"), persona=persona)
    except FactbookError as exc:
        _fail(exc)
    print(json.dumps([t.to_dict() for t in found], indent=2) if as_json else format_tasks(found))
