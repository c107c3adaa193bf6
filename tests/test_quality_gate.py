"""Quality gate: the offline pipeline on the evaluation sets must keep the scorer's figures.

Ingests ../shared/seeds and ../shared/eval/reuters-acq-dev/docs into temporary vaults
through the Python API and scores them with ../shared/eval/score_vault.py. The bars
are the project's targets less a small margin; skipped when ../shared is absent.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from factbook.cli import init_vault
from factbook.extract.offline import OfflineExtractor
from factbook.pipeline import ingest
from factbook.store import open_store
from tests.conftest import REUTERS_DEV, SEEDS, SHARED, load_scorer, needs_shared

pytestmark = [needs_shared(), pytest.mark.slow]


def scored(docs: Path, gold: Path, vault: Path) -> dict:
    layout = init_vault(vault)
    store = open_store(layout.state_dir)
    try:
        ingest([docs], layout, store, OfflineExtractor())
    finally:
        store.close()
    return load_scorer().score(vault, yaml.safe_load(gold.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict:
    return scored(SEEDS, SHARED / "eval" / "seeds.gold.yaml", tmp_path_factory.mktemp("seeds"))


@pytest.fixture(scope="module")
def reuters(tmp_path_factory) -> dict:
    return scored(REUTERS_DEV / "docs", REUTERS_DEV / "gold.yaml", tmp_path_factory.mktemp("dev"))


def test_seed_entities_are_one_note_each_and_nothing_spurious(seeds):
    assert seeds["entity_recall"] >= 0.85
    assert seeds["entity_split"] == 0
    assert seeds["spurious"] == 0, seeds["spurious_notes"]


def test_seed_facts_are_found_cited_merged_and_conflicts_flagged(seeds):
    assert seeds["fact_recall"] >= 0.78, seeds["missed_facts"]
    assert seeds["merged_repeats"] >= 0.66
    assert seeds["contradictions"] >= 0.5
    assert seeds["citation_rate"] >= 0.95
    # The adopted note's own facts survive the merge.
    assert not {"msft-openai-250b-azure", "msft-big-pause"} & set(seeds["missed_facts"])


def test_seed_facts_are_stated_once(seeds):
    # Issue 13: a source is cited on a line only when it states the line's values, so two
    # reports of one IPO that give different amounts (the sum raised, the valuation) are
    # two lines where they used to be one line citing a source that did not state it.
    assert seeds["duplicate_facts"] <= 1, seeds["duplicated"]


def test_reuters_entities_are_found_once_without_spurious_notes(reuters):
    assert reuters["entity_recall"] >= 0.78
    assert reuters["entity_split"] == 0
    assert reuters["spurious"] == 0, reuters["spurious_notes"]
    gold = yaml.safe_load((REUTERS_DEV / "gold.yaml").read_text(encoding="utf-8"))
    assert reuters["entity_notes"] <= 3 * len(gold["entities"])


def test_reuters_deal_facts_name_both_parties(reuters):
    assert reuters["fact_recall"] >= 0.63, reuters["missed_facts"]
    assert reuters["citation_rate"] >= 0.95


def _persona(gold: dict):
    from factbook.persona import Persona

    who = gold.get("persona") or {}
    return Persona(who["name"], emails=(who["email"],), company=who.get("company")) if who else None


@pytest.fixture(scope="module")
def work_dev(tmp_path_factory) -> dict:
    gold_path = SHARED / "eval" / "work-dev" / "gold.yaml"
    gold = yaml.safe_load(gold_path.read_text(encoding="utf-8"))
    vault = tmp_path_factory.mktemp("work")
    layout = init_vault(vault)
    store = open_store(layout.state_dir)
    try:
        ingest([SHARED / "eval" / "work-dev" / "docs"], layout, store, OfflineExtractor(),
               persona=_persona(gold))
    finally:
        store.close()
    return load_scorer().score(vault, gold)


@pytest.fixture(scope="module")
def meetings_dev(tmp_path_factory) -> dict:
    import importlib.util

    spec = importlib.util.spec_from_file_location("score_meetings", SHARED / "eval" / "score_meetings.py")
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    vault = tmp_path_factory.mktemp("meetings")
    layout = init_vault(vault)
    store = open_store(layout.state_dir)
    try:
        ingest([SHARED / "eval" / "meetings-dev" / "docs"], layout, store, OfflineExtractor())
    finally:
        store.close()
    gold = yaml.safe_load((SHARED / "eval" / "meetings-dev" / "gold.yaml").read_text(encoding="utf-8"))
    return scorer.score(vault, gold)["figures"]


def test_work_documents_type_people_accounts_and_projects(work_dev):
    assert work_dev["typed_recall"] >= 0.97
    assert work_dev["entity_precision"] >= 0.97, work_dev["unexpected_notes"]
    assert work_dev["misfiled"] == 0, work_dev["misfiled_entities"]
    # One split is left (an account named shorter in a call title than in its e-mails);
    # issue 12 asks for 0.
    assert work_dev["entity_split"] <= 1
    assert work_dev["spurious"] == 0, work_dev["spurious_notes"]
    assert work_dev["person_org"] >= 0.93
    assert work_dev["person_role"] >= 0.8


def test_meeting_speakers_and_named_people_get_people_notes(meetings_dev):
    assert meetings_dev["participant_recall"] >= 0.95
    assert meetings_dev["people_recall"] >= 0.9
    assert meetings_dev["people_misfiled"] == 0
    assert meetings_dev["people_spurious"] <= 3


def test_work_documents_tasks_and_decisions_are_found_owned_dated_and_routed(work_dev):
    assert work_dev["task_recall"] >= 0.85, work_dev["missed_tasks"]
    assert work_dev["task_owner"] >= 0.9
    assert work_dev["task_due"] >= 0.88
    assert work_dev["task_routed"] >= 0.86
    assert work_dev["task_precision"] >= 0.82
    assert work_dev["decision_recall"] >= 0.83, work_dev["missed_decisions"]
    assert work_dev["decision_routed"] >= 0.92


def test_meeting_action_items_and_decisions(meetings_dev):
    assert meetings_dev["action_recall"] >= 0.34
    assert meetings_dev["action_precision"] >= 0.2
    assert meetings_dev["decision_recall"] >= 0.3
    assert meetings_dev["decision_precision"] >= 0.36
