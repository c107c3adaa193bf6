"""A fact keeps its source's words; what factbook resolved is a link over them.

While extracting, a resolved reference ("it", "the company", a short form, a first
name) is kept as a *mark*: the source's words together with the name of the mention
they were resolved to. Merging (store/merge.py) turns each mark into an Obsidian link
over the same words, `[[Kestrel Cold Storage|the company]]`, once the mention has an
entity note; everything else a fact says is the source's text, with any link markup a
document carried made inert first. Summaries keep only the words.
"""
from __future__ import annotations

import re
from collections.abc import Callable

# Private-use characters: they never occur in documents (layout strips them).
_OPEN, _MID, _CLOSE = "\ue000", "\ue001", "\ue002"
MARK = re.compile(f"{_OPEN}([^{_MID}{_CLOSE}]*){_MID}([^{_CLOSE}]*){_CLOSE}")
_PRIVATE = re.compile(f"[{_OPEN}{_MID}{_CLOSE}]")
_DOC_LINK = re.compile(r"!?\[\[([^\]|]*)(?:\|([^\]]*))?\]\]")


def mark(name: str, surface: str) -> str:
    """The source's words `surface`, resolved to the mention called `name`."""
    return f"{_OPEN}{name}{_MID}{surface}{_CLOSE}"


def plain(text: str) -> str:
    """`text` as the source wrote it: every mark replaced by its words."""
    return MARK.sub(lambda m: m.group(2), text)


def unmarked(text: str) -> str:
    """Source text with any private mark characters removed, so a document cannot forge one."""
    return _PRIVATE.sub("", text)


def linked(text: str, target_of: Callable[[str], str | None]) -> str:
    """`text` with the document's own link markup made words, and each mark made a link
    over its words to the note `target_of(name)` names (just the words when it names none)."""
    text = _DOC_LINK.sub(lambda m: m.group(2) or m.group(1), text)
    text = text.replace("[[", "[ [").replace("]]", "] ]")

    def repl(m: re.Match[str]) -> str:
        target, words = target_of(m.group(1)), m.group(2)
        if not target:
            return words
        return f"[[{target}]]" if target == words else f"[[{target}|{words}]]"
    return MARK.sub(repl, text)


LINK = re.compile(r"\[\[[^\[\]\n]+\]\]")


def words_of_links(text: str) -> str:
    """`text` with each Obsidian link shown as its words (what a reader sees)."""
    return re.sub(r"\[\[([^\]|]*)(?:\|([^\]]*))?\]\]", lambda m: m.group(2) or m.group(1), text)
