"""`factbook tasks` (issue 15): open tasks by account, owner or due date, on invented notes."""
from __future__ import annotations

import json


def _vault(cli, vault, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "2026-04-28 Quillmark Foods pilot review.md").write_text(
        "# Quillmark Foods pilot review\n\nAttendees: Priya Raman, Lena Ostrova\n\n"
        "Quillmark Foods Inc. said it runs nine warehouses. Quillmark Foods Inc. wants a pilot.\n\n"
        "## Action items\n\n"
        "- [ ] Send the pilot plan to Quillmark Foods 📅 2026-05-06\n"
        "- [ ] Priya: book the site visit 📅 2026-05-20\n"
        "- [x] Share the deck ✅ 2026-04-29\n"
        "- [-] Print the badges ❌ 2026-04-30\n", encoding="utf-8")
    assert cli("init", vault, "--no-interactive", "--name", "Lena Ostrova").exit_code == 0
    assert cli("ingest", inbox, "--vault", vault).exit_code == 0


def test_open_tasks_by_owner_due_date_and_account(cli, vault, tmp_path):
    _vault(cli, vault, tmp_path)
    result = cli("tasks", "--vault", vault, "--json")
    assert result.exit_code == 0, result.output
    every = json.loads(result.output)
    assert [t["text"] for t in every] == ["Send the pilot plan to Quillmark Foods", "Book the site visit"]
    assert every[0]["owner"] == "Me" and every[0]["due"] == "2026-05-06"
    mine = json.loads(cli("tasks", "--vault", vault, "--owner", "me", "--json").output)
    assert [t["text"] for t in mine] == ["Send the pilot plan to Quillmark Foods"]
    priya = json.loads(cli("tasks", "--vault", vault, "--owner", "Priya", "--json").output)
    assert [t["owner"] for t in priya] == ["Priya Raman"]
    soon = json.loads(cli("tasks", "--vault", vault, "--due-before", "2026-05-10", "--json").output)
    assert len(soon) == 1
    account = json.loads(cli("tasks", "--vault", vault, "--account", "Quillmark Foods", "--json").output)
    assert len(account) == 2 and all("Quillmark Foods" in t["accounts"] for t in account)
    listing = cli("tasks", "--vault", vault).output
    assert listing.splitlines()[0].startswith("2026-05-06  Send the pilot plan to Quillmark Foods @Me")


def test_unknown_account_and_bad_date_are_one_clear_line(cli, vault, tmp_path):
    _vault(cli, vault, tmp_path)
    result = cli("tasks", "--vault", vault, "--account", "Nowhere Ltd")
    assert result.exit_code == 2 and "no entity called 'Nowhere Ltd'" in result.output
    result = cli("tasks", "--vault", vault, "--due-before", "next week")
    assert result.exit_code == 2 and "YYYY-MM-DD" in result.output


def test_a_meetings_decisions_reach_its_account_and_its_source_note(cli, vault, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "2026-04-28 Quillmark Foods pilot review.md").write_text(
        "# Quillmark Foods pilot review\n\nAttendees: Priya Raman, Lena Ostrova\n\n"
        "## Summary\n\nQuillmark Foods Inc. said it runs nine warehouses.\n\n"
        "## Decisions (what we agreed)\n\n- Three pilot sites, Dayton first\n\n"
        "## Action items\n\n- Priya to send the dock plan by Friday\n", encoding="utf-8")
    assert cli("init", vault, "--no-interactive", "--name", "Lena Ostrova").exit_code == 0
    assert cli("ingest", inbox, "--vault", vault).exit_code == 0
    account = next((vault / "Accounts").glob("Quillmark*.md")).read_text(encoding="utf-8")
    decisions = account.split("## Key Decisions", 1)[1].split("\n## ", 1)[0]
    assert "Three pilot sites, Dayton first" in decisions
    source = next((vault / "Sources").rglob("*.md")).read_text(encoding="utf-8")
    assert "- Three pilot sites, Dayton first" in source.split("## Decisions", 1)[1]
    [task] = [ln for ln in source.splitlines() if ln.startswith("- [ ] ")]
    assert task.startswith("- [ ] Send the dock plan @Priya Raman #task #account/quillmark-foods")
    assert "📅 2026-05-01" in task
