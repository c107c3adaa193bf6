"""Profiles: what to emphasise per folder or document kind, shared by both extractors
and applied to every extraction by the pipeline."""
from __future__ import annotations

import shutil

import pytest

from factbook.errors import ConfigError
from factbook.models import Document, DocumentKind, Extraction, Fact, Task
from factbook.profiles import (
    PRESETS, Profile, apply_profile, describe, profile_for, profiles_from_config, score_fact,
)
from tests.persona_support import PERSONA_FIXTURES, PeopleExtractor, run


def _doc(path: str, kind=DocumentKind.ARTICLE) -> Document:
    return Document(path=path, sha256="x", kind=kind, title="t", text="")


def test_score_counts_each_keyword_once_and_the_event_bonus():
    sales = PRESETS["sales"]
    assert score_fact(Fact("The renewal is blocked by procurement.", []), sales) == 2 + 2 + 2
    assert score_fact(Fact("Renewal, renewal, renewal.", []), sales) == 2
    assert score_fact(Fact("Acme buys Beta.", [], event="deal"), sales) == 2.0
    assert score_fact(Fact("The renewal.", []), None) == 0.0


def test_apply_ranks_then_drops_by_score_and_count_and_kind():
    facts = [Fact("The office moved.", []), Fact("Pricing for the renewal was agreed.", []),
             Fact("A competitor offered a discount.", []), Fact("Stock fell.", [])]
    ranked = apply_profile(Extraction(facts=list(facts)), PRESETS["sales"])
    assert [f.text for f in ranked.facts] == [
        "Pricing for the renewal was agreed.", "A competitor offered a discount.",
        "The office moved.", "Stock fell."]  # ties keep their order
    strict = Profile("s", keywords={"pricing": 2, "competitor": 1, "stock": -1}, min_score=0.5,
                     max_facts=1, keep=("facts", "decisions"))
    out = apply_profile(Extraction(facts=list(facts), tasks=[Task("x")]), strict)
    assert [f.text for f in out.facts] == ["Pricing for the renewal was agreed."]
    assert out.tasks == []
    assert apply_profile(Extraction(facts=list(facts)), None).facts == facts


def test_profile_for_prefers_folder_then_kind_then_default():
    profiles = profiles_from_config({"profiles": {
        "sales": {"folders": ["Deals/2025"], "keywords": {"renewal": 5}},
        "engineering": {"kinds": ["transcript"], "folders": ["eng/**/design*"]},
        "general": {"default": True, "keywords": {"risk": 1}},
    }})
    by_name = {p.name: p for p in profiles}
    assert by_name["sales"].keywords["renewal"] == 5 and by_name["sales"].keywords["pricing"] == 2
    assert by_name["sales"].events == ("deal",)
    assert profile_for(_doc("/x/deals/2025/call.vtt", DocumentKind.TRANSCRIPT), profiles).name == "sales"
    assert profile_for(_doc("/x/other/call.vtt", DocumentKind.TRANSCRIPT), profiles).name == "engineering"
    assert profile_for(_doc("/x/eng/a/design-v2.md"), profiles).name == "engineering"
    assert profile_for(_doc("/x/other/a.txt"), profiles).name == "general"
    assert profile_for(_doc("/x/deals2025/a.txt"), profiles[:2]) is None
    assert profile_for(_doc("/x/a.txt"), []) is None


@pytest.mark.parametrize("table, message", [
    ({"x": {"preset": "marketing"}}, "unknown preset"),
    ({"x": {"keep": ["facts", "gossip"]}}, "unknown item kind"),
    ({"x": {"keywords": {"a": "lots"}}}, "profiles.x"),
    ({"x": "sales"}, "must be a table"),
])
def test_bad_profiles_are_clear_config_errors(table, message):
    with pytest.raises(ConfigError, match=message):
        profiles_from_config({"profiles": table})


def test_describe_gives_the_llm_the_focus_and_the_heaviest_keywords():
    text = describe(PRESETS["engineering"])
    assert text.startswith("Emphasise technical decisions") and "architecture" in text


def test_the_pipeline_passes_each_document_its_profile_and_applies_it(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "Sales").mkdir(parents=True)
    shutil.copy(PERSONA_FIXTURES / "kestrel_update.eml", inbox / "Sales" / "update.eml")
    shutil.copy(PERSONA_FIXTURES / "kestrel_ask.eml", inbox / "ask.eml")
    only_latency = Profile("sales", keywords={"latency": 1}, folders=("Sales",), min_score=1)
    extractor = PeopleExtractor()
    report = run(tmp_path / "vault", [inbox], extractor, profiles=[only_latency])
    assert not report.failures
    contexts = {path.rsplit("/", 1)[1]: ctx for path, ctx in extractor.contexts}
    assert contexts["update.eml"].profile is only_latency
    assert contexts["ask.eml"].profile is None
    note = (tmp_path / "vault" / "Accounts" / "Kestrel Analytics.md").read_text(encoding="utf-8")
    facts = note.split("## Key Facts", 1)[1].split("## ", 1)[0]
    assert "140 ms" in facts  # kept: it names the keyword
    only_renewals = Profile("sales", keywords={"renewal": 1}, folders=("Sales",), min_score=1)
    run(tmp_path / "other", [inbox], PeopleExtractor(), profiles=[only_renewals])
    note = (tmp_path / "other" / "Accounts" / "Kestrel Analytics.md").read_text(encoding="utf-8")
    assert "140 ms" not in note.split("## Key Facts", 1)[1].split("## ", 1)[0]
