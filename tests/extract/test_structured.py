"""Structured items: checkbox tasks, meeting-note sections, spoken commitments and decisions."""
from __future__ import annotations

from datetime import date

import pytest

from factbook.extract.due_dates import coming_weekday, find_due, next_week_day
from factbook.extract.structured import structured_items
from factbook.models import Document, DocumentKind
from factbook.sources import read_path

TUESDAY = date(2025, 3, 4)


def _tasks(doc):
    return {t.text: t for t in structured_items(doc).tasks}


def test_meeting_notes_sections(fixtures):
    [doc] = read_path(fixtures / "notes" / "2025-03-06 Harborline QBR.md")
    items = structured_items(doc)
    tasks = {t.text: t for t in items.tasks}
    runbook = tasks["Send the pilot runbook to Harborline"]
    assert (runbook.owner, runbook.due, runbook.priority, runbook.done) == \
        ("Priya Raman", date(2025, 3, 12), "high", False)
    volumes = tasks["Confirm Q2 volumes"]
    assert (volumes.owner, volumes.due) == ("Marta Ilves", date(2025, 3, 14))  # next Friday from Thu 6th
    room = tasks["Book the QBR room"]
    assert room.done and room.done_on == date(2025, 3, 3) and room.owner == "Marta Ilves"
    assert tasks["Draft the renewal proposal"].priority == "low"
    minutes = tasks["Circulate the minutes"]
    assert (minutes.owner, minutes.due) == ("Priya Raman", date(2025, 3, 7))
    assert [d.text for d in items.decisions] == [
        "Keep Tidewater Freight as the only pilot carrier.",
        "Renewal talks start after the pilot review."]
    assert all(d.date == date(2025, 3, 6) for d in items.decisions)
    assert items.key_facts == ["Harborline Foods moved 1,450 pallets a week in Q1.",
                               "The cold-chain pilot with Tidewater Freight starts in May."]


def test_vtt_commitments_and_decisions(fixtures):
    [doc] = read_path(fixtures / "transcripts" / "2025-03-04 Harborline weekly sync.vtt")
    items = structured_items(doc)
    tasks = {t.text: t for t in items.tasks}
    assert (tasks["Send the runbook"].owner, tasks["Send the runbook"].due) == \
        ("Priya Raman", date(2025, 3, 12))
    logs = tasks["Share the temperature logs with Marta"]
    assert (logs.owner, logs.due) == ("Priya Raman", date(2025, 3, 5))
    rehearsal = tasks["Book the rehearsal room for the launch dry run"]
    assert rehearsal.owner is None  # said by "Speaker 1": a label, not a person
    assert len(items.tasks) == 3
    decisions = [d.text for d in items.decisions]
    assert any("we agreed to go with Tidewater Freight" in d for d in decisions)
    assert "Let's go with the standard policy until the broker replies." in decisions
    assert not any("insurance" in d for d in decisions)  # a question is not a decision


def test_srt_commitment_and_label_decision(fixtures):
    [doc] = read_path(fixtures / "transcripts" / "2025-02-10 Brightwater kickoff.srt")
    items = structured_items(doc)
    [task] = items.tasks
    assert (task.text, task.owner, task.due) == ("Draft the site survey", "Tomas Berg",
                                                 date(2025, 2, 14))
    assert [d.text for d in items.decisions] == ["We decided to start with two racks instead of four."]


def test_email_first_person_commitment_is_the_senders(fixtures):
    [doc] = read_path(fixtures / "email" / "pilot_confirmation.eml")
    [task] = structured_items(doc).tasks
    assert (task.text, task.owner, task.due) == ("Send the signed order form", "Tomas Berg",
                                                 date(2025, 2, 14))


def test_thread_export_owners_follow_each_message(fixtures):
    [doc] = read_path(fixtures / "email" / "thread_export.txt")
    tasks = _tasks(doc)
    assert tasks["Confirm the delivery slot"].owner == "Priya Raman"
    assert tasks["Confirm the delivery slot"].due == date(2025, 3, 7)  # "tomorrow" from Mar 6
    assert (tasks["Update the order form"].owner, tasks["Update the order form"].due) == \
        ("Dana Whitlow", date(2025, 3, 10))


def test_articles_get_no_spoken_tasks():
    doc = Document(path="a.txt", sha256="0", kind=DocumentKind.ARTICLE, title="t", date=TUESDAY,
                   text="Tidewater will deliver 60 trucks by June. I'll be honest, we agreed to it.")
    items = structured_items(doc)
    assert items.tasks == [] and items.decisions == []


@pytest.mark.parametrize("sentence", ["Pricing will change next quarter.", "I'll be honest, it was close.",
                                      "Can you send the deck?", "It will rain tomorrow."])
def test_not_commitments(sentence):
    doc = Document(path="t.vtt", sha256="0", kind=DocumentKind.TRANSCRIPT, title="t", date=TUESDAY,
                   text=f"Priya Raman: {sentence}", participants=("Priya Raman",))
    assert structured_items(doc).tasks == []


@pytest.mark.parametrize("phrase,expected", [
    ("by next Wednesday", date(2025, 3, 12)), ("by Wednesday", date(2025, 3, 5)),
    ("on Tuesday", date(2025, 3, 11)), ("tomorrow", date(2025, 3, 5)),
    ("by end of the week", date(2025, 3, 7)), ("next week", date(2025, 3, 14)),
    ("by the end of the month", date(2025, 3, 31)), ("in two weeks", date(2025, 3, 18)),
    ("by March 20", date(2025, 3, 20)), ("by the 2nd of February", date(2026, 2, 2)),
    ("due 2025-04-01", date(2025, 4, 1)),
])
def test_due_dates(phrase, expected):
    found = find_due(f"send it {phrase}", TUESDAY)
    assert found is not None and found.due == expected


def test_relative_due_without_anchor_is_unknown():
    assert find_due("by Friday", None) is None
    assert find_due("by 2025-05-02", None).due == date(2025, 5, 2)


def test_weekday_helpers():
    assert coming_weekday(TUESDAY, 1) == date(2025, 3, 11)
    assert next_week_day(date(2025, 3, 9), 0) == date(2025, 3, 10)  # Sunday → next Monday
