"""Benchmark: ingest the whole Reuters-21578 collection offline and print the figures.

    .venv/bin/python bench/ingest_bench.py [--limit N]

Prints documents/s, peak RSS, notes written, the time to re-ingest it unchanged,
and the time to add 100 new documents to the full vault.
"""
from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reuters import write_stories  # noqa: E402

from factbook.cli import init_vault  # noqa: E402
from factbook.extract import make_extractor  # noqa: E402
from factbook.pipeline import ingest  # noqa: E402
from factbook.store import open_store  # noqa: E402

HELD_BACK = 100


def timed_ingest(paths: list[Path], layout) -> tuple[float, object]:
    store = open_store(layout.state_dir)
    try:
        start = time.perf_counter()
        report = ingest(paths, layout, store, make_extractor("offline"))
        return time.perf_counter() - start, report
    finally:
        store.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N stories")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="factbook-bench-"))
    try:
        files = write_stories(work / "docs", args.limit)
        main_set, extra = files[:-HELD_BACK], files[-HELD_BACK:]
        layout = init_vault(work / "vault")
        seconds, report = timed_ingest(main_set, layout)
        rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"documents            {len(main_set)}")
        print(f"full ingest          {seconds:.1f} s ({len(main_set) / seconds:.0f} documents/s)")
        print(f"peak RSS             {rss_mb:.0f} MB")
        print(f"notes written        {report.notes_written}")
        print(f"entities created     {report.entities_created}")
        print(f"facts added          {report.facts_added}")
        print(f"failures             {len(report.failures)}")
        again, report2 = timed_ingest(main_set, layout)
        print(f"unchanged re-ingest  {again:.1f} s ({report2.notes_written} notes written)")
        more, report3 = timed_ingest(extra, layout)
        print(f"add {len(extra)} documents     {more:.1f} s ({report3.notes_written} notes written)")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
