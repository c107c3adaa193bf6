"""Living notes end to end, through the CLI on real files: a person edits the vault between
runs and every change they made survives further ingests and rebuilds."""
from __future__ import annotations

import json
import shutil

import pytest

import factbook.cli
from tests.conftest import snapshot
from tests.vault.support import FIXTURES, TaskingExtractor, check_off, fact_lines, read, write


@pytest.fixture
def tasking(monkeypatch):
    """The CLI's extractor, able to find checkbox tasks (see tests/vault/support.py)."""
    monkeypatch.setattr(factbook.cli, "make_extractor", lambda *a, **k: TaskingExtractor())


def _source_note(vault, words):
    notes = [p for p in (vault / "Sources").rglob("*.md") if words in read(p)]
    assert len(notes) == 1, notes
    return notes[0]


def test_person_edits_survive_more_documents_and_the_same_documents_again(cli, vault, tmp_path, tasking):
    first = tmp_path / "first"
    shutil.copytree(FIXTURES / "first", first)
    assert cli("ingest", first, "--vault", vault).exit_code == 0
    note = vault / "Accounts" / "Quillfeather.md"
    text = read(note)
    hire = next(ln for ln in fact_lines(text) if "40 engineers" in ln)
    deal = next(ln for ln in fact_lines(text) if "$4.2 million" in ln)
    edited = deal.replace("signed a 3-year platform agreement worth $4.2 million.",
                          "signed a three-year platform deal ($4.2M), confirmed by legal.")
    assert edited != deal
    text = text.replace(hire + "\n", "").replace(deal, edited)
    text = text.replace("## Recent Context", "## My notes\n\nChampion: Mara. Budget owner: CFO.\n\n"
                        "## Recent Context")
    text = text.replace("tags: [type/account]", "tags: [type/account, tier-1]")
    text = text.replace("name: Quillfeather\n", "name: Quillfeather\nowner: me\n")
    write(note, text)
    kickoff = _source_note(vault, "security questionnaire")
    write(kickoff, check_off(read(kickoff), "security questionnaire"))

    assert cli("ingest", FIXTURES / "second", "--vault", vault).exit_code == 0
    # The same documents again, and a re-export of the kickoff that differs by a byte.
    assert cli("ingest", first, "--vault", vault).exit_code == 0
    copy = tmp_path / "again" / "kickoff-copy.md"
    copy.parent.mkdir()
    copy.write_text(read(first / "2026-02-02-quillfeather-kickoff.md") + "\n", encoding="utf-8")
    report = json.loads(cli("ingest", copy, "--vault", vault, "--json").output)
    assert report["new_sources"], "the re-export is a new source (other bytes)"

    text = read(note)
    facts = fact_lines(text)
    assert not any("40 engineers" in ln for ln in text.split("\n")), "a deleted fact came back"
    mine = [ln for ln in facts if "three-year platform deal ($4.2M), confirmed by legal." in ln]
    assert len(mine) == 1 and mine[0].count("[[") == 2, "the edit lost its words or citations"
    assert any("$5.1 million" in ln for ln in facts), "the new document's fact is missing"
    assert "## Key Facts" in text.split("## My notes\n\nChampion: Mara. Budget owner: CFO.\n")[0]
    assert text.index("## My notes") < text.index("## Recent Context")
    assert "tags: [type/account, tier-1]" in text and "\nowner: me\n" in text
    ticked = read(kickoff)
    assert "- [x] Send the security questionnaire" in ticked and "✅ 2026-02-05" in ticked
    tasks = [ln for p in (vault / "Sources").rglob("*.md") for ln in read(p).split("\n")
             if ln.startswith("- [")]
    assert sum("Send the security questionnaire" in ln for ln in tasks) == 1, "task duplicated"
    assert sum(ln.startswith("- [ ] Review the expanded order form") for ln in tasks) == 1

    before = snapshot(vault)
    assert cli("rebuild", "--vault", vault).exit_code == 0
    assert snapshot(vault) == before, "a rebuild changed what the person and factbook agreed on"


def test_tasks_query_selects_exactly_the_entity(cli, vault, tasking):
    cli("ingest", FIXTURES / "first", "--vault", vault)
    text = read(vault / "Accounts" / "Harrowgate.md")
    assert "tags regex matches /^#account\\/harrowgate$/i" in text
    kickoff = read(_source_note(vault, "onsite visit"))
    assert "#account/harrowgate " in kickoff


def test_a_note_changed_while_merging_is_left_alone(vault, tmp_path):
    from factbook.cli import init_vault
    from factbook.store import open_store
    from factbook.vault.sync import NoteWriter

    layout = init_vault(vault)
    store = open_store(layout.state_dir)
    writer = NoteWriter(layout, store, None)
    target = vault / "Accounts" / "Odd.md"
    writer._put("Accounts/Odd.md", "---\ntype: account\nname: Odd\n---\n# Odd\n")
    write(target, "the person typed this meanwhile\n")
    writer._flush()
    assert read(target) == "the person typed this meanwhile\n"
    assert writer.skipped == ["Accounts/Odd.md"]
    store.close()
