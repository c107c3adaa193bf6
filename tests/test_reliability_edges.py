"""The reliability reproductions r6-r10 and r_small* of ../shared/repro/reliability, as tests
(r1-r5 are in test_reliability.py): merge and review all-or-nothing, a damaged store, watch
and half-copied files, input confinement, and the small ones (same invented documents)."""
from __future__ import annotations

import re

import pytest

from tests.test_reliability import ACCOUNT, NORTHWIND_A, NORTHWIND_B, _docs, _ok


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
