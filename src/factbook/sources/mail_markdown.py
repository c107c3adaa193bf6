"""E-mail saved as Markdown or text: one message per file, or many, one per heading.

Two shapes that mail-to-notes exporters write:

* **Importer front matter** (Obsidian e-mail importers and similar): `from`, `to`,
  `cc`, `date`, `subject` keys in the YAML header, the message body below.
* **A header line per message**: `## 2026-01-20 08:15:00 — Ravi Menon ravi@example.com`
  (a heading holding the sent time and the sender's address), then the body, often
  quoted with "> ". Optional `To:` / `Cc:` lines may follow the heading.

Each message becomes its own `EMAIL` document (like an mbox), so a thread exported
again with one more message adds just that message. Every document carries the
reader contract of `sources.email`: participants, authors, `meta["addresses"]` and
`meta["signature"]`. Its date is the message's own; the file name's date is only the
fallback.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.utils import getaddresses
from pathlib import Path
from typing import Any

from factbook.errors import InputError
from factbook.models import Document, DocumentKind
from factbook.sources.base import clean_text, content_hash
from factbook.sources.dates import date_from_name, parse_date
from factbook.sources.mailtext import split_body
from factbook.sources.thread_export import subject_title

_ADDRESS = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
_CLOCK = r"(?:,?\s*(?:at\s+)?\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s*(?:[+-]\d{2}:?\d{2}|Z|UTC|GMT))?)?"
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?"
# "2026-01-20 08:15:00", "2026-01-20T08:15", "Jan 20, 2026 8:15 AM", "Tue, 20 Jan 2026 08:15".
_STAMP = re.compile(rf"\b\d{{4}}-\d{{2}}-\d{{2}}(?:[ T]\d{{1,2}}:\d{{2}}(?::\d{{2}})?(?:\s*(?:[+-]\d{{2}}:?\d{{2}}|Z|UTC))?)?"
                    rf"|(?:\b[A-Z][a-z]{{2}}[a-z]*,?\s+)?(?:\b{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\b\d{{1,2}}\s+{_MONTH}\s+\d{{4}})"
                    rf"{_CLOCK}")
_MESSAGE_HEAD = re.compile(r"^#{1,6}\s+(?P<rest>.*\S)\s*$")
_RECIPIENTS = re.compile(r"^\s*(?:[*_]{2})?(?P<key>to|cc)(?:[*_]{2})?\s*:\s*(?:[*_]{2})?\s*(?P<value>.+)$",
                         re.I)
_QUOTE = re.compile(r"^ ?> ?")
# The file name an exporter gives a message: "2026-01-20_081500_1234_Subject".
_NAME_PREFIX = re.compile(r"^\d{4}-?\d{2}-?\d{2}(?:[ _T-]*\d{4,6})?(?:[ _-]+\d+)?[ _-]*")
_IMPORTER_KEYS = {"from", "sender"}


@dataclass
class MarkdownMessage:
    """One message of a Markdown mail export: its sender line, recipients and body."""

    sender: str
    when: str = ""
    to: str = ""
    cc: str = ""
    body_lines: list[str] = field(default_factory=list)


def is_importer_mail(meta: dict[str, Any]) -> bool:
    """True when front matter is an e-mail importer's: a sender plus a subject or a date."""
    keys = {str(k).lower() for k in meta}
    return bool(keys & _IMPORTER_KEYS) and bool(keys & {"subject", "date", "sent", "to"}) \
        and bool(_ADDRESS.search(str(meta.get("from") or meta.get("sender") or "")))


def looks_like_markdown_mail(body: str) -> bool:
    """True when `body` has at least one heading naming a sent time and a sender's address."""
    return any(_message_head(line) for line in body.splitlines())


def markdown_mail_documents(path: Path, data: bytes, meta: dict[str, Any], body: str) -> list[Document]:
    """The EMAIL documents of a Markdown mail export (front matter already split off)."""
    subject = str(meta.get("subject") or meta.get("title") or "") or _heading_subject(body) \
        or _name_subject(path)
    if is_importer_mail(meta) and not looks_like_markdown_mail(body):
        message = MarkdownMessage(sender=_meta_text(meta.get("from") or meta.get("sender")),
                                  when=_meta_text(meta.get("date") or meta.get("sent")),
                                  to=_meta_text(meta.get("to")), cc=_meta_text(meta.get("cc")),
                                  body_lines=body.splitlines())
        return [_document(path, data, message, subject, meta, None)]
    messages = split_markdown_messages(body)
    if not messages:
        raise InputError(str(path), "has no e-mail message under its headings")
    if len(messages) == 1:
        return [_document(path, data, messages[0], subject, meta, None)]
    documents = []
    for number, message in enumerate(messages, start=1):
        try:
            documents.append(_document(path, data, message, subject, meta, number))
        except InputError:
            continue  # a heading with nothing under it: the other messages still count
    if not documents:
        raise InputError(str(path), "has no e-mail message with text under its headings")
    return documents


def split_markdown_messages(body: str) -> list[MarkdownMessage]:
    """The messages of a header-line export, in file order."""
    messages: list[MarkdownMessage] = []
    for line in body.splitlines():
        head = _message_head(line)
        if head is not None:
            messages.append(head)
            continue
        if not messages:
            continue
        current = messages[-1]
        recipients = _RECIPIENTS.match(line)
        if recipients and not any(x.strip() for x in current.body_lines):
            setattr(current, recipients.group("key").lower(), recipients.group("value").strip("*_ "))
            continue
        current.body_lines.append(line)
    return messages


def _message_head(line: str) -> MarkdownMessage | None:
    match = _MESSAGE_HEAD.match(line)
    if not match:
        return None
    rest = match.group("rest")
    stamp = _STAMP.search(rest)
    if not stamp or not _ADDRESS.search(rest):
        return None
    who = (rest[:stamp.start()] + " " + rest[stamp.end():]).strip(" —–-|,:*_")
    who = re.sub(r"^\s*(?:from\s*:?\s*)", "", who, flags=re.I).strip(" —–-|,:*_")
    return MarkdownMessage(sender=who, when=stamp.group(0))


def _document(path: Path, data: bytes, message: MarkdownMessage, subject: str,
              meta: dict[str, Any], number: int | None) -> Document:
    doc_path = str(path) if number is None else f"{path}#{number}"
    senders = _people(message.sender)
    lines = [_QUOTE.sub("", line) for line in message.body_lines]
    mail = split_body(clean_text("\n".join(lines)), senders[0] if senders else None)
    if not any(c.isalnum() for c in mail.text):
        raise InputError(doc_path, "is an e-mail export whose message has no text")
    when = parse_date(message.when) or date_from_name(path.name)
    raw = "\n".join((message.sender, message.when, message.to, message.cc, *message.body_lines))
    people = senders + _people(message.to) + _people(message.cc)
    header = ", ".join(_bracketed(h) for h in (message.sender, message.to, message.cc) if h)
    return Document(
        path=doc_path, kind=DocumentKind.EMAIL, title=subject_title(subject) or "(no subject)",
        sha256=content_hash(data) if number is None else content_hash(raw.encode("utf-8")),
        text=mail.text, date=when, authors=senders[:1], participants=tuple(dict.fromkeys(people)),
        front_matter=dict(meta), size=len(data) if number is None else len(raw.encode("utf-8")),
        meta={"subject": subject, "file": str(path), "export": "markdown",
              "addresses": header, "signature": mail.signature,
              "message_id": _meta_text(meta.get("message-id") or meta.get("message_id")).strip("<> ")
              if number is None else ""},
    )


def _bracketed(value: str) -> str:
    """A header value with bare addresses put in <>: "Name a@b" becomes "Name <a@b>"."""
    return re.sub(r"(?<![<\w.+'-])([\w.+'-]+@[\w-]+(?:\.[\w-]+)+)(?![\w>])", r"<\1>", value)


def _people(value: str) -> tuple[str, ...]:
    """Display names (or bare addresses) in a header value, "Name email" written without <>."""
    found = getaddresses([_bracketed(value).replace(";", ",")])
    return tuple(dict.fromkeys(clean_text(name).strip("\"' ") or addr for name, addr in found
                               if name or addr))


def _meta_text(value: object) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _heading_subject(body: str) -> str:
    for line in body.splitlines():
        if line.startswith("# ") and not _message_head(line):
            return line[2:].strip()
        if line.strip() and not line.startswith("#"):
            break
    return ""


def _name_subject(path: Path) -> str:
    return _NAME_PREFIX.sub("", path.stem).replace("_", " ").strip()

