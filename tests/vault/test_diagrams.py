"""Mermaid pictures: the account note's relationship map, the brief's and the timeline note's
timelines. Parsed by the real Mermaid parser under Node, and drawn by headless Chromium."""
from __future__ import annotations

import hashlib
import json
import re
from datetime import date

import pytest

from factbook.cli import init_vault
from factbook.models import Document, DocumentKind, EntityKind
from factbook.query.brief import brief, render_brief
from factbook.store import open_store
from factbook.vault.diagrams import DatedEvent, escape_label, relationship_map, timeline_block, timeline_text
from factbook.vault.sync import NoteWriter
from tests.mermaid_support import (
    mermaid_blocks, needs_chromium, needs_node, parse_mermaid, render_svg,
)

ODD_ROLE = 'VP <Ops> & "Tech"; #1 [lead] {x} | `y` end'
PEOPLE = ("Ines Okafor", "Tomas Reyes")


def _meta(**keys: str) -> dict:
    return {"meta_blocks": {k: f"{k}: {json.dumps(v)}" for k, v in keys.items()}}


@pytest.fixture
def ferries(tmp_path):
    """An account with two people (one with a role full of Mermaid syntax), a colleague of
    the user who works it, a project, and another account one person also deals with."""
    layout = init_vault(tmp_path / "vault")
    store = open_store(layout.state_dir)
    run = store.begin_run("test")

    def doc(name, kind, when, linked):
        text = f"{name}: notes from {when.isoformat()}."
        d = Document(path=f"/in/{name}", sha256=hashlib.sha256(text.encode()).hexdigest(),
                     kind=kind, title=name, text=text, date=when)
        doc_id = store.add_document(d, run, "", [])
        for entity_id in linked:
            store.link_document(doc_id, entity_id, 1)
        return doc_id

    with store.transaction():
        acct = store.create_entity("Brightmoor Ferries", EntityKind.ORGANIZATION,
                                   "Accounts/Brightmoor Ferries.md", date(2026, 9, 1))
        other = store.create_entity('Kestrel Quay "KQ" #2', EntityKind.ORGANIZATION,
                                    "Accounts/Kestrel Quay KQ 2.md", date(2026, 9, 1))
        project = store.create_entity("Harbor Sync", EntityKind.PROJECT,
                                      "Projects/Harbor Sync.md", date(2026, 9, 1))
        ines = store.create_entity("Ines Okafor", EntityKind.PERSON, "People/Ines Okafor.md",
                                   date(2026, 9, 1),
                                   _meta(org="[[Brightmoor Ferries]]", role="Head of Fleet"))
        tomas = store.create_entity("Tomas Reyes", EntityKind.PERSON, "People/Tomas Reyes.md",
                                    date(2026, 9, 1), _meta(role=ODD_ROLE))
        lena = store.create_entity("Lena Park", EntityKind.PERSON, "People/Lena Park.md",
                                   date(2026, 9, 1), _meta(relationship="colleague"))
        docs = [doc("Kickoff", DocumentKind.MEETING_NOTES, date(2026, 9, 3), (acct, ines, tomas, project)),
                doc("Quay call", DocumentKind.TRANSCRIPT, date(2026, 9, 8), (tomas, other)),
                doc("Fleet review", DocumentKind.TRANSCRIPT, date(2026, 9, 20), (acct, lena, ines))]
        store.add_decision(docs[2], "Start with two ferries: the rest in spring", date(2026, 9, 20), [acct])
        NoteWriter(layout, store, run).write({acct, other, project, ines, tomas, lena}, docs)
    store.finish_run(run, "ok", {})
    yield layout, store, acct
    store.close()


def test_labels_are_escaped():
    assert escape_label('A "B" <c> #1; [d]') == "A #quot;B#quot; #lt;c#gt; #35;1#59; #91;d#93;"
    assert ":" not in timeline_text("10:30 call #3 %% note") and "#" not in timeline_text("#3")
    assert len(escape_label("x" * 200)) <= 60


def test_account_note_has_a_relationship_map(ferries):
    layout, store, acct = ferries
    note = (layout.root / "Accounts/Brightmoor Ferries.md").read_text(encoding="utf-8")
    assert "## Relationship map\n\n```mermaid\nflowchart LR\n" in note
    block = mermaid_blocks(note)[0]
    for name in (*PEOPLE, "Lena Park", "Harbor Sync", "Kestrel Quay #quot;KQ#quot; #35;2"):
        assert name in block, name
    assert "Head of Fleet" in block and "-. works .-" in block
    assert note.index("## Relationship map") > note.index("## Related")
    # Regenerated, not appended: rendering again gives the same picture once.
    assert relationship_map(store, store.entity(acct)) == ["```mermaid", *block.splitlines(), "```"]
    person = (layout.root / "People/Ines Okafor.md").read_text(encoding="utf-8")
    assert "```mermaid" not in person


def test_timeline_block_keeps_the_most_recent_days():
    events = [DatedEvent(date(2026, 1, d), f"event {d}") for d in range(1, 20)]
    block = timeline_block("T", events, cap=5)
    days = [ln for ln in block if ln.startswith("  2026-")]
    assert [d.split(" :")[0].strip() for d in days] == [f"2026-01-{d}" for d in range(15, 20)]


@needs_node
def test_every_diagram_parses_with_mermaid(ferries, cli):
    layout, store, _ = ferries
    note = (layout.root / "Accounts/Brightmoor Ferries.md").read_text(encoding="utf-8")
    text = render_brief(brief(store, "Brightmoor Ferries", since=date(2026, 9, 1)))
    data = json.loads(cli("timeline", "Brightmoor Ferries", "--vault", layout.root, "--write",
                          "--json").output)
    written = (layout.root / data["note"]).read_text(encoding="utf-8")
    blocks = mermaid_blocks(note) + mermaid_blocks(text) + mermaid_blocks(written)
    assert len(blocks) == 3
    results = parse_mermaid(blocks + ["flowchart LR\n  a[[[ --"])
    assert [r.get("type") for r in results[:3]] == ["flowchart-v2", "timeline", "timeline"], results
    assert not results[3]["ok"], "the parser rejects a broken diagram"
    assert "Decided∶ Start with two ferries∶ the rest in spring" in blocks[2]


@needs_chromium
def test_account_map_renders_to_an_svg_with_every_person(ferries, tmp_path):
    layout, _, _ = ferries
    note = (layout.root / "Accounts/Brightmoor Ferries.md").read_text(encoding="utf-8")
    svg = render_svg(mermaid_blocks(note)[0], tmp_path)
    assert svg.startswith("<svg") and 'aria-roledescription="flowchart-v2"' in svg
    shown = re.sub(r"<[^>]+>", " ", svg)
    for name in (*PEOPLE, "Lena Park"):
        assert name in shown, name
    assert "Head of Fleet" in shown


def test_the_map_is_factbooks_and_a_deleted_map_stays_deleted(cli, tmp_path):
    from tests.conftest import EXAMPLES

    vault = tmp_path / "v"
    cli("ingest", EXAMPLES, "--vault", vault)
    path = vault / "Accounts" / "Northwind Logistics.md"
    text = path.read_text(encoding="utf-8")
    assert "## Relationship map" in text and "Dana Whitfield" in mermaid_blocks(text)[0]
    mine = text.rstrip("\n") + "\n\nMy own line after the map.\n"
    path.write_text(mine, encoding="utf-8")
    assert cli("rebuild", "--vault", vault).exit_code == 0
    assert path.read_text(encoding="utf-8") == mine, "a rebuild keeps the person's line"
    cut = re.sub(r"## Relationship map\n\n```mermaid\n.*?```\n", "", mine, flags=re.S)
    assert "Relationship map" not in cut
    path.write_text(cut, encoding="utf-8")
    assert cli("rebuild", "--vault", vault).exit_code == 0
    again = path.read_text(encoding="utf-8")
    assert "Relationship map" not in again and "My own line after the map." in again
