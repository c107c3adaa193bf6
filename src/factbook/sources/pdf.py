"""PDF reader: the text layer, page by page, and the document's metadata (pypdf).

A PDF without a text layer (a scan) is refused with a hint to run OCR; a
truncated, damaged or password-protected PDF gets its own clear reason.
"""
from __future__ import annotations

import io
import logging
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from factbook.errors import InputError
from factbook.models import Document, DocumentKind
from factbook.sources.base import clean_text, content_hash
from factbook.sources.dates import find_document_date, parse_date
from factbook.sources.text import title_from_text

log = logging.getLogger(__name__)

# pypdf quietly "repairs" a file cut short and returns part of it; a PDF whose
# end-of-file marker is missing from its tail is refused instead, since
# silently losing its last pages would be worse than a clear message.
_TAIL = 2048


def read_pdf(path: Path, data: bytes) -> list[Document]:
    """Read a PDF's text layer into a PDF document."""
    if b"%PDF-" not in data[:1024]:
        raise InputError(str(path), "is not a PDF (no %PDF header)")
    if b"%%EOF" not in data[-_TAIL:]:
        raise InputError(str(path), "is a truncated PDF (its end-of-file marker is missing)")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError(str(path), "is a password-protected PDF",
                             hint="save an unprotected copy")
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except InputError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(str(path), f"is a damaged PDF ({exc.__class__.__name__}: "
                                    f"{str(exc)[:100]})") from exc
    text = clean_text("\n\n".join(p.strip() for p in pages if p.strip()))
    if not any(c.isalnum() for c in text):
        raise InputError(str(path), f"has no text layer ({len(pages)} page(s) of images only?)",
                         hint="run OCR on it first (for example ocrmypdf)")
    title = clean_text(str(info.title or "")) if info else ""
    author = clean_text(str(info.author or "")) if info else ""
    created = _pdf_date(info)
    return [Document(
        path=str(path), sha256=content_hash(data), kind=DocumentKind.PDF,
        title=title or title_from_text(text, path), text=text,
        date=find_document_date(text) or created, authors=(author,) if author else (),
        meta={"pages": str(len(pages))}, size=len(data),
    )]


def _pdf_date(info: object) -> object:
    if info is None:
        return None
    try:
        return parse_date(info.creation_date)  # type: ignore[attr-defined]
    except (ValueError, TypeError, AttributeError):
        raw = str(getattr(info, "get", lambda _k: "")("/CreationDate") or "")
        return parse_date(raw[2:10]) if raw.startswith("D:") else None
