"""Entity resolution: exact keys merge, short forms and look-alikes go to review."""
from __future__ import annotations

from factbook.models import EntityKind, KnownEntity, Mention
from factbook.resolve.entities import REVIEW_THRESHOLD, EntityIndex

ORG = EntityKind.ORGANIZATION


def index() -> EntityIndex:
    return EntityIndex([
        KnownEntity(1, "Acme Energy", ORG, ("Acme Energy Inc", "Acme")),
        KnownEntity(2, "Quillon Data Systems", ORG, ("QDS",)),
        KnownEntity(3, "Harbor Foods Corp", ORG),
    ])


def test_names_that_differ_by_legal_form_or_case_merge():
    assert index().resolve(Mention("ACME ENERGY CORP.")).entity_id == 1
    assert index().resolve(Mention("Harbor Foods")).entity_id == 3


def test_a_known_alias_as_the_mention_name_merges():
    assert index().resolve(Mention("QDS")).entity_id == 2


def test_strong_aliases_of_the_mention_merge():
    found = index().resolve(Mention("Quillon Data Systems Inc", aliases=["QDS"]))
    assert found.entity_id == 2
    assert index().resolve(Mention("Harbour Holdings", aliases=["Harbor Foods Corp"])).entity_id == 3


def test_a_one_word_short_form_never_merges_two_companies():
    # "Acme" is an alias of Acme Energy; Acme Reserve shares the short form.
    found = index().resolve(Mention("Acme Reserve Inc", aliases=["Acme"]))
    assert found.entity_id is None
    # When the short form is another entity's whole name, a person is asked.
    idx = index()
    idx.add(KnownEntity(6, "Harbor", ORG))
    asked = idx.resolve(Mention("Harbor Mills Inc", aliases=["Harbor"]))
    assert asked.entity_id is None and asked.uncertain_with == 6


def test_an_alias_two_entities_share_is_not_a_merge():
    idx = index()
    idx.add(KnownEntity(4, "Acme Water", ORG, ("Acme",)))
    found = idx.resolve(Mention("Acme"))
    assert found.entity_id is None and found.uncertain_with in (1, 4)


def test_look_alikes_go_to_review_not_to_a_merge():
    found = index().resolve(Mention("Quillon Data System"))
    assert found.entity_id is None
    assert found.uncertain_with == 2 and found.score >= REVIEW_THRESHOLD


def test_unrelated_names_are_new_entities():
    found = index().resolve(Mention("Tarrant Mills Ltd"))
    assert found == found.__class__(None)


def test_added_entities_are_found_next_time():
    idx = EntityIndex()
    assert idx.resolve(Mention("Norlake Freight")).entity_id is None
    idx.add(KnownEntity(9, "Norlake Freight", ORG, ("Norlake Freight Inc",)))
    assert idx.resolve(Mention("Norlake Freight Inc.")).entity_id == 9


def test_a_nickname_with_the_same_surname_is_the_known_person():
    idx = EntityIndex([KnownEntity(1, "Robert Venning", EntityKind.PERSON),
                       KnownEntity(2, "Samuel Ostrow", EntityKind.PERSON),
                       KnownEntity(3, "Samantha Ostrow", EntityKind.PERSON)])
    assert idx.resolve(Mention("Rob Venning", EntityKind.PERSON)).entity_id == 1
    assert idx.resolve(Mention("Robert Tallis", EntityKind.PERSON)).entity_id is None  # other surname
    # "Sam Ostrow" could be either: no silent merge
    assert idx.resolve(Mention("Sam Ostrow", EntityKind.PERSON)).entity_id is None
    # an organization is never merged by a nickname
    assert idx.resolve(Mention("Rob Venning", ORG)).entity_id is None
