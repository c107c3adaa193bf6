"""One run at a time per vault: a second run stops with a clear message or waits
(--wait), and simultaneous ingests of one folder end with the vault one ingest makes."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factbook.cli import init_vault
from factbook.errors import VaultLockedError
from factbook.extract.offline import OfflineExtractor
from factbook.pipeline import ingest
from factbook.store import open_store
from factbook.vault.layout import VaultLayout
from factbook.vault.lock import vault_lock
from tests.invented_corpus import hidden_leftovers, snapshot, write_corpus

CLI = [sys.executable, "-c", "from factbook.cli import main; main()"]
HOLDER = ("import sys\nfrom pathlib import Path\nfrom factbook.vault.lock import vault_lock\n"
          "with vault_lock(Path(sys.argv[1])):\n    print('held', flush=True)\n    sys.stdin.read()\n")


@pytest.fixture()
def inbox(tmp_path) -> Path:
    return write_corpus(tmp_path / "inbox")


@pytest.fixture()
def reference(tmp_path, inbox) -> dict[str, bytes]:
    """The vault one uninterrupted ingest makes."""
    vault = tmp_path / "reference"
    _ingest_here(vault, inbox)
    return snapshot(vault)


def _ingest_here(vault: Path, inbox: Path, **options):
    layout = VaultLayout(vault, init_vault(vault).config)
    store = open_store(layout.state_dir)
    try:
        return ingest([inbox], layout, store, OfflineExtractor(), **options)
    finally:
        store.close()


def _cli(vault: Path, inbox: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([*CLI, "ingest", str(inbox), "--vault", str(vault), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


class _HeldLock:
    """The vault lock held by another process until `release`."""

    def __init__(self, vault: Path) -> None:
        init_vault(vault)
        self.proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(vault / ".factbook")],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout.readline().strip() == "held"

    def release(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def test_two_simultaneous_ingests_end_like_one(tmp_path, inbox, reference):
    vault = tmp_path / "vault"
    init_vault(vault)
    runs = [_cli(vault, inbox, "--wait") for _ in range(2)]
    results = [proc.communicate(timeout=120) for proc in runs]
    assert [proc.returncode for proc in runs] == [0, 0], results
    assert snapshot(vault) == reference
    assert hidden_leftovers(vault) == []


def test_simultaneous_ingests_without_wait_stop_cleanly(tmp_path, inbox, reference):
    vault = tmp_path / "vault"
    init_vault(vault)
    runs = [_cli(vault, inbox) for _ in range(3)]
    results = [proc.communicate(timeout=120) for proc in runs]
    codes = [proc.returncode for proc in runs]
    assert 0 in codes and set(codes) <= {0, 2}, results
    for proc, (_, err) in zip(runs, results):
        if proc.returncode == 2:
            assert "another factbook run is using this vault" in err
    # Whoever lost the race changed nothing; the vault is exactly one ingest's.
    assert snapshot(vault) == reference


def test_second_run_exits_with_a_clear_message(tmp_path, inbox):
    vault = tmp_path / "vault"
    held = _HeldLock(vault)
    try:
        proc = _cli(vault, inbox)
        _, err = proc.communicate(timeout=120)
    finally:
        held.release()
    assert proc.returncode == 2
    assert "another factbook run is using this vault" in err
    assert f"pid {held.proc.pid}" in err
    assert "--wait" in err
    assert not (vault / "Accounts").exists() or not any((vault / "Accounts").iterdir())


def test_second_run_with_wait_waits_then_runs(tmp_path, inbox, reference):
    vault = tmp_path / "vault"
    held = _HeldLock(vault)
    proc = _cli(vault, inbox, "--wait")
    try:
        line = proc.stderr.readline()
        assert "waiting for the other factbook run to finish" in line
        assert proc.poll() is None  # still waiting
        assert snapshot(vault) == {}
    finally:
        held.release()
    proc.communicate(timeout=120)
    assert proc.returncode == 0
    assert snapshot(vault) == reference


def test_the_python_api_takes_the_lock_too(tmp_path, inbox):
    # `watch` and every other caller go through pipeline.ingest, so they share the lock.
    vault = tmp_path / "vault"
    held = _HeldLock(vault)
    try:
        with pytest.raises(VaultLockedError):
            _ingest_here(vault, inbox)
        started = time.monotonic()
        with pytest.raises(VaultLockedError, match="still in use"):
            _ingest_here(vault, inbox, wait=0.3)
        assert time.monotonic() - started < 30
    finally:
        held.release()
    report = _ingest_here(vault, inbox)
    assert report.new_sources


def test_nested_use_in_one_process_reenters(tmp_path):
    state = tmp_path / ".factbook"
    with vault_lock(state):
        with vault_lock(state):
            pass
        # still held by the outer block: another process cannot take it
        code = subprocess.run([sys.executable, "-c",
                               "import sys\nfrom pathlib import Path\n"
                               "from factbook.vault.lock import vault_lock\n"
                               "from factbook.errors import VaultLockedError\n"
                               "try:\n    vault_lock(Path(sys.argv[1])).__enter__()\n"
                               "except VaultLockedError:\n    sys.exit(7)\n", str(state)],
                              timeout=60).returncode
        assert code == 7
    with vault_lock(state):  # released: can be taken again
        pass


def test_read_only_state_folder_gives_a_clear_error(tmp_path, monkeypatch):
    import errno

    from factbook.errors import VaultError
    from factbook.vault import lock as lock_module

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(lock_module.FileLock, "acquire", refuse)
    with pytest.raises(VaultError, match="cannot take the vault lock"):
        with vault_lock(tmp_path / ".factbook"):
            pass
    shutil.rmtree(tmp_path / ".factbook", ignore_errors=True)
