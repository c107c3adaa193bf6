"""The whole pipeline on the seed documents: idempotence, order independence, adoption."""
from __future__ import annotations

import json
import re
import shutil

from tests.conftest import SEEDS, load_scorer, needs_shared, snapshot

pytestmark = needs_shared()
BLOCK_ID = re.compile(r" \^f-[0-9a-f]+$")


def key_facts(vault) -> dict[str, list[str]]:
    scorer = load_scorer()
    return {n["path"]: sorted(BLOCK_ID.sub("", f) for f in n["facts"])
            for n in scorer.entity_notes(vault)}


def test_second_identical_ingest_reports_nothing_new_and_changes_no_byte(cli, vault):
    cli("ingest", SEEDS, "--vault", vault)
    before = snapshot(vault)
    report = json.loads(cli("ingest", SEEDS, "--vault", vault, "--json").output)
    assert report["new_sources"] == [] and report["adopted_notes"] == []
    assert report["entities_created"] == 0 and report["facts_added"] == 0
    assert report["notes_written"] == 0
    assert snapshot(vault) == before


def test_two_orders_give_the_same_entities_and_key_facts(cli, tmp_path):
    articles = sorted(p for p in SEEDS.iterdir() if not p.name.startswith("004"))
    for name, order in (("forward", articles), ("backward", articles[::-1])):
        vault = tmp_path / name
        for path in order:
            cli("ingest", path, "--vault", vault)
    assert key_facts(tmp_path / "forward") == key_facts(tmp_path / "backward")


def test_the_adopted_note_keeps_its_content_and_its_created_date(cli, vault, tmp_path):
    inbox = tmp_path / "in"
    shutil.copytree(SEEDS, inbox)
    cli("ingest", inbox, "--vault", vault)
    scorer = load_scorer()
    notes = [n for n in scorer.entity_notes(vault) if "big pause" in " ".join(n["facts"]).lower()]
    assert len(notes) == 1
    text = (vault / notes[0]["path"]).read_text(encoding="utf-8")
    assert "created: 2026-01-05" in text
    original = (SEEDS / "004_c59b0708bd3aeee7.txt").read_text(encoding="utf-8")
    for topic in re.findall(r"^- (.+)$", original.split("## Topics")[1].split("##")[0], re.M):
        assert topic.replace("â€™", "’") in text
    assert "â€" not in text


def test_a_document_naming_an_entity_only_a_later_document_introduces_is_read_again(cli, vault, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    # Sorted first, this one names the company without any cue that it is one.
    (docs / "a-mail.txt").write_text(
        "Hi team,\n\nBrackenridge Tooling approved a budget of $90,000 for the pilot.\n",
        encoding="utf-8")
    (docs / "b-article.txt").write_text(
        "Brackenridge Tooling Inc said on Monday it hired 120 machinists in 2026.\n",
        encoding="utf-8")
    cli("ingest", docs, "--vault", vault)
    note = (vault / "Accounts" / "Brackenridge Tooling.md").read_text(encoding="utf-8")
    assert "$90,000" in note and "120 machinists" in note
