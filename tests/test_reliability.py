"""The reliability reproductions of ../shared/repro/reliability (r1-r10, r_small*), as tests:
the same invented documents, each showing one way a person's data could be lost; each must
now keep every line the person wrote."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from factbook.vault import journal as journal_mod

NORTHWIND_A = ("NORTHWIND BUYS KESTREL\nMarch 2, 2026\n\nNorthwind Logistics Inc agreed to acquire "
               "Kestrel Cold Storage Ltd for 140 mln dlrs in cash, its largest purchase since it "
               "went public.\nNorthwind Logistics said the deal would close in June 2026.\n")
NORTHWIND_B = ("NORTHWIND RAISES FLEET PLAN\nMarch 9, 2026\n\nNorthwind Logistics Inc said it will "
               "move 40 pct of its fleet onto a new route planner by September.\nNorthwind "
               "Logistics said the plan costs 12 mln dlrs.\n")
CLOSING = ("NORTHWIND SETS CLOSING DATE\nMarch 4, 2026\n\nNorthwind Logistics Inc said it expects "
           "its 140 mln dlr purchase of Kestrel Cold Storage Ltd to close in June 2026.\nNorthwind "
           "Logistics said Kestrel Cold Storage runs eleven warehouses in the Pacific Northwest and "
           "had revenue of 62 mln dlrs last year.\n")
ACCOUNT = "Accounts/Northwind Logistics.md"


def _docs(folder: Path, **texts: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder


def _ok(result) -> None:
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output


# -- r1: edits saved during a run ----------------------------------------------------------

def test_r1_a_save_made_during_the_run_is_merged_not_overwritten(cli, vault, tmp_path, monkeypatch):
    _ok(cli("ingest", _docs(tmp_path / "a", a=NORTHWIND_A), "--vault", vault))
    note = vault / ACCOUNT
    real_seal = journal_mod.Journal.seal
    saves = []

    def seal_then_save(self):  # the person saves the note between factbook's read and rename
        real_seal(self)
        if ACCOUNT in self.staged:
            saves.append(1)
            note.write_text(note.read_text(encoding="utf-8") + "EDIT-1 typed during the run\n",
                            encoding="utf-8")
    monkeypatch.setattr(journal_mod.Journal, "seal", seal_then_save)
    _ok(cli("ingest", _docs(tmp_path / "b", b=NORTHWIND_B), "--vault", vault))
    text = note.read_text(encoding="utf-8")
    assert saves and "EDIT-1 typed during the run" in text
    assert "fleet" in text  # and factbook's new facts are there too
    monkeypatch.setattr(journal_mod.Journal, "seal", real_seal)
    _ok(cli("ingest", tmp_path / "b", "--vault", vault))
    assert "EDIT-1 typed during the run" in note.read_text(encoding="utf-8")


def test_r1_an_editor_saving_every_few_ms_loses_nothing(cli, vault, tmp_path):
    import threading
    import time

    _ok(cli("ingest", _docs(tmp_path / "a", a=NORTHWIND_A), "--vault", vault))
    docs = _docs(tmp_path / "many", **{f"d{i:02d}": NORTHWIND_B.replace("40 pct", f"{i} pct")
                                      .replace("12 mln", f"{i + 3} mln") for i in range(25)})
    note, stop, count = vault / ACCOUNT, threading.Event(), [0]

    def editor():
        while not stop.is_set():
            count[0] += 1
            tmp = note.with_name("editor.tmp")
            tmp.write_text(note.read_text(encoding="utf-8") + f"EDIT-{count[0]}\n", encoding="utf-8")
            tmp.replace(note)
            time.sleep(0.005)
    thread = threading.Thread(target=editor)
    thread.start()
    try:
        _ok(cli("ingest", docs, "--vault", vault))
    finally:
        stop.set()
        thread.join()
    found = {int(n) for n in re.findall(r"EDIT-(\d+)", note.read_text(encoding="utf-8"))}
    assert found == set(range(1, count[0] + 1))


# -- r2: roll-forward after a crash -----------------------------------------------------------

def test_r2_roll_forward_keeps_what_was_typed_after_the_crash(cli, vault, tmp_path, monkeypatch):
    _ok(cli("ingest", _docs(tmp_path / "a", a=NORTHWIND_A.split("\nNorthwind Logistics said")[0]
                            + "\n"), "--vault", vault))
    monkeypatch.setattr(journal_mod.Journal, "apply", lambda self: None)  # killed after commit
    _ok(cli("ingest", _docs(tmp_path / "b", b=CLOSING), "--vault", vault))
    monkeypatch.undo()
    assert (vault / ".factbook" / "journal").exists()
    note = vault / ACCOUNT
    with note.open("a", encoding="utf-8") as handle:
        handle.write("- MY NOTE typed in Obsidian after the crash\n")
    _ok(cli("doctor", "--fix", "--vault", vault))
    text = note.read_text(encoding="utf-8")
    assert "MY NOTE typed in Obsidian after the crash" in text
    assert "eleven warehouses" in (vault / "Accounts" / "Kestrel Cold Storage.md").read_text("utf-8")
    _ok(cli("ingest", tmp_path / "b", "--vault", vault))
    assert "MY NOTE typed in Obsidian after the crash" in note.read_text(encoding="utf-8")


# -- r3: a note seen empty once ----------------------------------------------------------------

def test_r3_an_empty_read_is_not_a_deletion(cli, vault, tmp_path):
    a = _docs(tmp_path / "in1", a=NORTHWIND_A)
    _ok(cli("ingest", a, "--vault", vault))
    note = vault / ACCOUNT
    backup = note.read_text(encoding="utf-8")
    facts = backup.count("^f-")
    note.write_text("", encoding="utf-8")  # caught mid-save
    _ok(cli("ingest", a, "--vault", vault))
    note.write_text(backup, encoding="utf-8")  # restored from a backup
    _ok(cli("ingest", _docs(tmp_path / "in2", b=NORTHWIND_B), "--vault", vault))
    text = note.read_text(encoding="utf-8")
    assert text.count("^f-") > facts and "fleet" in text
    for line in backup.splitlines():
        if "^f-" in line:
            assert line.split(" ([[")[0] in text


def test_r3_a_sharply_shrunk_note_waits_a_run_before_it_is_read(cli, vault, tmp_path):
    docs = _docs(tmp_path / "in", a=NORTHWIND_A, b=NORTHWIND_B, c=CLOSING)
    _ok(cli("ingest", docs, "--vault", vault))
    note = vault / ACCOUNT
    full = note.read_text(encoding="utf-8")
    assert full.count("^f-") >= 4
    note.write_text(full[: len(full) // 4], encoding="utf-8")  # a truncated save
    _ok(cli("ingest", docs, "--vault", vault))
    assert note.read_text(encoding="utf-8") == full[: len(full) // 4]  # untouched: not now
    note.write_text(full, encoding="utf-8")
    _ok(cli("ingest", docs, "--vault", vault))
    assert note.read_text(encoding="utf-8") == full
