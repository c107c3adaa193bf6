"""Search latency over a store built from the whole Reuters-21578 collection.

    .venv/bin/python bench/search_bench.py [--work DIR] [--rounds 5]

The first run writes every story with a body as a text file
("HEADLINE\\nYYYY-MM-DD\\n\\nbody") and ingests them with the pipeline (offline
extractor; about 17 minutes on 2 cores) into a vault under --work; later runs
reuse that vault (`--build direct` makes a comparable store in about a minute). It then
times `factbook.query.search.search` (the API behind `factbook search`) over a
fixed set of queries, plain and filtered, and prints p50/p95/max per group.
Target: p95 under 50 ms for full-text search.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from reuters import write_stories  # noqa: E402

from factbook.config import load_config  # noqa: E402
from factbook.models import Context  # noqa: E402
from factbook.resolve.names import display_name, name_key  # noqa: E402
from factbook.sources import read_path  # noqa: E402
from factbook.store.base import NewFact  # noqa: E402
from factbook.vault.sync import NoteWriter  # noqa: E402
from factbook.extract import make_extractor  # noqa: E402
from factbook.pipeline import ingest  # noqa: E402
from factbook.query.common import connection  # noqa: E402
from factbook.query.notes_index import refresh_notes  # noqa: E402
from factbook.query.search import search  # noqa: E402
from factbook.store import open_store  # noqa: E402
from factbook.vault.layout import VaultLayout  # noqa: E402

# Plain words a reader of 1987 business news would type; phrases, prefixes and questions too.
QUERIES = [
    "oil prices", "crude output", "interest rates", "merger agreement", "acquisition",
    "trade deficit", "wheat exports", "bank loan", "quarterly dividend", "coffee quota",
    "earnings per share", "takeover bid", "federal reserve", "dollar yen", "gold mine",
    "sugar production", "tender offer", "debt rescheduling", "strike", "net loss",
    '"joint venture"', "acqui*", "who bought the company", "shares outstanding",
    "computer maker", "steel imports", "natural gas pipeline", "stock split", "tax reform",
    "central bank intervention",
]


def build(work: Path, method: str) -> VaultLayout:
    """The benchmark vault: built once, reused while its store holds documents."""
    root = work / "vault"
    layout = VaultLayout(root, load_config(root))
    db = layout.state_dir / "factbook.db"
    if db.exists():
        store = open_store(layout.state_dir)
        count = store.counts()["documents"]
        store.close()
        if count:
            print(f"reusing {root} ({count} documents)")
            return layout
    docs = work / "docs"
    started = time.perf_counter()
    written = len(write_stories(docs))
    print(f"wrote {written} stories in {time.perf_counter() - started:.1f}s")
    store = open_store(layout.state_dir)
    try:
        started = time.perf_counter()
        if method == "pipeline":
            report = ingest([docs], layout, store, make_extractor("offline"))
            print(f"pipeline: {len(report.new_sources)} sources, {report.facts_added} facts")
        else:
            load_direct(layout, store, sorted(docs.glob("*.txt")))
        print(f"built the store ({method}) in {time.perf_counter() - started:.0f}s")
    finally:
        store.close()
    return layout


def load_direct(layout: VaultLayout, store, files: list[Path]) -> None:
    """The quick build (about a minute instead of a quarter of an hour): read and extract
    every file with the real reader and offline extractor, then store documents, entities
    and facts through the Store API, one fact row per subject, without the merge step's
    claim matching. Entity notes are then rendered by the vault writer."""
    extractor = make_extractor("offline")
    run = store.begin_run("bench")
    entities: dict[str, int] = {}
    taken: set[str] = set()
    with store.transaction():
        for doc in (d for path in files for d in read_path(path)):
            if store.document_by_sha(doc.sha256):
                continue
            extraction = extractor.extract(doc, Context())
            doc_id = store.add_document(doc, run, extraction.summary, extraction.topics)
            ids = {}
            for mention in extraction.mentions:
                key = name_key(mention.name)
                if key not in entities:
                    name = display_name(mention.name)
                    found = store.find_entity(name)
                    entities[key] = found.id if found else store.create_entity(
                        name, mention.kind, _free_note_path(layout, name, mention.kind, taken),
                        doc.date or date.today())
                ids[mention.name] = entities[key]
                store.link_document(doc_id, entities[key], mention.count)
            for fact in extraction.facts:
                for subject in {ids[s] for s in fact.subjects if s in ids}:
                    fact_id = store.add_fact(NewFact(subject, fact.text, date=fact.date))
                    store.cite(fact_id, doc_id, fact.text, fact.passage or fact.text)
        NoteWriter(layout, store, run).write(set(entities.values()), [])
    store.finish_run(run, "ok", {})


def _free_note_path(layout: VaultLayout, name: str, kind, taken: set[str]) -> str:
    """The entity's note path, numbered when two names share a file name."""
    path = layout.entity_note(name, kind)
    stem, n = path[:-3], 2
    while path.casefold() in taken:
        path, n = f"{stem} ({n}).md", n + 1
    taken.add(path.casefold())
    return path


def percentile(values: list[float], pct: float) -> float:
    """The nearest-rank percentile of `values`."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def timed(call) -> float:
    """Milliseconds one call takes."""
    start = time.perf_counter()
    call()
    return (time.perf_counter() - start) * 1000


def groups(store, layout: VaultLayout) -> dict[str, list]:
    """The query groups to time: each a list of zero-argument calls."""
    db = connection(store)
    busiest = [row[0] for row in db.execute(
        "SELECT e.name FROM entities e JOIN document_entities de ON de.entity_id = e.id"
        " GROUP BY e.id ORDER BY count(*) DESC LIMIT 10")]
    spring = (date(1987, 3, 1), date(1987, 3, 31))
    return {
        "full-text, facts + sources": [
            (lambda q=q: search(store, q, types=("fact", "source"))) for q in QUERIES],
        "full-text, facts + sources + notes": [
            (lambda q=q: search(store, q, layout=layout, refresh=False)) for q in QUERIES],
        "notes index refresh (nothing changed)": [lambda: refresh_notes(store, layout)],
        "by entity": [
            (lambda q=q, e=e: search(store, q, entity=e, types=("fact", "source")))
            for e in busiest for q in QUERIES[:3]],
        "date range": [
            (lambda q=q: search(store, q, since=spring[0], until=spring[1],
                                types=("fact", "source"))) for q in QUERIES],
    }


def main() -> None:
    """Build (or reuse) the store, time the searches, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, help="Folder to build the vault in (kept).")
    parser.add_argument("--rounds", type=int, default=5, help="Times each query is run.")
    parser.add_argument("--build", choices=("pipeline", "direct"), default="pipeline",
                        help="How a new store is built: the ingest pipeline, or the quick "
                             "direct load (see load_direct).")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="factbook-bench-"))
    layout = build(work, args.build)
    store = open_store(layout.state_dir)
    try:
        counts = store.counts()
        print(f"store: {counts['documents']} documents, {counts['facts']} facts, "
              f"{counts['entities']} entities")
        refresh = timed(lambda: refresh_notes(store, layout))
        print(f"first notes index refresh: {refresh:.0f} ms")
        print(f"{'group':<42} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for name, calls in groups(store, layout).items():
            for call in calls:
                call()  # warm the page cache: the figures are for a store in use
            rounds = args.rounds * (len(QUERIES) if len(calls) == 1 else 1)
            times = [timed(call) for _ in range(rounds) for call in calls]
            print(f"{name:<42} {len(times):>5} {statistics.median(times):>8.1f} "
                  f"{percentile(times, 95):>8.1f} {max(times):>8.1f}")
    finally:
        store.close()


if __name__ == "__main__":
    main()
