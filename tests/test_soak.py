"""Soak test: random sequences of ingests, the person's edits (saves during a run, a save
that empties the note before writing it), kills at random points, merge, review,
doctor --fix and store loss. After every step, every line the simulated person wrote is
still in the vault, and no step ends in a Python traceback.

Bounded for the suite: FACTBOOK_SOAK_EXAMPLES examples (default 12) of up to 6 steps;
`FACTBOOK_SOAK_EXAMPLES=200 python -m pytest tests/test_soak.py` is the full soak.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from factbook.cli import app
from factbook.store import open_store
from factbook.vault import journal as journal_mod
from factbook.vault import writer as writer_mod

EXAMPLES = int(os.environ.get("FACTBOOK_SOAK_EXAMPLES", "12"))

DOCS = {
    "a": "NORTHWIND BUYS KESTREL\nMarch 2, 2026\n\nNorthwind Logistics Inc agreed to acquire Kestrel "
         "Cold Storage Ltd for 140 mln dlrs in cash.\nNorthwind Logistics said the deal would close "
         "in June 2026.\n",
    "b": "NORTHWIND FLEET PLAN\nMarch 9, 2026\n\nNorthwind Logistics Inc said it will move 40 pct of "
         "its fleet onto a new route planner by September.\nNorthwind Logistics said the plan costs "
         "12 mln dlrs.\n",
    "c": "KESTREL CS RESULTS\nMarch 5, 2026\n\nKestrel CS Ltd reported revenue of 62 mln dlrs for 2025,"
         " up 8 pct.\nKestrel CS said it runs eleven warehouses.\n",
    "d": "KESTREL SELLS DEPOTS\nMarch 12, 2026\n\nKestrel Cold Storage Ltd agreed to sell two depots "
         "to Northwind Logistics Inc for 30 mln dlrs.\nKestrel Cold Storage said the sale would close"
         " in April.\n",
    "e": "NORTHWIND RESULTS\nMarch 20, 2026\n\nNorthwind Logistics Inc reported revenue of 410 mln "
         "dlrs for 2025.\nNorthwind Logistics said it will hire 200 drivers.\n",
}
STEPS = ["ingest", "edit", "save-during-run", "empty-then-write", "kill", "merge", "review",
         "doctor-fix", "store-loss"]


class _Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs (no abort, no clean-up of the journal)."""


class Person:
    """The simulated person and their vault."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.vault = root / "vault"
        self.docs = root / "docs"
        self.docs.mkdir(parents=True)
        self.lines: list[str] = []
        self.runner = CliRunner()

    def cli(self, *args) -> str:
        result = self.runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        assert "Traceback" not in result.output, result.output
        return result.output

    def notes(self) -> list[Path]:
        if not self.vault.exists():
            return []
        return sorted(p for p in self.vault.rglob("*.md") if ".factbook" not in p.parts
                      and "processed" not in p.parts and not p.is_symlink())

    def new_line(self) -> str:
        line = f"- USER LINE {len(self.lines) + 1} typed by the person"
        self.lines.append(line)
        return line

    def type_into(self, note: Path, empty_first: bool = False) -> None:
        text = note.read_text("utf-8") if note.exists() else ""
        if empty_first:
            note.write_text("", encoding="utf-8")  # an editor that truncates before writing
        note.write_text(text.rstrip("\n") + "\n" + self.new_line() + "\n", encoding="utf-8")

    def ingest(self, pick: int) -> None:
        name = sorted(DOCS)[pick % len(DOCS)]
        (self.docs / f"{name}.txt").write_text(DOCS[name], encoding="utf-8")
        self.cli("ingest", self.docs, "--vault", self.vault)

    def check(self) -> None:
        text = "\n".join(p.read_text("utf-8", "replace") for p in self.notes())
        missing = [line for line in self.lines if line not in text]
        assert not missing, missing


@contextmanager
def _patched(monkeypatch_pairs):
    saved = [(obj, name, getattr(obj, name)) for obj, name, _ in monkeypatch_pairs]
    for obj, name, value in monkeypatch_pairs:
        setattr(obj, name, value)
    try:
        yield
    finally:
        for obj, name, value in saved:
            setattr(obj, name, value)


def _step(person: Person, step: str, n: int) -> None:
    notes = person.notes()
    if step == "ingest" or not notes and step not in ("doctor-fix",):
        person.ingest(n)
    elif step == "edit":
        person.type_into(notes[n % len(notes)])
    elif step == "save-during-run":
        target = notes[n % len(notes)]
        real_seal = journal_mod.Journal.seal

        def seal(self):  # the person saves between factbook's read and its rename
            real_seal(self)
            person.type_into(target, empty_first=n % 2 == 0)
        with _patched([(journal_mod.Journal, "seal", seal)]):
            person.ingest(n // 7)
    elif step == "empty-then-write":
        target = notes[n % len(notes)]
        kept = target.read_text("utf-8")
        target.write_text("", encoding="utf-8")  # the editor truncated it; a run reads it empty
        person.ingest(n // 7)
        target.write_text(kept, encoding="utf-8")  # then its save lands, with a new line
        person.type_into(target)
    elif step == "kill":
        _kill(person, n)
    elif step == "merge":
        _merge(person, n)
    elif step == "review":
        _review(person, n)
    elif step == "doctor-fix":
        person.cli("doctor", "--fix", "--vault", person.vault)
    elif step == "store-loss":
        state = person.vault / ".factbook"
        for path in state.glob("factbook.db*"):
            path.unlink()
        assert "doctor --fix" in person.cli("ingest", person.docs, "--vault", person.vault)
        person.cli("doctor", "--fix", "--vault", person.vault)
        person.cli("ingest", person.docs, "--vault", person.vault)


def _kill(person: Person, n: int) -> None:
    limit = [1 + n % 9]

    def step_done() -> None:
        limit[0] -= 1
        if limit[0] <= 0:
            raise _Killed()
    with _patched([(journal_mod, "step_done", step_done), (writer_mod, "step_done", step_done),
                   (journal_mod.Journal, "abort", lambda self: None)]):
        try:
            person.ingest(n // 3)
        except _Killed:
            pass
    notes = person.notes()
    if notes:  # the person types right after the crash, before anything recovers
        person.type_into(notes[n % len(notes)])


def _entities(person: Person) -> list[str]:
    try:
        store = open_store(person.vault / ".factbook")
    except Exception:  # noqa: BLE001 - a lost store: nothing to merge
        return []
    try:
        return sorted(e.name for e in store.entities() if e.merged_into is None)
    finally:
        store.close()


def _merge(person: Person, n: int) -> None:
    names = _entities(person)
    if len(names) >= 2:
        keep = names[n % len(names)]
        gone = names[(n // 3 + 1 + n) % len(names)]
        if keep != gone:
            person.cli("merge", keep, gone, "--vault", person.vault)


def _review(person: Person, n: int) -> None:
    try:
        store = open_store(person.vault / ".factbook")
    except Exception:  # noqa: BLE001
        return
    try:
        items = store.review_items("open")
    finally:
        store.close()
    if items:
        item = items[n % len(items)]
        person.cli("review", "--accept" if n % 2 else "--reject", item.id, "--vault", person.vault)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(STEPS), st.integers(0, 10_000)), min_size=1, max_size=6))
def test_no_line_the_person_wrote_is_ever_lost(steps):
    root = Path(tempfile.mkdtemp(prefix="fb-soak-"))
    try:
        person = Person(root)
        for step, n in steps:
            _step(person, step, n)
            person.check()
        person.cli("doctor", "--fix", "--vault", person.vault)
        person.check()
    finally:
        shutil.rmtree(root, ignore_errors=True)
