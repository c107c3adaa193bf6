"""The audit trail: `--commit` (or `[ingest] commit = true`) makes one git commit per run,
with only the run's notes and a summary message, so every run can be reviewed and reverted."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from factbook.cli import app, init_vault
from factbook.extract.offline import OfflineExtractor
from factbook.pipeline import ingest
from factbook.store import open_store
from factbook.vault.layout import VaultLayout
from tests.invented_corpus import DOCUMENTS, snapshot, write_corpus

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(root, *args) -> str:
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          check=True).stdout


@pytest.fixture()
def repo_vault(tmp_path):
    root = tmp_path / "vault"
    layout = VaultLayout(root, init_vault(root).config)
    git(root, "init", "-q")
    (root / ".gitignore").write_text(".factbook/\n")
    (root / "Accounts" / "mine.md").write_text("my own draft\n")
    git(root, "add", "Accounts/mine.md")  # staged by the person: not the run's to commit
    return layout


def _ingest(layout, inbox, **options):
    store = open_store(layout.state_dir)
    try:
        return ingest([inbox], layout, store, OfflineExtractor(), **options)
    finally:
        store.close()


def test_one_commit_per_run_with_only_the_runs_notes(repo_vault, tmp_path):
    report = _ingest(repo_vault, write_corpus(tmp_path / "inbox"), commit=True)
    assert report.git.startswith("committed ")
    root = repo_vault.root
    assert git(root, "rev-list", "--count", "HEAD").strip() == "1"
    message = git(root, "log", "-1", "--format=%B")
    assert message.startswith(f"factbook run {report.run_id}: {len(report.new_sources)} new sources")
    assert "sources:" in message
    committed = set(git(root, "show", "--name-only", "--format=", "HEAD").split("\n")) - {""}
    assert committed == {p for p in snapshot(root) if p != "Accounts/mine.md"}
    assert "Accounts/mine.md" in git(root, "diff", "--cached", "--name-only")  # still only staged


def test_a_run_that_changes_nothing_makes_no_commit(repo_vault, tmp_path):
    inbox = write_corpus(tmp_path / "inbox")
    _ingest(repo_vault, inbox, commit=True)
    head = git(repo_vault.root, "rev-parse", "HEAD")
    report = _ingest(repo_vault, inbox, commit=True)
    assert report.git.startswith("no commit")
    assert git(repo_vault.root, "rev-parse", "HEAD") == head


def test_a_run_can_be_reverted(repo_vault, tmp_path):
    names = sorted(DOCUMENTS)
    _ingest(repo_vault, write_corpus(tmp_path / "one", names[:2]), commit=True)
    before = snapshot(repo_vault.root)
    _ingest(repo_vault, write_corpus(tmp_path / "two", names[2:4], note=False), commit=True)
    assert snapshot(repo_vault.root) != before
    git(repo_vault.root, "reset", "-q")  # revert wants a clean index: unstage the person's draft
    git(repo_vault.root, "-c", "user.name=t", "-c", "user.email=t@t", "revert", "--no-edit", "HEAD")
    assert snapshot(repo_vault.root) == before


def test_not_a_repository_is_a_note_not_an_error(tmp_path):
    root = tmp_path / "plain"
    layout = VaultLayout(root, init_vault(root).config)
    report = _ingest(layout, write_corpus(tmp_path / "inbox"), commit=True)
    assert report.new_sources
    assert "not a git repository" in report.git


def test_config_setting_turns_it_on(repo_vault, tmp_path):
    config = repo_vault.state_dir / "config.toml"
    config.write_text(config.read_text().replace("[ingest]", "[ingest]\ncommit = true"))
    result = CliRunner().invoke(app, ["ingest", str(write_corpus(tmp_path / "inbox")),
                                      "--vault", str(repo_vault.root)])
    assert result.exit_code == 0, result.output
    assert "committed" in result.output
    assert git(repo_vault.root, "rev-list", "--count", "HEAD").strip() == "1"
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "inbox"), "--no-commit",
                                      "--vault", str(repo_vault.root)])
    assert result.exit_code == 0
