"""Sentence-level rules for facts: what kind of event a sentence reports, whether it denies
it, and how to compress it to the claim.

Compression drops attribution padding ("According to reports,", "analysts said",
"X said it"), openers that carry no subject, bullet labels, appositives and
non-restrictive relative clauses; the clauses dropped that carry information of
their own come back as separate claims.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Event kinds, most specific first: the first pattern that matches names the event.
EVENTS: list[tuple[str, re.Pattern[str]]] = [
    ("withdrawal", re.compile(
        r"\b(?:withdr[ae]wn?|withdrawing|withdrawal|pull(?:ed|s|ing)? out|back(?:ed|s|ing)? out|"
        r"walk(?:ed|s|ing)? away|scal(?:ed|es|ing) back|cancel(?:l?ed|s|lations?|ling)?|"
        r"terminat(?:e|ed|es|ing|ion)|call(?:ed)? off|abandon(?:ed|s)?|collaps(?:e|ed|es)|"
        r"end(?:ed|s)? (?:the |their |its )?(?:merger |acquisition )?(?:talks|negotiations|letter of intent)|"
        r"fell through|fall through|scrapp(?:ed|ing))\b", re.I)),
    ("ipo", re.compile(r"\b(?:IPO|initial public offering|go(?:es|ing)? public|listing)\b", re.I)),
    ("lawsuit", re.compile(r"\b(?:lawsuits?|class[ -]action|sued|sues|litigation|suit against)\b", re.I)),
    ("deal", re.compile(
        r"\b(?:acquir(?:e|ed|es|ing)|acquisitions?|buy(?:s|ing)?|bought|purchas(?:e|ed|es|ing)|"
        r"merg(?:e|ed|er|ers|ing)|takeover|take over|tender offer|bid(?:s|ding)?|buyout|"
        r"stake|(?<!-)sell(?:s|ing)?|sold|sale of|divest(?:s|ed|iture)?|letter of intent|"
        r"offer(?:s|ed)? (?:to buy|for)|option|exchanged)\b", re.I)),
    ("investment", re.compile(
        r"\b(?:invest(?:s|ed|ing|ment|ments)?|capital expenditures?|capex|spend(?:s|ing)?|"
        r"commit(?:s|ted|ting|ment)?|funding|backed by|raise[sd]? \$)\b", re.I)),
    ("revenue", re.compile(r"\b(?:revenues?|sales|earnings|net income|profits?|turnover|losses)\b",
                           re.I)),
    ("regulatory", re.compile(r"\b(?:certifi(?:ed|cation)|approv(?:al|ed)|regulat\w+|clearance)\b",
                              re.I)),
    ("partnership", re.compile(
        r"\b(?:partner(?:s|ed|ship|ships)?|contracts?|agreements?|deal|turned to|signed|"
        r"collaborat\w+|supplier|customer)\b", re.I)),
    ("leadership", re.compile(r"\b(?:named|appointed|resign(?:ed|s)?|hired|elected|retir(?:e|ed|es))\b",
                              re.I)),
    ("plan", re.compile(r"\b(?:plans?|planned|intends?|aims?|expects?|projects?|will)\b", re.I)),
]

_DENY = re.compile(
    r"\b(?:den(?:y|ies|ied)|disput(?:e|ed|es)|refut(?:e|ed|es)|rejected (?:claims|reports)|"
    r"nothing (?:has|had|was) been|no one has|not (?:been )?cancel|dismissed (?:reports|claims)|"
    r"continue as planned|remains? on track|untrue|inaccurate)\b", re.I)

_COMMENTARY = re.compile(
    r"\b(?:underscor\w+|highlight\w*|reflect\w*|demonstrat\w+|illustrat\w+|signal(?:s|ing)?|"
    r"mirrors?|exemplif\w+|this article|suggests? that|the implications)\b", re.I)

_LEAD_PADDING = [
    re.compile(r"^(?:according to [^,]{0,80},\s*)", re.I),
    re.compile(r"^as (?:noted|reported|outlined|detailed|stated|highlighted) (?:in|by) [^,]{0,80},\s*",
               re.I),
    re.compile(r"^(?:recent |the )?reports? (?:suggest|say|indicate|show)s?(?: that)?\s+", re.I),
    re.compile(r"^it (?:was|has been|is) (?:reported|said|understood) that\s+", re.I),
    re.compile(r"^analysts? (?:said|say|believe)(?: that)?\s+", re.I),
    re.compile(r"^(?:however|notably|meanwhile|comparatively|currently|additionally|moreover|"
               r"furthermore|instead|separately|specifically|indeed|still|also|importantly|"
               r"finally|overall|similarly|likewise|in addition|in contrast|by contrast|"
               r"in an unexpected turn of events|in a separate development|earlier|"
               r"in a statement|in a filing with [^,]{0,60}),\s+", re.I),
]
_OPENER = re.compile(r"^(?:In|As|With|Amid|Amidst|Following|After|Before|Despite|Given|By|Through|"
                     r"Under|While|Although|Though|Since|Because|For|Against|Beyond)\b[^,]{0,140},\s+")
_MID_PADDING = [
    re.compile(r"\b(?:recent |the )?reports? (?:indicated|suggested|said|showed)(?: that)?\s+", re.I),
    re.compile(r"\breportedly\s+", re.I),
    re.compile(r",?\s+(?:according to|as reported by|as noted by|as noted in|as outlined in|"
               r"as detailed in|per another report from|per a report from|per)\s+[^,.;]{0,80}"
               r"(?=[,.;]|$)", re.I),
    re.compile(r",\s+(?:analysts?|sources|observers|experts|officials) (?:said|say|noted)(?=[.;]|$)",
               re.I),
]
_LABEL = re.compile(r"^(?:[A-Z][\w&'’\-]*(?:\s+(?:and|of|the|for|&|vs\.?|[A-Z][\w&'’\-]*)){0,6}):\s+"
                    r"(?=\S)")
_SAID_IT = re.compile(r"^(?P<who>.{1,120}?)\s+(?:(?:has|had|have)\s+)?(?:said|says|announced|"
                      r"stated|confirmed|added)"
                      r"(?: on \w+| today| yesterday)?(?: that)?\s+(?P<pron>it|they|he|she|its)\b\s*")
_TRAILING_SAID = re.compile(r",\s+(?P<who>[^,]{2,60}?)\s+(?:said|added|explained|stated)\.?$")
# Clause bodies run to the next comma that is not inside a number ("5,000").
_RELATIVE = re.compile(r",\s+which\s+(?P<body>(?:[^,;]|,(?=\d))+?)(?=,(?!\d)|;|\.?$)")
_APPOSITIVE = re.compile(r",\s+(?:a|an|its|(?:best |well )?known for|founded in|based in|"
                         r"headquartered in)\s+(?P<body>(?:[^,;()]|,(?=\d)){3,110}?)"
                         r"(?=,(?!\d)|;|\.?$)")
_CONTRAST = re.compile(r",?\s+(?:though|although|but|while|whereas)\s+|;\s+")


@dataclass
class Clause:
    """A piece of a sentence worth considering as a claim on its own."""

    text: str
    inherited_from: str | None = None  # the entity a relative clause was about
    contrast: bool = False  # one half of "X did A, though Y denied it": both halves are one matter


def event_of(text: str) -> str | None:
    """The kind of event a claim reports, or None for a plain statement."""
    for name, pattern in EVENTS:
        if pattern.search(text):
            return name
    return None


def stance_of(text: str) -> str | None:
    """"deny" when the claim denies or disputes something, else None."""
    return "deny" if _DENY.search(text) else None


def is_commentary(text: str) -> bool:
    """True for analysis that interprets rather than reports ("this underscores ...")."""
    return bool(_COMMENTARY.search(text))


def strip_padding(text: str, mentioned: list[str]) -> str:
    """Drop attribution and openers that carry no subject; keep who, what, how much, when."""
    text = text.strip()
    label = _LABEL.match(text)
    if label and not any(m in label.group(0) for m in mentioned) and len(text) > len(label.group(0)) + 20:
        text = text[label.end():]
    for _ in range(3):
        before = text
        for pattern in _LEAD_PADDING:
            text = pattern.sub("", text, count=1)
        opener = _OPENER.match(text)
        if opener and not any(m in opener.group(0) for m in mentioned) \
                and not re.search(r"\d", opener.group(0)):
            text = text[opener.end():]
        if text == before:
            break
    for pattern in _MID_PADDING:
        text = pattern.sub("", text)
    return _tidy(text)


def drop_said_it(text: str, mentioned: list[str]) -> str:
    """"Acme Inc said it has acquired Beta" -> "Acme Inc has acquired Beta"."""
    m = _SAID_IT.match(text)
    if m and any(name in m.group("who") for name in mentioned) and "," not in m.group("who"):
        rest = text[m.end():]
        if m.group("pron") == "its":
            return _tidy(f"{m.group('who')}'s {rest}")
        return _tidy(f"{m.group('who')} {rest}")
    trailing = _TRAILING_SAID.search(text)
    if trailing:
        who = trailing.group("who")
        main = text[:trailing.start()]
        if any(name in who for name in mentioned) and not any(name in main for name in mentioned):
            return _tidy(f"{who} said {main[:1].lower()}{main[1:]}")
        if not any(name in who for name in mentioned):
            return _tidy(main)
    return text


def split_clauses(text: str, mentioned: list[str]) -> list[Clause]:
    """Cut a sentence into the claims it makes: contrasting halves that each name an
    entity, and relative clauses or appositives that say something of their own."""
    parts = [text]
    pieces = _CONTRAST.split(text)
    if len(pieces) == 2 and all(any(m in p for m in mentioned) for p in pieces):
        parts = pieces
    out: list[Clause] = []
    for part in parts:
        main, extras = _lift_relatives(part, mentioned)
        out.append(Clause(_tidy(main), contrast=len(parts) > 1))
        out.extend(extras)
    return out


def _lift_relatives(text: str, mentioned: list[str]) -> tuple[str, list[Clause]]:
    extras: list[Clause] = []
    for pattern, verb in ((_RELATIVE, ""), (_APPOSITIVE, "is a ")):
        while True:
            m = pattern.search(text)
            if not m:
                break
            antecedent = _antecedent(text[:m.start()], mentioned)
            body = m.group("body").strip()
            if verb and antecedent is None:
                break  # "sold for 5 dlrs, a record price": it describes the claim, keep it
            if antecedent and (re.search(r"\d", body) or event_of(body) in ("ipo", "deal", "lawsuit")):
                extras.append(Clause(_tidy(f"{antecedent} {verb}{body}"), antecedent))
            elif antecedent is None and any(x in body for x in mentioned):
                break  # it says something about another entity: keep it in place
            rest = text[m.end():]
            text = text[:m.start()] + (rest[1:] if rest.startswith(",") else rest)
    return text, extras


def _antecedent(before: str, mentioned: list[str]) -> str | None:
    """The entity a clause right after `before` describes: one named at its end."""
    tail = before.rstrip()
    for name in sorted(mentioned, key=len, reverse=True):
        if re.search(re.escape(name) + r"(?:['’]s)?\W*$", tail):
            return name
    return None


_LOWER_LABEL = re.compile(r"[a-z][\w+/-]*(?: [\w+/-]+)?:\s")


def _tidy(text: str) -> str:
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"\s{2,}", " ", text).strip(" ,;:-–—")
    if text and text[0].islower() and not _LOWER_LABEL.match(text):
        text = text[0].upper() + text[1:]  # a note's "budget: none before Q1" stays as written
    if text and text[-1] not in ".!?\"”'’)":
        text += "."
    return text
