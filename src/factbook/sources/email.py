"""E-mail readers: `.eml` files and `.mbox` mailboxes (one document per message).

Parsed with the standard library (`email`, policy=default). The body is the
text/plain part, or the HTML part turned into text when there is none; quoted
replies and signatures are removed (see `mailtext`). Headers give the
participants (From/To/Cc), authors (From), date, title (Subject without
Re:/Fwd:) and the thread keys in `meta`: "message_id", "in_reply_to" and
"thread_id" (the root of the References chain, else the message itself).
"""
from __future__ import annotations

import email
import email.policy
import logging
import re
from email.message import EmailMessage
from pathlib import Path

from factbook.errors import InputError
from factbook.models import Document, DocumentKind
from factbook.sources.base import clean_text, content_hash, looks_binary
from factbook.sources.dates import parse_date
from factbook.sources.html import html_to_text
from factbook.sources.mailtext import split_body
from factbook.sources.thread_export import subject_title

log = logging.getLogger(__name__)

_ESSENTIAL = ("from", "date", "subject", "message-id")
_MSG_ID = re.compile(r"<([^<>\s]+)>")
# An mbox message starts at a "From " line at the top of the file or after a blank line.
_FROM_LINE = re.compile(rb"^From \S+.*$")


def read_eml(path: Path, data: bytes) -> list[Document]:
    """Read one `.eml` message."""
    if looks_binary(data):
        raise InputError(str(path), "is binary, not an e-mail message")
    return [message_document(str(path), data, str(path))]


def read_mbox(path: Path, data: bytes) -> list[Document]:
    """Read every message of an mbox; path of each is "box.mbox#N" (1-based).

    A message that cannot be read is skipped with a warning; when none can be,
    the whole file is refused.
    """
    if looks_binary(data):
        raise InputError(str(path), "is binary, not an mbox mailbox")
    raws = split_mbox(data)
    if not raws:
        raise InputError(str(path), "contains no messages (no \"From \" separator lines)")
    documents, failures = [], []
    for number, raw in enumerate(raws, start=1):
        try:
            documents.append(message_document(f"{path}#{number}", raw, str(path)))
        except InputError as exc:
            failures.append(exc)
            log.warning("%s", exc)
    if not documents:
        raise InputError(str(path), f"has no readable message ({failures[0].reason})")
    return documents


def split_mbox(data: bytes) -> list[bytes]:
    """The raw bytes of each message in an mbox, without its "From " separator line."""
    data = data.replace(b"\r\n", b"\n")
    messages: list[list[bytes]] = []
    previous_blank = True
    for line in data.split(b"\n"):
        if previous_blank and _FROM_LINE.match(line):
            messages.append([])
        elif messages:
            # mboxrd quoting: ">From " in a body was written for "From ".
            messages[-1].append(line[1:] if re.match(rb"^>+From ", line) else line)
        previous_blank = not line.strip()
    return [b"\n".join(lines).strip(b"\n") + b"\n" for lines in messages if any(lines)]


# RFC 5322 caps a line at 998 characters; the stdlib header parser needs hundreds of
# bytes of memory per header byte, so longer lines are cut and the block is capped.
MAX_HEADER_LINE = 998
MAX_HEADER_BLOCK = 64 * 1024


def bounded_headers(raw: bytes) -> bytes:
    """`raw` with each header line cut at the RFC limit and the header block capped,
    so one hostile header cannot make parsing explode; the body is untouched."""
    match = re.search(rb"\r?\n\r?\n", raw)
    head, rest = (raw[:match.start()], raw[match.start():]) if match else (raw, b"")
    lines = [line[:MAX_HEADER_LINE] for line in head.split(b"\n")]
    head = b"\n".join(lines)[:MAX_HEADER_BLOCK]
    return head + rest


def message_document(doc_path: str, raw: bytes, file_path: str) -> Document:
    """The EMAIL document of one raw RFC 5322 message; `doc_path` names it in reports."""
    try:
        message = email.message_from_bytes(bounded_headers(raw), policy=email.policy.default)
        headers = {key: _header(message, key) for key in ("from", "to", "cc", "date", "subject",
                                                          "message-id", "in-reply-to", "references")}
    except Exception as exc:  # the parser is lenient, but header objects may raise on access
        raise InputError(doc_path, f"is a malformed e-mail ({exc.__class__.__name__})") from exc
    if not any(headers[key] for key in _ESSENTIAL):
        raise InputError(doc_path, "is not an e-mail message (no From, Date, Subject or "
                                   "Message-ID header)")
    body = _body(message)
    if body is None:
        raise InputError(doc_path, "is an e-mail with no text body (no text/plain or "
                                   "text/html part)")
    if not body.strip():
        raise InputError(doc_path, "is an e-mail with an empty body")
    senders = _people(message, "from")
    mail = split_body(clean_text(body), senders[0] if senders else None)
    text = mail.text
    if not any(c.isalnum() for c in text):
        raise InputError(doc_path, "is an e-mail whose body is empty once quotes and "
                                   "signature are removed")
    subject = clean_text(headers["subject"])
    return Document(
        path=doc_path, sha256=content_hash(raw), kind=DocumentKind.EMAIL,
        title=subject_title(subject) or "(no subject)", text=text,
        date=parse_date(_date(message)), authors=senders,
        participants=tuple(dict.fromkeys(senders + _people(message, "to") + _people(message, "cc"))),
        meta={**_thread_meta(headers, file_path), "signature": mail.signature}, size=len(raw),
    )


def _header(message: EmailMessage, key: str) -> str:
    value = message.get(key)
    return str(value).strip() if value is not None else ""


def _body(message: EmailMessage) -> str | None:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        if message.get_content_maintype() == "multipart" or message.is_attachment():
            return None
        part = message
    try:
        content = part.get_content()
    except (LookupError, ValueError, AssertionError, KeyError) as exc:
        log.debug("cannot decode body part: %s", exc)
        payload = part.get_payload(decode=True) or b""
        content = payload.decode("utf-8", errors="replace") if isinstance(payload, bytes) else ""
    if not isinstance(content, str):
        return None
    if part.get_content_subtype() == "html":
        content = html_to_text(content)
    return content


def _people(message: EmailMessage, key: str) -> tuple[str, ...]:
    header = message.get(key)
    if header is None:
        return ()
    try:
        addresses = header.addresses
    except AttributeError:
        return ()
    return tuple(clean_text(a.display_name) or a.addr_spec for a in addresses
                 if a.display_name or a.addr_spec)


def _date(message: EmailMessage) -> object:
    header = message.get("date")
    try:
        return header.datetime if header is not None and header.datetime else str(header or "")
    except (AttributeError, ValueError):
        return str(header or "")


def _thread_meta(headers: dict[str, str], file_path: str) -> dict[str, str]:
    message_id = _ids(headers["message-id"])
    in_reply_to = _ids(headers["in-reply-to"])
    references = _ids(headers["references"])
    root = (references or in_reply_to or message_id or [""])[0]
    return {"message_id": message_id[0] if message_id else "",
            "in_reply_to": in_reply_to[-1] if in_reply_to else "",
            "thread_id": root, "subject": clean_text(headers["subject"]), "file": file_path,
            # Who wrote from which address: tells colleagues (the user's domain) from others.
            "addresses": ", ".join(h for h in (headers["from"], headers["to"], headers["cc"]) if h)}


def _ids(value: str) -> list[str]:
    found = _MSG_ID.findall(value)
    return found or ([value.strip()] if value.strip() and " " not in value.strip() else [])
