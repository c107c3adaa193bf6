"""What every reader shares: the reader signature, limits, hashing and text clean-up.

Encoding policy (applies to every byte that enters as text):

* UTF-8, with or without a byte-order mark, is decoded as is; UTF-16 with a
  BOM (what some Windows tools export) is decoded too.
* Bytes that are not valid UTF-8 are tried as Windows-1252 (the usual culprit
  of "smart quotes" in old exports), and accepted only when the result reads
  like text: at most `_MAX_NON_ASCII` of its letters outside ASCII. Anything
  else is refused with an `InputError` naming the first bad byte, rather than
  guessed into garbage.
* Every decoded text then goes through `clean_text`: ftfy repairs mojibake
  ("Itâ€™s" becomes "It’s", curly quotes kept), Unicode is NFC-normalized, line endings become
  "\\n" and control characters are dropped.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

import ftfy

from factbook.errors import InputError
from factbook.models import Document

# A reader turns one file into its documents: most files are one document, an
# mbox is one per message. It raises InputError when the file cannot be read.
Reader = Callable[[Path, bytes], list[Document]]

# Larger files are refused with a clear message: 25 MB holds any realistic
# article, thread or transcript, and keeps one bad file from exhausting memory.
MAX_BYTES = 25 * 1024 * 1024

# A Windows-1252 reading with more than this share of non-ASCII letters is not
# a Western-European text file but something else (binary, another encoding).
_MAX_NON_ASCII = 0.3

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
    """Decode a text file following the module's encoding policy, then `clean_text` it.

    Raises InputError for binary content and for bytes that are neither UTF-8
    nor plausible Windows-1252 text.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return clean_text(data.decode("utf-16"))
        except UnicodeDecodeError as exc:
            raise InputError(str(path), "is not valid UTF-16 text despite its byte-order mark") from exc
    unmarked = _utf16_without_bom(data)
    if unmarked is not None:
        return clean_text(unmarked)
    if looks_binary(data):
        raise InputError(str(path), "is binary, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = _decode_cp1252(path, data, exc.start)
    return clean_text(text)


def _utf16_without_bom(data: bytes) -> str | None:
    """The text of UTF-16 bytes saved without a byte-order mark (some Windows tools do),
    told apart from binary by their NULs: nearly every other byte, on one side, in text
    that decodes cleanly with no control characters. None when it is not that."""
    head = data[:8192]
    if len(head) < 4 or len(head) % 2:
        return None
    for encoding, zeros in (("utf-16-le", head[1::2]), ("utf-16-be", head[0::2])):
        if zeros.count(0) < len(zeros) * 0.6:
            continue
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            return None
        if any(ord(c) < 9 or 13 < ord(c) < 32 for c in text[:4096]):
            return None
        return text
    return None


def _decode_cp1252(path: Path, data: bytes, bad_at: int) -> str:
    reason = f"is not valid UTF-8 (bad byte 0x{data[bad_at]:02x} at offset {bad_at}) " \
             "and does not read as Windows-1252 text either"
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise InputError(str(path), reason, hint="save it as UTF-8") from exc
    letters = [c for c in text if c.isalpha()]
    foreign = sum(1 for c in letters if ord(c) > 127)
    if not letters or foreign > len(letters) * _MAX_NON_ASCII:
        raise InputError(str(path), reason, hint="save it as UTF-8")
    return text


def clean_text(text: str) -> str:
    """Repair encoding damage (ftfy), normalize Unicode and line endings, drop control characters."""
    if not text.isascii():  # mojibake needs non-ASCII characters; skip ftfy's cost otherwise
        # Curly quotes are the author's, not damage: keep them ("It’s" stays "It’s").
        text = ftfy.fix_text(text, normalization="NFC", uncurl_quotes=False)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL.sub("", text)
    return unicodedata.normalize("NFC", text).strip()


def require_text(path: Path, text: str, what: str = "text") -> str:
    """Return `text`, or raise InputError when nothing readable is left in it."""
    if not text or not any(c.isalnum() for c in text):
        raise InputError(str(path), f"has no readable {what}")
    return text
