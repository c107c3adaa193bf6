"""Checking an LLM answer against the document: names, subjects, quotes, figures, dates."""
from __future__ import annotations

from datetime import date

from factbook.extract.llm_convert import PassageFinder, to_extraction
from factbook.extract.llm_schema import (
    ExtractionAnswer, answer_schema, merge_answers, normalize_figure, parse_answer, parse_iso_date,
)
from factbook.models import EntityKind, KnownEntity

TEXT = ("Brightwater Foods Ltd said on Tuesday it will buy Kestrel Dairy Co for 1.2 billion "
        "euros.\nKestrel's chief executive, Mara Holt, will stay on.  The boards approved it.")


def fact(text: str, subjects: list[str], quote: str = "", **extra: object) -> dict:
    return {"text": text, "subjects": subjects, "quote": quote, **extra}


def convert(known: list[KnownEntity] | None = None, **answer: object):
    return to_extraction(ExtractionAnswer.model_validate(answer), TEXT, known or [])


def test_names_must_occur_in_the_document():
    result = convert(mentions=[
        {"name": "Brightwater Foods Ltd", "kind": "company", "aliases": ["Brightwater", "BWF"]},
        {"name": "Kestrel Dairy Company", "aliases": ["Kestrel Dairy Co", "Kestrel"]},
        {"name": "Mara Holt", "kind": "person"},
        {"name": "Invented Holdings"},
    ])
    assert [(m.name, m.kind, m.aliases) for m in result.mentions] == [
        ("Brightwater Foods Ltd", EntityKind.ORGANIZATION, ["Brightwater"]),
        ("Kestrel Dairy Co", EntityKind.ORGANIZATION, ["Kestrel"]),  # the document's own form
        ("Mara Holt", EntityKind.PERSON, []),
    ]
    assert result.mentions[1].count == 2


def test_subjects_map_to_mention_names_and_unnamed_subjects_drop_the_fact():
    result = convert(
        mentions=[{"name": "Kestrel Dairy Co", "aliases": ["Kestrel"]}],
        facts=[fact("Mara Holt will stay on as Kestrel's chief executive.", ["Kestrel", "Mara Holt"],
                    "Kestrel's chief executive, Mara Holt, will stay on."),
               fact("Kestrel Dairy was sold to Northwind Group.", ["Kestrel", "Northwind Group"]),
               fact("Something with no subject.", [])])
    assert [f.subjects for f in result.facts] == [["Kestrel Dairy Co", "Mara Holt"]]
    # A subject the document names becomes a mention even if the model forgot it.
    assert [m.name for m in result.mentions] == ["Kestrel Dairy Co", "Mara Holt"]


def test_passages_are_exact_quotes_or_the_documents_own_text():
    finder = PassageFinder(TEXT)
    assert finder.find("will stay on.  The boards", "x") == ("will stay on.  The boards", "exact")
    # Different spacing and quote characters: the document's own characters come back.
    assert finder.find("Kestrel’s chief executive, Mara   Holt", "x") == (
        "Kestrel's chief executive, Mara Holt", "exact")
    passage, how = finder.find("it will buy Kestrel Dairy Co. for 1.2 billion euro", "x")
    assert how == "fuzzy" and passage in TEXT
    passage, how = finder.find("", "The boards approved the purchase.")
    assert (passage, how) == ("The boards approved it.", "sentence")
    assert finder.find("Quarterly profit doubled", "Quarterly profit doubled at Zorb.") == ("", "none")


def test_facts_are_deduplicated_and_figures_dates_and_deals_normalized():
    result = convert(
        mentions=[{"name": "Brightwater Foods Ltd", "aliases": ["Brightwater"]},
                  {"name": "Kestrel Dairy Co"}],
        facts=[fact("Brightwater will buy Kestrel Dairy for EUR 1.2 billion.",
                    ["Brightwater", "Kestrel Dairy Co"], "it will buy Kestrel Dairy Co for 1.2 billion",
                    figures=["eur:1.2 billion", "nonsense", "EUR:1,200,000,000"], date="2024-03-05",
                    event="Deal", deal={"acquirer": "Brightwater", "target": "Kestrel Dairy Co",
                                                "amount": "1.2 billion euros", "status": "agreed"}),
               fact("Brightwater will buy Kestrel Dairy for EUR 1.2 billion!",
                    ["Brightwater Foods Ltd", "Kestrel Dairy Co"])])
    assert len(result.facts) == 1
    only = result.facts[0]
    assert only.figures == ["eur:1200000000"] and only.date == date(2024, 3, 5)
    assert only.event == "deal" and only.deal.acquirer == "Brightwater Foods Ltd"
    assert only.deal.status == "agreed"


def test_unknown_events_become_none_rather_than_a_shared_other():
    result = convert(mentions=[{"name": "Kestrel Dairy Co"}], facts=[
        fact("Kestrel Dairy Co made cheese.", ["Kestrel Dairy Co"], "Kestrel Dairy Co", event="cheese"),
        fact("Kestrel Dairy Co is for sale.", ["Kestrel Dairy Co"], "buy Kestrel Dairy Co",
             event="DEAL")])
    assert [f.event for f in result.facts] == [None, "deal"]


def test_figure_and_date_normalization():
    assert normalize_figure("usd:80000000000") == "usd:80000000000"
    assert normalize_figure("USD: 80 bln") == "usd:80000000000"
    assert normalize_figure("pct:62.50") == "pct:62.5"
    assert normalize_figure("percent:3") == "pct:3"
    assert normalize_figure("$80 billion") is None
    assert normalize_figure("usd:80 zillion") is None
    assert parse_iso_date("2025-02-30") is None and parse_iso_date("2025-02") is None
    assert parse_iso_date(" 2025-02-03 ") == date(2025, 2, 3)


def test_known_entities_listed_in_the_prompt_keep_their_vault_names():
    known = [KnownEntity(5, "Brightwater Foods", EntityKind.ORGANIZATION, ("Brightwater",))]
    result = convert(known, mentions=[{"name": "Brightwater", "aliases": []}],
                     facts=[fact("Brightwater will buy Kestrel Dairy.", ["Brightwater"],
                                 "it will buy Kestrel Dairy Co")])
    assert [(m.name, m.aliases) for m in result.mentions] == [("Brightwater Foods", ["Brightwater"])]
    assert result.facts[0].subjects == ["Brightwater Foods"]


def test_publishers_are_not_mentions_and_tasks_and_decisions_convert():
    result = convert(
        publishers=["Kestrel Dairy Co"], mentions=[{"name": "Kestrel Dairy Co"}],
        tasks=[{"text": "Mara Holt to brief staff", "owner": "Mara Holt", "due": "2024-04-01",
                "priority": "high", "subjects": ["Mara Holt"], "quote": "Mara Holt, will stay on"}],
        decisions=[{"text": "The boards approved the deal.", "date": None, "subjects": [],
                    "quote": "The boards approved it."}],
        topics=["dairy", "Dairy", " mergers "], summary="  A deal.\n")
    assert result.mentions[0].name == "Mara Holt" and result.publishers == ["Kestrel Dairy Co"]
    task = result.tasks[0]
    assert (task.owner, task.due, task.priority, task.passage) == (
        "Mara Holt", date(2024, 4, 1), "high", "Mara Holt, will stay on")
    assert result.decisions[0].passage == "The boards approved it."
    assert result.topics == ["dairy", "mergers"] and result.summary == "A deal."


def test_answers_parse_leniently_and_the_schema_is_strict():
    answer = parse_answer('```json\n{"facts": [{"text": "x"}], "extra": 1}\n```')
    assert answer.facts[0].subjects == [] and answer.mentions == []
    schema = answer_schema()
    assert schema["additionalProperties"] is False
    assert schema["required"] == list(schema["properties"])
    fact_schema = schema["$defs"]["FactAnswer"]
    assert fact_schema["required"] == list(fact_schema["properties"])
    assert fact_schema["properties"]["date"] == {"type": ["string", "null"]}
    assert "default" not in str(schema) and "title" not in str(schema)


def test_merge_answers_keeps_the_first_summary():
    merged = merge_answers([ExtractionAnswer(summary="", topics=["a"]),
                            ExtractionAnswer(summary="Second.", topics=["b"])])
    assert merged.summary == "Second." and merged.topics == ["a", "b"]
