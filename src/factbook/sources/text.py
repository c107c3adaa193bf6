"""Plain text and Markdown readers.

A Markdown file (or a .txt saved from a vault) whose front matter says
`type: account|person|project` is an existing entity note: it is returned as a
`NOTE` document carrying its front matter, to be adopted rather than ingested.
"""
from __future__ import annotations

import re
from pathlib import Path

from factbook.models import Document, DocumentKind
from factbook.sources.base import content_hash, decode_text
from factbook.sources.dates import find_document_date
from factbook.sources.frontmatter import split_front_matter

_HEADING = re.compile(r"^#{1,6}\s+")
_TITLE_MAX = 120
_SHORT_TITLE = 80


def read_text_document(path: Path, data: bytes) -> Document:
    """Read a .txt file; one that starts with YAML front matter is read as Markdown."""
    text = decode_text(path, data)
    if text.startswith("---"):
        return _markdown(path, data, text)
    return _plain(path, data, text, DocumentKind.ARTICLE)


def read_markdown_document(path: Path, data: bytes) -> Document:
    """Read a Markdown file with optional YAML front matter."""
    return _markdown(path, data, decode_text(path, data))


def _markdown(path: Path, data: bytes, text: str) -> Document:
    meta, body = split_front_matter(path, text)
    if not meta:
        return _plain(path, data, body, DocumentKind.ARTICLE)
    note_type = str(meta.get("type", "")).strip().lower()
    kind = DocumentKind.NOTE if note_type in {"account", "person", "project", "organization",
                                               "company"} else DocumentKind.ARTICLE
    title = str(meta.get("title") or meta.get("name") or "") or title_from_text(body, path)
    if kind is DocumentKind.NOTE:
        title = f"{title} (existing {note_type} note)"
    when = find_document_date(str(meta.get("date") or meta.get("created") or "")) \
        or find_document_date(body)
    authors = meta.get("author") or meta.get("authors") or ()
    if isinstance(authors, str):
        authors = (authors,)
    return Document(
        path=str(path), sha256=content_hash(data), kind=kind, title=title, text=body,
        date=when, authors=tuple(str(a) for a in authors),
        publisher=_str_or_none(meta.get("publisher") or meta.get("source")),
        url=_str_or_none(meta.get("url")), front_matter=dict(meta), size=len(data),
    )


def _plain(path: Path, data: bytes, text: str, kind: DocumentKind) -> Document:
    return Document(
        path=str(path), sha256=content_hash(data), kind=kind,
        title=title_from_text(text, path), text=text, date=find_document_date(text),
        size=len(data),
    )


def title_from_text(text: str, path: Path) -> str:
    """A document's title: its first line when that reads like a headline, else the
    opening words of its first paragraph, else the file name."""
    for line in text.splitlines():
        line = _HEADING.sub("", line).strip()
        if not line:
            continue
        if len(line) <= _TITLE_MAX and not line.endswith((".", ",", ";")):
            return line
        return shorten(line, _SHORT_TITLE)
    return path.stem


def shorten(text: str, limit: int) -> str:
    """Cut `text` at a word boundary to at most `limit` characters, marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:—- ") + "…"


def _str_or_none(value: object) -> str | None:
    return str(value) if value else None
