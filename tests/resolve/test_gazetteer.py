"""Finding which known entities a text names."""
from __future__ import annotations

from factbook.models import EntityKind, KnownEntity
from factbook.resolve.gazetteer import Gazetteer

ORG = EntityKind.ORGANIZATION


def test_whole_words_only_and_case_as_written():
    g = Gazetteer([KnownEntity(1, "Tidewater Freight", ORG, ("Tidewater Freight Inc",)),
                   KnownEntity(2, "Users Group", ORG, ())])
    assert g.entities_in("Tidewater Freight said users group like Users Grouping.") == {1}
    assert g.entities_in("Users Group and Tidewater Freight Inc.") == {1, 2}
    assert g.entities_in("nothing here") == set()


def test_short_single_word_and_lower_case_forms_are_not_cues():
    g = Gazetteer([KnownEntity(1, "Qux", ORG, ("qux corp", "Tidewater"))])
    assert g.entities_in("Qux and qux corp and Tidewater") == set()
    assert Gazetteer([]).entities_in("anything") == set()
