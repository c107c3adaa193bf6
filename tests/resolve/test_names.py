"""Name keys: the spellings of one name that compare equal."""
from __future__ import annotations

from factbook.resolve.names import display_name, fold, name_key


def test_legal_forms_punctuation_case_and_possessives_fold_away():
    assert name_key("Acme Corp.") == name_key("ACME") == name_key("Acme's") == "acme"
    assert name_key("Beta Holdings Ltd") == name_key("beta holdings limited") == "beta holdings"
    assert name_key("The Gamma Group Inc") == name_key("Gamma Group") == "gamma group"
    assert name_key("Delta-Tech GmbH") == name_key("Delta Tech") == "delta tech"


def test_a_legal_form_alone_is_kept():
    assert name_key("Inc") == "inc"
    assert name_key("The") == "the"


def test_different_names_keep_different_keys():
    assert name_key("Acme Energy Inc") != name_key("Acme Reserve Inc")
    assert name_key("Acme Corp") != name_key("Acme Bank")


def test_fold_straightens_quotes_and_spaces():
    assert fold("Acme\u2019s   Unit") == "acme's unit"


def test_display_name_drops_a_trailing_legal_form():
    assert display_name("Acme Corp.") == "Acme"
    assert display_name("Co") == "Co"
