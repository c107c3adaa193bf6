"""Decisions, and the headings that say where decisions and next steps are written.

- `heading_kind`: a heading (Markdown, bold, or a short line of its own) that holds
  decisions ("Decisions (what we agreed)", "Agreed", "Where we landed", "Resolved") or
  next steps ("Action items for Friday", "Next steps", "To do", "Follow-ups"), with any
  words after them; other known sections as `sources.meeting_notes` names them.
- `spoken_decisions`: decisions said in a meeting or written in a thread ("we decided
  to …", "let's go with …", "agreed to …", "final decision: …", "Agreed. Paper backup
  until …", and recaps such as "the decisions we've made: a, b, c" — one per item).

A decision is kept as the decision itself, never a fragment: "We agreed that actually
the." says nothing and is dropped.
"""
from __future__ import annotations

import re
from datetime import date

from factbook.extract.commitments import Utterance
from factbook.models import Decision
from factbook.sources.meeting_notes import section_kind

_MARKUP = re.compile(r"^\s*(?:#{1,6}\s*)?(?:\*\*|__)?\s*(?P<text>.+?)\s*(?:\*\*|__)?\s*:?\s*(?:\*\*|__)?\s*$")
_DECISION_HEADING = re.compile(
    r"^(?:key\s+|final\s+|main\s+)?(?:decisions?|decided|agreed|agreements?|what we (?:agreed|decided)"
    r"|where we landed|resolutions?|resolved|outcomes?|conclusions?)\b"
    r"|\bdecisions?\b|\bdecided\b", re.I)
_ACTION_HEADING = re.compile(
    r"^(?:my\s+|our\s+|open\s+|key\s+)?(?:action\s+items?|action\s+points?|actions|next\s+steps?|to[- ]?dos?"
    r"|follow[- ]?ups?|tasks|owners?\s+and\s+actions)\b", re.I)
# A plain line (no heading mark, no bold) is a heading only when short.
_MAX_PLAIN_WORDS = 6

_TRIGGER = re.compile(
    r"\b(?:we|the team|everyone|all of us|the board|the group|they|you and I)"
    r"(?:'ve|’ve| have| all| both)?\s+(?:finally\s+|just\s+|already\s+)?"
    r"(?:decided|agreed|settled on|chose|signed off|approved)\b"
    r"|\blet'?s go (?:with|ahead)\b|\blet’s go (?:with|ahead)\b|\blet'?s lock\b|\blet’s lock\b"
    r"|\bwe(?:'re|’re| are) going (?:with|ahead)\b|\bwe(?:'ll|’ll| will) go (?:with|ahead)\b"
    r"|\bso we go with\b|\bwe go with\b|\bwe(?:'ll|’ll| will) stick with\b"
    r"|\bwe should (?:definitely |just |then )?(?:go (?:ahead )?with|stick with)\b"
    r"|\b(?:the )?(?:final )?decision (?:is|was) (?:to|that)\b|\bfinal decision\b"
    r"|\bit(?:'s|’s| is) decided\b|^(?:decision|decided|agreed|resolved)\s*[:,-]"
    # "let's simply forget plan A", "let's not organize a panel", "let's keep the alarm"
    r"|\blet['’]?s\s+(?:(?:just|simply|then|all)\s+)?(?:(?:not|no)\s+)?"
    r"(?:forget|drop|skip|keep|use|stick|choose|pick|remove|include|adopt|cancel|postpone|"
    r"switch|target|stay|leave|fix|settle|make it|put it|organi[sz]e|sell|price|limit|cap)\b"
    # "we are going to sell it for twenty five Euro", "we're gonna use fruit colours"
    r"|\bwe(?:'re|’re| are)\s+(?:going to|gonna)\s+(?:use|sell|adopt|target|include|remove|"
    r"drop|keep|stick|price|make it)\b", re.I)
_NEGATED = re.compile(r"\b(?:not yet|n't|n’t|yet to|no decision|undecided|haven't decided|"
                      r"didn't decide|need to (?:make a )?decid|have to decide|if we (?:decide|agree)|"
                      r"whether we|do we|did we|should we|can we)\b", re.I)
_RECAP = re.compile(r"\bdecisions?\s+(?:that\s+)?(?:we(?:'ve|’ve| have)?\s+)?(?:made|taken|reached)"
                    r"(?:\s+so far)?\s*(?:are|were|is|was)?\s*[:,-]?\s*(?P<items>.+)$", re.I)
_AGREED_ALONE = re.compile(r"^(?:okay,?\s+|ok,?\s+|yes,?\s+|so,?\s+)?(?:agreed|deal|done|decided|"
                           r"that's settled|settled)\s*[.!]?$", re.I)
_FILLER = re.compile(r"^(?:(?:so|and|but|okay|ok|um|uh|uhm|well|yeah|yes|right|alright|now)\b[\s,.!]*)+",
                     re.I)
_DANGLING = {"the", "a", "an", "to", "of", "that", "and", "or", "but", "with", "for", "on", "in",
             "at", "by", "is", "are", "was", "we", "it", "this", "actually", "so", "uh", "um"}
_STOP = {"we", "i", "you", "it", "that", "this", "the", "a", "an", "to", "of", "and", "so", "on",
         "have", "has", "had", "agreed", "decided", "decision", "let's", "lets", "go", "with",
         "be", "is", "are", "was", "will", "would", "just", "actually", "um", "uh", "okay", "yes"}


def heading_kind(line: str) -> str | None:
    """The kind of section a heading line opens: "decisions" and "actions" by their
    meaning (with any words after), else what `section_kind` says; None for no heading."""
    stripped = line.strip()
    if not stripped or re.match(r"^\s*(?:[-*+•]|\d{1,2}[.)])\s", line):
        return None
    marked = bool(re.match(r"^(?:#{1,6}\s|\*\*|__)", stripped))
    match = _MARKUP.match(stripped)
    text = re.sub(r"\s*\(.*?\)\s*", " ", match.group("text") if match else stripped).strip(" :")
    if not marked and (len(text.split()) > _MAX_PLAIN_WORDS or not re.search(r":\s*$|^[A-Z]", stripped)
                       or re.search(r"[.?!]$", text)):
        return section_kind(line)
    if _ACTION_HEADING.search(text):
        return "actions"
    if _DECISION_HEADING.search(text) and (marked or re.search(r":\s*(?:\*\*|__)?$", stripped)
                                           or len(text.split()) <= 3):
        return "decisions"
    return section_kind(line)


# A decision told again, wondered about or reported, not made here: "this is what we decided
# up to now", "remember that we agreed …", "if we decided to go for …", "as I mentioned".
_NOT_MADE_HERE = re.compile(r"\b(?:what|if|whether) we(?:'ve|’ve| have)? (?:decided|agreed)\b"
                            r"|\bremember,? (?:that )?we\b|\bas I (?:mentioned|said)\b"
                            r"|\b(?:previous|last) (?:meeting|call|time)\b", re.I)
# "the tools we are going to use during the project": the verb's object came before it.
_OBJECT_BEFORE = re.compile(r"^\s*(?:during|throughout|in|for|at|on|all|today|now|here)\b", re.I)


def spoken_decisions(items: list[Utterance], anchor: date | None) -> list[Decision]:
    """Decisions said in `items` (the sentences of a transcript or thread)."""
    decisions: list[Decision] = []
    for index, item in enumerate(items):
        sentence = item.text
        if sentence.endswith("?"):
            continue
        recap = _RECAP.search(sentence)
        if recap:
            decisions += [Decision(text=_tidy(part), date=anchor, passage=sentence)
                          for part in _recap_items(recap.group("items"))]
            continue
        if _AGREED_ALONE.match(sentence):
            following = _next_said(items, index)
            if following and is_decision_text(following):
                decisions.append(Decision(text=_tidy(following), date=anchor, passage=following))
            continue
        trigger = _TRIGGER.search(sentence)
        if not trigger or _NEGATED.search(sentence) or _NOT_MADE_HERE.search(sentence):
            continue
        if re.search(r"going to|gonna", trigger.group(0), re.I) and _OBJECT_BEFORE.match(_after_trigger(sentence)):
            continue
        if is_decision_text(_after_trigger(sentence)):
            decisions.append(Decision(text=_tidy(sentence), date=anchor, passage=sentence))
    return decisions


def is_decision_text(text: str) -> bool:
    """True when `text` states something: three or more words, two of them more than
    function words, and not cut off mid-phrase ("We agreed that actually the." is not)."""
    words = re.findall(r"[A-Za-z0-9][\w'’%$.-]*", text.rstrip(". "))
    if len(words) < 2 or words[-1].rstrip(".") in _DANGLING:  # "plan A" is not cut off
        return False
    return sum(1 for w in words if w.lower() not in _STOP or w.isupper()) >= 2


def _after_trigger(sentence: str) -> str:
    match = _TRIGGER.search(sentence)
    return sentence[match.end():] if match else sentence


def _next_said(items: list[Utterance], index: int) -> str | None:
    for later in items[index + 1:index + 3]:
        if later.speaker == items[index].speaker and not later.text.endswith("?"):
            return later.text
    return None


def _recap_items(text: str) -> list[str]:
    parts = [p.strip(" ,.;") for p in re.split(r",|;|\band\b(?=[^,]*$)", text)]
    parts = [re.sub(r"^(?:um|uh|and|the|also)\s+", "", p, flags=re.I).strip() for p in parts]
    return [p for p in parts if len(p.split()) >= 2 and not re.search(r"\b(?:um|uh)$", p)]


def _tidy(text: str) -> str:
    text = _FILLER.sub("", re.sub(r"\s+", " ", text).strip())
    text = re.sub(r"\b(\w+)(?:\s+\1\b)+", r"\1", text, flags=re.I)  # "I I can" -> "I can"
    text = text.strip(" ,;:-—")
    return text[:1].upper() + text[1:]
