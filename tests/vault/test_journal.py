"""When the disk fills, the vault is read-only, or the store is locked or corrupt: one
clear message, and nothing half-written. (Tests run as root in CI, where chmod does not
bite, so failures are injected by replacing the os functions the writer calls.)"""
from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factbook.cli import app, init_vault
from factbook.errors import StoreError, VaultError
from factbook.extract.offline import OfflineExtractor
from factbook.pipeline import ingest
from factbook.store import open_store
from factbook.vault import journal as journal_module
from factbook.vault import writer
from factbook.vault.layout import VaultLayout
from tests.invented_corpus import DOCUMENTS, hidden_leftovers, snapshot, write_corpus



def _run(vault: Path, inbox: Path):
    layout = VaultLayout(vault, init_vault(vault).config)
    store = open_store(layout.state_dir)
    try:
        return ingest([inbox], layout, store, OfflineExtractor())
    finally:
        store.close()


def _documents(vault: Path) -> int:
    store = open_store(vault / ".factbook")
    try:
        return store.counts()["documents"]
    finally:
        store.close()


@pytest.fixture()
def half_done(tmp_path):
    """A vault holding the first half of the corpus, the whole corpus as the next input,
    and the vault one successful run over it makes."""
    names = sorted(DOCUMENTS)
    vault = tmp_path / "vault"
    _run(vault, write_corpus(tmp_path / "first", names[:3]))
    inbox = write_corpus(tmp_path / "inbox")
    reference = tmp_path / "reference"
    _run(reference, write_corpus(tmp_path / "first", names[:3]))
    _run(reference, inbox)
    return vault, inbox, snapshot(reference)


def _failing_after(real, calls: int, code: int):
    state = {"n": 0}

    def fake(*args, **kwargs):
        state["n"] += 1
        if state["n"] > calls:
            raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)
    return fake


@pytest.mark.parametrize("code, words", [(errno.ENOSPC, "the disk is full"),
                                         (errno.EDQUOT, "quota")])
def test_disk_full_while_staging_changes_nothing(half_done, monkeypatch, code, words):
    vault, inbox, reference = half_done
    before, docs = snapshot(vault), _documents(vault)
    monkeypatch.setattr(writer.os, "write", _failing_after(os.write, 4, code))
    with pytest.raises(VaultError, match=words):
        _run(vault, inbox)
    monkeypatch.undo()
    assert snapshot(vault) == before
    assert hidden_leftovers(vault) == []
    assert _documents(vault) == docs  # the store rolled back with the notes
    _run(vault, inbox)  # with room again, the run completes
    assert snapshot(vault) == reference


def test_read_only_vault_changes_nothing(half_done, monkeypatch):
    vault, inbox, reference = half_done
    before = snapshot(vault)
    real_open = os.open

    def read_only(path, *args, **kwargs):
        if str(path).endswith(".factbook-tmp"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(writer.os, "open", read_only)
    with pytest.raises(VaultError, match="the file system is read-only"):
        _run(vault, inbox)
    monkeypatch.undo()
    assert snapshot(vault) == before
    assert hidden_leftovers(vault) == []


def test_failure_while_renaming_is_finished_by_the_next_run(half_done, monkeypatch):
    # The store has committed; the notes could not all be moved into place.
    vault, inbox, reference = half_done
    real_replace, renamed = os.replace, []

    def failing_replace(src, dst, *args, **kwargs):
        if str(dst).endswith(".md"):  # the notes (originals under .factbook are kept first)
            renamed.append(dst)
            if len(renamed) > 2:
                raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(journal_module.os, "replace", failing_replace)
    with pytest.raises(VaultError, match="store changes are saved") as caught:
        _run(vault, inbox)
    assert "doctor --fix" in caught.value.hint
    monkeypatch.undo()
    assert (vault / ".factbook" / "journal").exists()
    report = _run(vault, inbox)
    assert report.recovered.startswith("rolled-forward")
    assert snapshot(vault) == reference
    assert hidden_leftovers(vault) == []


def test_locked_store_gives_a_clear_error_and_changes_nothing(half_done):
    vault, inbox, _ = half_done
    before = snapshot(vault)
    other = sqlite3.connect(vault / ".factbook" / "factbook.db", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    layout = VaultLayout(vault, init_vault(vault).config)
    store = open_store(layout.state_dir)
    store.db.execute("PRAGMA busy_timeout = 100")  # do not wait the default 10 s in a test
    try:
        with pytest.raises(StoreError, match="locked by another program"):
            ingest([inbox], layout, store, OfflineExtractor())
    finally:
        store.close()
        other.execute("ROLLBACK")
        other.close()
    assert snapshot(vault) == before
    assert hidden_leftovers(vault) == []


def test_corrupt_store_gives_a_clear_error_and_keeps_everything(half_done):
    vault, inbox, _ = half_done
    db = vault / ".factbook" / "factbook.db"
    garbage = os.urandom(3) + b"this is not a database" * 500
    db.write_bytes(garbage)
    before = snapshot(vault)
    result = CliRunner().invoke(app, ["ingest", str(inbox), "--vault", str(vault)])
    assert result.exit_code == 2
    assert "cannot open the store" in result.output and "doctor" in result.output
    assert snapshot(vault) == before
    assert db.read_bytes() == garbage  # the evidence is kept, not overwritten


def test_stray_temp_files_are_swept_but_look_alikes_are_kept(half_done):
    vault, inbox, _ = half_done
    stray = vault / "Accounts" / ".Gone.md.1234abcd.factbook-tmp"
    stray.write_text("half a note")
    mine = vault / "Accounts" / "notes.factbook-tmp.md"  # a person's file, not a temp file
    mine.write_text("keep me")
    report = _run(vault, inbox)
    assert not stray.exists()
    assert mine.read_text() == "keep me"
    assert report.new_sources
