"""Word documents (`.docx`), read with python-docx.

The body (paragraphs and tables, in order) becomes Markdown-like text: Word
headings become "#" headings, list paragraphs "- " bullets, table rows
"a | b | c" lines. That text then goes through the same content sniffing as a
`.txt` or `.md` file (sources/text.py), so a transcript, meeting notes or a mail
export saved from Word gets its kind, speakers and date like any other. The
document's title property is used when the text has no headline of its own.
"""
from __future__ import annotations

import zipfile
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import docx  # python-docx
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph

from factbook.errors import InputError
from factbook.models import Document
from factbook.sources.base import clean_text, require_text
from factbook.sources.text import documents_from_text


def read_docx(path: Path, data: bytes) -> list[Document]:
    """Read a .docx file into its documents (one, or one per message of a mail export)."""
    try:
        word = docx.Document(BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise InputError(str(path), "is not a readable Word document (.docx)",
                         hint="an old .doc file must be saved as .docx first") from exc
    text = require_text(path, clean_text("\n".join(_lines(word))), "text in its Word body")
    documents = documents_from_text(path, data, text)
    title = (word.core_properties.title or "").strip()
    if title:
        documents = [replace(d, title=title, meta={k: v for k, v in d.meta.items()
                                                   if k != "title_made_up"})
                     if d.meta.get("title_made_up") else d for d in documents]
    return documents


def _lines(word: docx.document.Document) -> list[str]:
    """The body's paragraphs and table rows, in document order, as Markdown-like lines."""
    lines: list[str] = []
    for block in word.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(_paragraph(block))
        elif isinstance(block, Table):
            for row in block.rows:
                cells = [cell.text.strip() for cell in row.cells]
                lines.append(" | ".join(dict.fromkeys(c for c in cells if c)))
            lines.append("")
    return lines


def _paragraph(paragraph: Paragraph) -> str:
    text = paragraph.text.strip()
    style = (paragraph.style.name if paragraph.style is not None else "").lower()
    if not text:
        return ""
    if style == "title":
        return f"# {text}"
    if style.startswith("heading"):
        level = "".join(c for c in style if c.isdigit()) or "1"
        return f"{'#' * min(int(level), 6)} {text}"
    if "list" in style:
        return f"- {text}"
    return text
