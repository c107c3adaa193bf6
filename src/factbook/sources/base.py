"""What every reader shares: the reader signature, limits, hashing and text clean-up."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import ftfy

from factbook.errors import InputError
from factbook.models import Document

Reader = Callable[[Path, bytes], Document]

# Larger files are refused with a clear message: 25 MB holds any realistic
# article, thread or transcript, and keeps one bad file from exhausting memory.
MAX_BYTES = 25 * 1024 * 1024

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def content_hash(data: bytes) -> str:
    """The sha256 of a file's bytes: a document's identity."""
    return hashlib.sha256(data).hexdigest()


def looks_binary(data: bytes) -> bool:
    """True for bytes that are not text: NULs, or mostly control characters."""
    head = data[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return controls > len(head) * 0.05


def decode_text(path: Path, data: bytes) -> str:
    """Decode a text file: UTF-8 (with or without BOM), then cp1252 as a last resort,
    refusing binary content; mojibake is repaired and line endings normalized."""
    if looks_binary(data):
        raise InputError(str(path), "is binary, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise InputError(str(path), f"is not valid UTF-8 text (byte {exc.start})") from exc
    return clean_text(text)


def clean_text(text: str) -> str:
    """Repair encoding damage (ftfy), normalize Unicode and line endings, drop control characters."""
    if not text.isascii():  # mojibake needs non-ASCII characters; skip ftfy's cost otherwise
        text = ftfy.fix_text(text, normalization="NFC")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text).strip()
