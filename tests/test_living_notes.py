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
    # The same documents again, and a follow-up that repeats the deleted fact and the task.
    assert cli("ingest", first, "--vault", vault).exit_code == 0
    report = json.loads(cli("ingest", FIXTURES / "repeat", "--vault", vault, "--json").output)
    assert report["new_sources"], "the follow-up is a new source"

    text = read(note)
    facts = fact_lines(text)
    assert not any("40 engineers" in ln for ln in text.split("\n")), "a deleted fact came back"
    # The expanded agreement supersedes the first one, so the edited line may sit in History.
    mine = [ln for ln in facts + fact_lines(text, "History")
            if "three-year platform deal ($4.2M), confirmed by legal." in ln]
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


# -- time: newer facts about the same thing supersede older ones -------------------------------

class ScriptedExtractor:
    """Returns a prepared extraction per document title: what a full extractor would find
    (events, figures, deal stages), so the time rules are tested independently of it."""

    name = "offline"
    concurrency = 1

    def __init__(self, script):
        self.script = script

    def extract(self, document, context):
        return self.script[document.title]()


def _time_script():
    from factbook.models import Deal, Extraction, Fact, Mention

    def doc(text, event, figures=(), stage=None):
        subjects = ["Larkspur Corp", "Tidewell Inc"] if "Tidewell" in text else ["Larkspur Corp", "Mirro Ltd"]
        return lambda: Extraction(
            mentions=[Mention(s) for s in subjects],
            facts=[Fact(text=text, subjects=subjects, figures=list(figures), event=event,
                        deal=Deal(status=stage) if stage else None)])
    return {
        "Offer": doc("Larkspur Corp offered 80 dlrs a share for Tidewell Inc.", "offer", ["usd-per-share:80"]),
        "Raise": doc("Larkspur Corp raised its offer for Tidewell Inc to 92.50 dlrs a share.", "offer",
                     ["usd-per-share:92.5"]),
        "Unit sale": doc("Larkspur Corp agreed to sell its Kestrel unit to Mirro Ltd.", "deal", stage="agreed"),
        "Called off": doc("Larkspur Corp terminated the sale of its Kestrel unit to Mirro Ltd.", "deal",
                          stage="terminated"),
    }


@pytest.mark.parametrize("order", [("Offer", "Raise", "Unit sale", "Called off"),
                                   ("Called off", "Raise", "Unit sale", "Offer")])
def test_newer_facts_supersede_older_ones_which_move_to_history(vault, tmp_path, order):
    from factbook.cli import init_vault
    from factbook.pipeline import ingest
    from factbook.store import open_store

    dates = {"Unit sale": "2026-02-01", "Offer": "2026-03-01", "Raise": "2026-03-09",
             "Called off": "2026-04-01"}
    layout = init_vault(vault)
    store = open_store(layout.state_dir)
    extractor = ScriptedExtractor(_time_script())
    for title in order:
        path = tmp_path / f"{title}.md"
        path.write_text(f"---\ntitle: {title}\ndate: {dates[title]}\n---\nNotes on {title}.\n",
                        encoding="utf-8")
        ingest([path], layout, store, extractor)
    store.close()
    text = read(vault / "Accounts" / "Larkspur.md")
    current, history = fact_lines(text), fact_lines(text, "History")
    assert [ln for ln in current if "92.50" in ln] and not [ln for ln in current if " 80 dlrs" in ln]
    assert [ln for ln in current if "terminated" in ln] and not [ln for ln in current if "agreed" in ln]
    assert any(ln.startswith("- 2026-03-01: Larkspur Corp offered 80 dlrs") for ln in history)
    assert any(ln.startswith("- 2026-02-01: Larkspur Corp agreed to sell") for ln in history)
    assert text.index("## Key Facts") < text.index("## History") < text.index("## Recent Context")


def test_recent_context_is_dated_newest_first_and_capped(cli, vault, tmp_path):
    from factbook.vault.render import RECENT_CONTEXT_CAP

    folder = tmp_path / "many"
    folder.mkdir()
    for day in range(1, RECENT_CONTEXT_CAP + 3):
        (folder / f"{day}.md").write_text(
            f"---\ntitle: Call {day}\ndate: 2026-01-{day:02d}\n---\n"
            f"Quillfeather Corp booked {day} new seats.\n", encoding="utf-8")
    cli("ingest", folder, "--vault", vault)
    lines = fact_lines(read(vault / "Accounts" / "Quillfeather.md"), "Recent Context")
    dated = [ln[2:12] for ln in lines if ln[2:3].isdigit()]
    assert len(dated) == RECENT_CONTEXT_CAP and dated == sorted(dated, reverse=True)
    assert dated[0] == f"2026-01-{RECENT_CONTEXT_CAP + 2:02d}"
    assert lines[-1].startswith("- … 2 older sources")
