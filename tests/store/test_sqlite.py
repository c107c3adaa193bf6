"""The SQLite store on a real database file."""
from __future__ import annotations

from datetime import date

import pytest

from factbook.errors import StoreError
from factbook.models import Document, DocumentKind, EntityKind
from factbook.store.base import NewFact
from factbook.store.sqlite import SQLiteStore


def make_doc(sha: str = "a" * 64, **kw) -> Document:
    fields = dict(path="/tmp/a.txt", sha256=sha, kind=DocumentKind.ARTICLE, title="A title",
                  text="Body.", date=date(2026, 3, 2))
    fields.update(kw)
    return Document(**fields)


@pytest.fixture
def store(tmp_path):
    s = SQLiteStore(tmp_path / "factbook.db")
    yield s
    s.close()


def test_migrations_are_recorded_once_in_order(tmp_path):
    first = SQLiteStore(tmp_path / "db.sqlite")
    names = first.applied_migrations()
    first.close()
    again = SQLiteStore(tmp_path / "db.sqlite")
    assert again.applied_migrations() == names
    assert names[0] == "001_initial"
    again.close()


def test_documents_are_keyed_by_content_hash(store):
    run = store.begin_run("offline")
    doc_id = store.add_document(make_doc(), run, "summary", ["freight"])
    found = store.document_by_sha("a" * 64)
    assert found.id == doc_id and found.topics == ["freight"] and found.date == date(2026, 3, 2)
    assert store.document_by_sha("b" * 64) is None
    with pytest.raises(Exception):
        store.add_document(make_doc(), run, "", [])


def test_entities_are_found_by_any_alias_spelling(store):
    eid = store.create_entity("Northwind Logistics", EntityKind.ORGANIZATION,
                              "Accounts/Northwind Logistics.md", date(2026, 1, 1))
    store.add_alias(eid, "Northwind Logistics Inc.")
    assert store.find_entity("NORTHWIND LOGISTICS INC").id == eid
    assert store.find_entity("northwind logistics").id == eid
    assert store.find_entity("Southwind") is None
    assert store.entity(eid).aliases == ["Northwind Logistics Inc."]


def test_facts_keep_every_citation_and_conflict(store):
    run = store.begin_run("offline")
    d1 = store.add_document(make_doc("1" * 64), run, "", [])
    d2 = store.add_document(make_doc("2" * 64), run, "", [])
    eid = store.create_entity("Kestrel", EntityKind.ORGANIZATION, "Accounts/Kestrel.md", date(2026, 1, 1))
    f1 = store.add_fact(NewFact(eid, "Kestrel had revenue of $62 million.", figures=["usd:62000000"]))
    assert store.cite(f1, d1, "claim one", "passage one")
    assert store.cite(f1, d2, "claim two", "passage two")
    assert not store.cite(f1, d2, "claim two", "passage two")
    f2 = store.add_fact(NewFact(eid, "Kestrel denies it."))
    store.add_conflict(f1, f2)
    facts = {f.id: f for f in store.facts_for_entity(eid)}
    assert [c.document_id for c in facts[f1].citations] == [d1, d2]
    assert facts[f1].conflicts == [f2] and facts[f2].conflicts == [f1]
    assert facts[f1].block_id.startswith("f-") and facts[f1].block_id != facts[f2].block_id
    assert store.counts()["conflicts"] == 1


def test_transaction_rolls_back_on_error(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.create_entity("Gone", EntityKind.ORGANIZATION, "Accounts/Gone.md", date(2026, 1, 1))
            raise RuntimeError("boom")
    assert store.find_entity("Gone") is None


def test_llm_cache_round_trips(store):
    assert store.get_llm_response("k") is None
    store.put_llm_response("k", "model", '{"facts": []}', 10, 5)
    assert store.get_llm_response("k") == '{"facts": []}'


def test_a_corrupt_store_file_is_one_clear_error(tmp_path):
    bad = tmp_path / "factbook.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open the store"):
        SQLiteStore(bad)


def test_llm_cache_survives_a_rolled_back_transaction(store):
    # A dry run (or a failed run) rolls back, but the calls it paid for stay cached.
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.put_llm_response("k", "model", '{"facts": []}', 10, 5)
            assert store.get_llm_response("k") == '{"facts": []}'
            raise RuntimeError("rolled back")
    assert store.get_llm_response("k") == '{"facts": []}'
