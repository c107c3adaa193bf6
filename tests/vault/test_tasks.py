"""Obsidian Tasks syntax: writing tasks and reading them back."""
from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from factbook.models import Task
from factbook.vault.tasks import format_task, parse_task_line


def test_open_task_line():
    task = Task("Send the runbook", owner="Priya Raman", due=date(2025, 3, 12), priority="high")
    assert format_task(task, ["account/harborline-foods"]) == \
        "- [ ] Send the runbook @Priya Raman #task #account/harborline-foods ⏫ 📅 2025-03-12"


def test_done_task_line():
    task = Task("Book the rehearsal", owner="Tomas Berg", done=True, done_on=date(2025, 3, 3))
    assert format_task(task, ["#project/lumenfield"]) == \
        "- [x] Book the rehearsal @Tomas Berg #task #project/lumenfield ✅ 2025-03-03"


def test_priorities_round_trip():
    for name, emoji in [("highest", "🔺"), ("high", "⏫"), ("medium", "🔼"), ("low", "🔽"),
                        ("lowest", "⏬")]:
        line = format_task(Task("Check", priority=name), [])
        assert emoji in line
        assert parse_task_line(line).priority == name


def test_parse_hand_written_line():
    task = parse_task_line("  * [X] Call @Dana about the racks #urgent ✅ 2025-03-05 📅 2025-03-04")
    assert task.done and task.done_on == date(2025, 3, 5) and task.due == date(2025, 3, 4)
    assert task.owner == "Dana"
    assert task.text == "Call Dana about the racks #urgent"


def test_not_a_task():
    assert parse_task_line("- plain bullet") is None
    assert parse_task_line("text [ ] not a task") is None
    assert parse_task_line("- [ ] ") is None


_words = st.text(alphabet=st.sampled_from("abcdefghij klmn"), min_size=1, max_size=30) \
    .map(lambda s: " ".join(s.split())).filter(bool)


@given(text=_words, owner=st.sampled_from([None, "Priya Raman", "Tomas"]),
       due=st.one_of(st.none(), st.dates(date(2020, 1, 1), date(2030, 12, 31))),
       priority=st.sampled_from([None, "highest", "high", "medium", "low", "lowest"]),
       done=st.booleans())
def test_format_then_parse_is_identity(text, owner, due, priority, done):
    task = Task(text, owner=owner, due=due, priority=priority, done=done,
                done_on=date(2025, 1, 2) if done else None)
    back = parse_task_line(format_task(task, ["account/x"]))
    assert (back.text, back.owner, back.due, back.priority, back.done, back.done_on) == \
        (task.text, task.owner, task.due, task.priority, task.done, task.done_on)


def test_stored_record_gets_its_block_id_and_reads_back():
    from factbook.store.base import TaskRecord
    from factbook.vault.tasks import task_block_id

    record = TaskRecord(id=1, document_id=2, text="Send the runbook", owner="Priya Raman",
                        due=date(2025, 3, 12), priority="high", done=False, done_on=None,
                        entities=[], block_id="t-1a2b3c")
    line = format_task(record, ["task", "account/harborline-foods"])
    assert line == ("- [ ] Send the runbook @Priya Raman #task #account/harborline-foods "
                    "⏫ 📅 2025-03-12 ^t-1a2b3c")
    back = parse_task_line(line.replace("[ ]", "[x]"))
    assert (back.text, back.owner, back.done) == ("Send the runbook", "Priya Raman", True)
    assert task_block_id(line) == "t-1a2b3c"
