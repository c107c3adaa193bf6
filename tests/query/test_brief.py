"""The pre-meeting brief: its default window, its sections with sources, the note it writes."""
from __future__ import annotations

import json
from datetime import date

from factbook.query.brief import brief, render_brief
from tests.conftest import SEEDS, needs_shared


def test_default_window_starts_at_the_last_contact(filled):
    result = brief(filled.store, "Halvorsen Freight", today=date(2024, 4, 5))
    assert result.since == date(2024, 3, 10)
    assert "last contact on 2024-03-10" in result.since_reason
    assert result.last_contact.title == "Call with Halvorsen"
    changed = [i.text for i in result.changed]
    assert "Halvorsen Freight ordered 24 barges." in " ".join(changed)
    assert not any("twelve" in t for t in changed), "older news is not a change"
    assert all(i.sources for i in result.changed)


def test_sections_carry_tasks_decisions_conflicts_people(filled):
    result = brief(filled.store, "Halvorsen Freight", since=date(2024, 1, 1))
    assert [t.text for t in result.open_tasks] == ["Send the container spec sheet — Omar Sayed, due 2024-03-20"]
    assert result.decisions[0].text == "Pilot starts with two containers"
    assert result.decisions[0].sources[0].link == "[[2024-03-10 - Call with Halvorsen]]"
    assert len(result.conflicts) == 1
    assert "twelve" in result.conflicts[0].text and "24" in result.conflicts[0].text
    assert len(result.conflicts[0].sources) == 2
    people = {p.name: p for p in result.people}
    assert people["Ingrid Lindqvist"].note_path == "People/Ingrid Lindqvist.md"
    assert "Omar Sayed" in people


def test_without_a_contact_the_window_is_the_last_30_days(filled):
    result = brief(filled.store, "Tidewater Mills")
    assert result.since == date(2024, 1, 2)
    assert "30 days" in result.since_reason


def test_rendered_note_and_cli_write(cli, filled):
    text = render_brief(brief(filled.store, "Halvorsen Freight", today=date(2024, 4, 5)))
    assert text.startswith("---\ntype: brief\n")
    for heading in ("What changed", "Open tasks", "Recent decisions", "Conflicts awaiting review",
                    "People involved"):
        assert f"## {heading}" in text
    assert "- [ ]" not in text, "a task copied with its checkbox would show twice in Tasks"
    root = filled.layout.root
    result = cli("brief", "Halvorsen Freight", "--vault", root, "--since", "2024-01-01",
                 "--write", "--json")
    data = json.loads(result.output)
    assert data["since"] == "2024-01-01" and data["note"].startswith("Briefs/")
    written = (root / data["note"]).read_text(encoding="utf-8")
    assert "[[2024-03-10 - Call with Halvorsen]]" in written


@needs_shared()
def test_brief_on_the_seed_vault(cli, tmp_path):
    vault = tmp_path / "v"
    cli("ingest", SEEDS, "--vault", vault)
    for note in (vault / "Accounts").glob("*.md"):
        result = cli("brief", note.stem, "--vault", vault)
        assert result.exit_code == 0 and "## What changed" in result.output
