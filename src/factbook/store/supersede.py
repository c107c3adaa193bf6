"""Time: when a newer fact about the same thing replaces an older one.

Two facts on one entity are about the same thing when an extractor gave them the same
event kind ("offer", "deal", "ipo", ...) about the same other entities, with the same
stance. The newer one (by the date it refers to) supersedes the older when it says
something different: other figures of the same kind (an offer raised from one price
per share to another), or another stage of a deal (announced, then terminated).
Denials are conflicts, not updates (resolve/facts.conflicting), so they never supersede.
"""
from __future__ import annotations

import re

from factbook.store.base import FactRecord

# "usd:80", "usd-per-share:92.5", "pct:62" -> the kind before the colon.
_KIND = re.compile(r"^([^:]+):")


def _figure_kinds(figures: list[str]) -> set[str]:
    return {m.group(1) for f in figures if (m := _KIND.match(f))}


def about_same_thing(a: FactRecord, b: FactRecord) -> bool:
    """True when two facts report on one event (one may update the other)."""
    return (a.entity_id == b.entity_id and a.event is not None and a.event == b.event
            and a.stance == b.stance and sorted(a.counterparts) == sorted(b.counterparts))


def says_something_else(newer: FactRecord, older: FactRecord) -> bool:
    """True when `newer` changes what `older` said: another deal stage, or other figures
    of a kind both state."""
    if newer.deal_status and older.deal_status and newer.deal_status != older.deal_status:
        return True
    shared = _figure_kinds(newer.figures) & _figure_kinds(older.figures)
    if not shared:
        return False
    return {f for f in newer.figures if f.split(":")[0] in shared} != \
        {f for f in older.figures if f.split(":")[0] in shared}


def superseded_pair(a: FactRecord, b: FactRecord) -> tuple[FactRecord, FactRecord] | None:
    """(older, newer) when one of two facts supersedes the other, else None. Undated facts
    and facts of the same date never supersede: there is no telling which is current."""
    if not (a.date and b.date) or a.date == b.date or not about_same_thing(a, b):
        return None
    older, newer = (a, b) if a.date < b.date else (b, a)
    return (older, newer) if says_something_else(newer, older) else None

