"""Measure the near-duplicate rule on Reuters-21578: how often distinct stories would merge.

For the stories of the first N SGML files (distinct after normalization),
prints how many stories find a partner at each threshold, with and without
the figures rule, and samples the pairs merged at the default threshold.

    .venv/bin/python bench/dedup_threshold.py [N_FILES]
"""
from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from factbook.sources.dedup import (NearDuplicateIndex, THRESHOLD, figures_disagree, signature,
                                    similarity, text_hash)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "reuters21578"


def stories(n_files: int) -> list[str]:
    """Distinct bodies (40 words or more) of the stories in the first `n_files` SGML files."""
    bodies: dict[str, str] = {}
    for path in sorted(DATA.glob("*.sgm"))[:n_files]:
        raw = path.read_bytes().decode("latin-1")
        for body in re.findall(r"<BODY>(.*?)</BODY>", raw, re.S):
            text = html.unescape(body).replace("\x03", "").strip()
            if len(text.split()) >= 40:
                bodies.setdefault(text_hash(text), text)
    return list(bodies.values())


def main() -> None:
    """Print the figures."""
    n_files = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    texts = stories(n_files)
    sigs = [signature(t) for t in texts]
    index = NearDuplicateIndex(threshold=0.3)
    for i, sig in enumerate(sigs):
        index.add_signature(str(i), sig)
    pairs = []
    for i, sig in enumerate(sigs):
        for key in index._lsh.query(sig.minhash):
            j = int(key)
            if j > i:
                pairs.append((similarity(sig, sigs[j]), figures_disagree(sig, sigs[j]), i, j))
    print(f"distinct stories: {len(texts)} from {n_files} files")
    for bar in (0.5, 0.6, 0.7, 0.8, 0.9):
        plain = {x for s, _, i, j in pairs if s >= bar for x in (i, j)}
        ruled = {x for s, d, i, j in pairs if s >= bar and not d for x in (i, j)}
        print(f"  threshold {bar:.1f}: {len(plain)} stories in a pair, {len(ruled)} with the figures rule")
    merged = sorted((p for p in pairs if p[0] >= THRESHOLD and not p[1]), reverse=True)
    print(f"pairs merged at {THRESHOLD}: {len(merged)}; lowest ten:")
    for score, _, i, j in merged[-10:]:
        print(f"  {score:.2f} | {' '.join(texts[i].split())[:70]} | {' '.join(texts[j].split())[:70]}")


if __name__ == "__main__":
    main()
