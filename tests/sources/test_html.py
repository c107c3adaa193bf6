"""HTML reader: main text without page furniture, and the page's metadata."""
from __future__ import annotations

from datetime import date

from factbook.models import DocumentKind
from factbook.sources import read_path


def test_article_main_text_and_metadata(fixtures):
    [doc] = read_path(fixtures / "html" / "harborline_article.html")
    assert doc.kind is DocumentKind.WEB
    assert doc.title == "Harborline Foods picks Tidewater Freight for cold-chain pilot"
    assert doc.authors == ("Elena Voss",)
    assert doc.date == date(2025, 3, 4)
    assert doc.publisher == "Coastal Ledger"
    assert "42 refrigerated trucks" in doc.text
    assert "Harborline’s chief operating officer" in doc.text  # curly apostrophe kept


def test_page_furniture_is_left_out(fixtures):
    [doc] = read_path(fixtures / "html" / "harborline_article.html")
    for furniture in ("cookie", "Subscribe now", "Related stories", "Five trends",
                      "All rights reserved", "Privacy policy", "Markets"):
        assert furniture not in doc.text, furniture


def test_paragraphs_are_separated_by_blank_lines(fixtures):
    [doc] = read_path(fixtures / "html" / "harborline_article.html")
    assert len(doc.text.split("\n\n")) >= 3


def test_page_without_metadata_falls_back_to_text(tmp_path):
    page = tmp_path / "bare.html"
    page.write_text("<html><body><p>Orchard Analytics opened an office in Leeds on 2 May 2024, "
                    "hiring forty engineers for its forecasting team.</p></body></html>")
    [doc] = read_path(page)
    assert "forty engineers" in doc.text
    assert doc.title
    assert doc.authors == ()
