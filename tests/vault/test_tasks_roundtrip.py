"""Task lines round-trip (issue 15): every combination of Obsidian Tasks fields written in a
note is ingested, shown on the source note as the Tasks plugin itself would write it, and
a task the user then checks off in Obsidian reads back exactly as the plugin shows it."""
from __future__ import annotations

import json
import re
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from factbook.cli import app
from factbook.models import Task
from factbook.vault.tasks import format_task, parse_task_line

TODAY = date(2026, 5, 4)
# What the Tasks plugin writes after the description, in its TaskLayoutComponent order.
_PLUGIN_ORDER = ("priority", "recurrence", "created", "start", "scheduled", "due", "cancelled_on",
                 "done_on")
_EMOJI = {"created": "➕", "start": "🛫", "scheduled": "⏳", "due": "📅", "cancelled_on": "❌",
          "done_on": "✅"}
_PRIORITY = {"highest": "🔺", "high": "⏫", "medium": "🔼", "low": "🔽", "lowest": "⏬"}


def plugin_toggle(line: str, today: date) -> str:
    """What Obsidian's Tasks plugin writes when the user ticks `line`: the fields read off
    the end of the line, the status set to done with today's ✅ date, and the line written
    again as description (tags included), fields in the plugin's order, block link."""
    block = re.search(r"\s\^([\w-]+)$", line)
    body = line[: block.start()] if block else line
    task = parse_task_line(body)
    assert task is not None
    tags = re.findall(r"(?<!\S)#[\w/-]+", body)
    description = task.text + (f" @{task.owner}" if task.owner else "")
    parts = [f"- [x] {description}", *tags]
    fields = {"priority": _PRIORITY.get(task.priority or ""),
              "recurrence": f"🔁 {task.recurrence}" if task.recurrence else None}
    for name, emoji in _EMOJI.items():
        value = today if name == "done_on" else getattr(task, name)
        fields[name] = f"{emoji} {value.isoformat()}" if value else None
    parts += [fields[name] for name in _PLUGIN_ORDER if fields[name]]
    return " ".join(parts) + (f" ^{block.group(1)}" if block else "")


_dates = st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2026, 12, 31)))
_tasks = st.builds(
    Task,
    text=st.lists(st.sampled_from(["deck", "room", "plan", "quote", "racks", "badges"]), min_size=1,
                  max_size=3).map(lambda ws: "Prepare the " + " and ".join(dict.fromkeys(ws))),
    owner=st.sampled_from([None, "Priya Raman"]),
    priority=st.sampled_from([None, "highest", "high", "medium", "low", "lowest"]),
    recurrence=st.sampled_from([None, "every week", "every month on the 1st"]),
    created=_dates, start=_dates, scheduled=_dates, due=_dates,
    cancelled=st.booleans(),
).map(lambda t: Task(**{**t.__dict__, "cancelled_on": date(2026, 4, 30) if t.cancelled else None}))

_FIELDS = ("text", "owner", "priority", "recurrence", "created", "start", "scheduled", "due",
           "cancelled", "cancelled_on")


def _run(*args: object):
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def _task_line(vault: Path) -> str:
    lines = [ln for p in (vault / "Sources").rglob("*.md")
             for ln in p.read_text(encoding="utf-8").splitlines() if re.match(r"- \[.\] .* \^t-", ln)]
    assert len(lines) == 1, lines
    return lines[0]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(task=_tasks)
def test_every_tasks_field_survives_ingest_and_a_tick_in_obsidian(task):
    with tempfile.TemporaryDirectory(prefix="h15-") as tmp:
        root = Path(tmp)
        inbox, vault = root / "inbox", root / "vault"
        inbox.mkdir()
        written = format_task(task, [])
        (inbox / "2026-04-28 Pilot review.md").write_text(
            f"# Pilot review\n\nAttendees: Priya Raman, Tom Beck\n\n## Action items\n\n{written}\n",
            encoding="utf-8")
        _run("ingest", inbox, "--vault", vault)
        shown = _task_line(vault)
        back = parse_task_line(shown)
        assert [getattr(back, f) for f in _FIELDS] == [getattr(task, f) for f in _FIELDS]
        assert shown == plugin_toggle(shown, TODAY).replace("- [x]", f"- [{'-' if task.cancelled else ' '}]") \
            .replace(f" ✅ {TODAY.isoformat()}", ""), "not the line the Tasks plugin writes"
        if task.cancelled:
            return
        ticked = plugin_toggle(shown, TODAY)
        note = next(p for p in (vault / "Sources").rglob("*.md") if shown in p.read_text(encoding="utf-8"))
        note.write_text(note.read_text(encoding="utf-8").replace(shown, ticked), encoding="utf-8")
        _run("ingest", inbox, "--vault", vault)
        assert _task_line(vault) == ticked
        assert json.loads(_run("tasks", "--vault", vault, "--json").output) == []
