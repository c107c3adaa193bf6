"""Measure the fuzzy review threshold of entity resolution on the Reuters dev set.

Extracts every mention name from the dev documents, takes the name keys of distinct
entities, and prints, per threshold, how many pairs of different keys would be sent to
review (rapidfuzz token_sort_ratio on name keys), with the pairs near each threshold.
Usage: python bench/fuzzy_threshold.py
"""
from itertools import combinations
from pathlib import Path

from rapidfuzz import fuzz

from factbook.extract.offline import OfflineExtractor
from factbook.models import Context
from factbook.resolve.names import name_key
from factbook.sources import read_path

DOCS = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "reuters-acq-dev" / "docs"

names: dict[str, str] = {}
for path in sorted(DOCS.glob("*.txt")):
    read = read_path(path)
    for doc in read if isinstance(read, list) else [read]:
        for mention in OfflineExtractor().extract(doc, Context()).mentions:
            names.setdefault(name_key(mention.name), mention.name)
pairs = [(fuzz.token_sort_ratio(a, b), names[a], names[b]) for a, b in combinations(sorted(names), 2)]
print(f"{len(names)} distinct name keys, {len(pairs)} pairs")
for threshold in (80, 85, 88, 90, 92, 95):
    hits = sorted(p for p in pairs if p[0] >= threshold)
    print(f"threshold {threshold}: {len(hits)} pairs go to review")
for score, a, b in sorted(p for p in pairs if p[0] >= 80):
    print(f"  {score:5.1f}  {a}  |  {b}")
