"""Extraction profiles: what to emphasise in a kind of document or a folder.

A sales call is read for deals, blockers and next steps; an engineering review for
decisions and architecture; a leadership memo for priorities and org changes. A
`Profile` says so as settings both extractors share:
- `keywords`: word or phrase -> weight; a fact that uses it scores the weight
  (negative weights push a fact down);
- `events`: fact event kinds (`Fact.event`, e.g. "deal") worth a bonus;
- `keep`: which kinds of item to keep at all ("facts", "tasks", "decisions");
- `min_score` / `max_facts`: facts scoring below the one, or beyond the other
  after ranking, are dropped (both unset: rank only, drop nothing);
- `focus`: one sentence for the LLM prompt.

How an extractor uses it (it arrives as `Context.profile`, None when no profile
applies): the LLM extractor adds `focus` and the keywords to its prompt; the
offline extractor adds `score_fact` to its own worth-keeping score. Whatever
they do, the pipeline applies `apply_profile` to every extraction afterwards.

In `.factbook/config.toml`:

    [profiles.sales]                  # "sales", "engineering", "leadership" start from a preset
    folders = ["Sales", "crm/calls"]  # documents under these folders
    kinds = ["email", "transcript"]   # or of these kinds
    keywords = { renewal = 2.0, churn = 2.0 }
    max_facts = 25
"""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field, replace
from pathlib import PurePath
from typing import Any

from factbook.errors import ConfigError
from factbook.models import Document, Extraction, Fact

ITEM_KINDS = ("facts", "tasks", "decisions")
EVENT_BONUS = 2.0


@dataclass
class Profile:
    """What to emphasise in the documents a profile applies to."""

    name: str
    keywords: dict[str, float] = field(default_factory=dict)
    events: tuple[str, ...] = ()
    keep: tuple[str, ...] = ITEM_KINDS
    kinds: tuple[str, ...] = ()
    folders: tuple[str, ...] = ()
    min_score: float | None = None
    max_facts: int | None = None
    focus: str = ""
    default: bool = False

    def __post_init__(self) -> None:
        words = sorted(self.keywords, key=len, reverse=True)
        self._pattern = re.compile(r"\b(" + "|".join(re.escape(w) for w in words) + r")\b", re.I) \
            if words else None
        self._weights = {w.casefold(): v for w, v in self.keywords.items()}


PRESETS: dict[str, Profile] = {
    "sales": Profile(
        "sales", focus="Emphasise deals, pricing, budgets, blockers, competitors and next steps.",
        keywords={"deal": 2, "pricing": 2, "price": 1.5, "quote": 1.5, "budget": 2, "contract": 2,
                  "renewal": 2, "pilot": 1.5, "blocker": 2.5, "blocked": 2, "risk": 1.5,
                  "competitor": 2, "next step": 2.5, "next steps": 2.5, "procurement": 2,
                  "signed": 2, "discount": 1.5, "timeline": 1, "decision maker": 2, "churn": 2},
        events=("deal",)),
    "engineering": Profile(
        "engineering", focus="Emphasise technical decisions, architecture, incidents, "
                             "dependencies and migrations.",
        keywords={"architecture": 2.5, "design": 1.5, "api": 2, "latency": 2, "migration": 2,
                  "migrate": 2, "incident": 2.5, "outage": 2.5, "dependency": 1.5, "database": 1.5,
                  "deploy": 1.5, "release": 1.5, "scalability": 2, "security": 2,
                  "technical debt": 2, "decided": 1.5, "trade-off": 2}),
    "leadership": Profile(
        "leadership", focus="Emphasise priorities, strategy, org changes, hiring, budgets and "
                            "results.",
        keywords={"priority": 2.5, "priorities": 2.5, "strategy": 2.5, "reorg": 3,
                  "reorganization": 3, "appointed": 2.5, "hired": 2, "hiring": 2, "resigned": 2.5,
                  "headcount": 2.5, "layoffs": 2.5, "budget": 2, "revenue": 2, "target": 1.5,
                  "okr": 2, "board": 1.5, "acquisition": 2}),
}


def score_fact(fact: Fact, profile: Profile | None) -> float:
    """How much a fact matters under `profile`: the weights of the distinct keywords it
    uses, plus a bonus when its event is one the profile cares about (0 without one)."""
    if profile is None:
        return 0.0
    score = 0.0
    if profile._pattern is not None:
        seen = {m.group(1).casefold() for m in profile._pattern.finditer(fact.text)}
        score += sum(profile._weights.get(w, 0.0) for w in seen)
    if fact.event and fact.event in profile.events:
        score += EVENT_BONUS
    return score


def apply_profile(extraction: Extraction, profile: Profile | None) -> Extraction:
    """`extraction` as `profile` wants it: facts ranked by `score_fact` (ties keep their
    order), those under `min_score` or beyond `max_facts` dropped, item kinds not in
    `keep` emptied."""
    if profile is None:
        return extraction
    ranked = sorted(enumerate(extraction.facts), key=lambda p: (-score_fact(p[1], profile), p[0]))
    facts = [f for _, f in ranked]
    if profile.min_score is not None:
        facts = [f for f in facts if score_fact(f, profile) >= profile.min_score]
    if profile.max_facts is not None:
        facts = facts[:profile.max_facts]
    extraction.facts = facts if "facts" in profile.keep else []
    if "tasks" not in profile.keep:
        extraction.tasks = []
    if "decisions" not in profile.keep:
        extraction.decisions = []
    return extraction


def profile_for(document: Document, profiles: list[Profile] | None) -> Profile | None:
    """The profile for `document`: the first whose folders hold it, else the first for its
    kind, else the one marked default, else None."""
    if not profiles:
        return None
    path = PurePath(document.meta.get("file") or document.path.split("#", 1)[0])
    for profile in profiles:
        if any(_in_folder(path, folder) for folder in profile.folders):
            return profile
    for profile in profiles:
        if str(document.kind) in profile.kinds:
            return profile
    return next((p for p in profiles if p.default), None)


def _in_folder(path: PurePath, folder: str) -> bool:
    folder = folder.strip().strip("/")
    if not folder:
        return False
    if any(ch in folder for ch in "*?["):
        return fnmatch.fnmatch(path.as_posix(), f"*{folder}*")
    wanted = [p.casefold() for p in PurePath(folder).parts]
    parts = [p.casefold() for p in path.parent.parts]
    return any(parts[i:i + len(wanted)] == wanted for i in range(len(parts) - len(wanted) + 1))


def profiles_from_config(raw: dict[str, Any]) -> list[Profile]:
    """The `[profiles.NAME]` tables of a parsed config file, in file order."""
    tables = raw.get("profiles") or {}
    if not isinstance(tables, dict):
        raise ConfigError("[profiles] must hold one table per profile", hint="see docs/persona.md")
    return [_profile(str(name), table) for name, table in tables.items()]


def _profile(name: str, table: Any) -> Profile:
    if not isinstance(table, dict):
        raise ConfigError(f"[profiles.{name}] must be a table")
    base = PRESETS.get(str(table.get("preset", name)))
    if "preset" in table and base is None:
        raise ConfigError(f"[profiles.{name}] unknown preset {table['preset']!r}",
                          hint=f"choose one of {', '.join(PRESETS)}")
    start = base or Profile(name)
    try:
        keywords = {**start.keywords, **{str(k): float(v) for k, v in (table.get("keywords") or {}).items()}}
        keep = tuple(_strings(table.get("keep"), start.keep))
        unknown = set(keep) - set(ITEM_KINDS)
        if unknown:
            raise ConfigError(f"[profiles.{name}] keep: unknown item kind {sorted(unknown)[0]!r}",
                              hint=f"choose from {', '.join(ITEM_KINDS)}")
        return replace(
            start, name=name, keywords=keywords, keep=keep,
            events=tuple(_strings(table.get("events"), start.events)),
            kinds=tuple(_strings(table.get("kinds"), ())),
            folders=tuple(_strings(table.get("folders"), ())),
            min_score=float(table["min_score"]) if "min_score" in table else start.min_score,
            max_facts=int(table["max_facts"]) if "max_facts" in table else start.max_facts,
            focus=str(table.get("focus", start.focus)), default=bool(table.get("default", False)))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"[profiles.{name}]: {exc}", hint="see docs/persona.md") from exc


def _strings(value: Any, fallback: tuple[str, ...]) -> list[str]:
    if value is None:
        return list(fallback)
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def describe(profile: Profile) -> str:
    """The profile as one instruction for an LLM prompt."""
    words = ", ".join(sorted((w for w, v in profile.keywords.items() if v > 0),
                             key=lambda w: (-profile.keywords[w], w))[:12])
    text = profile.focus or f"Emphasise what matters for {profile.name}."
    return f"{text} Facts about these matter most: {words}." if words else text
