"""Ingest both evaluation sets into temporary vaults and print the scorer's figures.

Usage: python bench/run_eval.py [--short-titles]
--short-titles names headline-less sources by file stem (to see the extractor's figures
apart from source-title effects on the scorer).
"""
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

import yaml

from factbook.extract.offline import OfflineExtractor
from factbook.pipeline import ingest
from factbook.store.sqlite import SQLiteStore  # noqa: F401  (checked below)

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT / ".." / "shared"
spec = importlib.util.spec_from_file_location("score_vault", SHARED / "eval" / "score_vault.py")
sv = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sv)


def short_titles() -> None:
    """Name a source without a headline after its file, not its first sentence."""
    import factbook.sources.text as text_reader
    original = text_reader.title_from_text

    def title(text: str, path: Path) -> str:
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        if len(first) > 120 or first.endswith((".", ",", ";")):
            return path.stem
        return original(text, path)
    text_reader.title_from_text = title


def run(docs: Path, gold: Path) -> dict:
    """Ingest `docs` into a fresh vault and score it against `gold`."""
    from factbook.cli import init_vault
    from factbook.store import open_store
    with tempfile.TemporaryDirectory() as tmp:
        layout = init_vault(Path(tmp))
        store = open_store(layout.state_dir)
        started = time.perf_counter()
        try:
            ingest([docs], layout, store, OfflineExtractor())
        finally:
            store.close()
        elapsed = time.perf_counter() - started
        result = sv.score(Path(tmp), yaml.safe_load(gold.read_text(encoding="utf-8")))
        result["seconds"] = round(elapsed, 2)
        return result


if __name__ == "__main__":
    if "--short-titles" in sys.argv:
        short_titles()
    for docs, gold in ((SHARED / "seeds", SHARED / "eval" / "seeds.gold.yaml"),
                       (SHARED / "eval" / "reuters-acq-dev" / "docs",
                        SHARED / "eval" / "reuters-acq-dev" / "gold.yaml")):
        figures = run(docs, gold)
        print(f"== {gold.name}")
        for key, value in figures.items():
            if isinstance(value, list) and len(value) > 12:
                value = value[:12] + ["..."]
            print(f"   {key:16} {value}")
