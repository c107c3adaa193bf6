"""People notes that help before a call, and the account's People section (issue 12).
The e-mails are invented for the test."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from factbook.extract.roles import details_in_text
from factbook.models import EntityKind, Mention
from factbook.persona import Persona
from factbook.store import open_store
from factbook.store.people import PersonDetails
from tests.persona_support import run

OWNER = Persona("Rina Castell", emails=("rina.castell@loomwright.example",), company="Loomwright")

MAIL = """From: Hedda Voss <hedda.voss@corrinfreight.example>
To: Rina Castell <rina.castell@loomwright.example>
Cc: Teo Marsh <teo.marsh@loomwright.example>
Subject: Dock rollout
Date: Tue, 10 Mar 2026 09:00:00 +0000
Message-ID: <a1@corrinfreight.example>

Hi Rina,

Corrin Freight approved the budget for 14 docks.

Hedda Voss | Director of Operations | Corrin Freight
"""


def test_person_and_account_notes_carry_role_org_email_and_people(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "rollout.eml").write_text(MAIL, encoding="utf-8")
    vault = tmp_path / "vault"
    report = run(vault, [inbox], persona=OWNER)
    assert not report.failures
    hedda = (vault / "People" / "Hedda Voss.md").read_text(encoding="utf-8")
    assert 'org: "[[Corrin Freight]]"' in hedda
    assert "role: Director of Operations" in hedda
    assert "email:" in hedda and "hedda.voss@corrinfreight.example" in hedda
    assert "Director of Operations at [[Corrin Freight]]" in hedda
    teo = (vault / "People" / "Teo Marsh.md").read_text(encoding="utf-8")
    assert "relationship: colleague" in teo and "Loomwright" in teo
    assert not (vault / "People" / "Rina Castell.md").exists()
    assert not (vault / "Accounts" / "Loomwright.md").exists()
    account = (vault / "Accounts" / "Corrin Freight.md").read_text(encoding="utf-8")
    assert "## People\n\n- [[Hedda Voss]] — Director of Operations" in account


def test_a_newer_document_updates_a_person_and_a_fuller_title_stays(tmp_path: Path):
    store = open_store(tmp_path / "vault" / ".factbook")
    try:
        with store.transaction():
            entity = store.create_entity("Jo Quill", EntityKind.PERSON, "People/Jo Quill.md", date(2026, 1, 1))
            store.set_person_details(entity, PersonDetails("Acme", "Senior Solutions Engineer"), date(2026, 1, 5))
            store.set_person_details(entity, PersonDetails(None, "solutions engineer", "jo@acme.example"),
                                     date(2026, 2, 1))
            store.set_person_details(entity, PersonDetails("Acme Freight"), date(2026, 3, 1))
            store.set_person_details(entity, PersonDetails("Old Co", "Intern"), date(2025, 1, 1))
        details = store.person_details()[entity]
    finally:
        store.close()
    assert details == PersonDetails("Acme Freight", "Senior Solutions Engineer", "jo@acme.example")


def test_roles_and_organizations_the_text_states():
    people = [Mention("Jo Quill", EntityKind.PERSON), Mention("Bo Lind", EntityKind.PERSON),
              Mention("Ana Roe", EntityKind.PERSON), Mention("Cy Dunn", EntityKind.PERSON)]
    details_in_text("We met Jo Quill (CFO). Jo Quill from Acme Freight agreed. Bo Lind, Head of Data at Acme Freight, "
                    "joined.\nAna Roe from Customer Success will help.\nName: Cy Dunn\nTitle: IT Director\n",
                    people, {"acme freight": "Acme Freight"})
    assert [(p.role, p.org) for p in people] == [
        ("CFO", "Acme Freight"), ("Head of Data", "Acme Freight"), ("Customer Success", None),
        ("IT Director", None)]
