"""The reliability reproductions r1-r5 of ../shared/repro/reliability, as tests (r6-r10 and
r_small* are in test_reliability_edges.py):
the same invented documents, each showing one way a person's data could be lost; each must
now keep every line the person wrote."""
from __future__ import annotations

import re
from pathlib import Path


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
    lines = full.splitlines(keepends=True)
    cut = "".join(lines[: len(lines) // 3])  # a save cut short (the front matter and title)
    note.write_text(cut, encoding="utf-8")
    _ok(cli("ingest", docs, "--vault", vault))
    assert note.read_text(encoding="utf-8") == cut  # untouched: not now
    note.write_text(full, encoding="utf-8")
    _ok(cli("ingest", docs, "--vault", vault))
    assert note.read_text(encoding="utf-8") == full


# -- r4: store recovery -----------------------------------------------------------------------

QBR = """---
title: Northwind QBR
date: 2026-03-04
---
# Northwind QBR

## Summary
Quarterly review with Northwind Logistics Inc.

## Key facts
- Northwind Logistics will move 40% of its fleet onto the Brightwater route planner by September.
- Northwind Logistics expects the Kestrel Cold Storage deal to close in June 2026.

## Action items
- [ ] Send the revised pilot pricing to Dana Whitfield @Priya Raman 📅 2026-03-11
"""


def _qbr_vault(cli, vault, tmp_path) -> tuple[Path, Path, Path]:
    docs = tmp_path / "in"
    docs.mkdir()
    (docs / "2026-03-04 Northwind QBR.md").write_text(QBR, encoding="utf-8")
    _ok(cli("ingest", docs, "--vault", vault))
    acc = vault / ACCOUNT
    src = next((vault / "Sources" / "2026").glob("*.md"))
    text = re.sub(r"^- (?:\[\[)?Northwind Logistics(?:\]\])? will move 40% of its fleet[^(]*",
                  "- MY WORDS: fleet move is 40% by September ", acc.read_text("utf-8"), flags=re.M)
    acc.write_text(text, encoding="utf-8")
    s = re.sub(r"^- \[ \] (Send the revised.*📅 2026-03-11)", r"- [x] \1 ✅ 2026-03-10",
               src.read_text("utf-8"), flags=re.M)
    src.write_text(s, encoding="utf-8")
    _ok(cli("ingest", docs, "--vault", vault))
    return docs, acc, src


def test_r4_store_recovery_keeps_the_persons_edits(cli, vault, tmp_path):
    docs, acc, src = _qbr_vault(cli, vault, tmp_path)
    db = vault / ".factbook" / "factbook.db"
    with db.open("r+b") as handle:
        handle.truncate(db.stat().st_size // 2)  # damaged
    _ok(cli("doctor", "--fix", "--vault", vault))
    _ok(cli("ingest", docs, "--vault", vault))
    assert "MY WORDS" in acc.read_text("utf-8")
    assert "- [x] Send the revised" in src.read_text("utf-8")
    assert acc.read_text("utf-8").count("fleet onto the Brightwater") <= 1  # Recent Context only


def test_r4_an_empty_or_missing_store_is_refused_in_a_vault_with_notes(cli, vault, tmp_path):
    docs, acc, _src = _qbr_vault(cli, vault, tmp_path)
    db = vault / ".factbook" / "factbook.db"
    for wal in vault.joinpath(".factbook").glob("factbook.db-*"):
        wal.unlink()
    db.write_bytes(b"")
    result = cli("ingest", docs, "--vault", vault)
    assert result.exit_code != 0 and "the store is empty" in result.output
    assert "doctor --fix" in result.output and "Traceback" not in result.output
    db.unlink()
    assert "the store is missing" in cli("status", "--vault", vault).output
    _ok(cli("doctor", "--fix", "--vault", vault))
    _ok(cli("ingest", docs, "--vault", vault))
    assert "MY WORDS" in acc.read_text("utf-8")


# -- r5: a second adopted note ---------------------------------------------------------------

MINE = """---
type: account
name: Northwind Logistics
tags: [type/account]
---
# Northwind Logistics

## Key Facts

- Northwind Logistics runs 14 depots in the Pacific Northwest.

## Recent Context

- 2026-02-10: MY CONTEXT dinner with their COO, very keen on the pilot

## Topics

- MY TOPIC cold-chain pilot pricing

## Key Decisions

- 2026-02-11: MY DECISION we offer the pilot at cost

## My Own Section

- MY SECTION line
"""
SAMS = """---
type: account
name: Northwind Logistics
tags: [type/account]
---
# Northwind Logistics

## Key Facts

- Northwind Logistics opened a depot in Boise in January 2026.

## My Own Section

- SAM's line
"""


def test_r5_a_second_adopted_note_keeps_the_first_ones_lines(cli, vault, tmp_path):
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "Northwind.md").write_text(MINE, encoding="utf-8")
    (tmp_path / "colleague").mkdir()
    (tmp_path / "colleague" / "Northwind-from-Sam.md").write_text(SAMS, encoding="utf-8")
    _ok(cli("ingest", tmp_path / "mine", "--vault", vault))
    _ok(cli("ingest", tmp_path / "colleague", "--vault", vault))
    text = (vault / ACCOUNT).read_text("utf-8")
    for line in ("MY CONTEXT", "MY TOPIC", "MY DECISION", "MY SECTION", "SAM's line",
                 "14 depots", "Boise"):
        assert line in text, line
