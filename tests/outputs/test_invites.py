"""Calendar invites: meetings a document schedules, as .ics files that parse and round-trip."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from icalendar import Calendar

from factbook.outputs.invites import find_meetings, invite_ics
from tests.persona_support import DANA, PERSONA_FIXTURES, run

STAMP = datetime(2025, 3, 14, 8, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("sentence, start, minutes", [
    ("Let's hold the pilot results call on 18 March at 15:00 for 45 minutes.", datetime(2025, 3, 18, 15, 0), 45),
    ("The QBR is booked for next Tuesday at 2pm.", datetime(2025, 3, 18, 14, 0), 60),
    ("We will run the security workshop on 2025-04-02 at 9.30 am for two hours.",
     datetime(2025, 4, 2, 9, 30), 120),
    ("See you at the kickoff meeting tomorrow at 10:15 UTC.",
     datetime(2025, 3, 12, 10, 15, tzinfo=timezone.utc), 60),
])
def test_a_scheduled_meeting_is_found(make_record, sentence, start, minutes):
    [meeting] = find_meetings(make_record(f"Hi Dana,\n\n{sentence}\n\nJonas"))
    assert meeting.start == start and meeting.end - meeting.start == timedelta(minutes=minutes)
    assert meeting.passage == sentence


@pytest.mark.parametrize("sentence", [
    "We met for the pilot review call on 10 March at 15:00.",       # happened
    "The review call on 3 March at 15:00 is booked.",                # before the document
    "Can we book the review call on 18 March at 15:00?",             # a question
    "Let's book the review call next week.",                         # no time
    "The rack order is booked for 18 March at 15:00.",               # not a meeting
    "Revenue grew 12:30 in the review.",                             # nothing arranged
])
def test_no_invite_without_a_meeting_being_arranged(make_record, sentence):
    assert find_meetings(make_record(sentence)) == []


def test_the_ics_parses_back_and_round_trips(make_record):
    doc = make_record("Let's hold the pilot results call on 18 March at 15:00 for 45 minutes.",
                      meta={"addresses": "Jonas Feld <jonas.feld@kestrel-analytics.example>, "
                                         "Dana Whitlow <dana.whitlow@orchardiq.example>"})
    [meeting] = find_meetings(doc, {"jonas feld": "jonas.feld@kestrel-analytics.example",
                                    "dana whitlow": "dana.whitlow@orchardiq.example"})
    data = invite_ics(meeting, doc, STAMP, ("Dana Whitlow", "dana.whitlow@orchardiq.example"),
                      "[[2025-03-11 - Pilot plan]]")
    assert "\r\n" in data and data.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    calendar = Calendar.from_ical(data)
    assert calendar.to_ical().decode() == data  # parse and write again: the same bytes
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == datetime(2025, 3, 18, 15, 0)
    assert event.decoded("dtend") == datetime(2025, 3, 18, 15, 45)
    assert str(event["summary"]) == "Pilot results call: Pilot plan"
    assert str(event["organizer"]) == "mailto:dana.whitlow@orchardiq.example"
    attendees = event["attendee"]
    attendees = attendees if isinstance(attendees, list) else [attendees]
    # the organizer is not invited to their own meeting
    assert [str(a) for a in attendees] == ["mailto:jonas.feld@kestrel-analytics.example"]
    assert attendees[0].params["CN"] == "Jonas Feld"
    assert "[[2025-03-11 - Pilot plan]]" in str(event["description"])
    assert invite_ics(meeting, doc, STAMP)[:60] == data[:60]
    again = Calendar.from_ical(invite_ics(meeting, doc, STAMP + timedelta(days=1)))
    assert str(again.walk("VEVENT")[0]["uid"]) == str(event["uid"])  # stable across runs


def test_a_run_writes_one_invite_per_meeting_into_the_outbox(tmp_path):
    from factbook.outputs import OutputSettings

    vault = tmp_path / "vault"
    report = run(vault, [PERSONA_FIXTURES], persona=DANA, outputs=OutputSettings(invites=True))
    invites = sorted((vault / "Outbox").glob("*.ics"))
    # the meeting note and the e-mail both name the 18 March call: one invite
    assert [p.name for p in invites] == ["2025-03-18 1500 - Pilot results call Kestrel pilot review.ics"]
    assert report.outputs == ["Outbox/" + invites[0].name]
    [event] = Calendar.from_ical(invites[0].read_text(encoding="utf-8")).walk("VEVENT")
    assert event.decoded("dtend") - event.decoded("dtstart") == timedelta(minutes=45)
    assert not list((vault / "Outbox").glob("*.md"))  # drafts are off
