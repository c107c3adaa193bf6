"""Benchmark: what LLM extraction costs, per document, through a fake OpenAI server.

    .venv/bin/python bench/llm_bench.py [--max-chunk-tokens N]

Ingests ../shared/seeds and ../shared/eval/reuters-acq-dev (relative to the
repository root) with `--extractor llm` against the fake chat-completions server
of tests/llm_server.py on 127.0.0.1, and prints calls, prompt tokens and
completion tokens per document, the fixed prompt overhead per call, and the
calls made by an unchanged re-ingest (must be 0). Token figures are the
server's characters/4 estimate, schema included; the answers are the fake
server's naive ones, so completion figures are indicative only.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from factbook.cli import init_vault  # noqa: E402
from factbook.extract.llm import LLMExtractor, LLMSettings, prompt_overhead_tokens  # noqa: E402
from factbook.extract.llm_prompt import split_chunks  # noqa: E402
from factbook.models import Context, Document, DocumentKind, Extraction  # noqa: E402
from factbook.pipeline import ingest  # noqa: E402
from factbook.store import open_store  # noqa: E402
from tests.llm_server import FakeLLMServer  # noqa: E402

SETS = {
    "seeds": REPO.parent / "shared" / "seeds",
    "reuters-acq-dev": REPO.parent / "shared" / "eval" / "reuters-acq-dev" / "docs",
}


class MeteredExtractor:
    """Wraps the LLM extractor to attribute its usage to each document (run serially)."""

    def __init__(self, inner: LLMExtractor) -> None:
        self.inner = inner
        self.name = inner.name
        self.concurrency = 1
        self.rows: list[tuple[str, int, dict]] = []

    def extract(self, document: Document, context: Context) -> Extraction:
        """Extract, then record what this document cost."""
        try:
            return self.inner.extract(document, context)
        finally:
            chunks = len(split_chunks(document.text, self.inner.settings.max_chunk_tokens,
                                      self.inner.settings.overlap_tokens))
            self.rows.append((Path(document.path).name, chunks, asdict(self.inner.take_usage())))

    def take_usage(self):
        """Nothing left to take: every document's usage is in `rows`."""
        return self.inner.take_usage()


def run_set(name: str, folder: Path, server: FakeLLMServer, settings: LLMSettings,
            work: Path) -> dict:
    """Ingest one folder twice into a fresh vault; print per-document figures."""
    layout = init_vault(work / name)
    store = open_store(layout.state_dir)
    try:
        metered = MeteredExtractor(LLMExtractor(settings, cache=store))
        report = ingest([folder], layout, store, metered)
        before = server.calls
        again = ingest([folder], layout, store, MeteredExtractor(LLMExtractor(settings, cache=store)))
        reingest_calls = server.calls - before
    finally:
        store.close()
    print(f"\n== {name}: {folder}")
    print(f"{'document':<28}{'chunks':>7}{'calls':>7}{'prompt':>9}{'completion':>12}")
    totals = {"calls": 0, "prompt_tokens": 0, "completion_tokens": 0}
    for doc, chunks, usage in metered.rows:
        print(f"{doc[:27]:<28}{chunks:>7}{usage['calls']:>7}{usage['prompt_tokens']:>9}"
              f"{usage['completion_tokens']:>12}")
        for key in totals:
            totals[key] += usage[key]
    docs = len(metered.rows)
    print(f"{'total (' + str(docs) + ' extracted)':<28}{'':>7}{totals['calls']:>7}"
          f"{totals['prompt_tokens']:>9}{totals['completion_tokens']:>12}")
    if docs:
        print(f"mean per document: {totals['calls'] / docs:.2f} calls, "
              f"{totals['prompt_tokens'] / docs:.0f} prompt, "
              f"{totals['completion_tokens'] / docs:.0f} completion tokens")
    print(f"failures: {len(report.failures)}; adopted notes (no call): {len(report.adopted_notes)}")
    print(f"unchanged re-ingest: {reingest_calls} calls, "
          f"{len(again.duplicates)} duplicates skipped")
    return {"docs": docs, **totals, "reingest_calls": reingest_calls}


def measured_overhead(server: FakeLLMServer, settings: LLMSettings) -> int:
    """Prompt tokens the server counts for a request whose document is empty."""
    empty = Document(path="empty.txt", sha256="", kind=DocumentKind.ARTICLE, title="", text="")
    extractor = LLMExtractor(settings)
    extractor.extract(empty, Context())
    return extractor.take_usage().prompt_tokens


def main() -> None:
    """Run both sets through the fake server and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-chunk-tokens", type=int, default=6000)
    args = parser.parse_args()
    missing = [str(p) for p in SETS.values() if not p.is_dir()]
    if missing:
        sys.exit(f"missing evaluation material: {', '.join(missing)}")
    with FakeLLMServer() as server, tempfile.TemporaryDirectory(prefix="factbook-llm-") as tmp:
        settings = LLMSettings(model="bench-model", base_url=server.base_url,
                               max_chunk_tokens=args.max_chunk_tokens, concurrency=1)
        estimate = prompt_overhead_tokens()
        measured = measured_overhead(server, settings)
        print(f"fixed prompt overhead per call: {estimate} tokens estimated by factbook, "
              f"{measured} counted by the server for an empty document (budget 1,500)")
        results = {name: run_set(name, folder, server, settings, Path(tmp))
                   for name, folder in SETS.items()}
    print("\n== summary")
    for name, result in results.items():
        print(f"{name}: {result['docs']} documents, {result['calls']} calls, "
              f"{result['prompt_tokens']} prompt + {result['completion_tokens']} completion "
              f"tokens; re-ingest {result['reingest_calls']} calls")
    if measured > 1500 or any(r["reingest_calls"] for r in results.values()):
        sys.exit("budget exceeded: overhead over 1,500 tokens or calls on re-ingest")


if __name__ == "__main__":
    main()
