"""The glossary: short forms expanded for extractors, aliases loaded into the store,
terms listed in the source notes that use them."""
from __future__ import annotations

import pytest

from factbook.errors import ConfigError
from factbook.glossary import Glossary, canonical_mentions, glossary_section, load_glossary
from factbook.models import EntityKind, Extraction, Fact, Mention, Task
from factbook.store import open_store
from tests.persona_support import PERSONA_FIXTURES, PeopleExtractor, run

GLOSSARY = Glossary(terms={"SLA": "service level agreement", "QBR": "quarterly business review",
                           "IT": "information technology", "run rate": "annualised revenue pace",
                           "KA": "Kestrel Analytics"},
                    aliases={"Kestrel Analytics": ("Kestrel", "KAI")})


def test_expand_keeps_acronyms_case_sensitive():
    assert GLOSSARY.expand("SLA") == "service level agreement"
    assert GLOSSARY.expand("IT") == "information technology"
    assert GLOSSARY.expand("it") is None  # the pronoun is not the acronym
    assert GLOSSARY.expand("Run Rate") == "annualised revenue pace"
    assert GLOSSARY.expand("NPS") is None


def test_terms_are_listed_once_in_order_of_first_use():
    text = "The QBR covered the SLA. It was fine; the SLA stays and IT signs the run-rate memo. run rate"
    assert GLOSSARY.terms_in(text) == [("QBR", "quarterly business review"),
                                       ("SLA", "service level agreement"),
                                       ("IT", "information technology"),
                                       ("run rate", "annualised revenue pace")]
    assert glossary_section("nothing here", GLOSSARY) == []
    assert glossary_section("The SLA", GLOSSARY)[:3] == ["## Glossary", "", "- **SLA**: service level agreement"]


@pytest.mark.parametrize("name, text", [
    ("glossary.toml", '[terms]\nSLA = "service level agreement"\n[aliases]\n"Kestrel Analytics" = ["KAI"]\n'),
    ("glossary.yaml", "terms:\n  SLA: service level agreement\naliases:\n  Kestrel Analytics: [KAI]\n"),
])
def test_toml_and_yaml_files(tmp_path, name, text):
    (tmp_path / name).write_text(text, encoding="utf-8")
    glossary = load_glossary(tmp_path)
    assert glossary.terms == {"SLA": "service level agreement"}
    assert glossary.aliases == {"Kestrel Analytics": ("KAI",)}
    assert load_glossary(tmp_path / "missing").terms == {}


@pytest.mark.parametrize("name, text", [
    ("glossary.toml", "[terms\nSLA ="), ("glossary.yaml", "terms: [unclosed"),
    ("glossary.toml", 'aliases = { "A" = 3 }'),
])
def test_a_broken_glossary_is_one_clear_error_naming_the_file(tmp_path, name, text):
    (tmp_path / name).write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_glossary(tmp_path)
    assert str(tmp_path / name) in str(caught.value)


def test_short_forms_and_aliases_become_the_full_name():
    extraction = Extraction(
        mentions=[Mention("KA", EntityKind.ORGANIZATION), Mention("Kestrel", EntityKind.ORGANIZATION),
                  Mention("Brightwater Logistics", EntityKind.ORGANIZATION)],
        facts=[Fact("KA signed.", ["KA"]), Fact("Kestrel and Brightwater met.",
                                                 ["Kestrel", "Brightwater Logistics"])],
        tasks=[Task("Call KA", subjects=["KA"])])
    out = canonical_mentions(extraction, GLOSSARY)
    assert [(m.name, m.aliases, m.count) for m in out.mentions] == [
        ("Kestrel Analytics", ["KA", "Kestrel", "KAI"], 2), ("Brightwater Logistics", [], 1)]
    assert [f.subjects for f in out.facts] == [["Kestrel Analytics"],
                                                ["Kestrel Analytics", "Brightwater Logistics"]]
    assert out.tasks[0].subjects == ["Kestrel Analytics"]
    # a term whose meaning is not a name ("service level agreement") renames nothing
    plain = canonical_mentions(Extraction(mentions=[Mention("SLA")]), GLOSSARY)
    assert plain.mentions[0].name == "SLA"


def test_a_run_loads_aliases_passes_terms_and_lists_them_in_source_notes(tmp_path):
    vault = tmp_path / "vault"
    run(vault, [PERSONA_FIXTURES / "kestrel_update.eml"])  # creates "Kestrel Analytics"
    extractor = PeopleExtractor()
    glossary = Glossary(terms={"SLA": "service level agreement", "QBR": "quarterly business review"},
                        aliases={"Kestrel Analytics": ("KAI", "Kestrel")})
    run(vault, [PERSONA_FIXTURES / "2025-03-10 Kestrel pilot review.md"], extractor, glossary=glossary)
    store = open_store(vault / ".factbook")
    try:
        assert {"KAI", "Kestrel"} <= set(store.find_entity("Kestrel Analytics").aliases)
        assert store.find_entity("KAI").name == "Kestrel Analytics"
    finally:
        store.close()
    assert extractor.contexts[0][1].glossary == glossary.terms
    [note] = (vault / "Sources" / "2025").glob("*Kestrel pilot review.md")
    text = note.read_text(encoding="utf-8")
    section = text.split("## Glossary\n\n", 1)[1].split("\n\n", 1)[0]
    assert section.splitlines() == ["- **SLA**: service level agreement",
                                    "- **QBR**: quarterly business review"]
    assert text.index("## Glossary") < text.index("## Text")
    [other] = (vault / "Sources" / "2025").glob("*Latency report.md")
    assert "## Glossary" not in other.read_text(encoding="utf-8")  # written before the glossary


def test_rebuild_keeps_the_glossary_section(cli, vault):
    cli("init", vault)
    (vault / ".factbook" / "glossary.toml").write_text('[terms]\nSLA = "service level agreement"\n')
    cli("ingest", PERSONA_FIXTURES / "kestrel_ask.eml", "--vault", vault)
    [note] = (vault / "Sources").rglob("*.md")
    before = note.read_text(encoding="utf-8")
    assert "- **SLA**: service level agreement" in before
    assert cli("rebuild", "--vault", vault).exit_code == 0
    assert note.read_text(encoding="utf-8") == before
