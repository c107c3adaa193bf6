"""What people really export: mail saved as Markdown, transcripts of every tool's style,
transcript blocks in notes, Word, Outlook and calendar files. Every document here is
invented for the test."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest

from factbook.models import DocumentKind
from factbook.sources import read_path
from tests.sources.cfb import make_msg

# Debris: a clock time, a cue arrow, a name glued to the next word, a bracketed speaker.
DEBRIS = re.compile(r"\b\d{1,2}:\d{2}\b|-->|[a-z][A-Z][a-z]|^\[|\*\*", re.M)


def clean(text: str) -> bool:
    """True when no timestamp or speaker debris is left in a document's text."""
    return not DEBRIS.search(text)


def write(tmp_path, name: str, text: str, newline: str = "\n"):
    path = tmp_path / name
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


# --- mail saved as Markdown -------------------------------------------------------------

IMPORTER = """---
from: "Lena Marsh <lena.marsh@brindle.example>"
to: "Owen Tait <owen@corvid.example>"
cc: "Pia Holm <pia.holm@brindle.example>"
date: 2025-11-04T08:47:00-05:00
subject: "Re: Brindle rollout - training week"
---

Hi Owen,

The rollout moves to Monday 17 November. We need trainers for 40 dock staff.

Thanks,
Lena

Lena Marsh
Operations Lead | Brindle Freight
"""


def test_importer_front_matter_mail_is_an_email(tmp_path):
    path = write(tmp_path, "Brindle training.md", IMPORTER)
    [doc] = read_path(path)
    assert doc.kind is DocumentKind.EMAIL
    assert doc.date == date(2025, 11, 4)
    assert doc.title == "Brindle rollout - training week"
    assert doc.authors == ("Lena Marsh",)
    assert doc.participants == ("Lena Marsh", "Owen Tait", "Pia Holm")
    assert "lena.marsh@brindle.example" in doc.meta["addresses"]
    assert "Operations Lead | Brindle Freight" in doc.meta["signature"]
    assert "Operations Lead" not in doc.text and "40 dock staff" in doc.text


HEADER_LINES = """# Corvid pilot pricing

## 2025-12-01 08:15:00 — Owen Tait owen@corvid.example
> Hi Lena,
> The pilot price is $48,000 for three sites.
> Best regards,
> Owen Tait
> Account Executive, Corvid

## 2025-12-02 17:40:12 — Lena Marsh <lena.marsh@brindle.example>
To: Owen Tait <owen@corvid.example>
> Owen, agreed on $48,000. Our CFO signs on Friday.
> > Hi Lena,
> > The pilot price is $48,000 for three sites.
"""


def test_header_line_export_is_one_email_per_message(tmp_path):
    # An exporter's file name (dated by the export) and old Mac line endings.
    path = write(tmp_path, "2026-01-20_081500_1234_Corvid_pilot_pricing.md", HEADER_LINES, "\r")
    first, second = read_path(path)
    assert first.kind is second.kind is DocumentKind.EMAIL
    assert (first.date, second.date) == (date(2025, 12, 1), date(2025, 12, 2))  # not the export's
    assert first.title == second.title == "Corvid pilot pricing"
    assert first.authors == ("Owen Tait",) and second.authors == ("Lena Marsh",)
    assert second.participants == ("Lena Marsh", "Owen Tait")
    assert first.text == "Hi Lena,\nThe pilot price is $48,000 for three sites."
    assert second.text == "Owen, agreed on $48,000. Our CFO signs on Friday."  # its quote dropped
    assert "Account Executive, Corvid" in first.meta["signature"]
    assert first.meta["addresses"] == "Owen Tait <owen@corvid.example>"
    assert first.path.endswith("#1") and first.sha256 != second.sha256
    assert all(">" not in d.text for d in (first, second))


def test_markdown_mail_without_a_date_of_its_own_takes_the_file_names(tmp_path):
    text = IMPORTER.replace("date: 2025-11-04T08:47:00-05:00\n", "")
    [doc] = read_path(write(tmp_path, "2025-10-30_0900_Brindle.md", text))
    assert doc.date == date(2025, 10, 30)


# --- transcripts, one per tool ------------------------------------------------------------

STYLES = {
    # Zoom / Teams copy-paste: the speaker on one line, the time on the next.
    "teams.txt": "Ravi Menon\n00:03\nThe Brindle order is 400 pallets.\n\n"
                 "Ana Ruiz\n00:11\nWe ship them on 3 March.\n\nRavi Menon\n00:19\nGood.\n",
    # Otter: "Name  0:02" heads.
    "otter.txt": "Ravi Menon  0:02\nThe Brindle order is 400 pallets.\n\n"
                 "Ana Ruiz  0:11\nWe ship them on 3 March.\n\nRavi Menon  0:19\nGood.\n",
    # Google Meet: "Name: text" under a timestamp line.
    "meet.txt": "00:00:03\nRavi Menon: The Brindle order is 400 pallets.\n"
                "00:00:11\nAna Ruiz: We ship them on 3 March.\n00:00:19\nRavi Menon: Good.\n",
    # Fireflies: "Name - 00:03" heads.
    "fireflies.txt": "Ravi Menon - 00:03\nThe Brindle order is 400 pallets.\n"
                     "Ana Ruiz - 00:11\nWe ship them on 3 March.\nRavi Menon - 00:19\nGood.\n",
    # Inline "[hh:mm:ss] Name: text".
    "inline.txt": "[00:00:03] Ravi Menon: The Brindle order is 400 pallets.\n"
                  "[00:00:11] Ana Ruiz: We ship them on 3 March.\n[00:00:19] Ravi Menon: Good.\n",
    # Granola: "**Name** [00:01:12]" heads under a header.
    "granola.md": "# Brindle order call\n\n**Participants:** Ravi Menon, Ana Ruiz\n\n---\n\n"
                  "**Ravi Menon** [00:00:03]\nThe Brindle order is 400 pallets.\n\n"
                  "**Ana Ruiz** [00:00:11]\nWe ship them on 3 March.\n\n"
                  "**Ravi Menon** [00:00:19]\nGood.\n",
    # Zoom's saved transcript: "[Name] hh:mm:ss" heads.
    "zoom.txt": "[Ravi Menon] 14:02:03\nThe Brindle order is 400 pallets.\n\n"
                "[Ana Ruiz] 14:02:11\nWe ship them on 3 March.\n\n[Ravi Menon] 14:02:19\nGood.\n",
    # Teams: the cue's time, then the speaker, then the words.
    "teams-cues.txt": "00:00:03.450 --> 00:00:06.120\nRavi Menon\nThe Brindle order is 400 pallets.\n\n"
                      "00:00:11.000 --> 00:00:14.200\nAna Ruiz\nWe ship them on 3 March.\n\n"
                      "00:00:19.000 --> 00:00:20.000\nRavi Menon\nGood.\n",
    # Teams' .docx download: unpadded cue times, the speaker, the words; Otter's sign-off.
    "teams.docx.txt": "0:0:3.450 --> 0:0:6.120\nRavi Menon\nThe Brindle order is 400 pallets.\n\n"
                      "0:0:11.0 --> 0:0:14.200\nAna Ruiz\nWe ship them on 3 March.\n\n"
                      "0:0:19.0 --> 0:0:20.0\nRavi Menon\nGood.\n\nTranscribed by https://otter.ai\n",
    # Speaker names glued to their words, as some exports paste them.
    "glued.txt": "Ravi MenonThe Brindle order is 400 pallets.\n"
                 "Ana RuizWe ship them on 3 March.\nRavi MenonGood.\n",
}


@pytest.mark.parametrize("name", sorted(STYLES))
def test_transcript_export_styles(tmp_path, name):
    [doc] = read_path(write(tmp_path, f"2025-02-24 {name}", STYLES[name]))
    assert doc.kind is DocumentKind.TRANSCRIPT
    assert doc.date == date(2025, 2, 24)
    assert doc.participants[:2] == ("Ravi Menon", "Ana Ruiz")
    assert doc.text == ("Ravi Menon: The Brindle order is 400 pallets.\n\n"
                        "Ana Ruiz: We ship them on 3 March.\n\nRavi Menon: Good.")
    assert clean(doc.text)
    expected_title = "Brindle order call" if name == "granola.md" else name.rsplit(".", 1)[0]
    assert doc.title == expected_title


def test_macwhisper_channel_labels_and_whisper_opening(tmp_path):
    text = ("Thank you.\n[00:00:01.02]   Remote- How are you doing?\n"
            "[00:00:03.18]   Remote- I'm doing good, the Kestrel dock opens in May.\n"
            "[00:00:07.40]   Me- Great, I'll tell the team.\n")
    [doc] = read_path(write(tmp_path, "Kestrel call.txt", text))
    assert doc.kind is DocumentKind.TRANSCRIPT
    assert doc.title == "Kestrel call" and doc.date is None
    assert doc.participants == ()  # "Remote" and "Me" are channel labels, not people
    assert doc.text.startswith("Remote: How are you doing? I'm doing good")
    assert "Me: Great, I'll tell the team." in doc.text
    assert "Thank you" not in doc.text and clean(doc.text)


def test_raw_transcript_opening_with_thank_you_is_not_titled_by_it(tmp_path):
    text = "Thank you.\nSo the Kestrel dock opens in May.\nAnd the budget is set.\nOkay.\n"
    [doc] = read_path(write(tmp_path, "2025-04-02 standup.txt", text))
    assert doc.kind is DocumentKind.TRANSCRIPT
    assert doc.title == "standup" and doc.date == date(2025, 4, 2)
    assert doc.text.startswith("So the Kestrel dock opens in May.")


def test_srt_with_bracketed_speaker_on_change(tmp_path):
    srt = ("1\n00:00:01,000 --> 00:00:04,000\n[Ravi Menon] The order is 400 pallets.\n\n"
           "2\n00:00:04,000 --> 00:00:06,000\nAll of them cold.\n\n"
           "3\n00:00:06,000 --> 00:00:09,000\n[Ana Ruiz] We ship on 3 March.\n\n"
           "4\n00:00:09,000 --> 00:00:10,000\n[Music]\n")
    [doc] = read_path(write(tmp_path, "2025-02-24 order.srt", srt))
    assert doc.participants == ("Ravi Menon", "Ana Ruiz")
    assert doc.text.startswith("Ravi Menon: The order is 400 pallets. All of them cold.\n\n"
                               "Ana Ruiz: We ship on 3 March.")
    assert "[Ravi" not in doc.text


NOTE_WITH_TRANSCRIPT = """---
attendees: [Ravi Menon, Ana Ruiz]
---
# Brindle weekly — 2025-03-10

## Notes
- Cold-chain order confirmed at 400 pallets
- Next review in April

## Transcript (auto)
[00:00:03.18]   Ravi MenonYeah, so I'm going to jump over to the order.
[00:00:09.02]   Ana RuizThe order is 400 pallets, shipping 3 March.
[00:00:15.44]   Ravi MenonGreat.
"""


def test_transcript_block_inside_a_note(tmp_path):
    [doc] = read_path(write(tmp_path, "Brindle weekly.md", NOTE_WITH_TRANSCRIPT))
    assert doc.kind is DocumentKind.MEETING_NOTES
    assert doc.date == date(2025, 3, 10)
    assert doc.title == "Brindle weekly — 2025-03-10"
    assert doc.participants == ("Ravi Menon", "Ana Ruiz")
    assert "Ravi Menon: Yeah, so I'm going to jump over to the order." in doc.text
    assert "Ana Ruiz: The order is 400 pallets, shipping 3 March." in doc.text
    assert "- Cold-chain order confirmed at 400 pallets" in doc.text
    assert clean(doc.text.split("## Transcript")[1])
    assert doc.front_matter["attendees"] == ["Ravi Menon", "Ana Ruiz"]


def test_a_notes_subject_is_on_the_document(tmp_path):
    # What issue 13 reads to give subject-less bullets their entity: front matter, title, heading.
    text = ("---\ntitle: Weekly\ncustomers: [\"[[Brindle Freight]]\"]\n---\n"
            "# 1:1 — Lena Marsh — 2025-03-04\n\n## Notes\n- The data lake is ~500PiB\n"
            "## Action items\n- [ ] Send the sizing sheet\n")
    [doc] = read_path(write(tmp_path, "Brindle 1-1.md", text))
    assert doc.kind is DocumentKind.MEETING_NOTES and doc.title == "Weekly"
    assert doc.front_matter["customers"] == ["[[Brindle Freight]]"]
    assert doc.meta["heading"] == "1:1 — Lena Marsh — 2025-03-04"
    assert doc.date == date(2025, 3, 4)


def test_note_that_is_mostly_its_transcript_is_a_transcript(tmp_path):
    text = ("# Kestrel sync\n\n## Transcript\n\nRavi Menon  0:02\nThe dock opens in May.\n\n"
            "Ana Ruiz  0:09\nAnd the budget is $40,000.\n\nRavi Menon  0:15\nFine.\n")
    [doc] = read_path(write(tmp_path, "2025-04-08 Kestrel sync.md", text))
    assert doc.kind is DocumentKind.TRANSCRIPT
    assert doc.title == "Kestrel sync" and doc.date == date(2025, 4, 8)
    assert doc.participants == ("Ravi Menon", "Ana Ruiz")
    assert doc.text.startswith("Ravi Menon: The dock opens in May.") and clean(doc.text)


# --- Word, Outlook, calendar ---------------------------------------------------------------

def test_docx_meeting_notes(tmp_path):
    import docx

    word = docx.Document()
    word.add_heading("Kestrel QBR — 2025-05-06", 1)
    word.add_paragraph("Attendees: Ana Ruiz, Ben Ode")
    word.add_heading("Decisions", 2)
    word.add_paragraph("The pilot goes ahead in June", style="List Bullet")
    word.add_heading("Action items", 2)
    word.add_paragraph("Ben: send the contract by Friday", style="List Bullet")
    path = tmp_path / "qbr.docx"
    word.save(path)
    [doc] = read_path(path)
    assert doc.kind is DocumentKind.MEETING_NOTES
    assert doc.title == "Kestrel QBR — 2025-05-06" and doc.date == date(2025, 5, 6)
    assert doc.participants == ("Ana Ruiz", "Ben Ode")
    assert "## Decisions\n- The pilot goes ahead in June" in doc.text


def test_docx_transcript(tmp_path):
    import docx

    word = docx.Document()
    for line in STYLES["otter.txt"].splitlines():
        word.add_paragraph(line)
    path = tmp_path / "2025-02-24 order call.docx"
    word.save(path)
    [doc] = read_path(path)
    assert doc.kind is DocumentKind.TRANSCRIPT and doc.date == date(2025, 2, 24)
    assert doc.participants == ("Ravi Menon", "Ana Ruiz") and clean(doc.text)


def test_msg_outlook_message(tmp_path):
    body = ("Hi Ana,\r\n\r\nThe pilot covers three sites from June.\r\n\r\nBest regards,\r\n"
            "Ben Ode\r\nHead of Operations, Kestrel\r\n\r\n> Can you confirm the sites?\r\n")
    path = tmp_path / "Pilot scope.msg"
    path.write_bytes(make_msg("RE: Pilot scope", body, ("Ben Ode", "ben@kestrel.example"),
                              [("Ana Ruiz", "ana@tide.example")], [("Cy Lam", "cy@kestrel.example")],
                              datetime(2025, 5, 6, 9, 30, tzinfo=timezone.utc)))
    [doc] = read_path(path)
    assert doc.kind is DocumentKind.EMAIL
    assert doc.title == "Pilot scope" and doc.date == date(2025, 5, 6)
    assert doc.authors == ("Ben Ode",)
    assert doc.participants == ("Ben Ode", "Ana Ruiz", "Cy Lam")
    assert doc.meta["addresses"] == ("Ben Ode <ben@kestrel.example>, Ana Ruiz <ana@tide.example>, "
                                     "Cy Lam <cy@kestrel.example>")
    assert doc.meta["signature"] == "Best regards,\nBen Ode\nHead of Operations, Kestrel"
    assert doc.text == "Hi Ana,\n\nThe pilot covers three sites from June."


def test_msg_with_transport_headers_uses_them(tmp_path):
    headers = ("From: Ben Ode <ben@kestrel.example>\r\nTo: ana@tide.example\r\n"
               "Subject: Dock dates\r\nDate: Tue, 3 Jun 2025 10:00:00 +0000\r\n"
               "Message-ID: <abc@kestrel.example>\r\nContent-Type: multipart/alternative; b=x\r\n")
    path = tmp_path / "dock.msg"
    path.write_bytes(make_msg("Dock dates", "The dock opens on 9 June.", ("Ben Ode", "ben@kestrel.example"),
                              [], transport_headers=headers))
    [doc] = read_path(path)
    assert doc.date == date(2025, 6, 3) and doc.meta["message_id"] == "abc@kestrel.example"
    assert doc.participants == ("Ben Ode", "ana@tide.example")


def test_ics_invite(tmp_path):
    ics = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\n"
           "UID:qbr-1@kestrel.example\r\nDTSTAMP:20250101T000000Z\r\n"
           "DTSTART:20250506T140000Z\r\nDTEND:20250506T150000Z\r\n"
           "SUMMARY:Kestrel QBR\r\nDESCRIPTION:Agenda: pilot scope and the June go-live.\r\n"
           "LOCATION:Room 4\r\nORGANIZER;CN=Ben Ode:mailto:ben@kestrel.example\r\n"
           "ATTENDEE;CN=Ana Ruiz:mailto:ana@tide.example\r\n"
           "ATTENDEE:mailto:cy@kestrel.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    path = tmp_path / "invite.ics"
    path.write_text(ics, newline="")
    [doc] = read_path(path)
    assert doc.kind is DocumentKind.INVITE
    assert doc.title == "Kestrel QBR" and doc.date == date(2025, 5, 6)
    assert doc.authors == ("Ben Ode",)
    assert doc.participants == ("Ben Ode", "Ana Ruiz", "cy@kestrel.example")
    assert "pilot scope and the June go-live" in doc.text
    assert "Ana Ruiz <ana@tide.example>" in doc.meta["addresses"]


@pytest.mark.parametrize("name,data,reason", [
    ("broken.docx", b"PK\x03\x04 not really a zip", "not a readable Word document"),
    ("broken.msg", b"From: someone\n\nnot OLE", "not an Outlook message"),
    ("empty.ics", b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "no event"),
])
def test_unreadable_files_say_why(tmp_path, name, data, reason):
    from factbook.errors import InputError

    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as raised:
        read_path(path)
    assert reason in str(raised.value) and name in str(raised.value)


def test_file_name_date_is_the_fallback_before_undated(tmp_path):
    dated_inside = "Kestrel expands\n\nPublished: 2025-01-09\n\nKestrel opened a third dock.\n"
    [own] = read_path(write(tmp_path, "2025-02-01 kestrel.txt", dated_inside))
    [named] = read_path(write(tmp_path, "2025-02-01 kestrel note.txt", "Kestrel opened a third dock.\n"))
    [undated] = read_path(write(tmp_path, "kestrel.txt", "Kestrel opened a third dock.\n"))
    assert (own.date, named.date, undated.date) == (date(2025, 1, 9), date(2025, 2, 1), None)


def test_raw_export_is_titled_by_its_first_line_not_by_its_talk(tmp_path):
    text = "Kestrel weekly sync\nDate: 2025-06-02\n\n" + STYLES["meet.txt"]
    [doc] = read_path(write(tmp_path, "export (3).txt", text))
    assert doc.kind is DocumentKind.TRANSCRIPT
    assert doc.title == "Kestrel weekly sync" and doc.date == date(2025, 6, 2)
    assert doc.text.startswith("Ravi Menon: The Brindle order")


def test_an_old_word_file_gets_a_hint(tmp_path):
    from factbook.errors import InputError

    path = tmp_path / "minutes.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0 old word")
    with pytest.raises(InputError) as raised:
        read_path(path)
    assert "unsupported file type '.doc'" in str(raised.value)
    assert "save it as .docx" in raised.value.hint


def test_google_meet_transcript_document(tmp_path):
    text = ("Kestrel weekly (2025-03-04 10:00 GMT) - Transcript\n\nAttendees\n\n"
            "Ana Ruiz, Ben Ode, Ravi Menon\n\nTranscript\n\n" + STYLES["meet.txt"])
    [doc] = read_path(write(tmp_path, "Kestrel weekly - Transcript.txt", text))
    assert doc.kind is DocumentKind.TRANSCRIPT
    assert doc.title == "Kestrel weekly" and doc.date == date(2025, 3, 4)
    assert doc.participants == ("Ravi Menon", "Ana Ruiz", "Ben Ode")
    assert doc.text.startswith("Ravi Menon: The Brindle order") and clean(doc.text)


def test_an_agenda_with_times_is_not_a_transcript(tmp_path):
    text = "Kestrel offsite\n\n09:00 Welcome and coffee\n10:00 Dock roadmap\n11:30 Pricing\n13:00 Lunch\n"
    [doc] = read_path(write(tmp_path, "offsite agenda.txt", text))
    assert doc.kind is DocumentKind.ARTICLE and "10:00 Dock roadmap" in doc.text


def test_every_mail_reader_keeps_the_signature_it_strips(tmp_path):
    eml = ("From: Ben Ode <ben@kestrel.example>\nTo: Ana Ruiz <ana@tide.example>\n"
           "Subject: Dock dates\nDate: Tue, 3 Jun 2025 10:00:00 +0000\nMessage-ID: <d1@kestrel.example>\n\n"
           "The dock opens on 9 June.\n\n-- \nBen Ode\nHead of Operations | Kestrel\n+1 555 0100\n")
    [mail] = read_path(write(tmp_path, "dock.eml", eml))
    assert mail.meta["signature"] == "Ben Ode\nHead of Operations | Kestrel\n+1 555 0100"
    assert mail.text == "The dock opens on 9 June."
    thread = ("From: Ben Ode <ben@kestrel.example>\nSent: Tuesday, June 3, 2025 10:00 AM\n"
              "To: Ana Ruiz <ana@tide.example>\nSubject: Dock dates\n\nThe dock opens on 9 June.\n\n"
              "Best regards,\nBen Ode\nHead of Operations | Kestrel\n")
    [exported] = read_path(write(tmp_path, "dock thread.txt", thread))
    assert exported.kind is DocumentKind.EMAIL
    assert exported.meta["signature"] == "Best regards,\nBen Ode\nHead of Operations | Kestrel"
    assert exported.meta["addresses"].startswith("Ben Ode <ben@kestrel.example>")


@pytest.mark.parametrize("head", ["### Ravi Menon <ravi@kestrel.example> — Jan 20, 2026 8:15 AM",
                                  "## Tue, 20 Jan 2026 08:15 | ravi@kestrel.example",
                                  "## From: Ravi Menon ravi@kestrel.example, 2026-01-20T08:15"])
def test_message_heading_styles(tmp_path, head):
    text = f"# Dock dates\n\n{head}\n> The dock opens in May.\n\n" \
           "## 2026-01-21 09:00 — Ana Ruiz ana@tide.example\n> We ship in June.\n"
    first, second = read_path(write(tmp_path, "2026-01-22_0900_55_Dock_dates.md", text))
    assert first.kind is DocumentKind.EMAIL and first.date == date(2026, 1, 20)
    assert first.participants[0] in ("Ravi Menon", "ravi@kestrel.example")
    assert first.text == "The dock opens in May." and second.authors == ("Ana Ruiz",)


def test_a_short_sentence_above_a_time_is_not_a_speaker(tmp_path):
    text = ("Ravi Menon\n00:03\nThe order is 400 pallets.\nThanks.\n00:09\n"
            "Ana Ruiz\n00:11\nWe ship on 3 March.\n")
    [doc] = read_path(write(tmp_path, "2025-02-24 call.txt", text))
    assert doc.participants == ("Ravi Menon", "Ana Ruiz")
    assert doc.text == "Ravi Menon: The order is 400 pallets. Thanks.\n\nAna Ruiz: We ship on 3 March."
