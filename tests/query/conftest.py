"""A small invented vault, written straight into a real SQLite store, for the query tests."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from factbook.cli import init_vault
from factbook.models import Document, DocumentKind, EntityKind
from factbook.store import open_store
from factbook.store.base import NewFact
from factbook.vault.layout import VaultLayout
from factbook.vault.sync import NoteWriter




@dataclass
class Filled:
    """The vault, its open store and the ids the tests look at."""

    layout: VaultLayout
    store: object
    ids: dict[str, int]


def _doc(name: str, kind: DocumentKind, title: str, text: str, when: date | None,
         participants: tuple[str, ...] = ()) -> Document:
    return Document(path=f"/in/{name}", sha256=hashlib.sha256(text.encode()).hexdigest(), kind=kind,
                    title=title, text=text, date=when, participants=participants)


def fill(store, layout: VaultLayout) -> dict[str, int]:
    """Three sources about an invented freight company, a supplier and a contact person."""
    run = store.begin_run("test")
    ids: dict[str, int] = {}
    with store.transaction():
        freight = store.create_entity("Halvorsen Freight", EntityKind.ORGANIZATION,
                                      "Accounts/Halvorsen Freight.md", date(2024, 1, 2))
        mills = store.create_entity("Tidewater Mills", EntityKind.ORGANIZATION,
                                    "Accounts/Tidewater Mills.md", date(2024, 1, 2))
        ingrid = store.create_entity("Ingrid Lindqvist", EntityKind.PERSON,
                                     "People/Ingrid Lindqvist.md", date(2024, 1, 2))
        news = store.add_document(_doc("a.txt", DocumentKind.ARTICLE, "Halvorsen orders barges",
                                       "Halvorsen Freight ordered twelve river barges from "
                                       "Tidewater Mills for 40 million crowns.", date(2024, 2, 1)),
                                  run, "Halvorsen ordered twelve barges.", ["barges"])
        call = store.add_document(_doc("b.txt", DocumentKind.TRANSCRIPT, "Call with Halvorsen",
                                       "Ingrid: we will pilot the refrigerated containers in May.",
                                       date(2024, 3, 10), ("Ingrid Lindqvist", "Omar Sayed")),
                                  run, "Pilot of refrigerated containers agreed.", ["containers"])
        late = store.add_document(_doc("c.txt", DocumentKind.ARTICLE, "Barge order doubled",
                                       "Halvorsen Freight now says it ordered 24 barges.",
                                       date(2024, 4, 2)), run, "", [])
        for doc_id, ents in ((news, (freight, mills)), (call, (freight, ingrid)), (late, (freight,))):
            for ent in ents:
                store.link_document(doc_id, ent, 1)
        twelve = store.add_fact(NewFact(freight, "Halvorsen Freight ordered twelve river barges.",
                                        figures=["n:12"], date=date(2024, 2, 1)))
        store.cite(twelve, news, "ordered twelve barges", "ordered twelve river barges")
        store.add_fact(NewFact(mills, "Halvorsen Freight ordered twelve river barges.",
                               figures=["n:12"]))
        store.cite(twelve + 1, news, "ordered twelve barges", "ordered twelve river barges")
        double = store.add_fact(NewFact(freight, "Halvorsen Freight ordered 24 barges.",
                                        figures=["n:24"]))
        store.cite(double, late, "ordered 24 barges", "it ordered 24 barges")
        store.add_conflict(double, twelve)
        pilot = store.add_fact(NewFact(freight, "Halvorsen Freight will pilot refrigerated "
                                       "containers in May.", event="pilot"))
        store.cite(pilot, call, "pilot in May", "we will pilot the refrigerated containers in May")
        store.add_task(call, "Send the container spec sheet", "Omar Sayed", date(2024, 3, 20),
                       "high", False, None, [freight])
        store.add_task(call, "Book the follow-up call", None, None, None, True, date(2024, 3, 12),
                       [freight])
        store.add_decision(call, "Pilot starts with two containers", date(2024, 3, 10), [freight])
        NoteWriter(layout, store, run).write({freight, mills, ingrid}, [news, call, late])
    store.finish_run(run, "ok", {})
    ids.update(freight=freight, mills=mills, ingrid=ingrid, news=news, call=call, late=late,
               twelve=twelve, double=double, pilot=pilot)
    return ids


@pytest.fixture
def filled(tmp_path: Path):
    layout = init_vault(tmp_path / "vault")
    store = open_store(layout.state_dir)
    ids = fill(store, layout)
    yield Filled(layout, store, ids)
    store.close()
