"""The pre-meeting brief: its default window, its sections with sources, the note it writes."""
from __future__ import annotations

import json
import re
from datetime import date

from factbook.query.brief import brief, render_brief
from tests.conftest import SEEDS, needs_shared


def test_default_window_starts_at_the_last_contact(filled):
    result = brief(filled.store, "Halvorsen Freight", today=date(2024, 4, 5))
    assert result.since == date(2024, 3, 10)
    assert "last contact on 2024-03-10" in result.since_reason
    assert result.last_contact.title == "Call with Halvorsen"
    changed = [i.text for i in result.changed]
    assert "Halvorsen Freight ordered 24 barges." in " ".join(changed)
    assert not any("twelve" in t for t in changed), "older news is not a change"
    assert all(i.sources for i in result.changed)


def test_sections_carry_tasks_decisions_conflicts_people(filled):
    result = brief(filled.store, "Halvorsen Freight", since=date(2024, 1, 1))
    # The last contact's open asks lead the brief (and are not listed again under open tasks).
    assert [t.text for t in result.asks] == ["Send the container spec sheet — Omar Sayed, due 2024-03-20"]
    assert result.open_tasks == []
    assert result.decisions[0].text == "Pilot starts with two containers"
    assert result.decisions[0].sources[0].link == "[[2024-03-10 - Call with Halvorsen]]"
    assert len(result.conflicts) == 1
    assert "twelve" in result.conflicts[0].text and "24" in result.conflicts[0].text
    assert len(result.conflicts[0].sources) == 2
    people = {p.name: p for p in result.people}
    assert people["Ingrid Lindqvist"].note_path == "People/Ingrid Lindqvist.md"
    assert "Omar Sayed" in people


def test_without_a_contact_the_window_is_the_last_30_days(filled):
    result = brief(filled.store, "Tidewater Mills")
    assert result.since == date(2024, 1, 2)
    assert "30 days" in result.since_reason


def test_rendered_note_and_cli_write(cli, filled):
    text = render_brief(brief(filled.store, "Halvorsen Freight", today=date(2024, 4, 5)))
    assert text.startswith("---\ntype: brief\n")
    for heading in ("What changed", "Open tasks", "Recent decisions", "Conflicts awaiting review",
                    "People involved"):
        assert f"## {heading}" in text
    assert "- [ ]" not in text, "a task copied with its checkbox would show twice in Tasks"
    root = filled.layout.root
    result = cli("brief", "Halvorsen Freight", "--vault", root, "--since", "2024-01-01",
                 "--write", "--json")
    data = json.loads(result.output)
    assert data["since"] == "2024-01-01" and data["note"].startswith("Briefs/")
    written = (root / data["note"]).read_text(encoding="utf-8")
    assert "[[2024-03-10 - Call with Halvorsen]]" in written


@needs_shared()
def test_brief_on_the_seed_vault(cli, tmp_path):
    vault = tmp_path / "v"
    cli("ingest", SEEDS, "--vault", vault)
    for note in (vault / "Accounts").glob("*.md"):
        result = cli("brief", note.stem, "--vault", vault)
        assert result.exit_code == 0 and "## What changed" in result.output


def test_brief_lists_each_item_once_marks_overdue_and_leaves_out_the_user(tmp_path):
    """Two changed figures, overdue and due-soon tasks, a fact repeated by a source's summary
    and by a second record: each shown once, changes first, the user not among the people."""
    import hashlib

    from factbook.cli import init_vault
    from factbook.models import Document, DocumentKind, EntityKind
    from factbook.persona import Persona
    from factbook.store import open_store
    from factbook.store.base import NewFact

    layout = init_vault(tmp_path / "vault")
    store = open_store(layout.state_dir)
    run = store.begin_run("test")

    def doc(name, kind, text, when, people=(), summary=""):
        d = Document(path=f"/in/{name}", sha256=hashlib.sha256(text.encode()).hexdigest(),
                     kind=kind, title=name, text=text, date=when, participants=people)
        return store.add_document(d, run, summary, [])

    repeated = "Pellworth Dairy opened a second bottling line in Aarhus."
    with store.transaction():
        acct = store.create_entity("Pellworth Dairy", EntityKind.ORGANIZATION,
                                   "Accounts/Pellworth Dairy.md", date(2026, 10, 1))
        old_mail = doc("Q3 pricing", DocumentKind.EMAIL, "Pellworth pays $40 per pallet. "
                       "The renewal is at 2 sites.", date(2026, 10, 2))
        call = doc("Renewal call", DocumentKind.TRANSCRIPT, "Priya: we now pay $46 per pallet "
                   "and renew at 3 sites.", date(2026, 11, 20), ("Dana Whitlow", "Priya Anand"),
                   summary=repeated)
        news = doc("Aarhus line", DocumentKind.ARTICLE, repeated, date(2026, 11, 21),
                   summary=repeated)
        for d in (old_mail, call, news):
            store.link_document(d, acct, 1)
        figures = []
        for old_text, new_text, fig in (("Pellworth pays $40 per pallet.", "Pellworth pays $46 per pallet.", "usd"),
                                        ("The renewal covers 2 sites.", "The renewal covers 3 sites.", "n")):
            old = store.add_fact(NewFact(acct, old_text, figures=[f"{fig}:1"], date=date(2026, 10, 2)))
            store.cite(old, old_mail, old_text, old_text)
            new = store.add_fact(NewFact(acct, new_text, figures=[f"{fig}:2"], date=date(2026, 11, 20)))
            store.cite(new, call, new_text, new_text)
            store.supersede(old, new)
            figures.append(new_text)
        for text in (repeated, repeated.replace("Aarhus.", "Aarhus")):
            fid = store.add_fact(NewFact(acct, text, date=date(2026, 11, 21)))
            store.cite(fid, news, text, text)
        store.add_task(call, "Send the revised pallet quote", "Me", date(2026, 11, 17), None,
                       False, None, [acct])
        store.add_task(old_mail, "Confirm the site list", "Priya Anand", date(2026, 11, 27), None,
                       False, None, [acct])
        store.add_task(old_mail, "Book the plant visit", None, date(2026, 12, 3), None,
                       False, None, [acct])
    store.finish_run(run, "ok", {})
    me = Persona(name="Dana Whitlow", emails=("dana.whitlow@orchardiq.example",))
    result = brief(store, "Pellworth Dairy", since=date(2026, 10, 1), today=date(2026, 11, 29),
                   persona=me)
    text = render_brief(result)
    store.close()
    changed = [i.text for i in result.changed]
    assert changed[0].startswith("Pellworth pays $46 per pallet.") or changed[0].startswith(
        "The renewal covers 3 sites.")
    assert {i.flag for i in result.changed[:2]} == {"changed"}
    assert "(was: Pellworth pays $40 per pallet.)" in text
    listed = re.sub(r"```mermaid.*?```", "", text, flags=re.S)  # the timeline picture aside
    assert "```mermaid\ntimeline" in text
    for line in (*figures, repeated[:-1]):
        assert listed.count(line) == 1, line
    flags = {i.text.split(" —")[0].split(",")[0]: i.flag for i in result.asks + result.open_tasks}
    assert flags == {"Send the revised pallet quote": "overdue", "Confirm the site list": "overdue",
                     "Book the plant visit": "due soon"}
    assert "⚠ overdue: Send the revised pallet quote" in text
    assert result.asks[0].text.startswith("Send the revised pallet quote")
    assert text.index("## Open asks from the last contact") < text.index("## What changed")
    assert [p.name for p in result.people] == ["Priya Anand"]
    assert "Dana Whitlow" not in text
