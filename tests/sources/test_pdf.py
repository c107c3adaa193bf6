"""PDF reader: the text layer and metadata of a real (small) PDF written by the test."""
from __future__ import annotations

from datetime import date

from factbook.models import DocumentKind
from factbook.sources import read_path


def test_text_layer_and_metadata(tmp_path, pdf_bytes):
    path = tmp_path / "review.pdf"
    path.write_bytes(pdf_bytes([["Quarterly review: Harborline Foods", "Date: 2025-03-04",
                                "Revenue grew 12% to $3.4 million."], ["Page two says more."]],
                              title="Harborline review", author="Marta Ilves"))
    [doc] = read_path(path)
    assert doc.kind is DocumentKind.PDF
    assert doc.title == "Harborline review"
    assert doc.authors == ("Marta Ilves",)
    assert doc.date == date(2025, 3, 4)
    assert "Revenue grew 12% to $3.4 million." in doc.text
    assert "Page two says more." in doc.text
    assert doc.meta["pages"] == "2"
    assert doc.sha256 and doc.size == path.stat().st_size


def test_title_from_first_line_when_metadata_has_none(tmp_path, pdf_bytes):
    path = tmp_path / "memo.pdf"
    path.write_bytes(pdf_bytes([["Kestrel Bank credit memo", "The credit line is $9 million."]]))
    [doc] = read_path(path)
    assert doc.title == "Kestrel Bank credit memo"
