"""Compact text answers for AI assistants (`factbook mcp`): what a tool's text content says.

An assistant reads the text, so it is kept short and within a token budget: a source
is named once (as a numbered reference every hit points to), snippets are cut, and a
list stops at the budget with how many more there are and how to narrow the call.
Tokens are estimated as characters / 4 (a common rule of thumb for English text).
"""
from __future__ import annotations

from typing import Any

# About 1,200 tokens at ~4 characters per token: a search answer stays well under 1,500.
TEXT_BUDGET = 4_800
NOTE_BUDGET = 24_000
SNIPPET = 220


def estimate_tokens(text: str) -> int:
    """A rough token count: characters / 4."""
    return (len(text) + 3) // 4


def _cut(text: str, limit: int = SNIPPET) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _within(head: list[str], lines: list[str], tail_hint: str, budget: int = TEXT_BUDGET) -> str:
    """`head` then as many of `lines` as fit the budget, then how many were left out."""
    out = list(head)
    size = sum(len(x) + 1 for x in out)
    for n, line in enumerate(lines):
        if size + len(line) + 1 > budget:
            out.append(f"… {len(lines) - n} more not shown ({tail_hint})")
            break
        out.append(line)
        size += len(line) + 1
    return "\n".join(out)


class _Refs:
    """Sources numbered in the order they are first cited, each named once."""

    def __init__(self) -> None:
        self.numbers: dict[str, int] = {}
        self.lines: list[str] = []

    def ref(self, source: dict[str, Any]) -> str:
        """The source's number, `[n]`, listing it the first time it is cited."""
        key = source.get("note_path") or source.get("title") or "?"
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers) + 1
            when = f"{source['date']} " if source.get("date") else ""
            self.lines.append(f"[{self.numbers[key]}] {when}{_cut(source.get('title') or key, 100)}"
                              f" ({source.get('kind') or 'source'})")
        return f"[{self.numbers[key]}]"


def search_text(result: dict[str, Any]) -> str:
    """A search answer: one line per hit pointing at numbered sources, sources listed once."""
    hits = result.get("hits", [])
    if not hits:
        return f"no results for {result.get('query')!r}; try other words, or list_entities"
    refs = _Refs()
    lines = []
    for hit in hits:
        about = f" · {', '.join(hit['entities'][:3])}" if hit.get("entities") else ""
        when = f" · {hit['date']}" if hit.get("date") else ""
        if hit["type"] == "source":
            where = refs.ref({**hit, "note_path": hit.get("note_path")})
        elif hit["type"] == "note":
            where = hit.get("note_path") or hit.get("title")
        else:
            where = " ".join(refs.ref(s) for s in hit.get("sources", [])[:3])
        lines.append(f"- {hit['type']}{about}{when}: {_cut(hit.get('snippet') or hit.get('title'))}"
                     f" {where}".rstrip())
    text = _within([f"{len(hits)} results for {result.get('query')!r} ({result.get('mode')})"], lines,
                   "narrow with entity, kind, since or types", TEXT_BUDGET - 1_200)
    sources = _within(["sources:"], refs.lines, "see get_note", 1_200) if refs.lines else ""
    notice = f"\nnote: {result['notice']}" if result.get("notice") else ""
    return f"{text}\n{sources}{notice}".rstrip()


def note_text(note: dict[str, Any]) -> str:
    """An entity's note as it is in the vault (cut at a generous budget)."""
    text = note.get("text") or f"(no note on disk for {note['name']})"
    if len(text) > NOTE_BUDGET:
        text = text[:NOTE_BUDGET] + "\n… (cut; call timeline or search for the rest)"
    return f"{note['note_path']} ({note['kind']})\n{text}"


def timeline_text(result: dict[str, Any]) -> str:
    """An entity's history, one line per entry, sources named once."""
    refs = _Refs()
    lines = []
    for entry in result.get("entries", []):
        cites = " ".join(refs.ref(s) for s in entry.get("sources", [])[:3])
        mark = " (disputed)" if entry.get("conflict") else ""
        lines.append(f"- {entry.get('date') or 'undated'} {entry['type']}{mark}: "
                     f"{_cut(entry['text'])} {cites}".rstrip())
    text = _within([f"timeline of {result.get('entity')}"], lines, "pass since/until",
                   TEXT_BUDGET - 1_200)
    return f"{text}\nsources:\n" + "\n".join(refs.lines) if refs.lines else text


def ingest_text_answer(report: dict[str, Any]) -> str:
    """What ingesting a text changed, in two lines."""
    failures = "; ".join(f"{f['path']}: {f['reason']}" for f in report.get("failures", []))
    return (f"saved as {report.get('file')}: {len(report.get('new_sources', []))} new sources, "
            f"{report.get('entities_created', 0)} entities created, "
            f"{report.get('entities_updated', 0)} updated, {report.get('facts_added', 0)} facts added"
            + (f"\nfailed: {failures}" if failures else "")
            + ("\nduplicate of a document already in the vault" if report.get("duplicates") else ""))


def entities_text(rows: list[dict[str, Any]]) -> str:
    """The entity list, one line each."""
    if not rows:
        return "no entities yet; add documents with ingest_text"
    lines = []
    for r in rows:
        last = f", last {r['last_contact']}" if r.get("last_contact") else ""
        review = ", needs review" if r.get("needs_review") else ""
        lines.append(f"- {r['name']} ({r['kind']}): {r['facts']} facts, {r['sources']} sources{last}{review}")
    return _within([f"{len(rows)} entities"], lines, "pass kind to narrow")


def tasks_text(rows: list[dict[str, Any]]) -> str:
    """The open tasks, one line each."""
    if not rows:
        return "no open tasks"
    lines = []
    for r in rows:
        bits = [f"@{r['owner']}" if r.get("owner") else "", f"due {r['due']}" if r.get("due") else "",
                f"[{', '.join(r['entities'])}]" if r.get("entities") else ""]
        lines.append(" ".join(b for b in [f"- {_cut(r['text'], 160)}", *bits] if b)
                     + f" (from {_cut(r['source'], 60)})")
    return _within([f"{len(rows)} open tasks"], lines, "pass due_by or owner to narrow")
