"""Bad input: each broken file gets one clear message naming it and the reason; the good
files next to it are all read.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from factbook.errors import InputError
from factbook.sources import iter_files, read_path

GOOD = {
    "good.txt": "Orchard Analytics opened an office in Leeds on 2 May 2024.",
    "good.md": "# Kestrel Bank\n\nKestrel Bank arranged a $9 million credit line for Tidewater Freight.",
}


def _mime_with_attachment_only() -> bytes:
    return (b"From: Owen Marsh <owen@kestrel.example>\nSubject: Scan\nDate: Mon, 7 Apr 2025 10:00:00 +0000\n"
            b"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=XX\n\n--XX\n"
            b"Content-Type: application/pdf\nContent-Disposition: attachment; filename=scan.pdf\n"
            b"Content-Transfer-Encoding: base64\n\nJVBERi0xLjQK\n--XX--\n")


# name, content (bytes, or a callable taking the pdf maker), expected reason
CASES = [
    ("empty.txt", b"", "is empty"),
    ("blank.md", b"  \n\t\n ", "is empty (only whitespace)"),
    ("picture.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "is binary, not text"),
    ("nul.md", b"Harborline\x00Foods\x00", "is binary, not text"),
    ("controls.txt", bytes([1, 2, 3, 4, 5, 6, 14, 15, 16]) * 20, "is binary, not text"),
    ("photo.jpg", b"\xff\xd8\xff\xe0JFIF", "has an unsupported file type '.jpg'"),
    ("README", b"No extension here.", "has an unsupported file type '(none)'"),
    ("report.pdf", b"Just text saved with the wrong extension.",
     "is not a PDF (no %PDF header)"),
    ("noise.txt", bytes(range(0xC0, 0xFF)) * 4,
     "is not valid UTF-8 (bad byte 0xc0 at offset 0) and does not read as Windows-1252 text either"),
    ("undefined.txt", b"Total \x81\x8d\x8f\x90\x9d due",
     "is not valid UTF-8 (bad byte 0x81 at offset 6) and does not read as Windows-1252 text either"),
    ("truncated.pdf", lambda pdf: pdf([["Some text here."]])[:-40],
     "is a truncated PDF (its end-of-file marker is missing)"),
    ("scan.pdf", lambda pdf: pdf([[]]), "has no text layer (1 page(s) of images only?)"),
    ("damaged.pdf", b"%PDF-1.4\ngarbage garbage\n%%EOF\n",
     "is a damaged PDF (PdfReadError: startxref not found)"),
    ("malformed.eml", b"just some words\nwith no headers at all\n",
     "is not an e-mail message (no From, Date, Subject or Message-ID header)"),
    ("nobody.eml", b"From: a@harborline.example\nSubject: hi\nDate: Mon, 7 Apr 2025 10:00:00 +0000\n\n",
     "is an e-mail with an empty body"),
    ("attachment.eml", _mime_with_attachment_only(),
     "is an e-mail with no text body (no text/plain or text/html part)"),
    ("signature_only.eml", b"From: a@harborline.example\nSubject: hi\n\n-- \nOwen Marsh\nKestrel Bank\n",
     "is an e-mail whose body is empty once quotes and signature are removed"),
    ("zero.mbox", b"", "is empty"),
    ("notmbox.mbox", b"This is a note, not a mailbox.\n",
     'contains no messages (no "From " separator lines)'),
    ("allbad.mbox", b"From x Mon Jan  1 00:00:00 2024\njust words, no headers\n",
     "has no readable message (is not an e-mail message (no From, Date, Subject or Message-ID header))"),
    ("binary.eml", b"\x00\x01\x02binary", "is binary, not an e-mail message"),
    ("nocues.vtt", b"WEBVTT\n\n", "has no cues (an empty transcript)"),
    ("noheader.vtt", b"00:00:01.000 --> 00:00:02.000\nHello\n",
     "is not a WebVTT file (it does not start with WEBVTT)"),
    ("broken.srt", b"hello there\nno numbers at all\n",
     "is a malformed SRT file (subtitle block 2 cannot be parsed)"),
    ("silent.srt", b"1\n00:00:01,000 --> 00:00:02,000\n\n", "has no subtitles (an empty transcript)"),
    ("script.html", b"<html><body><script>var x = 1;</script></body></html>", "has no readable main text"),
    ("plain.html", b"Not markup at all, just words.", "is not HTML (no markup in it)"),
    ("frontmatter.md", b"---\ntitle: [unclosed\n---\nBody words.\n",
     "has front matter that is not valid YAML (ParserError)"),
    ("headeronly.md", b"---\ntitle: Only a header\n---\n", "has no text after its front matter"),
]


def _read_all(paths: list[Path], max_bytes: int | None = None) -> tuple[list, list[InputError]]:
    documents, errors = [], []
    for path in paths:
        try:
            documents.extend(read_path(path) if max_bytes is None else read_path(path, max_bytes))
        except InputError as exc:
            errors.append(exc)
    return documents, errors


def _with_good_files(folder: Path) -> None:
    for name, text in GOOD.items():
        (folder / name).write_text(text, encoding="utf-8")


def test_corpus_has_at_least_twenty_cases():
    assert len(CASES) >= 20


@pytest.mark.parametrize("name,content,reason", CASES, ids=[c[0] for c in CASES])
def test_bad_file_gets_one_clear_line(tmp_path, pdf_bytes, name, content, reason):
    _with_good_files(tmp_path)
    bad = tmp_path / name
    bad.write_bytes(content(pdf_bytes) if callable(content) else content)
    documents, errors = _read_all(list(iter_files([tmp_path])))
    assert [str(e) for e in errors] == [f"{bad}: {reason}"]
    assert errors[0].path == str(bad) and errors[0].reason == reason
    assert sorted(Path(d.path).name for d in documents) == sorted(GOOD)


def test_oversized_file(tmp_path):
    _with_good_files(tmp_path)
    big = tmp_path / "big.txt"
    big.write_text("word " * 100)
    documents, errors = _read_all(list(iter_files([tmp_path])), max_bytes=200)
    assert [str(e) for e in errors] == [f"{big}: is 500 bytes, over the 200-byte limit"]
    assert errors[0].hint and "max_file_bytes" in errors[0].hint
    assert sorted(Path(d.path).name for d in documents) == sorted(GOOD)


def test_directory_named_like_a_file(tmp_path):
    folder = tmp_path / "minutes.txt"
    folder.mkdir()
    with pytest.raises(InputError) as err:
        read_path(folder)
    assert str(err.value) == f"{folder}: is a directory, not a file"


def test_broken_symlink(tmp_path):
    _with_good_files(tmp_path)
    link = tmp_path / "gone.txt"
    link.symlink_to(tmp_path / "missing.txt")
    documents, errors = _read_all([tmp_path / n for n in GOOD] + [link])
    assert [str(e) for e in errors] == [f"{link}: cannot be read (No such file or directory)"]
    assert len(documents) == 2


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file(tmp_path):
    locked = tmp_path / "locked.txt"
    locked.write_text("secret")
    locked.chmod(0)
    try:
        with pytest.raises(InputError) as err:
            read_path(locked)
        assert str(err.value) == f"{locked}: cannot be read (Permission denied)"
    finally:
        locked.chmod(0o600)


def test_mbox_with_one_bad_message_keeps_the_others(tmp_path):
    box = tmp_path / "mixed.mbox"
    box.write_bytes(b"From x Mon Jan  1 00:00:00 2024\nFrom: Owen Marsh <owen@kestrel.example>\n"
                    b"Subject: Credit line\n\nThe line is approved.\n\n"
                    b"From y Mon Jan  1 00:00:00 2024\nFrom: a@b.example\nSubject: empty\n\n\n")
    [doc] = read_path(box)
    assert doc.path == f"{box}#1" and "approved" in doc.text


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_text_not_binary(tmp_path, encoding):
    path = tmp_path / "call notes.txt"
    path.write_bytes("Harwick Ferries will add 12 vessels in 2027, Søren said.\n".encode(encoding))
    [document] = read_path(path)
    assert "Harwick Ferries will add 12 vessels in 2027, Søren said." in document.text


def test_binary_with_many_nuls_is_still_binary(tmp_path):
    path = tmp_path / "blob.txt"
    path.write_bytes(bytes([0, 1, 2, 3, 0, 7, 0, 5]) * 64)
    with pytest.raises(InputError, match="binary"):
        read_path(path)
