"""Document text to paragraphs and sentences, fast enough for a news wire.

A tuned regular-expression splitter (pysbd is accurate but too slow for tens of
thousands of documents) that survives "Corp.", "Inc.", "U.S.", initials, decimals
and numbered headings glued to the previous sentence ("benefits.2. Major ...").
Wire markup is read here too: `<Acme Energy Inc>` marks an organization and
`<ACME>` a ticker.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from factbook.extract.wording import unmarked

# "<Acme Energy Inc>" names a company; "<ACME>", "<ACME.L>" is a ticker.
_MARKUP = re.compile(r"<([^<>]{1,80})>")
_TICKER = re.compile(r"^(?:[A-Z0-9.\-]{1,12}|[\w\-]{1,8}\.[\w.]{1,6})$")
_DATELINE = re.compile(r"^\s*[A-Z][A-Z .'\-]{2,40}(?:, [A-Z][a-z]{2,8}\.? \d{1,2})?\s+-{1,2}\s+")
_ISO_DATE_LINE = re.compile(r"^\s*\d{4}-\d{2}-\d{2}\s*$")
_BULLET = re.compile(r"^\s*(?:[-*•+]|\d{1,2}[.)])\s+")
# Ends of sentences: punctuation, optional closing quote/bracket, space, then an opener.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[\"“'‘(\[]?[A-Z0-9])")
# A numbered heading glued to the sentence before it: "benefits.2. Major".
_GLUED = re.compile(r"(?<=[a-z][.!?])(?=\d{1,2}\.\s+[A-Z])")
_ABBREV = frozenset("""
mr mrs ms dr prof sr jr st mt ft no nos vs etc inc corp co cos ltd plc bros jan feb mar
apr jun jul aug sep sept oct nov dec gen gov sen rep lt col capt sgt approx fig est dept
univ assn ave blvd
""".split())
_CORP_ABBREV = frozenset("inc corp co cos ltd plc bros".split())
_LEGAL_NEXT = frozenset("inc ltd llc plc corp limited".split())
# After "Inc." a new sentence starts only with a word that commonly opens one.
_OPENERS = frozenset("""
the a an it its he she they this that these those in on at but and as for
under terms there we i his her their our
""".split())


@dataclass
class Sentence:
    """One sentence: its text, the paragraph it sits in, and whether it is a heading."""

    text: str
    paragraph: int
    index: int
    heading: bool = False
    bullet: bool = False
    table: bool = False  # a Markdown table's row (tables_as_lines)


@dataclass
class Layout:
    """A document cut into sentences, with its headline and the wire markup it used."""

    headline: str = ""
    sentences: list[Sentence] = field(default_factory=list)
    marked_names: list[str] = field(default_factory=list)
    sign_off: str | None = None


def strip_markup(text: str, marked: list[str]) -> str:
    """Remove wire markup: names in angle brackets are kept (and recorded), tickers dropped."""
    def repl(match: re.Match[str]) -> str:
        """A name's text in place of its markup; nothing for a ticker."""
        inner = " ".join(match.group(1).split())
        if _TICKER.match(inner):
            return ""
        marked.append(inner)
        return inner
    text = _MARKUP.sub(repl, text)
    text = re.sub(r"(?<=\S)[ \t]{2,}", " ", text)
    return re.sub(r"(?<=\S)[ \t]+([,.;:)])", r"\1", text)


def _is_wrapped(lines: list[str]) -> bool:
    """True for hard-wrapped text (wire copy): short lines, sentences running across them."""
    body = [x.strip() for x in lines if x.strip()]
    if len(body) < 3:
        return False
    if sum(1 for x in body if len(x) <= 85) < len(body) * 0.8:
        return False
    runs = sum(1 for a, b in zip(body, body[1:])
               if not a.endswith((".", "!", "?", ":", ";", "\"", "”")) and b[:1].islower())
    # Wire copy marks paragraphs by indenting their first line.
    indented = sum(1 for x in lines if re.match(r"^ {2,}\S", x))
    return runs >= max(1, len(body) // 6) or indented >= 1


# A checkbox line is a task: structured extraction takes it, it is never a fact.
_TASK_LINE = re.compile(r"^\s*[-*+]\s+\[[ xX/-]\]")


def paragraphs(body: str, wrapped: bool | None = None) -> list[tuple[str, bool]]:
    """Paragraphs of a body, each with a flag saying it is a bullet item. `wrapped` says
    whether the text is hard-wrapped (judged from the body when not given). Checkbox
    task lines are left out."""
    lines = ["" if _TASK_LINE.match(line) else line for line in body.split("\n")]
    out: list[tuple[str, bool]] = []
    if _is_wrapped(lines) if wrapped is None else wrapped:
        current: list[str] = []
        for line in lines:
            starts_new = not line.strip() or line.startswith(("    ", "\t")) or _BULLET.match(line)
            if starts_new and current:
                out.append((" ".join(current), False))
                current = []
            if line.strip():
                current.append(line.strip())
        if current:
            out.append((" ".join(current), False))
        return out
    after_blank = True
    for line in lines:
        if not line.strip():
            after_blank = True
            continue
        bullet = bool(_BULLET.match(line)) and line.lstrip()[:1] in "-*•+"
        text = _BULLET.sub("", line).strip() if bullet else line.strip()
        if out and not bullet and not after_blank and _continues(out[-1][0], text):
            out[-1] = (f"{out[-1][0]} {text}", out[-1][1])  # a soft-wrapped line goes on
        else:
            out.append((text, bullet))
        after_blank = False
    return out


def _continues(previous: str, line: str) -> bool:
    """True when `line` carries on the sentence `previous` left open (it starts in lower
    case and `previous` is no heading and ends without closing punctuation)."""
    return (line[:1].islower() and not previous.startswith("#")
            and not previous.endswith((".", "!", "?", ":", ";", "\"", "”")))


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of one paragraph."""
    paragraph = _GLUED.sub(" ", paragraph)
    pieces: list[str] = []
    start = 0
    for match in _BOUNDARY.finditer(paragraph):
        before = paragraph[start:match.start()]
        last = before.rsplit(None, 1)[-1] if before.strip() else ""
        word = last.rstrip(".!?\"'”’)").lower()
        following = paragraph[match.end():match.end() + 12].split(None, 1)
        nxt = following[0].strip("\"“(").lower() if following else ""
        if last.endswith(".") and _no_break_after(word, last, nxt):
            continue
        if last.endswith(".") and re.fullmatch(r"[A-Z]\.", following[0] if following else "") \
                and last[:1].isupper() and len(word) <= 5:
            continue  # "Chas. P. Young": an abbreviated first name before an initial
        if re.fullmatch(r"\d{1,2}\.", last) and before.strip() == last:
            continue  # a numbered heading: "2. Major Investment"
        pieces.append(paragraph[start:match.end()].strip())
        start = match.end()
    pieces.append(paragraph[start:].strip())
    return [p for p in pieces if p]


def _no_break_after(word: str, token: str, nxt: str) -> bool:
    """True when a period after `token` is an abbreviation, not a sentence end."""
    dotted = "." in token[:-1] and bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))
    initial = len(word) == 1 and word.isalpha()
    if not (dotted or initial or word in _ABBREV):
        return False
    # "Acme Inc. The ..." and "in the U.S. It ..." do end a sentence.
    if dotted and nxt in _OPENERS:
        return False
    if word in _CORP_ABBREV:
        # "Acme Inc. Beta said" ends a sentence; "Acme Co. Ltd" does not.
        return nxt.rstrip(".,") in _LEGAL_NEXT
    return True


def looks_like_heading(text: str) -> bool:
    """True for a title-like line: short, no closing period, mostly capitalized words."""
    if text.endswith((".", "!", "?", "\"", "”")) or len(text) > 120:
        return False
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", text)]
    if not words:
        return True
    caps = sum(1 for w in words if w[0].isupper())
    return caps >= max(1, len(words) * 0.6) or len(words) <= 3


_TABLE_ROW = re.compile(r"^\s*\|(.+)\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")
_STRUCK = re.compile(r"~~[^~]*~~")


def tables_as_lines(body: str) -> str:
    """Markdown tables as one bullet per cell, in the table's words: the row's first cell,
    then the cell after its column's heading ("Acme — stage: 2 – Discovery", "Acme —
    amount: $90k ARR"). A row's cells say different things: one claim each, so that the
    same amount in a later table cites the earlier and a new stage updates the old one.
    Struck-out text (~~old~~) and cells that are talk are left out."""
    from factbook.extract.chatter import talk_kind  # chatter needs nothing from here

    lines = body.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        head = _TABLE_ROW.match(lines[i])
        if not (head and i + 1 < len(lines) and _TABLE_RULE.match(lines[i + 1])):
            out.append(lines[i])
            i += 1
            continue
        names = [_cell(c).lower() for c in head.group(1).split("|")]
        i += 2
        while i < len(lines) and (row := _TABLE_ROW.match(lines[i])):
            cells = [_cell(c) for c in row.group(1).split("|")]
            rest = [f"{n}: {c}" for n, c in zip(names[1:], cells[1:]) if c and not talk_kind(c)]
            if cells and cells[0]:
                out.extend(f"- {cells[0]} — {cell}" for cell in rest)
            i += 1
        out.append("")
    return "\n".join(out)


def _cell(text: str) -> str:
    return " ".join(_STRUCK.sub("", text).replace("**", "").split()).strip()


def layout(text: str, title: str = "") -> Layout:
    """Cut a document's text into headline, sentences and sign-off."""
    result = Layout()
    text = unmarked(text)
    rows: set[str] = set()
    if "|" in text:
        before = set(text.split("\n"))
        text = tables_as_lines(text)
        rows = {line[2:] for line in text.split("\n") if line not in before and line.startswith("- ")}
    lines = text.strip("\n").split("\n")
    # A wire story opens with its headline, then (in this collection) a date line.
    if lines and (lines[0].isupper() or (len(lines) > 1 and _ISO_DATE_LINE.match(lines[1]))):
        result.headline = strip_markup(lines[0], []).strip()
        lines = lines[1:]
    while lines and (_ISO_DATE_LINE.match(lines[0]) or not lines[0].strip()):
        lines = lines[1:]
    # A wire's one-word capitalized sign-off is metadata, not content.
    while lines and not lines[-1].strip():
        lines.pop()
    if lines:
        tail = lines[-1].strip()
        if re.fullmatch(r"[A-Z]{3,12}", tail):
            result.sign_off = tail
            lines.pop()
    # Judge the wrapping before markup is removed: a name in brackets can span two lines.
    wrapped = _is_wrapped(lines)
    body = strip_markup("\n".join(lines), result.marked_names)
    body = _DATELINE.sub("", body, count=1)
    index = 0
    for number, (para, bullet) in enumerate(paragraphs(body, wrapped)):
        for piece in split_sentences(para):
            piece = re.sub(r"^\d{1,2}\.\s+(?=[A-Z])", "", piece)
            heading = not bullet and looks_like_heading(piece)
            result.sentences.append(Sentence(piece, number, index, heading, bullet,
                                             table=bullet and para in rows))
            index += 1
    return result
