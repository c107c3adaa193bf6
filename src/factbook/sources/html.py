"""HTML reader: the main text of a page, without navigation, banners, asides or footers.

trafilatura does the work (main-content detection with its own fallback
cascade) and gives title, author, date and site name from the page's
metadata. A page with no main text is refused rather than kept empty.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

import trafilatura
from lxml import html as lxml_html
from lxml.etree import ParserError

from factbook.errors import InputError
from factbook.models import Document, DocumentKind
from factbook.sources.base import clean_text, content_hash, decode_text, require_text
from factbook.sources.dates import find_document_date, parse_date
from factbook.sources.text import title_from_text

log = logging.getLogger(__name__)

# Only dates the page states: never guess from the URL or today's date.
_DATE_PARAMS = {"extensive_search": False, "original_date": True}


def read_html(path: Path, data: bytes) -> list[Document]:
    """Read an HTML page into a WEB document with its main text and metadata."""
    source = decode_text(path, data)
    if "<" not in source:
        raise InputError(str(path), "is not HTML (no markup in it)")
    extracted = trafilatura.bare_extraction(
        source, with_metadata=True, include_comments=False, include_tables=True,
        favor_precision=True, date_extraction_params=_DATE_PARAMS,
    )
    meta = extracted.as_dict() if extracted is not None and hasattr(extracted, "as_dict") \
        else dict(extracted or {})
    body = _paragraphs(meta.get("text") or "")
    if not body:
        log.debug("%s: trafilatura found no main text; falling back to the whole page text", path)
        body = html_to_text(source)
    text = require_text(path, clean_text(body), "main text")
    title = clean_text(str(meta.get("title") or "")) or title_from_text(text, path)
    text = _without_repeated_title(text, title)
    author = clean_text(str(meta.get("author") or ""))
    return [Document(
        path=str(path), sha256=content_hash(data), kind=DocumentKind.WEB, title=title,
        text=require_text(path, text, "main text"),
        date=parse_date(meta.get("date") or "") or find_document_date(text),
        authors=tuple(a.strip() for a in re.split(r";|\band\b", author) if a.strip()),
        publisher=clean_text(str(meta.get("sitename") or "")) or None,
        url=str(meta.get("url") or "") or None, size=len(data),
        meta={k: str(meta[k]) for k in ("description", "hostname") if meta.get(k)},
    )]


def html_to_text(source: str) -> str:
    """Readable text of an HTML fragment (an e-mail body): trafilatura with recall, else all text."""
    extracted = trafilatura.extract(source, favor_recall=True, include_comments=False)
    if extracted and extracted.strip():
        return _paragraphs(extracted)
    try:
        root = lxml_html.fromstring(source)
    except (ParserError, ValueError):
        return ""
    for bad in root.xpath("//script|//style|//head"):
        bad.drop_tree()
    return re.sub(r"\n\s*\n+", "\n\n", root.text_content()).strip()


def _paragraphs(text: str) -> str:
    # trafilatura separates paragraphs with one newline; a blank line reads better in notes.
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def _without_repeated_title(text: str, title: str) -> str:
    first, _, rest = text.partition("\n\n")
    if title and first.strip() == title.strip() and rest.strip():
        return rest
    return text
