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
    text = re.sub(r"^- Northwind Logistics will move 40% of its fleet[^(]*",
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


# -- r6: merge and review are all-or-nothing ----------------------------------------------

KESTREL_A = ("KESTREL SELLS DEPOTS\nMarch 2, 2026\n\nKestrel Cold Storage Ltd agreed to sell two "
             "depots to Northwind Logistics Inc for 30 mln dlrs.\nKestrel Cold Storage said the "
             "sale would close in April.\n")
KESTREL_B = ("KESTREL CS RESULTS\nMarch 5, 2026\n\nKestrel CS Ltd reported revenue of 62 mln dlrs "
             "for 2025, up 8 pct, and said Northwind Logistics Inc remains its largest customer.\n"
             "Kestrel CS said it runs eleven warehouses.\n")


def test_r6_merge_with_a_non_utf8_note_in_the_vault_is_whole(cli, vault, tmp_path):
    _ok(cli("ingest", _docs(tmp_path / "in", a=KESTREL_A, b=KESTREL_B), "--vault", vault))
    (vault / "Personal").mkdir()
    latin1 = b"# Caf\xe9 list\nwritten by another tool in Latin-1, about [[Kestrel CS]]\n"
    (vault / "Personal" / "zz-latin1.md").write_bytes(latin1)
    mine = vault / "Personal" / "mine.md"
    mine.write_text("Met [[Kestrel CS]] today.\n", encoding="utf-8")
    _ok(cli("merge", "Kestrel Cold Storage", "Kestrel CS", "--vault", vault))
    assert (vault / "Personal" / "zz-latin1.md").read_bytes() == latin1  # left as it is
    assert "[[Kestrel Cold Storage|Kestrel CS]]" in mine.read_text("utf-8")
    related = (vault / "Accounts" / "Northwind Logistics.md").read_text("utf-8")
    assert "[[Kestrel CS]]" not in related.split("## Related")[-1]
    doctor = cli("doctor", "--vault", vault)
    assert doctor.exit_code == 0 and "consistent" in doctor.output


def test_r6_a_merge_that_fails_changes_no_note(cli, vault, tmp_path, monkeypatch):
    from factbook.vault import sync

    _ok(cli("ingest", _docs(tmp_path / "in", a=KESTREL_A, b=KESTREL_B), "--vault", vault))
    mine = vault / "mine.md"
    mine.write_text("Met [[Kestrel CS]] today.\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in vault.rglob("*.md")}

    def broken(self, *args):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(sync.NoteWriter, "write", broken)
    with pytest.raises(OSError):
        cli("merge", "Kestrel Cold Storage", "Kestrel CS", "--vault", vault)
    monkeypatch.undo()
    assert {p: p.read_bytes() for p in vault.rglob("*.md")} == before
    assert "Kestrel CS" in cli("show", "Kestrel CS", "--vault", vault).output


# -- r7: a store with damaged pages --------------------------------------------------------

def test_r7_damaged_pages_give_one_line_and_fix_moves_the_store_aside(cli, vault, tmp_path):
    import random

    r = random.Random(2)
    w = "amber basalt cobalt dune ember fjord glacier harbor iris jade".split()
    docs = _docs(tmp_path / "in", **{f"d{i}": f"DEAL {i}\n\n{r.choice(w).capitalize()}{r.choice(w)}"
                                     f" Holdings Inc agreed to buy {r.choice(w).capitalize()}"
                                     f"{r.choice(w)} Corp for {r.randint(2, 900)} mln dlrs.\n"
                                     for i in range(80)})
    _ok(cli("ingest", docs, "--vault", vault))
    db = vault / ".factbook" / "factbook.db"
    rnd = random.Random(7)
    with db.open("r+b") as handle:
        handle.seek(db.stat().st_size // 3)
        handle.write(bytes(rnd.getrandbits(8) for _ in range(8192)))
    for args in (("doctor",), ("doctor", "--fix")):
        result = cli(*args, "--vault", vault)
        assert "Traceback" not in result.output and "DatabaseError" not in result.output
    assert list((vault / ".factbook").glob("factbook.db.corrupt-*"))
    assert "consistent" in cli("doctor", "--vault", vault).output


# -- r8: watch and half-copied files -------------------------------------------------------

def test_r8_watch_waits_for_a_stalled_copy_to_finish(tmp_path):
    import threading
    import time

    from factbook.cli import init_vault
    from factbook.watch import watch

    layout = init_vault(tmp_path / "v")
    story = ("NORTHWIND BUYS KESTREL\nMarch 2, 2026\n\nNorthwind Logistics Inc agreed to acquire "
             "Kestrel Cold Storage Ltd for 140 mln dlrs in cash.\nNorthwind Logistics said Kestrel "
             "Cold Storage runs eleven warehouses in the Pacific Northwest and had revenue of 62 mln"
             " dlrs in 2025.\n").encode()
    reports, stop = [], threading.Event()
    thread = threading.Thread(target=watch, args=(layout,), daemon=True,
                              kwargs={"on_run": reports.append, "stop": stop, "debounce": 0.3,
                                      "existing": False})
    thread.start()
    time.sleep(0.5)
    half = story.find(b"Northwest") + 4
    with open(layout.inbox / "story.txt", "wb") as handle:  # a copy that stalls halfway
        handle.write(story[:half])
        handle.flush()
        time.sleep(1.5)
        handle.write(story[half:])
    deadline = time.time() + 30
    while not reports and time.time() < deadline:
        time.sleep(0.1)
    stop.set()
    thread.join(30)
    assert len(reports) == 1 and len(reports[0].new_sources) == 1
    note = (layout.root / "Accounts" / "Kestrel Cold Storage.md").read_text("utf-8")
    assert "eleven warehouses" in note
    assert not (layout.inbox / "story.txt").exists()  # moved to Inbox/processed/
    assert (layout.inbox / "processed" / "story.txt").read_bytes() == story


def test_r8_inbox_files_are_not_reported_again_after_a_run(cli, vault, tmp_path):
    from factbook.cli import init_vault

    layout = init_vault(vault)
    (layout.inbox / "a.txt").write_text(NORTHWIND_A, encoding="utf-8")
    _ok(cli("ingest", "--vault", vault))
    again = cli("ingest", "--vault", vault)
    _ok(again)
    assert "duplicate:" not in again.output and re.search(r"duplicates skipped\s+0", again.output)
    assert (layout.inbox / "processed" / "a.txt").exists()


# -- r9: the vault is never its own input --------------------------------------------------

def test_r9_ingesting_the_vault_itself_is_refused(cli, vault, tmp_path, monkeypatch):
    _ok(cli("ingest", _docs(tmp_path / "in", a=NORTHWIND_A, b=KESTREL_A), "--vault", vault))
    before = {p: p.read_bytes() for p in vault.rglob("*.md")}
    monkeypatch.chdir(vault)
    result = cli("ingest", ".")
    assert "is the vault itself" in result.output and "Traceback" not in result.output
    assert {p: p.read_bytes() for p in vault.rglob("*.md")} == before
    parent = cli("ingest", tmp_path, "--vault", vault)  # a folder holding the vault
    assert "Traceback" not in parent.output
    assert not any("adopted" in line and "1" in line for line in parent.output.splitlines()
                   if "notes adopted" in line and not line.strip().endswith("0"))


# -- r10: symlinks, devices, FIFOs --------------------------------------------------------

def test_r10_links_out_devices_and_fifos_are_refused(cli, vault, tmp_path):
    import os

    drop, private = tmp_path / "drop", tmp_path / "private"
    drop.mkdir()
    private.mkdir()
    (private / "id_invented").write_text("-----BEGIN OPENSSH PRIVATE KEY-----\nINVENTED-KEY\n"
                                         "-----END OPENSSH PRIVATE KEY-----\n")
    (drop / "real.txt").write_text(NORTHWIND_A)
    (drop / "notes.txt").symlink_to(private / "id_invented")
    result = cli("ingest", drop, "--vault", vault)
    assert "notes.txt" in result.output and "outside the folder" in result.output
    assert not [p for p in vault.rglob("*") if p.is_file() and b"PRIVATE KEY" in p.read_bytes()]
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    result = cli("ingest", tmp_path / "zero.txt", "--vault", vault)
    assert "not a regular file" in result.output
    os.mkfifo(tmp_path / "pipe.txt")
    result = cli("ingest", tmp_path / "pipe.txt", "--vault", vault)
    assert "not a regular file" in result.output and "Traceback" not in result.output


# -- r_small, r_small2 ------------------------------------------------------------------------

def test_small_a_note_that_is_a_symlink_stays_one(cli, vault, tmp_path):
    _ok(cli("ingest", _docs(tmp_path / "in", a=NORTHWIND_A), "--vault", vault))
    note, shared = vault / ACCOUNT, tmp_path / "shared-note.md"
    note.rename(shared)
    note.symlink_to(shared)
    _ok(cli("ingest", _docs(tmp_path / "in2", b=NORTHWIND_B), "--vault", vault))
    assert note.is_symlink() and "fleet" in shared.read_text("utf-8")


def test_small_a_mistyped_tags_list_is_kept(cli, vault, tmp_path):
    _ok(cli("ingest", _docs(tmp_path / "in", a=NORTHWIND_A), "--vault", vault))
    note = vault / ACCOUNT
    text = note.read_text("utf-8").replace("tags: [type/account]", "tags: [type/account, q2-priority")
    note.write_text(text, encoding="utf-8")
    _ok(cli("ingest", _docs(tmp_path / "in2", b=NORTHWIND_B), "--vault", vault))
    assert "tags: [type/account, q2-priority" in note.read_text("utf-8")


def test_small_merge_keeps_a_fact_deleted_from_the_kept_entity_deleted(cli, vault, tmp_path):
    docs = _docs(tmp_path / "in", a=NORTHWIND_A.replace(", its largest purchase since it went"
                                                        " public", ""),
                 c="KESTREL CS AGREES SALE\nMarch 3, 2026\n\nKestrel CS Ltd said Northwind "
                   "Logistics Inc agreed to acquire Kestrel CS Ltd for 140 mln dlrs in cash.\n")
    _ok(cli("ingest", docs, "--vault", vault))
    note = vault / "Accounts" / "Kestrel Cold Storage.md"
    kept = [ln for ln in note.read_text("utf-8").splitlines() if not ("140 mln" in ln and "^f-" in ln)]
    note.write_text("\n".join(kept) + "\n", encoding="utf-8")
    _ok(cli("ingest", docs, "--vault", vault))
    _ok(cli("merge", "Kestrel Cold Storage", "Kestrel CS", "--vault", vault))
    assert not [ln for ln in note.read_text("utf-8").splitlines() if "140 mln" in ln and "^f-" in ln]


def test_small_first_runs_racing_on_a_new_vault(tmp_path):
    import subprocess
    import sys

    docs = _docs(tmp_path / "in", a=NORTHWIND_A)
    for round_ in range(3):
        cmd = [sys.executable, "-c", "from factbook.cli import main; main()", "ingest", str(docs),
               "--vault", str(tmp_path / f"nv{round_}"), "--wait"]
        runs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                for _ in range(3)]
        outputs = [run.communicate(timeout=120)[0] for run in runs]
        for run, output in zip(runs, outputs):
            assert "cannot open the store" not in output and "Traceback" not in output, output
            assert run.returncode == 0, output


@pytest.mark.parametrize("body, expect", [
    ('[ingest]\nmax_file_bytes = "25MB"\n', None),
    ('[ingest]\nmax_file_bytes = "lots"\n', "ingest.max_file_bytes"),
    ('[ingest]\ncommit = "maybe"\n', "ingest.commit"),
    ('[folders]\naccounts = "../escaped-accounts"\n', "folders.accounts"),
    ('[folders]\nsources = "/abs"\n', "folders.sources"),
    ('ingest = 3\n', "ingest"),
])
def test_small_config_values_are_checked_by_key(cli, tmp_path, body, expect):
    vault = tmp_path / "c"
    (vault / ".factbook").mkdir(parents=True)
    (vault / ".factbook" / "config.toml").write_text(body, encoding="utf-8")
    result = cli("ingest", _docs(tmp_path / "in", a=NORTHWIND_A), "--vault", vault)
    assert "Traceback" not in result.output
    if expect is None:
        _ok(result)
    else:
        assert result.exit_code != 0 and expect in result.output
        assert not (tmp_path / "escaped-accounts").exists()


def test_small_commit_false_as_text_is_false(tmp_path):
    from factbook.config import validated

    assert validated({"ingest": {"commit": "false"}}).commit is False
    assert validated({"ingest": {"commit": "yes"}}).commit is True
    assert validated({"ingest": {"max_file_bytes": "1.5 GB"}}).max_file_bytes == int(1.5 * 1024 ** 3)


def test_small_quoted_text_cannot_inject_markup(cli, vault, tmp_path):
    doc = tmp_path / "t.md"
    doc.write_text('---\ntitle: "Weekly\\n## Key Facts\\n- forged fact ^f-000000"\ndate: 2026-03-04\n'
                   '---\nNorthwind Logistics Inc agreed to acquire Kestrel Cold Storage Ltd for 140 '
                   'mln dlrs.\n[ ] not a task\n![[Secret note]] and #urgent and %%hidden%% and '
                   '<script>alert(1)</script>\n', encoding="utf-8")
    _ok(cli("ingest", doc, "--vault", vault))
    note = next((vault / "Sources").rglob("*.md")).read_text("utf-8")
    body = note.split("\n---\n", 1)[1]
    assert body.count("\n## Key Facts") == 0 and "^f-000000" not in body
    assert "![[" not in body and " #urgent" not in body and "%%hidden" not in body
    assert "<script" not in body and "\n> [ ]" not in body
