"""Full-text search over facts, sources and notes: ranking, filters, snippets, the CLI."""
from __future__ import annotations

import json
from datetime import date

import pytest

from factbook.errors import EntityNotFoundError, InputError
from factbook.query.fts import RawHit, match_expression
from factbook.query.search import fuse, search
from tests.conftest import SEEDS, needs_shared


def test_match_expression_quotes_every_term_so_no_input_is_a_syntax_error():
    assert match_expression('barge AND "river  barges" ord*') == '"barge" "AND" "river barges" "ord"*'
    assert match_expression("what is the barge", any_term=True) == '"barge"'
    assert match_expression("!!! ???") is None


def test_fact_hits_name_entity_date_and_source_note(filled):
    result = search(filled.store, "barges", layout=filled.layout, types=("fact",))
    assert result.mode == "full-text"
    texts = [h.title for h in result.hits]
    assert "Halvorsen Freight ordered twelve river barges." in texts
    twelve = next(h for h in result.hits if "twelve" in h.title)
    # Stored on two entities, shown once with both.
    assert sorted(twelve.entities) == ["Halvorsen Freight", "Tidewater Mills"]
    assert twelve.date == date(2024, 2, 1)
    assert twelve.link == "[[2024-02-01 - Halvorsen orders barges]]"
    assert "**barges**" in twelve.snippet


def test_sources_and_notes_are_searched_with_snippets(filled):
    result = search(filled.store, "refrigerated containers", layout=filled.layout)
    types = {h.type for h in result.hits}
    assert types == {"fact", "source", "note"}
    source = next(h for h in result.hits if h.type == "source")
    assert source.title == "Call with Halvorsen"
    assert source.kind == "transcript" and source.date == date(2024, 3, 10)
    assert "Halvorsen Freight" in source.entities
    assert "**refrigerated**" in source.snippet
    notes = {h.note_path: h for h in result.hits if h.type == "note"}
    assert notes["Accounts/Halvorsen Freight.md"].link == "[[Halvorsen Freight]]"
    assert notes["Accounts/Halvorsen Freight.md"].entities == ["Halvorsen Freight"]


def test_filters_by_entity_kind_and_dates(filled):
    by_entity = search(filled.store, "barges", layout=filled.layout, entity="Tidewater Mills")
    assert by_entity.hits and all("Tidewater Mills" in h.entities or h.type == "note"
                                  for h in by_entity.hits)
    assert not any(h.title == "Halvorsen Freight ordered 24 barges." for h in by_entity.hits)
    transcripts = search(filled.store, "containers", kind="transcript", types=("source", "fact"))
    assert transcripts.hits and all(h.kind == "transcript" for h in transcripts.hits)
    spring = search(filled.store, "barges", since=date(2024, 3, 1), until=date(2024, 12, 31),
                    types=("source",))
    assert [h.title for h in spring.hits] == ["Barge order doubled"]


def test_no_hit_for_every_word_falls_back_to_any_word(filled):
    result = search(filled.store, "barges zeppelin", types=("source",))
    assert {h.title for h in result.hits} == {"Halvorsen orders barges", "Barge order doubled"}


def test_index_follows_new_facts_and_edited_notes(filled):
    store = filled.store
    assert not search(store, "hovercraft", types=("fact",)).hits
    with store.transaction():
        store.set_fact_text(filled.ids["pilot"], "Halvorsen Freight will test a hovercraft.")
    assert [h.id for h in search(store, "hovercraft", types=("fact",)).hits] == [filled.ids["pilot"]]
    note = filled.layout.root / "Meetings" / "Kickoff.md"
    note.parent.mkdir()
    note.write_text("# Kickoff\n\nWe talked about [[Halvorsen Freight]] and a hovercraft.\n")
    hits = search(store, "hovercraft", layout=filled.layout, entity="Halvorsen Freight").hits
    assert any(h.type == "note" and h.note_path == "Meetings/Kickoff.md" for h in hits)
    note.unlink()
    hits = search(store, "hovercraft", layout=filled.layout).hits
    assert not any(h.type == "note" for h in hits)


def test_bad_queries_raise_clear_errors(filled):
    with pytest.raises(InputError):
        search(filled.store, "  ")
    with pytest.raises(EntityNotFoundError) as caught:
        search(filled.store, "barges", entity="Halvorsen Fraight")
    assert "Halvorsen Freight" in caught.value.hint
    with pytest.raises(InputError):
        search(filled.store, "barges", since=date(2024, 5, 1), until=date(2024, 1, 1))


def test_reciprocal_rank_fusion_rewards_agreement():
    text = [RawHit("fact", 1, 9.0), RawHit("fact", 2, 5.0), RawHit("source", 3, 1.0)]
    near = [RawHit("fact", 2, 0.9), RawHit("source", 3, 0.8)]
    fused = fuse(text, near)
    assert [(h.type, h.id) for h in fused] == [("fact", 2), ("source", 3), ("fact", 1)]


def test_cli_search_prints_results_and_says_it_is_full_text(cli, filled, monkeypatch):
    monkeypatch.setenv("FACTBOOK_SEMANTIC", "off")
    vault = filled.layout.root
    result = cli("search", "barges", "--vault", vault, "--type", "fact")
    assert result.exit_code == 0
    assert result.output.startswith("full-text search for 'barges'")
    assert "semantic search is turned off" in result.output
    assert "[[2024-02-01 - Halvorsen orders barges]]" in result.output
    data = json.loads(cli("search", "containers", "--vault", vault, "--kind", "transcript",
                          "--json").output)
    assert data["mode"] == "full-text" and data["hits"]
    assert data["hits"][0]["sources"][0]["link"] == "[[2024-03-10 - Call with Halvorsen]]"
    bad = cli("search", "barges", "--vault", vault, "--since", "soon")
    assert bad.exit_code == 2


def test_cli_search_without_any_embedder_says_so(cli, filled, monkeypatch):
    monkeypatch.setenv("FACTBOOK_SEMANTIC", "auto")
    monkeypatch.delenv("FACTBOOK_EMBEDDING_MODEL", raising=False)
    monkeypatch.setattr("factbook.query.embeddings.local_model_installed", lambda: False)
    result = cli("search", "barges", "--vault", filled.layout.root)
    assert "results are full-text only" in result.output


@needs_shared()
def test_search_on_the_seed_vault(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("FACTBOOK_SEMANTIC", "off")
    vault = tmp_path / "v"
    cli("ingest", SEEDS, "--vault", vault)
    data = json.loads(cli("search", "data center", "--vault", vault, "--json").output)
    assert data["hits"], "no result for a phrase every seed uses"
    assert all(h["link"] for h in data["hits"])
