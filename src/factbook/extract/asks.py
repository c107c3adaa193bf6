"""Requests addressed to someone: "Could you send the deck by Thursday?", "please confirm
the hosting", "Tomasz, can you loop in security?", "let's have Sam draft it".

An ask is the task of the person asked:
- in an e-mail, the person the message greets ("Hi Felix,") or names before the ask
  ("Felix, could you …"); else the vault's owner when someone else wrote to them; else
  nobody (an ask the owner sends to several people has no single owner);
- in a transcript, the person named in the turn ("Marcus, can you …"), else the next
  speaker when it is someone else.

Courtesy is not an ask ("please find attached", "please let me know if you have any
questions", "can you hear me?"). A task says what is to be done: a verb and an object
that is more than a pronoun ("send these back" after a list takes the list's items).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from factbook.extract.commitments import Utterance, is_actionable, resolve_person
from factbook.extract.due_dates import find_due
from factbook.models import Document, DocumentKind, Task

_LEAD = r"(?:^|(?<=[,;:—–])\s*|\b(?:and|also|so|but|then|separately|finally|lastly)\b,?\s+)"
_NAME = r"(?:(?P<name>[A-Z][a-z'’]+(?:\s+[A-Z][a-z'’]+)?)(?:,|:|\s+[-–—])\s+)?"
_ASK = re.compile(
    rf"{_LEAD}{_NAME}(?:(?:could|can|would|will)\s+you(?:\s+guys)?(?:,?\s+(?:please|also|maybe|perhaps|"
    rf"possibly|quickly|just|again))*|would you mind|(?:please|kindly),?(?:\s+(?:also|do))?|"
    rf"(?:it would be great|I'?d appreciate it) if you could|I need you to|we need you to|"
    rf"you(?:'ll| will) need to|you(?:'re|’re| are) (?:going to|gonna)|make sure (?:you|to))\s+(?P<verb>[a-z][a-z-]+)(?P<rest>(?:[^?!.]|\.(?=\w))*)",
    re.I)
# "Marisol and I would like to see a proposal for …": what the writer wants sent to them.
_WANT = re.compile(r"\b(?:I|we|[A-Z][a-z]+ and I)(?:'d|’d| would) (?:like|love) to (?:see|get|receive|have)\s+"
                   r"(?P<rest>(?:a|an|the|your|some)\s(?:[^?!.]|\.(?=\w))*)")
_LETS_HAVE = re.compile(r"\b(?i:let['’]?s have) (?P<name>[A-Z][a-z'’]+(?:\s+[A-Z][a-z'’]+)?)\s+"
                        r"(?P<verb>[a-z][a-z-]+)(?P<rest>(?:[^?!.]|\.(?=\w))*)")
_ACTION_ITEM = re.compile(r"\baction item(?:\s+for\s+(?P<name>[A-Z][a-z'’]+(?:\s+[A-Z][a-z'’]+)?))?"
                          r"\s*(?:is|:|-|–|—|,)\s*(?:to\s+)?(?P<verb>[a-z][a-z-]+)(?P<rest>(?:[^?!.]|\.(?=\w))*)", re.I)
# Verbs of courtesy, small talk and meeting mechanics: "please find attached", "can you hear me".
_NOT_ASKS = frozenset({
    "feel", "note", "see", "let", "forgive", "excuse", "accept", "bear", "hesitate",
    "imagine", "believe", "think", "say", "hear", "repeat", "speak", "talk", "understand",
    "read", "do", "be", "have", "go", "come", "wait", "hold", "mute", "unmute", "stop",
    "keep", "ignore", "disregard", "enjoy", "remember", "guess", "tell", "give", "help",
    "get", "try", "make", "put", "take", "show", "hang", "bring", "stay", "use", "move",
    "change", "click", "scroll", "open", "close", "turn", "zoom", "switch", "leave", "hi",
    "hello", "thanks", "thank", "sorry", "not", "also", "just", "still", "maybe", "you",
})
# Verbs that take a person first: "tell Hannah …", "give me …", "get me …", "show Marcus …".
_WITH_PERSON = {"tell", "give", "get", "show", "bring", "help", "put", "take", "make", "let"}
_PRONOUN_OBJECT = re.compile(r"^\s*(?:(?:me|us)\s+)?(?:these|those|them|it|this|that)\b(?P<tail>.*)$",
                             re.I)
_FOLLOWING = re.compile(r"^\s*(?:(?:me|us)\s+)?(?:the following|these documents|these items)\b", re.I)
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.)])\s+(?P<item>.+)$")


@dataclass
class Ask:
    """One ask found in a text: who was asked (None when unknown) and the task."""

    addressee: str | None
    task: Task
    kind: str = "ask"  # "ask" (of whoever is addressed), "named" ("let's have Sam …"), "item"


def find_asks(sentence: str, anchor: date | None, asker: str | None = None,
              context: str = "", after: str = "") -> list[Ask]:
    """The asks in one sentence; `asker` replaces "me" in the task, `context` (the text
    before the sentence) gives the things a "these" or "them" stands for, `after` (the
    text after it) those "the following" stands for."""
    found: list[Ask] = []
    for pattern in (_ASK, _LETS_HAVE, _ACTION_ITEM, _WANT):
        for match in pattern.finditer(sentence):
            verb = match.group("verb").lower() if pattern is not _WANT else "send"
            rest = match.group("rest")
            tried = re.match(r"\s+(?:to\s+)+(?P<verb>[a-z][a-z-]+)(?P<rest>.*)$", rest)
            if verb == "try" and tried:  # "you are going to try to find …": the finding
                verb, rest = tried.group("verb").lower(), tried.group("rest")
            if pattern is _ASK and (verb in _NOT_ASKS and not _person_first(verb, rest)):
                continue
            if verb == "find" and re.search(r"\b(?:attached|enclosed|below|herewith|included)\b|^\s+here\b",
                                            rest, re.I):
                continue  # "please find attached": courtesy
            task = _ask_task(verb, rest, anchor, asker, (context, after), sentence)
            if task is not None:
                kind = "ask" if pattern in (_ASK, _WANT) else "named" if pattern is _LETS_HAVE else "item"
                found.append(Ask(match.groupdict().get("name"), task, kind))
        if found:
            break
    return found


def _person_first(verb: str, rest: str) -> bool:
    """"tell Hannah about it", "give me the list": a verb that takes a person, then a thing."""
    return verb in _WITH_PERSON and bool(
        re.match(r"\s+(?:me|us|him|her|them|[A-Z][a-z]+)\s+(?:the|a|an|your|our|their|his|her|"
                 r"about|know|what|when|whether|if|access|some|\w+s\b)", rest)) \
        and (verb != "let" or bool(re.match(r"\s+\S+\s+know\b(?!\s+(?:if|in case|should|whenever|when you))", rest)))


def _ask_task(verb: str, rest: str, anchor: date | None, asker: str | None,
              context: tuple[str, str], sentence: str) -> Task | None:
    due = find_due(rest, anchor)
    if due:
        rest = rest.replace(due.phrase, " ")
        again = find_due(rest, anchor)  # "by Thursday, October 1": both words say the date
        if again and again.due == due.due:
            rest = rest.replace(again.phrase, " ")
    rest = _with_list(rest, *context)
    if asker:
        rest = re.sub(r"\b(?:me|us)\b", asker.split()[0], rest, count=1)
    rest = re.sub(r"\s+(?:for me|please|thanks|if possible|when you (?:can|get a chance))\s*$", "",
                  rest.strip(" ,;:—-"), flags=re.I)
    text = re.sub(r"\s+", " ", f"{verb} {rest}").strip(" ,;:—-")
    text = re.sub(r"\s+([,.;:])", r"\1", text)
    text = re.sub(r"[,;]+\s*:", ":", text)
    if not is_actionable(text):
        return None
    return Task(text=text[:1].upper() + text[1:], due=due.due if due else None, passage=sentence)


def _with_list(rest: str, before: str, after: str) -> str:
    """"send these back" after a numbered list, "send the following" before one: the
    list's items stand for "these"."""
    if _FOLLOWING.match(rest):
        lines = after.lstrip().splitlines()
    elif _PRONOUN_OBJECT.match(rest):
        lines = list(reversed(before.rstrip().splitlines()))
    else:
        return rest
    items = []
    for line in lines:
        item = _LIST_ITEM.match(line)
        if not item:
            if items or line.strip():
                break
            continue
        items.append(_short(item.group("item")))
    if not items:
        return rest
    if lines and lines[0] is not None and _FOLLOWING.match(rest):
        return f"{rest.strip()}: " + "; ".join(items)
    return f"{rest.strip()}: " + "; ".join(reversed(items))


def _short(item: str) -> str:
    item = re.sub(r"\s*\([^)]*\)", "", item)
    item = re.split(r"\s+[-–—]\s+|[;:]", item)[0]
    return " ".join(item.split()[:8]).rstrip(" ,.")


_GREETING = re.compile(r"^\s*(?:hi|hello|hey|dear|morning|good morning|good afternoon)\s+"
                       r"(?:(?:mr|mrs|ms|dr)\.?\s+)?(?P<name>[A-Z][\w'’-]+)", re.I | re.M)


def document_asks(document: Document, items: list[Utterance], participants: tuple[str, ...],
                  me: str | None = None) -> list[Task]:
    """The asks of an e-mail or transcript as tasks of whoever was asked; `me` is the
    vault's owner (the one an e-mail from someone else is addressed to)."""
    greeted = _greeted(document) if document.kind is DocumentKind.EMAIL else None
    tasks: list[Task] = []
    cursor = 0
    for index, item in enumerate(items):
        at = document.text.find(item.text[:40], cursor)
        context = document.text[:at] if at >= 0 else ""
        after = document.text[at + len(item.text):at + len(item.text) + 2000] if at >= 0 else ""
        cursor = max(cursor, at)
        asker = item.speaker
        for ask in find_asks(item.text, document.date, asker=asker, context=context, after=after):
            if ask.kind == "ask":
                owner = _addressee(ask.addressee, document, items, index, greeted, participants, me)
                if owner is None or (asker and owner == asker):
                    continue
            else:  # "let's have Sam …", "action item for Sam: …" (or for nobody in particular)
                owner = resolve_person(ask.addressee, participants) or ask.addressee \
                    if ask.addressee else None
            ask.task.owner = owner
            ask.task.due = ask.task.due or _due_given_next(items, index, document.date)
            tasks.append(ask.task)
    return tasks


def _due_given_next(items: list[Utterance], index: int, anchor: date | None) -> date | None:
    """"… a proposal for the rollout. Can you get it to us by Friday, November 6?": the
    date the same writer puts on "it" right after the ask."""
    for later in items[index + 1:index + 4]:
        if later.speaker != items[index].speaker:
            return None
        if re.search(r"\b(?:it|them|this|that)\b|^(?:ideally|preferably|hopefully|if possible)\b",
                     later.text, re.I):
            due = find_due(later.text, anchor)
            if due and re.match(r"(?:by|before|no later than)\b", due.phrase, re.I):
                return due.due
    return None


def _greeted(document: Document) -> str | None:
    match = _GREETING.search(document.text[:300])
    return match.group("name") if match else None


def _addressee(named: str | None, document: Document, items: list[Utterance], index: int,
               greeted: str | None, participants: tuple[str, ...], me: str | None) -> str | None:
    person = resolve_person(named, participants) if named else None
    if person:
        return person
    if named and re.fullmatch(r"[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)+", named) \
            and named.split()[0].lower() not in _GREETINGS:
        return named  # addressed by full name, though they have not spoken: "Priya Nand, could you …"
    if document.kind is DocumentKind.EMAIL:
        person = resolve_person(greeted, participants) if greeted else None
        if person:
            return person
        sender = items[index].speaker
        return me if me and sender and sender != me else None
    speaker = items[index].speaker
    named_before = _named_in_turn(items, index, participants)
    if named_before:
        return named_before
    for later in items[index + 1:]:
        if later.speaker and later.speaker != speaker and not _BACKCHANNEL.match(later.text):
            return later.speaker
    return None


_GREETINGS = frozenset("hi hello hey dear thanks thank morning afternoon evening so and ok okay".split())
_BACKCHANNEL = re.compile(r"^(?:mm+-?hmm+|uh-?huh|okay|ok|yeah|yes|sure|right|i see|alright|hmm+)[.!]?$",
                          re.I)


def _named_in_turn(items: list[Utterance], index: int, participants: tuple[str, ...]) -> str | None:
    """"For the designer, which is Hamed, … you are going to …": a participant the speaker
    named just before (backchannels of others in between do not end the turn)."""
    speaker = items[index].speaker
    for earlier in reversed(items[max(0, index - 4):index + 1]):
        if earlier.speaker != speaker:
            if _BACKCHANNEL.match(earlier.text):
                continue
            break
        if earlier is not items[index] and earlier.text.endswith("?"):
            break  # an earlier question was its own ask, to whoever it named
        for person in participants:
            if person == speaker:
                continue
            first = person.split()[0]
            if re.search(rf"\b{re.escape(first)}\b", earlier.text):
                return person
    return None
