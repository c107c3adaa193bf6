"""Invented documents (made-up companies and people) for the reliability tests: enough
entities and overlapping facts that a run writes a couple of dozen notes."""
from __future__ import annotations

from pathlib import Path

DOCUMENTS = {
    "2025-02-03-harborview.md": """---
title: Harborview Logistics Corp expands northern routes
date: 2025-02-03
publisher: Coastal Ledger
---
Harborview Logistics Corp said on Monday it will open 14 new depots in the north by 2026.
The company signed a $220 million freight contract with Pinecrest Energy Ltd.
Quillon Systems Inc will supply routing software for 3 years under the deal.
Analysts at Oakhurst Capital LLC expect revenue to grow 12% this year.
""",
    "2025-03-11-quillon.txt": """Quillon Systems Inc reports record quarter
March 11, 2025

Quillon Systems Inc reported quarterly revenue of $48 million, up 31% from a year earlier.
The company said Harborview Logistics Corp is now its largest customer, at 18% of sales.
Quillon Systems Inc plans to hire 200 engineers in 2025.
Vellum Robotics Inc and Quillon Systems Inc agreed a 5-year research partnership.
""",
    "2025-04-02-pinecrest.md": """---
title: Pinecrest Energy Ltd weighs sale of solar unit
date: 2025-04-02
---
Pinecrest Energy Ltd is considering selling its solar unit for about $600 million.
Brightwater Foods Plc buys 40% of its electricity from Pinecrest Energy Ltd.
Northgate Telecom Corp said it signed a 10-year power agreement with Pinecrest Energy Ltd.
Tessaract Mining Ltd was named as a possible buyer by 2 people familiar with the talks.
""",
    "2025-05-20-call.txt": """Call notes: Vellum Robotics Inc account review
May 20, 2025

Vellum Robotics Inc confirmed an order of 75 warehouse robots for Harborview Logistics Corp.
Delivery of the first 25 units is due by September 30, 2025.
Vellum Robotics Inc asked for a 6% discount on the second batch.
Oakhurst Capital LLC led a $35 million funding round in Vellum Robotics Inc.
""",
    "2025-06-09-northgate.md": """---
title: Northgate Telecom Corp cuts forecast
date: 2025-06-09
---
Northgate Telecom Corp cut its annual forecast to $1.2 billion from $1.4 billion.
The company blamed a 9% drop in equipment sales to Tessaract Mining Ltd.
Northgate Telecom Corp said 300 jobs would go by the end of 2025.
Brightwater Foods Plc renewed its network contract with Northgate Telecom Corp for 4 years.
""",
    "2025-07-15-brightwater.txt": """Brightwater Foods Plc opens new plant
July 15, 2025

Brightwater Foods Plc opened a $90 million plant that will employ 450 people.
Harborview Logistics Corp will handle 60% of the plant's outbound freight.
Brightwater Foods Plc said Pinecrest Energy Ltd will power the plant from 2026.
Quillon Systems Inc software will schedule 1,200 weekly shipments.
""",
}

EXISTING_NOTE = ("Tessaract Mining Ltd.md", """---
type: account
name: Tessaract Mining Ltd
aliases: [Tessaract]
created: 2024-11-02
tags: [mining]
---
# Tessaract Mining Ltd

## Key Facts
- Tessaract Mining Ltd runs 3 open-pit mines in the west.

## My own notes
- Met their procurement lead twice; prefers e-mail.
""")


def write_corpus(folder: Path, names: list[str] | None = None, note: bool = True) -> Path:
    """Write the invented documents (all, or those named) into `folder`; returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in DOCUMENTS.items():
        if names is None or name in names:
            (folder / name).write_text(text, encoding="utf-8")
    if note:
        (folder / EXISTING_NOTE[0]).write_text(EXISTING_NOTE[1], encoding="utf-8")
    return folder


def snapshot(root: Path) -> dict[str, bytes]:
    """Every visible file of a vault (not .factbook/, not hidden), by relative path."""
    out: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            out[rel.as_posix()] = path.read_bytes()
    return out


def hidden_leftovers(root: Path) -> list[str]:
    """Temp files and journals a run may have left behind."""
    found = [p.relative_to(root).as_posix() for p in root.rglob("*.factbook-tmp")]
    if (root / ".factbook" / "journal").exists():
        found.append(".factbook/journal")
    return found
