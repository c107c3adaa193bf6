"""Property tests: whatever a person does to the vault between runs (edit a fact, delete a
line, add lines, sections, keys and tags, check off a task) and however documents arrive
(new ones, the same ones again, re-exports), no byte the person wrote is lost and no line
they deleted comes back.

Each example is a random sequence of operations on a fresh vault, run through the
Python API (the CLI path is covered by tests/test_living_notes.py).
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factbook.cli import init_vault
from factbook.pipeline import ingest
from factbook.store import open_store
from factbook.vault.readback import parse_fact_line
from factbook.vault.sync import NoteWriter
from tests.vault.support import TaskingExtractor, check_off, read, write

DOCS = [
    ("a.md", "---\ntitle: Kickoff\ndate: 2026-02-02\n---\n"
             "Quillfeather Corp signed a 3-year platform agreement worth $4.2 million.\n"
             "Quillfeather Corp plans to hire 40 engineers in Lisbon this year.\n"
             "Harrowgate Inc will supply 12 storage racks to Quillfeather Corp by April.\n\n"
             "- [ ] Send the security questionnaire to Quillfeather Corp 📅 2026-02-09\n"),
    ("b.md", "---\ntitle: Factory news\ndate: 2026-02-04\n---\n"
             "Harrowgate Inc opened a second factory in Valencia with 300 staff.\n"
             "Harrowgate Inc expects revenue of $85 million in 2026.\n\n"
             "- [ ] Book the onsite visit with Harrowgate Inc 📅 2026-02-20\n"),
    ("c.md", "---\ntitle: Expansion\ndate: 2026-03-10\n---\n"
             "Quillfeather Corp expanded its platform agreement to $5.1 million over 3 years.\n"
             "Quillfeather Corp plans to hire 40 engineers in Lisbon this year.\n"
             "Ostrander Ltd will audit the Quillfeather Corp rollout in 2 phases.\n\n"
             "- [ ] Review the order form with Quillfeather Corp 📅 2026-03-17\n"),
    ("d.md", "---\ntitle: Racks delivered\ndate: 2026-03-12\n---\n"
             "Harrowgate Inc delivered 12 storage racks to Quillfeather Corp in March.\n"
             "Harrowgate Inc expects revenue of $85 million in 2026.\n"),
]
# A memory-backed folder when there is one: each example creates, syncs and removes a vault.
FAST_TMP = "/dev/shm" if Path("/dev/shm").is_dir() else None
BID = re.compile(r"\^(f-[0-9a-f]+)\s*$")
SAFE = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Zl", "Zp")),
               max_size=24).map(lambda t: t.replace("[[", "[").replace("^", ""))
PREFIX = st.sampled_from(["", "- ", "* ", "> ", "1. ", "**", "- [ ] "])


@dataclass
class World:
    """A vault, its store, and everything the person did to it (to check afterwards)."""

    root: Path
    inbox: Path
    layout: object = None
    store: object = None
    added: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # note -> (scope, line)
    deleted: dict[str, set[str]] = field(default_factory=dict)  # note -> lines gone
    deleted_ids: dict[str, set[str]] = field(default_factory=dict)
    deleted_facts: dict[str, set[str]] = field(default_factory=dict)  # note -> fact wording gone
    edits: dict[str, dict[str, str]] = field(default_factory=dict)  # note -> bid -> text
    ticked: set[str] = field(default_factory=set)
    tags: dict[str, set[str]] = field(default_factory=dict)
    n: int = 0

    def token(self) -> str:
        self.n += 1
        return f"u{self.n}z"

    def notes(self, folder: str) -> list[Path]:
        return sorted((self.root / folder).rglob("*.md"))


def _ingest(w: World, pick: int, variant: bool) -> None:
    name, text = DOCS[pick % len(DOCS)]
    path = w.inbox / (f"re-{name}" if variant else name)
    path.write_text(text + ("\n" if variant else ""), encoding="utf-8")
    ingest([path], w.layout, w.store, TaskingExtractor(), today=date(2026, 1, 1))


def _rebuild(w: World) -> None:
    with w.store.transaction():
        NoteWriter(w.layout, w.store, None).rebuild()


def _scope_at(lines: list[str], index: int) -> str:
    """The section a body line belongs to (by the `## ` heading above it)."""
    for line in reversed(lines[:index]):
        if line.startswith("## "):
            return line[3:].strip().casefold()
    return "#preamble"


def _body_start(lines: list[str]) -> int:
    if lines and lines[0] == "---":
        return lines.index("---", 1) + 1
    return 0


def _add_line(w: World, pick: int, where: int, prefix: str, words: str) -> None:
    notes = w.notes("Accounts") + w.notes("Sources")
    if not notes:
        return
    note = notes[pick % len(notes)]
    lines = read(note).split("\n")
    start = _body_start(lines)
    at = start + where % (len(lines) - start + 1)
    if at < len(lines) and lines[at - 1].startswith("```") and not lines[at - 1].endswith("```"):
        pass  # inside a code fence is fine too
    line = f"{prefix}{words} {w.token()}".rstrip()
    if line.lstrip().startswith(("#", "---")) or not line.strip():
        line = "note " + line
    lines.insert(at, line)
    write(note, "\n".join(lines))
    w.added.setdefault(str(note), []).append((_scope_at(lines, at), line))


def _add_section(w: World, pick: int, words: str) -> None:
    notes = w.notes("Accounts")
    if not notes:
        return
    note = notes[pick % len(notes)]
    heading, body = f"## Mine {w.token()}", f"{words} {w.token()}".strip()
    lines = read(note).split("\n")
    spots = [i for i, ln in enumerate(lines) if ln.startswith("## ")] + [len(lines)]
    at = spots[pick % len(spots)]
    lines[at:at] = [heading, "", body, ""]
    write(note, "\n".join(lines))
    w.added.setdefault(str(note), []).append(("#sections", heading))
    w.added[str(note)].append((heading[3:].casefold(), body))


def _add_key_and_tag(w: World, pick: int) -> None:
    notes = w.notes("Accounts")
    if not notes:
        return
    note = notes[pick % len(notes)]
    text, token = read(note), w.token()
    text = text.replace("\ntags: [", f"\nk{token}: v {token}\ntags: [t{token}, ", 1)
    write(note, text)
    w.added.setdefault(str(note), []).append(("#front", f"k{token}: v {token}"))
    w.tags.setdefault(str(note), set()).add(f"t{token}")


def _fact_lines(lines: list[str]) -> list[int]:
    return [i for i, ln in enumerate(lines) if BID.search(ln) and ln.startswith("- ")]


def _edit_fact(w: World, pick: int, words: str) -> None:
    notes = w.notes("Accounts")
    candidates = [(n, i) for n in notes for i in _fact_lines(read(n).split("\n"))]
    if not candidates:
        return
    note, index = candidates[pick % len(candidates)]
    lines = read(note).split("\n")
    line = lines[index]
    fact = parse_fact_line(line)
    new_text = f"{fact.text} {words} {w.token()}".replace("  ", " ").strip()
    lines[index] = line.replace(fact.text, new_text, 1)
    write(note, "\n".join(lines))
    w.edits.setdefault(str(note), {})[BID.search(line).group(1)] = new_text


def _delete_line(w: World, pick: int) -> None:
    notes = w.notes("Accounts")
    candidates = []
    for note in notes:
        lines = read(note).split("\n")
        mine = {ln for _, ln in w.added.get(str(note), [])}
        for i, ln in enumerate(lines):
            scope = _scope_at(lines, i)
            if ln.startswith("- ") and ln not in mine and scope in ("key facts", "recent context", "related"):
                candidates.append((note, i))
    if not candidates:
        return
    note, index = candidates[pick % len(candidates)]
    lines = read(note).split("\n")
    line = lines.pop(index)
    write(note, "\n".join(lines))
    bid = BID.search(line)
    if bid:
        w.deleted_ids.setdefault(str(note), set()).add(bid.group(1))
        w.deleted_facts.setdefault(str(note), set()).add(parse_fact_line(line).text)
        w.edits.get(str(note), {}).pop(bid.group(1), None)
    else:
        w.deleted.setdefault(str(note), set()).add(line)


def _tick(w: World, pick: int) -> None:
    candidates = [(n, ln) for n in w.notes("Sources") for ln in read(n).split("\n")
                  if ln.startswith("- [ ] ") and " ^t-" in ln]
    if not candidates:
        return
    note, line = candidates[pick % len(candidates)]
    words = line[6:].split(" 📅")[0]
    write(note, check_off(read(note), words))
    w.ticked.add(line.rsplit("^", 1)[1])


def check(w: World) -> None:
    """Every invariant the person relies on."""
    for note, items in w.added.items():
        lines = read(Path(note)).split("\n")
        body = _body_start(lines)
        for scope, line in items:
            if scope == "#front":
                assert line in lines[:body], (note, line)
            elif scope == "#sections":
                assert line in lines[body:], (note, line)
            else:
                assert line in lines[body:], (note, scope, line)
                at = lines.index(line, body)
                assert _scope_at(lines, at) == scope, (note, line, _scope_at(lines, at), scope)
    for note, gone in w.deleted.items():
        lines = set(read(Path(note)).split("\n"))
        assert not gone & lines, (note, gone & lines)
    for note, ids in w.deleted_ids.items():
        text = read(Path(note))
        for bid in ids:
            assert f"^{bid}" not in text, (note, bid)
    for note, gone in w.deleted_facts.items():
        shown = {parse_fact_line(ln).text for ln in read(Path(note)).split("\n") if BID.search(ln)}
        assert not gone & shown, (note, gone & shown)
    for note, edits in w.edits.items():
        lines = read(Path(note)).split("\n")
        for bid, words in edits.items():
            mine = [ln for ln in lines if ln.endswith(f"^{bid}")]
            assert len(mine) == 1 and parse_fact_line(mine[0]).text == words, (note, bid, mine)
    tasks = [ln for n in w.notes("Sources") for ln in read(n).split("\n") if ln.startswith("- [")]
    for bid in w.ticked:
        mine = [ln for ln in tasks if ln.endswith(f"^{bid}")]
        assert len(mine) == 1 and mine[0].startswith("- [x]"), (bid, mine)
    for note, tags in w.tags.items():
        front = read(Path(note)).split("\n---\n", 1)[0]
        for tag in tags:
            assert tag in front, (note, tag)


OPS = st.one_of(
    st.tuples(st.just("ingest"), st.integers(0, 99), st.booleans()),
    st.tuples(st.just("add"), st.integers(0, 99), st.integers(0, 999), PREFIX, SAFE),
    st.tuples(st.just("section"), st.integers(0, 99), SAFE),
    st.tuples(st.just("key"), st.integers(0, 99)),
    st.tuples(st.just("edit"), st.integers(0, 999), SAFE),
    st.tuples(st.just("delete"), st.integers(0, 999)),
    st.tuples(st.just("tick"), st.integers(0, 99)),
    st.tuples(st.just("rebuild")),
)


def _run(w: World, op: tuple) -> None:
    kind, args = op[0], op[1:]
    {"ingest": lambda: _ingest(w, *args), "add": lambda: _add_line(w, *args),
     "section": lambda: _add_section(w, *args), "key": lambda: _add_key_and_tag(w, *args),
     "edit": lambda: _edit_fact(w, *args), "delete": lambda: _delete_line(w, *args),
     "tick": lambda: _tick(w, *args), "rebuild": lambda: _rebuild(w)}[kind]()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(first=st.integers(0, 3), ops=st.lists(OPS, min_size=1, max_size=12))
def test_person_changes_are_never_lost_nor_deleted_lines_resurrected(first, ops):
    with tempfile.TemporaryDirectory(dir=FAST_TMP) as tmp:
        root = Path(tmp) / "vault"
        w = World(root=root, inbox=Path(tmp) / "in")
        w.inbox.mkdir()
        w.layout = init_vault(root)
        w.store = open_store(w.layout.state_dir)
        try:
            _ingest(w, first, False)
            for op in ops:
                _run(w, op)
                if op[0] in ("ingest", "rebuild"):
                    check(w)
            _ingest(w, (first + 1) % len(DOCS), True)
            _rebuild(w)
            check(w)
            settled = {p: read(p) for p in w.notes("")}
            _rebuild(w)
            assert {p: read(p) for p in w.notes("")} == settled, "a rebuild is not idempotent"
        finally:
            w.store.close()
