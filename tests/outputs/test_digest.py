"""The daily digest: what the day's runs changed, conflicts awaiting review, tasks due or
overdue with the highest priority first."""
from __future__ import annotations

from datetime import date

from factbook.models import Document, DocumentKind, EntityKind
from factbook.outputs import OutputSettings
from factbook.outputs.digest import digest_note
from factbook.store.base import NewFact
from factbook.store.sqlite import SQLiteStore
from factbook.vault.notes import parse_note
from tests.persona_support import DANA, FIXTURES, PERSONA_FIXTURES, run

DAY = date(2025, 3, 14)


def _sections(text: str) -> dict[str, list[str]]:
    return {s.heading: [ln for ln in s.lines if ln.strip()] for s in parse_note(text).sections}


def _store_with_a_day(tmp_path) -> SQLiteStore:
    store = SQLiteStore(tmp_path / "db.sqlite")
    run_id = store.begin_run("offline")
    doc_id = store.add_document(Document(path="/in/a.md", sha256="a" * 64, kind=DocumentKind.NOTE,
                                         title="A", text="x", date=DAY), run_id, "", [])
    store.set_document_note(doc_id, "Sources/2025/2025-03-14 - A.md")
    acme = store.create_entity("Acme Freight", EntityKind.ORGANIZATION, "Accounts/Acme Freight.md", DAY)
    bo = store.create_entity("Bo Lind", EntityKind.PERSON, "People/Bo Lind.md", DAY)
    old = store.create_entity("Zeta Labs", EntityKind.ORGANIZATION, "Accounts/Zeta Labs.md", DAY)
    first = store.add_fact(NewFact(acme, "Acme Freight will list its shares in May."))
    second = store.add_fact(NewFact(acme, "Acme Freight denied plans to list its shares."))
    store.add_conflict(first, second)
    store.add_review_item("possible-duplicate", bo, old, "Bo Lind may be the same as B. Lind", run_id)
    tasks = [("Send the quote", "Me", date(2025, 3, 20), None), ("Call Bo", None, date(2025, 3, 13), "low"),
             ("Sign the order", "Bo Lind", date(2025, 3, 16), "highest"),
             ("Book the hall", None, date(2025, 3, 10), "high"),
             ("Plan the offsite", None, date(2025, 5, 1), "highest"), ("Someday", None, None, "highest")]
    for text, owner, due, priority in tasks:
        store.add_task(doc_id, text, owner, due, priority, False, None, [acme])
    store.add_task(doc_id, "Done already", None, date(2025, 3, 1), "highest", True, DAY, [acme])
    store.record_entity_changes(DAY, run_id, {acme, bo}, {acme, bo, old})
    return store


def test_sections_in_order_with_the_highest_priority_first(tmp_path):
    store = _store_with_a_day(tmp_path)
    text = digest_note(store, DAY, due_within_days=7, persona=DANA)
    assert [s.heading for s in parse_note(text).sections] == [
        "Tasks due or overdue", "Conflicts awaiting review", "New", "Changed"]
    assert parse_note(text).meta["type"] == "digest"
    link = "([[2025-03-14 - A]])"
    assert _sections(text)["Tasks due or overdue"] == [
        f"- due 2025-03-16: Sign the order @Bo Lind 🔺 {link}",
        f"- ⚠ overdue since 2025-03-10: Book the hall ⏫ {link}",
        f"- due 2025-03-20: Send the quote @Me (you) {link}",
        f"- ⚠ overdue since 2025-03-13: Call Bo 🔽 {link}",
    ]  # not done, due within the week; no due date or due later: left out
    assert _sections(text)["Conflicts awaiting review"] == [
        "- [[Acme Freight]]: Acme Freight will list its shares in May. ⟷ "
        "Acme Freight denied plans to list its shares.",
        "- possible-duplicate: Bo Lind may be the same as B. Lind"]
    assert _sections(text)["New"] == ["- [[Acme Freight]] (account)", "- [[Bo Lind]] (person)"]
    assert _sections(text)["Changed"] == ["- [[Zeta Labs]] (account)"]
    assert "- [ ]" not in text  # never a second copy of a task for the Tasks plugin
    store.close()


def test_an_empty_day_says_so(tmp_path):
    store = SQLiteStore(tmp_path / "db.sqlite")
    sections = _sections(digest_note(store, DAY))
    assert all(lines == ["- nothing"] for lines in sections.values())
    store.close()


def test_runs_of_one_day_add_up_and_a_created_entity_stays_new(tmp_path):
    vault = tmp_path / "vault"
    outputs = OutputSettings(digest=True)
    first = run(vault, [PERSONA_FIXTURES / "kestrel_update.eml"], persona=DANA, outputs=outputs, today=DAY)
    assert first.outputs == ["Digest/2025-03-14.md"]
    digest = vault / "Digest" / "2025-03-14.md"
    # the sender gets a People note too (issue 12)
    assert sorted(_sections(digest.read_text())["New"]) == ["- [[Jonas Feld]] (person)",
                                                            "- [[Kestrel Analytics]] (account)"]
    second = run(vault, [PERSONA_FIXTURES / "kestrel_ask.eml", FIXTURES / "email" / "pilot_confirmation.eml"],
                 persona=DANA, outputs=outputs, today=DAY)
    assert second.outputs == ["Digest/2025-03-14.md"]
    sections = _sections(digest.read_text())
    assert "- [[Kestrel Analytics]] (account)" in sections["New"]  # created earlier that day
    tasks = sections["Tasks due or overdue"]
    assert any("Share the full logs @Jonas Feld" in t for t in tasks)
    assert any(t.startswith("- ⚠ overdue since 2025-02-14: Send the signed order form @Tomas Berg")
               for t in tasks)
    # the next day starts a new digest; the same inputs again change nothing
    third = run(vault, [PERSONA_FIXTURES / "kestrel_update.eml"], persona=DANA, outputs=outputs,
                today=date(2025, 3, 15))
    nothing_new = _sections((vault / "Digest" / "2025-03-15.md").read_text())
    assert third.outputs == ["Digest/2025-03-15.md"] and nothing_new["New"] == ["- nothing"]
    before = digest.read_bytes()
    again = run(vault, [PERSONA_FIXTURES / "kestrel_update.eml"], persona=DANA, outputs=outputs, today=DAY)
    assert again.outputs == [] and digest.read_bytes() == before
