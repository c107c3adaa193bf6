"""Are Key Facts lines facts, in their source's words? Prints, per evaluation set, the
scorer's `chatter_facts` (lines that are questions, first- or second-person talk, clock
times or speaker labels) and `altered_facts` (lines naming something their passage
does not), with the kinds of talk found by factbook's own classifier.

Usage: python bench/fact_lines.py [VAULT ...]
Without arguments it ingests meetings-dev, work-dev (as its persona), seeds and
reuters-acq-dev into temporary vaults; with vault paths it scores those.
"""
from __future__ import annotations

import importlib.util
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

from factbook.cli import init_vault, set_persona
from factbook.extract.chatter import talk_kind
from factbook.extract.offline import OfflineExtractor
from factbook.extract.wording import words_of_links
from factbook.pipeline import ingest
from factbook.store import open_store

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / ".." / "shared" / "eval"
SETS = {
    "meetings-dev": (EVAL / "meetings-dev" / "docs", None),
    "work-dev": (EVAL / "work-dev" / "docs", EVAL / "work-dev" / "gold.yaml"),
    "seeds": (ROOT / ".." / "shared" / "seeds", EVAL / "seeds.gold.yaml"),
    "reuters-acq-dev": (EVAL / "reuters-acq-dev" / "docs", EVAL / "reuters-acq-dev" / "gold.yaml"),
}


def scorer():
    """The evaluation scorer, imported from ../shared/eval."""
    spec = importlib.util.spec_from_file_location("score_vault", EVAL / "score_vault.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build(docs: Path, vault: Path, gold: Path | None) -> None:
    """Ingest `docs` into a new vault at `vault`, as the gold file's persona if it has one."""
    init_vault(vault)
    persona = (yaml.safe_load(gold.read_text(encoding="utf-8")) or {}).get("persona") if gold else None
    if persona:
        set_persona(vault, {k: persona.get(k) for k in ("name", "email", "company")})
    layout = init_vault(vault)
    store = open_store(layout.state_dir)
    try:
        ingest([docs], layout, store, OfflineExtractor())
    finally:
        store.close()


def report(name: str, vault: Path) -> None:
    """Print the figures for one built vault."""
    sv = scorer()
    notes = sv.entity_notes(vault)
    lines = [line for n in notes for line in n["facts"]]
    chatter, _ = sv.chatter(notes)
    altered, _ = sv.altered(vault, notes)
    kinds = Counter(k for line in lines
                    if (k := talk_kind(words_of_links(re.sub(r"\s\(\[\[.*$", "", line)))))
    print(f"{name:16} key_facts {len(lines):4}  chatter_facts {chatter:.3f}  "
          f"altered_facts {altered:.3f}  talk: {dict(kinds) or '-'}")


def main() -> int:
    if len(sys.argv) > 1:
        for arg in sys.argv[1:]:
            report(Path(arg).name, Path(arg))
        return 0
    for name, (docs, gold) in SETS.items():
        if not docs.is_dir():
            print(f"{name:16} skipped: {docs} is missing")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            build(docs, Path(tmp) / "vault", gold)
            report(name, Path(tmp) / "vault")
    return 0


if __name__ == "__main__":
    sys.exit(main())
