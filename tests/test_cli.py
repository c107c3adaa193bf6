"""The command line as a user meets it: help, init, ingest, status, show, rebuild, errors."""
from __future__ import annotations

import json

import pytest
import typer.main

from factbook.cli import app
from tests.conftest import EXAMPLES, snapshot


def command_names() -> list[str]:
    group = typer.main.get_command(app)
    return sorted(group.commands)


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help_with_an_example(cli, name):
    result = cli(name, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output, f"`factbook {name} --help` shows no example"


def test_init_creates_the_layout(cli, vault):
    result = cli("init", vault)
    assert result.exit_code == 0
    for folder in ("Accounts", "People", "Projects", "Sources", "Inbox", ".factbook"):
        assert (vault / folder).is_dir()
    assert (vault / ".factbook" / "config.toml").read_text().startswith("# factbook settings")
    assert (vault / ".factbook" / "factbook.db").exists()


def test_ingest_examples_then_again_changes_nothing(cli, vault):
    first = cli("ingest", EXAMPLES, "--vault", vault, "--json")
    report = json.loads(first.output)
    assert len(report["new_sources"]) >= 2
    assert report["notes_written"] > 0
    before = snapshot(vault)
    second = json.loads(cli("ingest", EXAMPLES, "--vault", vault, "--json").output)
    assert second["new_sources"] == [] and second["facts_added"] == 0
    assert second["notes_written"] == 0
    assert len(second["duplicates"]) == len(report["new_sources"])
    assert snapshot(vault) == before


def test_dry_run_writes_no_note_and_stores_nothing(cli, vault):
    result = cli("ingest", EXAMPLES, "--vault", vault, "--dry-run", "--json")
    report = json.loads(result.output)
    assert report["dry_run"] and report["notes_written"] > 0
    assert snapshot(vault) == {}
    real = json.loads(cli("ingest", EXAMPLES, "--vault", vault, "--json").output)
    assert real["new_sources"] == report["new_sources"]


def test_default_path_is_the_inbox(cli, vault):
    cli("init", vault)
    (vault / "Inbox" / "note.txt").write_text(
        "Acme Widgets Corp said it would hire 200 engineers in 2026.\n", encoding="utf-8")
    report = json.loads(cli("ingest", "--vault", vault, "--json").output)
    assert len(report["new_sources"]) == 1


def test_status_and_show(cli, vault):
    cli("ingest", EXAMPLES, "--vault", vault)
    status = json.loads(cli("status", "--vault", vault, "--json").output)
    assert status["counts"]["documents"] >= 2 and status["runs"][0]["status"].startswith("ok")
    shown = cli("show", "Northwind Logistics Inc.", "--vault", vault)
    assert shown.exit_code == 0 and "## Key Facts" in shown.output


def test_show_unknown_entity_is_one_clear_line_with_a_hint(cli, vault):
    cli("ingest", EXAMPLES, "--vault", vault)
    result = cli("show", "Northwynd Logistics", "--vault", vault)
    assert result.exit_code == 2
    assert "no entity called 'Northwynd Logistics'" in result.output
    assert "did you mean Northwind Logistics" in result.output


def test_missing_path_and_missing_vault_are_clear_errors(cli, vault, tmp_path):
    result = cli("ingest", tmp_path / "nope", "--vault", vault)
    assert result.exit_code == 2 and "no such file or folder" in result.output
    result = cli("status", "--vault", tmp_path / "novault")
    assert result.exit_code == 2 and "no vault at" in result.output and "factbook init" in result.output


def test_a_bad_file_fails_alone_and_the_run_exits_non_zero(cli, vault, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text("Acme Widgets Corp hired 200 engineers in 2026.\n", encoding="utf-8")
    (docs / "empty.txt").write_text("", encoding="utf-8")
    (docs / "blob.txt").write_bytes(b"\x00\x01\x02binary" * 50)
    result = cli("ingest", docs, "--vault", vault, "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert len(report["new_sources"]) == 1
    reasons = {f["path"].rsplit("/", 1)[-1]: f["reason"] for f in report["failures"]}
    assert reasons == {"empty.txt": "is empty", "blob.txt": "is binary, not text"}


def test_rebuild_reproduces_the_vault(cli, vault):
    cli("ingest", EXAMPLES, "--vault", vault)
    before = snapshot(vault)
    for note in (vault / "Accounts").glob("*.md"):
        note.unlink()
    result = cli("rebuild", "--vault", vault)
    assert result.exit_code == 0
    assert snapshot(vault) == before
