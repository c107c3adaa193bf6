"""The new text of an e-mail body: quoted replies, forwarded history and signatures removed.

mail-parser-reply splits a body at reply headers ("On … wrote:", Outlook's
"From:/Sent:" blocks, "-----Original Message-----"); we keep the first, newest
part. Its signature rule is eager (any line starting "Thanks," would cut the
rest of the mail), so a signature is only removed when it starts with a short
closing line of its own, or after the conventional "-- " delimiter.

What is cut as a signature is kept (`MailBody.signature`): the sender's name, title,
company and phone live there, and readers hand it on in `Document.meta["signature"]`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from mailparser_reply.parser import EmailMessage

# A closing line that starts a signature must be short: "Best regards," yes,
# "Thanks, the pilot can start on Monday." no.
_MAX_CLOSING = 40
# A bare signature is the sender's name and at most a few short lines (title, company, phone).
_MAX_NAME_BLOCK = 4
_SIG_DELIMITER = re.compile(r"^-- ?$", re.M)
_QUOTED = re.compile(r"^\s*>")
_MOBILE = re.compile(r"^\s*(?:sent from my|get outlook for)\b.*$", re.I | re.M)


@dataclass(frozen=True)
class MailBody:
    """An e-mail body split into what its sender wrote and the signature block cut from it."""

    text: str
    signature: str = ""


def new_text(body: str, sender: str | None = None) -> str:
    """The part of an e-mail body its sender wrote: no quoted history, no signature.

    With `sender`, a closing block of a few short lines that starts with the
    sender's name (a bare "Dana Whitlow / OrchardIQ" signature) is removed too.
    """
    return split_body(body, sender).text


def split_body(body: str, sender: str | None = None) -> MailBody:
    """`new_text` and the signature block it removed (plain text, "" when there was none)."""
    if not body.strip():
        return MailBody("")
    message = EmailMessage(text=body, languages=["en"], keep_hyphen_lists=True).read()
    reply = message.replies[0] if message.replies else None
    text = reply.content if reply else body
    if reply and reply.headers:
        text = text.replace(reply.headers, "", 1)
    kept, signature = _cut_signature(text, message.SIGNATURE_REGEX)
    lines = [line for line in kept.splitlines() if not _QUOTED.match(line)]
    if sender:
        without = _without_name_block(lines, sender)
        signature = "\n".join(lines[len(without):]) + signature if not signature.strip() else signature
        lines = without
    signature = "\n".join(line for line in signature.splitlines()
                          if not _QUOTED.match(line) and not _MOBILE.match(line))
    return MailBody(re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip(),
                    re.sub(r"\n{3,}", "\n\n", signature).strip())


def _without_name_block(lines: list[str], sender: str) -> list[str]:
    names = {sender.strip().lower(), sender.split()[0].lower()} if sender.split() else set()
    content = [i for i, line in enumerate(lines) if line.strip()]
    for index in content[-_MAX_NAME_BLOCK:]:
        if lines[index].strip().rstrip(",").lower() in names and index != content[0]:
            tail = [line for line in lines[index:] if line.strip()]
            if all(len(line) <= _MAX_CLOSING for line in tail):
                return lines[:index]
    return lines


def _cut_signature(text: str, signature: re.Pattern[str]) -> tuple[str, str]:
    """(the text before the signature, the signature)."""
    delimiter = _SIG_DELIMITER.search(text)
    cut = ""
    if delimiter:
        text, cut = text[: delimiter.start()], text[delimiter.end():]
    text = _MOBILE.sub("", text)
    pos = 0
    while (match := signature.search(text, pos)) is not None:
        start = match.start() + len(match.group()) - len(match.group().lstrip())
        end = text.find("\n", start)
        first_line = text[start: end if end >= 0 else len(text)].strip()
        if len(first_line) <= _MAX_CLOSING and not first_line.endswith((".", "!", "?")):
            return text[:start].rstrip(), text[start:] + "\n" + cut
        if end < 0:
            break
        pos = end + 1
    return text.rstrip(), cut
