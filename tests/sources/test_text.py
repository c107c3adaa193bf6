"""Text and Markdown: encoding repair, the invalid-UTF-8 policy and content sniffing."""
from __future__ import annotations

import pytest

from factbook.errors import InputError
from factbook.models import DocumentKind
from factbook.sources import read_path
from factbook.sources.base import clean_text, decode_text

MOJIBAKE_MARKERS = ("â€", "Ã", "Â", "â‚¬")


def test_mojibake_is_repaired(fixtures):
    [doc] = read_path(fixtures / "text" / "mojibake.txt")
    assert "Harborline Foods’ new warehouse" in doc.text
    assert "the company’s largest" in doc.text
    assert "“cold-chain first”" in doc.text
    assert "€12 million" in doc.text
    assert not any(marker in doc.text for marker in MOJIBAKE_MARKERS)


def test_clean_text_keeps_curly_quotes_and_repairs():
    assert clean_text("Brightwaterâ€™s plan") == "Brightwater’s plan"
    assert clean_text("line one\r\nline two\x07") == "line one\nline two"


def test_windows_1252_file_is_accepted(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes("Caf\u00e9 Lumen’s r\u00e9sum\u00e9 of the quarter.".encode("cp1252"))
    assert decode_text(path, path.read_bytes()) == "Café Lumen’s résumé of the quarter."


def test_random_high_bytes_are_refused(tmp_path):
    path = tmp_path / "noise.txt"
    data = bytes(range(0xC0, 0xFF)) * 4
    with pytest.raises(InputError) as err:
        decode_text(path, data)
    assert "is not valid UTF-8" in err.value.reason
    assert "Windows-1252" in err.value.reason


def test_utf16_with_bom(tmp_path):
    path = tmp_path / "export.txt"
    path.write_bytes("Kestrel Bank raised its forecast.".encode("utf-16"))
    [doc] = read_path(path)
    assert doc.text == "Kestrel Bank raised its forecast."


def test_plain_article(tmp_path):
    path = tmp_path / "note.txt"
    path.write_text("Orchard Analytics hires in Leeds\n\nThe company said on 2 May 2024 it hired forty engineers.")
    [doc] = read_path(path)
    assert doc.kind is DocumentKind.ARTICLE
    assert doc.title == "Orchard Analytics hires in Leeds"


def test_vault_note_is_adopted(tmp_path):
    path = tmp_path / "Harborline Foods.md"
    path.write_text("---\ntype: account\nname: Harborline Foods\n---\n# Harborline Foods\n\n## Key Facts\n")
    [doc] = read_path(path)
    assert doc.kind is DocumentKind.NOTE
    assert doc.front_matter["name"] == "Harborline Foods"


def test_sniffing_picks_the_kind(fixtures):
    assert read_path(fixtures / "email" / "thread_export.txt")[0].kind is DocumentKind.EMAIL
    assert read_path(fixtures / "transcripts" / "call_notes.txt")[0].kind is DocumentKind.TRANSCRIPT
    notes = fixtures / "notes" / "2025-03-06 Harborline QBR.md"
    assert read_path(notes)[0].kind is DocumentKind.MEETING_NOTES


def test_meeting_notes_metadata(fixtures):
    [doc] = read_path(fixtures / "notes" / "2025-03-06 Harborline QBR.md")
    assert doc.title == "Harborline QBR"
    assert str(doc.date) == "2025-03-06"
    assert doc.participants == ("Priya Raman", "Marta Ilves")  # "Speaker 3" is not a person
    assert "## Action items" in doc.text  # structure kept for the extractor
