"""Who becomes an entity in work documents: people from the structure, typing by
evidence, first-name resolution, the owner and colleagues, projects (issue 12).
Every document here is invented for the test."""
from __future__ import annotations

from factbook.extract.evidence import batch_people, is_junk, with_people
from factbook.extract.people import org_for_domain, person_name, structural_people
from factbook.models import (Document, DocumentKind, EntityKind, Extraction, Fact, KnownEntity,
                             Mention)
from factbook.persona import Persona
from factbook.resolve.entities import EntityIndex

OWNER = Persona("Rina Castell", emails=("rina.castell@loomwright.example",), company="Loomwright")


def _doc(kind=DocumentKind.EMAIL, text="", title="t", **extra) -> Document:
    return Document(path="x", sha256="x", kind=kind, title=title, text=text, **extra)


def _people(extraction: Extraction) -> dict[str, Mention]:
    return {m.name: m for m in extraction.mentions if m.kind is EntityKind.PERSON}


def test_mail_headers_make_people_with_address_organization_and_colleagues():
    doc = _doc(text="Thanks for the call. Vantor Mills approved the budget.",
               meta={"addresses": "Odile Brask <odile.brask@vantormills.example>, "
                                  "Rina Castell <rina.castell@loomwright.example>, "
                                  "Teo Marsh <teo.marsh@loomwright.example>, "
                                  "Pia Lund <pia.lund@gmail.com>, "
                                  "Pilot Team <pilot-team@vantormills.example>"})
    out = with_people(doc, Extraction(), OWNER)
    people = _people(out)
    assert set(people) == {"Odile Brask", "Teo Marsh", "Pia Lund"}  # never the owner, nor a list
    assert people["Odile Brask"].org == "Vantor Mills"  # the domain spells the text's name
    assert people["Odile Brask"].email == "odile.brask@vantormills.example"
    assert people["Teo Marsh"].relationship == "colleague" and people["Teo Marsh"].org == "Loomwright"
    assert people["Pia Lund"].org is None  # a public mail domain says nothing
    assert any(m.name == "Vantor Mills" and m.kind is EntityKind.ORGANIZATION for m in out.mentions)


def test_signature_block_gives_role_and_company():
    doc = _doc(text="Quellmark Energy has approved a 200 TB pilot.", authors=("Ansel Dorrit",),
               meta={"addresses": "Ansel Dorrit <a.dorrit@quellmark.example>",
                     "signature": "Best,\nAnsel Dorrit | Director of Infrastructure | Quellmark Energy\n"
                                  "+1 555 0100"})
    people = _people(with_people(doc, Extraction(), None))
    assert people["Ansel Dorrit"].role == "Director of Infrastructure"
    assert people["Ansel Dorrit"].org == "Quellmark Energy"


def test_front_matter_participants_keep_their_organization_and_role():
    doc = _doc(DocumentKind.MEETING_NOTES, front_matter={
        "participants": ["Hedda Voss (Corrin Freight, IT Director)", "Rina Castell", "Speaker 2"]})
    people = _people(with_people(doc, Extraction(), OWNER))
    assert set(people) == {"Hedda Voss"}
    assert (people["Hedda Voss"].org, people["Hedda Voss"].role) == ("Corrin Freight", "IT Director")


def test_transcript_speakers_and_titles_are_people_labels_are_not():
    doc = _doc(DocumentKind.TRANSCRIPT, title="Call with Bram Okafor (Tessel Labs) 2026-01-05",
               participants=("Bram Okafor", "Speaker 1", "Lucia Fenn"))
    people = structural_people(doc)
    assert [p.name for p in people] == ["Bram Okafor", "Lucia Fenn"]
    assert people[0].org == "Tessel Labs"


def test_display_names_are_put_in_order_and_titles_dropped():
    assert person_name("Voss, Hedda") == ("Hedda Voss", ["Voss, Hedda"])
    assert person_name("Dr. Hedda Voss") == ("Hedda Voss", ["Dr. Hedda Voss"])
    assert person_name("hedda@corrin.example") is None
    assert person_name("Director of Procurement") is None


def test_junk_never_becomes_an_entity():
    for junk in ["I'm", "We'll", "RemoteI", "ops@corrin.example", "Q3 plan.xlsx", "400 TB",
                 "Monday", "March", "Director of Procurement", "Speaker 3", "Myself", "Q3",
                 "Customer Success"]:
        assert is_junk(junk), junk
    for name in ["Corrin Freight", "Hedda Voss", "Tessel Labs", "NEC", "Developer Capital Corp"]:
        assert not is_junk(name), name


def test_a_first_name_links_to_the_one_participant_who_carries_it():
    doc = _doc(DocumentKind.TRANSCRIPT, text="Hedda will send the floor plan.",
               participants=("Hedda Voss", "Bram Okafor"))
    extraction = Extraction(mentions=[Mention("Hedda")],
                            facts=[Fact("Hedda will send the floor plan.", ["Hedda"])])
    out = with_people(doc, extraction, None)
    assert "Hedda" not in {m.name for m in out.mentions}
    assert out.facts[0].subjects == ["Hedda Voss"]


def test_a_first_name_two_people_carry_stays_unlinked_and_never_a_note():
    doc = _doc(DocumentKind.MEETING_NOTES, participants=("Jonah Reyes", "Jonah Platt"))
    extraction = Extraction(mentions=[Mention("Jonah", EntityKind.ORGANIZATION)])
    out = with_people(doc, extraction, None)
    assert {m.name for m in out.mentions} == {"Jonah Reyes", "Jonah Platt"}
    lonely = with_people(_doc(DocumentKind.MEETING_NOTES), Extraction(mentions=[Mention("Jonah")]), None)
    assert lonely.mentions == []  # no one in context: the name stays in the source note


def test_a_first_name_resolves_to_the_vault_person_and_initials_pick_the_surname():
    known = [KnownEntity(1, "Ilse Marten", EntityKind.PERSON),
             KnownEntity(2, "Sam Ode", EntityKind.PERSON), KnownEntity(3, "Sam Wirth", EntityKind.PERSON)]
    doc = _doc(DocumentKind.MEETING_NOTES, title="1:1 — Ilse")
    out = with_people(_doc(DocumentKind.MEETING_NOTES), Extraction(mentions=[Mention("Sam W.", EntityKind.PERSON)]),
                      None, known)
    assert {m.name for m in out.mentions} == {"Sam Wirth"}
    assert "Sam W." in out.mentions[0].aliases
    titled = with_people(doc, Extraction(mentions=[Mention("Ilse")]), None, known)
    assert [m.name for m in titled.mentions] == ["Ilse Marten"]


def test_a_given_name_and_surname_in_a_conversation_is_a_person():
    doc = _doc(DocumentKind.TRANSCRIPT, text="We asked Greta Solberg about it.")
    out = with_people(doc, Extraction(mentions=[Mention("Greta Solberg")]), None)
    assert out.mentions[0].kind is EntityKind.PERSON
    news = with_people(_doc(DocumentKind.ARTICLE), Extraction(mentions=[Mention("Greta Solberg")]), None)
    assert news.mentions[0].kind is EntityKind.ORGANIZATION  # news keeps its own typing


def test_the_owner_is_never_a_mention_even_misspelt():
    doc = _doc(DocumentKind.TRANSCRIPT, participants=("Rina Castel", "Bram Okafor"))
    out = with_people(doc, Extraction(mentions=[Mention("Me", EntityKind.PERSON)]), OWNER)
    assert [m.name for m in out.mentions] == ["Bram Okafor"]


def test_named_projects_are_projects():
    doc = _doc(DocumentKind.MEETING_NOTES, text="Project Halyard is on track. Halyard needs a date.")
    out = with_people(doc, Extraction(mentions=[Mention("Halyard")]), None)
    assert [(m.name, m.kind) for m in out.mentions] == [("Project Halyard", EntityKind.PROJECT)]
    assert "Halyard" in out.mentions[0].aliases


def test_domains_name_organizations_across_a_run():
    first = _doc(text="Hi Hedda", meta={"addresses": "Hedda Voss <hedda@corrinfreight.example>"})
    second = _doc(text="Corrin Freight signed the order.")
    run = batch_people([first, second, _doc(text="mail hedda@corrinfreight.example")])
    assert run.domains == {"corrinfreight.example": "Corrin Freight"}
    assert [k.name for k in run.known] == ["Hedda Voss"]
    assert org_for_domain("corrinfreight.example", ["Corrin", "Corrin Freight Inc"]) == "Corrin Freight Inc"
    assert org_for_domain("cfx.example", ["Corrin Freight"]) is None


def test_a_person_is_never_an_alias_of_an_organization():
    index = EntityIndex([KnownEntity(1, "Lark Systems", EntityKind.ORGANIZATION, ("Lark Sys",))])
    assert index.resolve(Mention("Lark Sys", EntityKind.PERSON)).entity_id is None
    assert index.resolve(Mention("Lark Sys", EntityKind.ORGANIZATION)).entity_id == 1


def test_short_names_and_acronyms_take_the_runs_full_organization_name():
    doc = _doc(DocumentKind.MEETING_NOTES, text="CFL and Corrin agreed.")
    out = with_people(doc, Extraction(mentions=[Mention("CFL"), Mention("Corrin")]), None,
                      run_orgs=["Corrin Freight Lines"])
    assert [(m.name, sorted(m.aliases)) for m in out.mentions] == [("Corrin Freight Lines", ["CFL", "Corrin"])]


def test_departments_are_never_organizations():
    doc = _doc(DocumentKind.EMAIL, text="Bo Lind from Customer Success joined.")
    out = with_people(doc, Extraction(mentions=[Mention("Customer Success")]), None)
    assert out.mentions == []


def test_a_nickname_and_the_formal_name_in_one_mail_are_one_person():
    # The header and the text say "Ben Renwald", the signature the formal "Benjamin".
    doc = _doc(text="Hi all, Ben here. Ben Renwald will send the order form.",
               authors=("Ben Renwald",),
               meta={"addresses": "Ben Renwald <brenwald@harrowgate.example>",
                     "signature": "Benjamin Renwald | CFO | Harrowgate Mills"})
    people = _people(with_people(doc, Extraction([Mention("Benjamin Renwald", EntityKind.PERSON)]), None))
    assert set(people) == {"Ben Renwald"}  # the form the mail uses most keeps the name
    assert "Benjamin Renwald" in people["Ben Renwald"].aliases
    assert people["Ben Renwald"].role == "CFO"


def test_one_first_name_at_two_companies_stays_two_people():
    doc = _doc(DocumentKind.MEETING_NOTES, front_matter={
        "participants": ["Sam Orlen (Fennick Labs)", "Samantha Pryde (Gorsedd Foods)"]})
    people = _people(with_people(doc, Extraction(), None))
    assert set(people) == {"Sam Orlen", "Samantha Pryde"}


def test_a_title_line_of_a_signature_is_the_role_never_an_organization():
    doc = _doc(text="Anbei die unterschriebene Vereinbarung.", authors=("Jorinde Quast",),
               meta={"addresses": "Jorinde Quast <j.quast@velmarhafen.example>",
                     "signature": "Mit freundlichen Grüßen\n\nJorinde Quast\nVertriebsleiterin\n"
                                  "Velmar Hafen GmbH\nHafenstraße 3 | 20457 Hamburg"})
    out = with_people(doc, Extraction(), None)
    person = _people(out)["Jorinde Quast"]
    assert person.role == "Vertriebsleiterin" and person.org == "Velmar Hafen GmbH"
    orgs = {m.name for m in out.mentions if m.kind is EntityKind.ORGANIZATION}
    assert "Vertriebsleiterin" not in orgs and "Velmar Hafen GmbH" in orgs
