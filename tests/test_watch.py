"""`factbook watch`: files dropped into the Inbox are ingested, debounced, one run at a time."""
from __future__ import annotations

import threading
import time
from pathlib import Path

from factbook.cli import init_vault
from factbook.pipeline import RunReport
from factbook.watch import describe_run, wanted, watch

WAIT = 30  # seconds a test waits for the watcher at most (a bound, not a measured figure)


def _start(layout, **kwargs):
    reports: list[RunReport] = []
    ran = threading.Semaphore(0)

    def on_run(report: RunReport) -> None:
        reports.append(report)
        ran.release()

    stop = threading.Event()
    thread = threading.Thread(target=watch, args=(layout,), daemon=True,
                              kwargs={"on_run": on_run, "stop": stop, **kwargs})
    thread.start()
    return reports, ran, stop, thread


def test_dropped_files_are_ingested_and_a_burst_is_one_run(tmp_path):
    layout = init_vault(tmp_path / "vault")
    reports, ran, stop, thread = _start(layout, debounce=0.5, existing=False)
    time.sleep(0.3)  # let the observer start before the first drop
    (layout.inbox / "a.txt").write_text("Marwick Dairy Ltd sold 12 farms in 2023.\n")
    assert ran.acquire(timeout=WAIT)
    for name in ("b.txt", "c.txt"):
        (layout.inbox / name).write_text(f"Corvel Tools Inc opened 3 plants ({name}).\n")
    (layout.inbox / ".hidden.txt").write_text("Corvel Tools Inc hid 1 plant.\n")
    (layout.inbox / "d.txt.part").write_text("half a download")
    assert ran.acquire(timeout=WAIT)
    stop.set()
    thread.join(WAIT)
    assert [Path(p).name for p in reports[0].new_sources] == ["a.txt"]
    assert sorted(Path(p).name for p in reports[1].new_sources) == ["b.txt", "c.txt"]
    assert not reports[1].failures
    assert (layout.root / "Accounts" / "Corvel Tools.md").exists()


def test_runs_never_overlap_and_existing_files_come_first(tmp_path):
    layout = init_vault(tmp_path / "vault")
    (layout.inbox / "early.txt").write_text("x\n")
    active, overlaps, batches = [0], [], []

    def slow_run(paths: list[Path]) -> RunReport:
        active[0] += 1
        overlaps.append(active[0])
        batches.append(sorted(p.name for p in paths))
        if len(batches) == 1:
            (layout.inbox / "during.txt").write_text("y\n")  # arrives while a run is going
        time.sleep(0.3)
        active[0] -= 1
        return RunReport(run_id=len(batches), files=len(paths))

    runs = watch(layout, debounce=0.2, max_runs=2, run=slow_run,
                 stop=None)
    assert runs == 2
    assert batches == [["early.txt"], ["during.txt"]]
    assert max(overlaps) == 1


def test_wanted_skips_hidden_and_partial_files(tmp_path):
    inbox = tmp_path / "Inbox"
    assert wanted(inbox / "mail.eml", inbox)
    assert not wanted(inbox / ".git" / "x.txt", inbox)
    assert not wanted(inbox / "file.crdownload", inbox)
    assert not wanted(tmp_path / "elsewhere.txt", inbox)


def test_run_line_names_counts_and_failures():
    report = RunReport(run_id=7, files=2, new_sources=["a"], facts_added=3, notes_written=2)
    line = describe_run(report)
    assert "run 7: 2 file(s), 1 new source(s)" in line and "3 fact(s) added" in line


def test_cli_watch_once_ingests_the_inbox_and_stops(cli, tmp_path):
    vault = tmp_path / "vault"
    init_vault(vault)
    (vault / "Inbox" / "note.txt").write_text("Pellham Glass Corp hired 25 engineers in 2022.\n")
    result = cli("watch", "--vault", vault, "--once")
    assert result.exit_code == 0
    assert "run 1: 1 file(s), 1 new source(s)" in result.output
    empty = cli("watch", "--vault", tmp_path / "other", "--once")
    assert empty.exit_code == 0 and "run" not in empty.output.replace("watching", "")


def test_a_failed_run_is_reported_and_watching_goes_on(tmp_path):
    from factbook.errors import StoreError

    layout = init_vault(tmp_path / "vault")
    (layout.inbox / "a.txt").write_text("x\n")
    errors, calls = [], []

    def flaky(paths: list[Path]) -> RunReport:
        calls.append(paths)
        if len(calls) == 1:
            (layout.inbox / "b.txt").write_text("y\n")
            raise StoreError("the store is locked")
        return RunReport(run_id=2, files=len(paths))

    runs = watch(layout, debounce=0.1, max_runs=2, run=flaky, on_error=errors.append)
    assert runs == 2 and [str(e) for e in errors] == ["the store is locked"]
    assert [p.name for p in calls[1]] == ["b.txt"]
