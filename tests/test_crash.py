"""The kill harness: ingests are killed with SIGKILL after every file-system step of the
run (FACTBOOK_TEST_KILL_AFTER_WRITES=N) and at random moments; right after each kill every
note must be as before or as after the run, and the next run must end with exactly the
vault (and store) an uninterrupted run gives, with no temp file or journal left."""
from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from factbook.cli import init_vault
from factbook.extract.offline import OfflineExtractor
from factbook.pipeline import ingest
from factbook.store import open_store
from factbook.vault import writer
from factbook.vault.layout import VaultLayout
from factbook.vault.writer import KILL_ENV
from tests.invented_corpus import DOCUMENTS, hidden_leftovers, snapshot, write_corpus

CLI = [sys.executable, "-c", "from factbook.cli import main; main()"]
RANDOM_KILLS = 12


@dataclass
class Scenario:
    """A vault before a run, the run's input, and what an uninterrupted run leaves."""

    name: str
    before_vault: Path
    inbox: Path
    before: dict[str, bytes]
    after: dict[str, bytes]
    counts: dict[str, int]
    steps: int


def _ingest_here(vault: Path, inbox: Path) -> None:
    layout = VaultLayout(vault, init_vault(vault).config)
    store = open_store(layout.state_dir)
    try:
        ingest([inbox], layout, store, OfflineExtractor())
    finally:
        store.close()


def _counts(vault: Path) -> dict[str, int]:
    store = open_store(vault / ".factbook")
    try:
        counts = store.counts()
    finally:
        store.close()
    counts.pop("runs")  # a killed run keeps its (interrupted) run record
    return counts


def _scenario(tmp: Path, name: str, first: list[str] | None) -> Scenario:
    base = tmp / name
    inbox = write_corpus(base / "inbox")
    before_vault = base / "before"
    init_vault(before_vault)
    if first is not None:
        _ingest_here(before_vault, write_corpus(base / "first", first, note=True))
    reference = base / "reference"
    shutil.copytree(before_vault, reference)
    start = writer._steps
    _ingest_here(reference, inbox)
    steps = writer._steps - start
    return Scenario(name, before_vault, inbox, snapshot(before_vault), snapshot(reference),
                    _counts(reference), steps)


@pytest.fixture(scope="module")
def scenarios(tmp_path_factory) -> list[Scenario]:
    tmp = tmp_path_factory.mktemp("crash")
    names = sorted(DOCUMENTS)
    return [_scenario(tmp, "fresh", None), _scenario(tmp, "update", names[:3])]


def _launch(vault: Path, inbox: Path, kill_after: int | None) -> subprocess.Popen:
    env = {**os.environ}
    env.pop(KILL_ENV, None)
    if kill_after is not None:
        env[KILL_ENV] = str(kill_after)
    return subprocess.Popen([*CLI, "ingest", str(inbox), "--vault", str(vault), "--json"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _check_after_kill(s: Scenario, vault: Path, label: str) -> None:
    """Each visible note is byte-identical to its before or its after version."""
    now = snapshot(vault)
    for path in set(now) | set(s.before) | set(s.after):
        assert now.get(path) in (s.before.get(path), s.after.get(path)), f"{label}: {path} is torn"


def _check_recovered(s: Scenario, vault: Path, label: str) -> int:
    """The next run completes or rolls back: same vault and store as uninterrupted.
    Returns the bytes lost: what the uninterrupted vault holds that this one does not."""
    _ingest_here(vault, s.inbox)
    final = snapshot(vault)
    lost = _bytes_lost(s.after, final)
    assert hidden_leftovers(vault) == [], label
    assert sorted(final) == sorted(s.after), label
    for path, data in s.after.items():
        assert final[path] == data, f"{label}: {path} differs from the uninterrupted run"
    assert _counts(vault) == s.counts, label
    return lost


def _bytes_lost(expected: dict[str, bytes], final: dict[str, bytes]) -> int:
    """Bytes of the expected files' lines that are missing from the same file in `final`."""
    lost = 0
    for path, data in expected.items():
        have = set(final.get(path, b"").splitlines())
        lost += sum(len(line) + 1 for line in data.splitlines() if line not in have)
    return lost


def _ingest_killed_after(vault: Path, inbox: Path, n: int) -> int:
    """Run the ingest in a forked child that SIGKILLs itself after step `n`; returns the
    child's wait status. (Forking skips the interpreter start-up a CLI run would cost;
    the CLI path is killed too, at random moments, below.)"""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 3
        try:
            os.environ[KILL_ENV] = str(n)
            writer._steps = 0
            _ingest_here(vault, inbox)
            code = 0
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    return status


def _try_kill_point(s: Scenario, work: Path, n: int) -> int:
    vault = work / f"{s.name}-{n}"
    shutil.copytree(s.before_vault, vault)
    status = _ingest_killed_after(vault, s.inbox, n)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, \
        f"{s.name} kill point {n}: the run was not killed (status {status})"
    _check_after_kill(s, vault, f"{s.name} kill point {n}")
    lost = _check_recovered(s, vault, f"{s.name} kill point {n}")
    shutil.rmtree(vault)
    return lost


def test_every_step_of_a_run_survives_sigkill(scenarios, tmp_path):
    survived = 0
    lost = 0
    for s in scenarios:
        assert s.steps >= 10, f"{s.name}: only {s.steps} steps; the corpus is too small"
        for n in range(1, s.steps + 1):
            lost += _try_kill_point(s, tmp_path, n)
            survived += 1
    print(f"\nkill points survived: {survived} (steps {[s.steps for s in scenarios]}), "
          f"bytes lost: {lost}")
    assert survived >= 20
    assert lost == 0


def test_a_run_past_the_last_step_completes(scenarios, tmp_path):
    for s in scenarios:
        vault = tmp_path / s.name
        shutil.copytree(s.before_vault, vault)
        proc = _launch(vault, s.inbox, s.steps + 1)
        _, stderr = proc.communicate(timeout=120)
        assert proc.returncode == 0, stderr
        assert snapshot(vault) == s.after
        assert hidden_leftovers(vault) == []


def _fork_ingest(vault: Path, inbox: Path) -> int:
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            os.environ.pop(KILL_ENV, None)
            _ingest_here(vault, inbox)
            code = 0
        finally:
            os._exit(code)
    return pid


def test_kills_at_random_moments(scenarios, tmp_path):
    rng = random.Random(8)
    s = scenarios[1]
    started = time.monotonic()
    _check_recovered(s, _copy(s, tmp_path / "timing"), "timing")
    duration = time.monotonic() - started
    killed = 0
    for i in range(RANDOM_KILLS):
        vault = _copy(s, tmp_path / f"random-{i}")
        pid = _fork_ingest(vault, s.inbox)
        time.sleep(rng.uniform(0.0, 1.0) * duration)
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        killed += os.WIFSIGNALED(status)
        _check_after_kill(s, vault, f"random kill {i}")
        assert _check_recovered(s, vault, f"random kill {i}") == 0
    # The command line too: killed at a random moment, then finished by the next run.
    vault = _copy(s, tmp_path / "cli")
    proc = _launch(vault, s.inbox, None)
    time.sleep(rng.uniform(0.5, 1.0))
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=120)
    _check_after_kill(s, vault, "cli kill")
    assert _check_recovered(s, vault, "cli kill") == 0
    print(f"\nrandom kills: {killed} of {RANDOM_KILLS} landed before the run ended")
    assert killed >= RANDOM_KILLS // 3


def _copy(s: Scenario, vault: Path) -> Path:
    shutil.copytree(s.before_vault, vault)
    return vault


def test_leftover_journal_of_a_committed_run_is_rolled_forward(scenarios, tmp_path):
    # Kill right after the store commit: nothing renamed yet, the store already says "done".
    s = scenarios[0]
    vault = tmp_path / "forward"
    shutil.copytree(s.before_vault, vault)
    # The steps after the commit: one rename per note, then the journal's removal.
    commit_step = s.steps - len(s.after) - 1
    proc = _launch(vault, s.inbox, commit_step)
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert snapshot(vault) == s.before
    assert (vault / ".factbook" / "journal").exists()
    store = open_store(vault / ".factbook")
    try:
        layout = VaultLayout(vault, init_vault(vault).config)
        report = ingest([s.inbox], layout, store, OfflineExtractor())
    finally:
        store.close()
    assert report.recovered and report.recovered.startswith("rolled-forward")
    assert report.new_sources == []  # everything was already in the committed store
    assert snapshot(vault) == s.after
