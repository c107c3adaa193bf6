"""How long resolving 10 stored documents again takes in a vault of the whole Reuters set
(`factbook reprocess`, run after an alias, merge, rename or glossary change).

Usage: python bench/reprocess_bench.py [VAULT] [--docs N] [--pick K]
Builds VAULT from the whole Reuters-21578 collection the first time (a few minutes),
then times the reprocess of N documents (default 10) that use one entity's name, as
`factbook alias` does, and prints the figure (the budget is under 5 s). --pick K takes
the K-th such entity (0 first): a fresh one, since documents resolved again once change
less the second time.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reuters import write_stories  # noqa: E402

from factbook.cli import init_vault  # noqa: E402
from factbook.extract.offline import OfflineExtractor  # noqa: E402
from factbook.pipeline import ingest  # noqa: E402
from factbook.reprocess import documents_to_reprocess, reprocess  # noqa: E402
from factbook.store import open_store  # noqa: E402

DEFAULT_VAULT = Path("/tmp/factbook-bench-reuters-vault")


def build(vault: Path) -> None:
    """Ingest every Reuters story into a fresh vault (once)."""
    stories = vault.parent / (vault.name + "-stories")
    paths = write_stories(stories)
    layout = init_vault(vault)
    store = open_store(layout.state_dir)
    started = time.perf_counter()
    try:
        report = ingest([stories], layout, store, OfflineExtractor())
    finally:
        store.close()
    print(f"built {vault}: {len(paths)} stories, {len(report.new_sources)} sources, "
          f"{report.entities_created} entities in {time.perf_counter() - started:.0f} s")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(sys.argv[sys.argv.index("--docs") + 1]) if "--docs" in sys.argv else 10
    pick = int(sys.argv[sys.argv.index("--pick") + 1]) if "--pick" in sys.argv else 0
    args = [a for a in args if a not in (str(count), str(pick))]
    vault = Path(args[0]) if args else DEFAULT_VAULT
    if not (vault / ".factbook").is_dir():
        build(vault)
    layout = init_vault(vault)
    store = open_store(layout.state_dir)
    try:
        counts = store.counts()
        # An entity named in at least `count` documents, as after `factbook alias`.
        many = (e for e in store.entities() if len(store.documents_citing(e.id)) >= count)
        entity = next(e for n, e in enumerate(many) if n == pick)
        started, cpu = time.perf_counter(), time.process_time()
        ids = documents_to_reprocess(store, [entity.name])[:count]
        report = reprocess(layout, store, OfflineExtractor(), ids)
        took, took_cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        store.close()
    print(f"vault: {counts['documents']} documents, {counts['entities']} entities, "
          f"{counts['facts']} facts")
    print(f"reprocess of {report.documents} documents using {entity.name!r}: {took:.2f} s wall, "
          f"{took_cpu:.2f} s CPU ({report.facts_added} facts added, {report.notes_written} notes "
          f"written; budget 5 s)")


if __name__ == "__main__":
    main()
