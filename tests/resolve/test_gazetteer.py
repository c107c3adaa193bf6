"""Finding which known entities a text names."""
from __future__ import annotations

from factbook.models import EntityKind, KnownEntity
from factbook.resolve.gazetteer import Gazetteer

ORG = EntityKind.ORGANIZATION


def test_whole_words_only_and_case_as_written():
    g = Gazetteer([KnownEntity(1, "Tidewater Freight", ORG, ("Tidewater",)),
                   KnownEntity(2, "Users", ORG, ()), KnownEntity(3, "Harbor", ORG, ())])
    assert g.entities_in("Tidewater said users like Harborline.") == {1}
    assert g.entities_in("Users and Harbor.") == {2, 3}
    assert g.entities_in("nothing here") == set()


def test_short_and_lower_case_forms_are_not_cues():
    g = Gazetteer([KnownEntity(1, "Qux", ORG, ("qux corp",))])
    assert g.entities_in("Qux and qux corp") == set()
    assert Gazetteer([]).entities_in("anything") == set()
