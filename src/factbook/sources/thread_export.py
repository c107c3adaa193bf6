"""E-mail threads exported as text or Markdown: header blocks inline, one message after another.

Mail tools (Outlook's "Save as text", Gmail's "Print all", Apple Mail, Markdown
clippers) write each message as a small block of `From:` / `Sent:` or `Date:` /
`To:` / `Cc:` / `Subject:` lines followed by its body. A file with such blocks
becomes one `EMAIL` document: each message's new text (quotes and signatures
removed), oldest first, introduced by a "**From:** Name — date" line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from email.utils import getaddresses
from pathlib import Path

from factbook.models import Document, DocumentKind
from factbook.sources.base import clean_text, content_hash, require_text
from factbook.sources.dates import parse_date
from factbook.sources.mailtext import split_body

_HEADER = re.compile(r"^\s*(?:[*_]{2})?(From|Sent|Date|To|Cc|Subject)(?:[*_]{2})?\s*:\s*(?:[*_]{2})?\s*(.*)$",
                     re.I)
_HEADER_KEYS = {"from", "sent", "date", "to", "cc", "subject"}
# A block must have From plus at least this many of the other headers within its first lines.
_MIN_OTHER_HEADERS = 2
_BLOCK_SPAN = 6
_SUBJECT_PREFIX = re.compile(r"^\s*(?:(?:re|fw|fwd|aw|wg|sv|vs)\s*(?:\[\d+\])?\s*:\s*)+", re.I)


@dataclass
class ExportedMessage:
    """One message of an exported thread: its headers and its body as written."""

    headers: dict[str, str] = field(default_factory=dict)
    body_lines: list[str] = field(default_factory=list)

    @property
    def date(self) -> date | None:
        """The message's date from its Sent or Date header."""
        return parse_date(_strip_weekday(self.headers.get("sent") or self.headers.get("date") or ""))

    def people(self, key: str) -> list[str]:
        """Display names (or addresses) listed in header `key`."""
        value = self.headers.get(key, "")
        value = re.sub(r"\[mailto:[^\]]*\]", "", value)
        return [name or addr for name, addr in getaddresses([value.replace(";", ",")]) if name or addr]


def looks_like_thread_export(text: str) -> bool:
    """True when `text` holds at least one inline header block (From: plus Sent/Date/To/Subject)."""
    return bool(_block_starts(text.splitlines()))


def split_messages(text: str) -> list[ExportedMessage]:
    """The messages of an exported thread, in file order."""
    lines = text.splitlines()
    starts = _block_starts(lines)
    messages: list[ExportedMessage] = []
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(lines)
        message = ExportedMessage()
        position = start
        while position < end:
            match = _HEADER.match(lines[position])
            if not match and lines[position].strip():
                break
            if match:
                message.headers.setdefault(match.group(1).lower(), match.group(2).strip().strip("*_ "))
            position += 1
        message.body_lines = lines[position:end]
        messages.append(message)
    return messages


def thread_export_document(path: Path, data: bytes, text: str) -> Document:
    """The EMAIL document of an exported thread."""
    messages = split_messages(text)
    if all(m.date for m in messages):
        messages.sort(key=lambda m: m.date)  # type: ignore[arg-type, return-value]
    parts, senders, people, signatures = [], [], [], []
    seen: set[tuple[str, str]] = set()
    for message in messages:
        sender = (message.people("from") or ["Unknown sender"])[0]
        mail = split_body(clean_text("\n".join(message.body_lines)), sender)
        body = mail.text
        # A reply quotes its predecessors' header blocks: the same message twice is kept once.
        if (sender, body) in seen:
            continue
        seen.add((sender, body))
        if mail.signature and mail.signature not in signatures:
            signatures.append(mail.signature)
        senders.append(sender)
        people.extend(message.people("from") + message.people("to") + message.people("cc"))
        when = message.date
        header = f"**From:** {sender}" + (f" — {when.isoformat()}" if when else "")
        if body:
            parts.append(f"{header}\n\n{body}")
    body_text = require_text(path, "\n\n".join(parts), "message text in its exported thread")
    subject = next((m.headers["subject"] for m in messages if m.headers.get("subject")), "")
    dates = [m.date for m in messages if m.date]
    return Document(
        path=str(path), sha256=content_hash(data), kind=DocumentKind.EMAIL,
        title=subject_title(subject) or path.stem, text=body_text,
        date=max(dates) if dates else None, authors=_unique(senders), participants=_unique(people),
        meta={"subject": subject, "messages": str(len(messages)), "export": "thread",
              "addresses": _addresses(messages), "signature": join_signatures(signatures)},
        size=len(data),
    )


def join_signatures(blocks: list[str]) -> str:
    """The signature blocks of a thread's messages as one text, oldest first, each after
    a "-- " delimiter line when there are several."""
    blocks = [b for b in blocks if b.strip()]
    return blocks[0] if len(blocks) == 1 else "\n".join(f"-- \n{b}" for b in blocks)


def subject_title(subject: str) -> str:
    """A subject without its "Re:", "Fwd:", "AW:" … prefixes."""
    return _SUBJECT_PREFIX.sub("", subject).strip()


def _block_starts(lines: list[str]) -> list[int]:
    starts = []
    for index, line in enumerate(lines):
        match = _HEADER.match(line)
        if not match or match.group(1).lower() != "from":
            continue
        window = lines[index + 1: index + _BLOCK_SPAN]
        keys = {m.group(1).lower() for m in map(_HEADER.match, window) if m}
        if len(keys & (_HEADER_KEYS - {"from"})) >= _MIN_OTHER_HEADERS:
            starts.append(index)
    return starts


def _strip_weekday(value: str) -> str:
    return re.sub(r"^\s*[A-Za-z]+day,?\s*", "", value.strip())


def _unique(names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n.strip() for n in names if n.strip()))


def _addresses(messages: list[ExportedMessage]) -> str:
    """Every From/To/Cc header value of the thread, for telling colleagues from others."""
    values = [re.sub(r"\[mailto:[^\]]*\]", "", m.headers.get(k, "")).replace(";", ",")
              for m in messages for k in ("from", "to", "cc")]
    return ", ".join(v.strip() for v in values if v.strip())
