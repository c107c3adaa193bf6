"""Print, for each gold fact of an evaluation set, the Key Facts lines that match it.

Usage: python bench/gold_lines.py VAULT GOLD.yaml [FACT_ID ...]
"""
import importlib.util
import sys
from pathlib import Path

import yaml

SCORER = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "score_vault.py"
spec = importlib.util.spec_from_file_location("score_vault", SCORER)
sv = importlib.util.module_from_spec(spec)
spec.loader.exec_module(sv)

vault, gold = Path(sys.argv[1]), yaml.safe_load(Path(sys.argv[2]).read_text())
wanted = set(sys.argv[3:])
notes = sv.entity_notes(vault)
for fact in gold["facts"]:
    if wanted and fact["id"] not in wanted:
        continue
    names = {sv.name_key(n) for n in [next(e["name"] for e in gold["entities"] if e["name"] == fact["entity"])]}
    ent = next(e for e in gold["entities"] if e["name"] == fact["entity"])
    names |= {sv.name_key(a) for a in ent.get("aliases", [])}
    pages = [n for n in notes if n["names"] & names]
    lines = [l for n in pages for l in n["facts"] if sv.matches(l, fact["match"])]
    print(f"{fact['id']} ({len(pages)} pages, {len(lines)} lines)")
    for line in lines:
        print("    ", line[:220])
