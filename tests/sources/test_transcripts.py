"""Transcript readers: WebVTT, SRT and "Name: text" lines; labels are never people."""
from __future__ import annotations

from datetime import date

import pytest

from factbook.models import DocumentKind
from factbook.sources import read_path
from factbook.sources.speakers import is_speaker_label

VTT = "2025-03-04 Harborline weekly sync.vtt"
SRT = "2025-02-10 Brightwater kickoff.srt"


def test_vtt_turns_speakers_and_date(fixtures):
    [doc] = read_path(fixtures / "transcripts" / VTT)
    assert doc.kind is DocumentKind.TRANSCRIPT
    assert doc.participants == ("Priya Raman", "Tomas Berg")
    assert doc.date == date(2025, 3, 4)
    assert doc.title == "Harborline weekly sync"
    assert "Priya Raman: Good morning everyone, let's start with the Harborline Foods Inc. cold-chain pilot. " \
           "Tidewater Freight has 42" in doc.text  # consecutive cues merged into one turn
    assert "Speaker 1: I'll book the rehearsal room" in doc.text  # what a label said is kept
    assert "-->" not in doc.text and "<v" not in doc.text


def test_srt_name_prefixes(fixtures):
    [doc] = read_path(fixtures / "transcripts" / SRT)
    assert doc.participants == ("Dana Whitlow", "Tomas Berg")
    assert doc.date == date(2025, 2, 10)
    assert "Tomas Berg: I'll draft the site survey by Friday." in doc.text
    assert "Malmö" in doc.text


def test_speaker_lines_text(fixtures):
    [doc] = read_path(fixtures / "transcripts" / "call_notes.txt")
    assert doc.kind is DocumentKind.TRANSCRIPT
    assert doc.participants == ("Dana Whitlow", "Marta Ilves")


def test_otter_style_speaker_headings(tmp_path):
    path = tmp_path / "2025-04-01 crew call.txt"
    path.write_text("Owen Marsh  0:02\nThe credit line is approved.\n\n"
                    "Speaker 2  0:09\nGood news.\n\nRuth Okafor  0:15\nI'll tell the desk.\n")
    [doc] = read_path(path)
    assert doc.kind is DocumentKind.TRANSCRIPT
    assert doc.participants == ("Owen Marsh", "Ruth Okafor")
    assert "Owen Marsh: The credit line is approved." in doc.text


@pytest.mark.parametrize("label", ["Speaker 1", "SPEAKER_00", "Unknown", "speaker-2", "Guest 3",
                                   "Unknown Speaker", "Participant 4", "[Speaker 5]", "Spk 1"])
def test_labels_are_not_people(label):
    assert is_speaker_label(label)


@pytest.mark.parametrize("name", ["Priya Raman", "Tomas", "Dana Whitlow", "Guestrin"])
def test_names_are_people(name):
    assert not is_speaker_label(name)
