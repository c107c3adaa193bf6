"""`factbook doctor`: finds what is inconsistent between vault and store, and repairs it."""
from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from factbook.cli import app, init_vault
from factbook.doctor import run_doctor
from factbook.extract.offline import OfflineExtractor
from factbook.pipeline import ingest
from factbook.store import open_store
from factbook.vault.layout import VaultLayout
from tests.invented_corpus import hidden_leftovers, snapshot, write_corpus


@pytest.fixture()
def vault(tmp_path):
    root = tmp_path / "vault"
    layout = VaultLayout(root, init_vault(root).config)
    store = open_store(layout.state_dir)
    try:
        ingest([write_corpus(tmp_path / "inbox")], layout, store, OfflineExtractor())
    finally:
        store.close()
    return layout


def _kinds(report):
    return {f.kind: f for f in report.findings}


def test_a_healthy_vault_has_no_findings(vault):
    report = run_doctor(vault)
    assert report.findings == [] and report.healthy


def test_missing_notes_are_re_rendered(vault):
    # Issue 17: a deleted entity note is a `forget` (tests/test_repair.py); deleted source
    # notes, and entity notes lost wholesale (test_cli_exit_codes_and_json), come back.
    before = snapshot(vault.root)
    gone = sorted(p for p in before if p.startswith("Sources/"))[:2]
    for rel in gone:
        (vault.root / rel).unlink()
    found = _kinds(run_doctor(vault))
    assert "missing-notes" in found and not found["missing-notes"].fixed
    report = run_doctor(vault, fix=True)
    assert report.healthy
    assert snapshot(vault.root) == before


def test_leftovers_of_a_killed_run_are_cleaned(vault):
    stray = vault.root / "Accounts" / ".Half.md.0badc0de.factbook-tmp"
    stray.write_text("half")
    (vault.state_dir / "journal").write_text('{"token": "never-committed", "version": 1}\n'
                                             '{"path": "Accounts/Half.md", '
                                             '"temp": "Accounts/.Half.md.0badc0de.factbook-tmp"}\n')
    found = _kinds(run_doctor(vault))
    assert {"interrupted-run", "temp-files"} <= set(found)
    report = run_doctor(vault, fix=True)
    assert report.healthy
    assert hidden_leftovers(vault.root) == []
    assert not (vault.root / "Accounts" / "Half.md").exists()  # rolled back, not forward


def test_orphan_records_are_dropped(vault):
    source = sorted((vault.root / "Sources").rglob("*.md"))[0]
    store = open_store(vault.state_dir)
    try:
        with store.transaction():
            store.set_rendered("Accounts/Long Gone.md", "0" * 64, None)
    finally:
        store.close()
    found = _kinds(run_doctor(vault))
    assert found["orphan-records"].detail.startswith("1 ")
    assert run_doctor(vault, fix=True).healthy
    assert run_doctor(vault).findings == []
    assert source.exists()


def test_an_unreadable_store_is_moved_aside_never_deleted(vault):
    db = vault.state_dir / "factbook.db"
    db.write_bytes(b"\x00garbage" * 1000)
    notes = snapshot(vault.root)
    report = run_doctor(vault)
    assert _kinds(report)["store-unreadable"] and not report.healthy
    report = run_doctor(vault, fix=True)
    assert report.healthy
    kept = list(vault.state_dir.glob("factbook.db.corrupt-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == b"\x00garbage" * 1000
    assert snapshot(vault.root) == notes
    open_store(vault.state_dir).close()  # the fresh store opens


def test_cli_exit_codes_and_json(vault):
    runner = CliRunner()
    ok = runner.invoke(app, ["doctor", "--vault", str(vault.root), "--json"])
    assert ok.exit_code == 0 and json.loads(ok.output)["healthy"] is True
    shutil.rmtree(vault.root / "Accounts")
    bad = runner.invoke(app, ["doctor", "--vault", str(vault.root)])
    assert bad.exit_code == 1 and "missing-notes" in bad.output
    fixed = runner.invoke(app, ["doctor", "--fix", "--vault", str(vault.root)])
    assert fixed.exit_code == 0 and "consistent" in fixed.output
