"""Outlook messages (`.msg`): an OLE compound file of MAPI properties, read with olefile.

The message is turned back into an RFC 5322 message and read by the `.eml`
reader (sources/email.py), so a `.msg` gets exactly what an `.eml` gets:
participants, authors, `meta["addresses"]`, `meta["signature"]`, the thread keys,
quotes and signature stripped. The headers come from the transport headers Outlook
keeps for received mail (PR_TRANSPORT_MESSAGE_HEADERS), else from the sender,
recipient, subject and submit-time properties (drafts and sent items have no
transport headers). The body is the plain-text property, else the HTML one.
"""
from __future__ import annotations

import re
import struct
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, formataddr
from pathlib import Path

import olefile

from factbook.errors import InputError
from factbook.models import Document
from factbook.sources.email import message_document
from factbook.sources.html import html_to_text

# MAPI property ids (MS-OXPROPS) and the stream name of a property: id + type.
_SUBJECT, _BODY, _HTML, _HEADERS = 0x0037, 0x1000, 0x1013, 0x007D
_SENDER_NAME, _SENDER_ADDRESS, _SENDER_SMTP = 0x0C1A, 0x0C1F, 0x5D01
_MESSAGE_ID, _IN_REPLY_TO = 0x1035, 0x1042
_RECIP_NAME, _RECIP_ADDRESS, _RECIP_SMTP, _RECIP_TYPE = 0x3001, 0x3003, 0x39FE, 0x0C15
_SUBMIT_TIME, _DELIVERY_TIME = 0x0039, 0x0E06
_UNICODE, _STRING8, _BINARY, _SYSTIME, _LONG = 0x001F, 0x001E, 0x0102, 0x0040, 0x0003
_RECIPIENT = re.compile(r"^__recip_version1\.0_#[0-9A-Fa-f]{8}$")
# The fixed-size property stream starts with a header: 32 bytes for the message, 8 for a recipient.
_TOP_HEADER, _RECIP_HEADER, _ENTRY = 32, 8, 16
_FILETIME_EPOCH = datetime(1601, 1, 1, tzinfo=timezone.utc)
_MIME_HEADER = re.compile(r"^(?:content-[\w-]+|mime-version)\s*:.*(?:\n[ \t].*)*\n?", re.I | re.M)


def read_msg(path: Path, data: bytes) -> list[Document]:
    """Read one Outlook `.msg` message."""
    if not olefile.isOleFile(data=data):
        raise InputError(str(path), "is not an Outlook message (not an OLE compound file)")
    try:
        with olefile.OleFileIO(data) as ole:
            raw = _rfc822(path, ole)
    except (OSError, struct.error, ValueError) as exc:
        raise InputError(str(path), f"is a damaged Outlook message ({exc.__class__.__name__})") from exc
    return [message_document(str(path), raw, str(path))]


def _rfc822(path: Path, ole: olefile.OleFileIO) -> bytes:
    """The message as RFC 5322 bytes: headers (transport, else rebuilt), then the text body."""
    body = _string(ole, [], _BODY)
    if not body:
        html = _stream(ole, [], _HTML, _BINARY)
        body = html_to_text(html.decode("utf-8", errors="replace")) if html else ""
    if not body.strip():
        raise InputError(str(path), "is an Outlook message with no text body (RTF-only or empty)")
    headers = _string(ole, [], _HEADERS)
    if headers.strip():
        headers = _MIME_HEADER.sub("", headers.replace("\r\n", "\n")).strip()
    else:
        headers = _rebuilt_headers(ole)
    head = headers + "\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n" \
                     "Content-Transfer-Encoding: 8bit\n"
    return head.encode("utf-8") + b"\n" + body.replace("\r\n", "\n").encode("utf-8")


def _rebuilt_headers(ole: olefile.OleFileIO) -> str:
    sender = formataddr((_string(ole, [], _SENDER_NAME),
                         _string(ole, [], _SENDER_SMTP) or _string(ole, [], _SENDER_ADDRESS)))
    to, cc = _recipients(ole)
    lines = [f"From: {sender}", f"To: {', '.join(to)}" if to else "",
             f"Cc: {', '.join(cc)}" if cc else "", f"Subject: {_string(ole, [], _SUBJECT)}"]
    sent = _time(ole, [], _SUBMIT_TIME) or _time(ole, [], _DELIVERY_TIME)
    if sent:
        lines.append(f"Date: {format_datetime(sent)}")
    for key, prop in (("Message-ID", _MESSAGE_ID), ("In-Reply-To", _IN_REPLY_TO)):
        value = _string(ole, [], prop)
        if value:
            lines.append(f"{key}: {value}")
    return "\n".join(line for line in lines if line)


def _recipients(ole: olefile.OleFileIO) -> tuple[list[str], list[str]]:
    """("Name <address>" of the To recipients, of the Cc ones); Bcc left out."""
    storages = sorted({entry[0] for entry in ole.listdir(streams=True, storages=True)
                       if entry and _RECIPIENT.match(entry[0])})
    to: list[str] = []
    cc: list[str] = []
    for storage in storages:
        name = _string(ole, [storage], _RECIP_NAME)
        address = _string(ole, [storage], _RECIP_SMTP) or _string(ole, [storage], _RECIP_ADDRESS)
        kind = _long(ole, [storage], _RECIP_TYPE)
        if kind == 3 or not (name or address):
            continue
        (cc if kind == 2 else to).append(formataddr((name, address)))
    return to, cc


def _stream(ole: olefile.OleFileIO, parent: list[str], prop: int, kind: int) -> bytes:
    name = parent + [f"__substg1.0_{prop:04X}{kind:04X}"]
    return ole.openstream(name).read() if ole.exists("/".join(name)) else b""


def _string(ole: olefile.OleFileIO, parent: list[str], prop: int) -> str:
    """A string property, stored as UTF-16 (PT_UNICODE) or 8-bit (PT_STRING8)."""
    unicode = _stream(ole, parent, prop, _UNICODE)
    if unicode:
        return unicode.decode("utf-16-le", errors="replace").rstrip("\x00").strip()
    narrow = _stream(ole, parent, prop, _STRING8)
    return narrow.decode("cp1252", errors="replace").rstrip("\x00").strip()


def _fixed(ole: olefile.OleFileIO, parent: list[str], prop: int, kind: int) -> bytes | None:
    """The 8-byte value of a fixed-size property from the `__properties_version1.0` stream."""
    name = "/".join(parent + ["__properties_version1.0"])
    if not ole.exists(name):
        return None
    table = ole.openstream(name).read()
    start = _RECIP_HEADER if parent else _TOP_HEADER
    wanted = (prop << 16) | kind
    for offset in range(start, len(table) - _ENTRY + 1, _ENTRY):
        tag, _flags = struct.unpack_from("<II", table, offset)
        if tag == wanted:
            return table[offset + 8: offset + 16]
    return None


def _time(ole: olefile.OleFileIO, parent: list[str], prop: int) -> datetime | None:
    value = _fixed(ole, parent, prop, _SYSTIME)
    if not value:
        return None
    (ticks,) = struct.unpack("<Q", value)
    return _FILETIME_EPOCH + timedelta(microseconds=ticks // 10) if ticks else None


def _long(ole: olefile.OleFileIO, parent: list[str], prop: int) -> int | None:
    value = _fixed(ole, parent, prop, _LONG)
    return struct.unpack_from("<i", value)[0] if value else None
