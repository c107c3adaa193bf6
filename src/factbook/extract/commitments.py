"""Spoken commitments and decisions: "Priya will send the runbook by next Wednesday",
"I'll book the rehearsal", "we agreed to move the launch".

Works on transcripts, e-mails and exported threads, sentence by sentence,
knowing who is speaking: the "Name:" of a transcript turn, the "**From:**"
line of an exported thread, or the sender of a single e-mail. "I" is the
speaker, unless the speaker is a label such as "Speaker 1" (then the task has
no owner). A named owner must be a participant (matched by full, first or
last name) or be followed by an action verb, so that "Pricing will change"
never becomes a task.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import pysbd

from factbook.extract.due_dates import find_due
from factbook.models import Decision, Task
from factbook.sources.speakers import is_speaker_label

_SPEAKER = re.compile(r"^(?P<name>[A-Z][\w.'’-]*(?:[ _][A-Z0-9][\w.'’-]*){0,3})\s*:\s+(?P<said>.+)$",
                      re.S)
_FROM = re.compile(r"^\*\*From:\*\*\s*(?P<name>[^—\n]+?)\s*(?:—.*)?$")
_ADVERBS = r"(?:(?:also|then|just|definitely|certainly|quickly|personally|happily|gladly|" \
           r"go ahead and|make sure to|try to|try and|be sure to)\s+)*"
_SELF = re.compile(rf"\b(?:I'll|I’ll|I will|I'm going to|I’m going to|I am going to|I'm gonna|"
                   rf"let me|I can take care of|I've agreed to|I promise to|"
                   rf"I (?:still |also |will |'ll )?(?:need|have) to|I plan to|I(?:'m| am) planning to|"
                   rf"I should be able to|I(?:'m| am) supposed to|I was thinking to)\s+{_ADVERBS}"
                   rf"(?P<verb>[a-z]+)(?P<rest>[^.?!]*)", re.I)
_NAMED = re.compile(rf"\b(?P<name>[A-Z][a-z'’]+(?:\s+[A-Z][a-z'’]+)?)(?:\s+and\s+[A-Z][a-z'’]+)?\s+"
                    rf"(?:will|'ll|’ll|is going to|are going to|is gonna|has agreed to|agreed to|"
                    rf"promised to|offered to|volunteered to|should|needs? to|has to|have to)\s+"
                    rf"{_ADVERBS}(?P<verb>[a-z]+)(?P<rest>[^.?!]*)")
# "I'll be honest", "I'll have a think": what follows is not a task.
_NOT_TASK_VERBS = {"be", "have", "say", "think", "guess", "bet", "admit", "need", "want", "like",
                   "love", "hate", "mention", "keep", "stop", "leave", "see", "tell", "get", "do",
                   "let", "probably", "not", "never", "still", "also", "assume", "wait", "hear",
                   "take", "go", "come", "defer", "pass", "stick", "start", "walk", "talk", "know",
                   "try", "figure", "understand", "repeat", "stay", "remind", "wonder", "read"}
ACTION_VERBS = {"send", "share", "book", "schedule", "draft", "prepare", "review", "follow",
                "set", "circulate", "update", "confirm", "organize", "organise", "reach", "call",
                "email", "e-mail", "write", "finalize", "finalise", "check", "own", "lead",
                "coordinate", "deliver", "submit", "provide", "create", "run", "present", "ping",
                "loop", "contact", "sync", "fix", "investigate", "look", "draw", "put", "handle",
                "arrange", "compile", "collect", "file", "sign", "approve", "order", "migrate",
                "test", "ship", "deploy", "document", "summarize", "summarise", "forward", "invite",
                "set up", "book", "reserve", "pull", "build", "reply", "respond", "ask", "chase",
                "double-check", "escalate", "negotiate", "price", "quote", "rerun", "re-run"}
# Verbs of work a spoken "I'll …" commits to (beyond ACTION_VERBS): a sentence such as
# "I'll appreciate it" or "I'll recognise it" is talk, not a task.
WORK_VERBS = ACTION_VERBS | {
    "add", "analyse", "analyze", "annotate", "assess", "attach", "bring", "calculate", "change",
    "clean", "compare", "complete", "configure", "connect", "contribute", "convert", "copy",
    "correct", "cover", "debug", "define", "design", "discuss", "distribute", "do", "download",
    "edit", "email", "enter", "estimate", "evaluate", "extend", "fill", "find", "finish", "format",
    "gather", "help", "implement", "import", "include", "inform", "inject", "install", "introduce",
    "join", "label", "list", "log", "map", "measure", "mention", "merge", "modify", "move",
    "note", "notify", "outline", "paste", "plan", "post", "process", "produce", "propose",
    "publish", "record", "reconcile", "recycle", "register", "remove", "rename", "replace",
    "report", "request", "research", "reschedule", "revise", "rewrite", "sell", "settle",
    "setup", "show", "sort", "specify", "start", "study", "supply", "support", "train",
    "transcribe", "translate", "try", "upload", "validate", "verify", "walk", "work", "give",
    "get", "talk", "speak", "make", "take", "tell", "upgrade", "align", "host", "block",
    "continue", "search", "explore", "resend", "restart", "rerun", "retry", "select", "pick",
}
# "get you the list", "talk to Jess about the difference": verbs that are tasks when they
# deliver something to someone or take something up with someone.
_DELIVERS = re.compile(r"^get back to\s+\w+\s+\w+|^(?:get|give|show)\s+(?:you|me|us|him|her|them|[A-Z][a-z]+)\s+(?:the|a|an|our|your|their|"
                       r"some|proper|final|full|updated|revised|new)\b"
                       r"|^(?:talk|speak)\s+(?:to|with)\s+[A-Z][a-z]+.*\babout\b\s+\S+\s+\S+", re.I)
# "we need to submit all the deliverables by June": the team's, nobody's in particular.
_TEAM = re.compile(rf"\bwe (?:still |also |really |will |'ll )?(?:need|have) to\s+{_ADVERBS}"
                   rf"(?P<verb>[a-z]+)(?P<rest>[^.?!]*)", re.I)
_NOT_NAMES = {"we", "they", "it", "this", "that", "there", "he", "she", "you", "everyone",
              "someone", "nobody", "somebody", "who", "which", "what", "the", "a", "an", "and",
              "but", "so", "then", "team", "legal", "finance", "sales", "marketing", "it'll"}
_DECISION = re.compile(
    r"\b(?:we(?:'ve| have)?|the team(?: has)?|everyone|all of us|the board(?: has)?|the group)\s+"
    r"(?:decided|agreed|settled on|chose|signed off|approved)\b"
    r"|\blet'?s go (?:with|ahead)\b|\blet’s go (?:with|ahead)\b"
    r"|\bwe(?:'re|’re| are) going (?:with|ahead)\b|\bwe(?:'ll|’ll| will) go (?:with|ahead)\b"
    r"|\b(?:the )?decision (?:is|was) to\b|^(?:decision|decided|agreed)\s*:", re.I)
_NEGATED = re.compile(r"\b(?:not|n't|n’t|yet to|no decision|undecided)\b", re.I)

_FILLER = {"it", "that", "this", "these", "those", "them", "you", "me", "us", "something",
           "anything", "stuff", "things", "one", "some", "so", "um", "uh", "the", "a", "an",
           "there", "here", "now", "too", "again", "back", "up", "out", "on", "in", "for",
           "to", "of", "and", "or", "with", "please", "okay", "ok", "all", "yeah", "well"}


@dataclass
class Utterance:
    """A sentence and who said it (None when unknown or a placeholder label)."""

    speaker: str | None
    text: str


def utterances(text: str, default_speaker: str | None = None) -> list[Utterance]:
    """The sentences of `text` with their speakers, following "Name:" turns and "**From:**" lines."""
    found: list[Utterance] = []
    speaker = default_speaker
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = paragraph.strip()
        sender = _FROM.match(paragraph.splitlines()[0]) if paragraph else None
        if sender:
            speaker = sender.group("name").strip()
            paragraph = "\n".join(paragraph.splitlines()[1:])
        turn = _SPEAKER.match(paragraph)
        if turn:
            speaker, paragraph = turn.group("name"), turn.group("said")
        who = None if speaker is None or is_speaker_label(speaker) else speaker
        for sentence in _sentences(" ".join(paragraph.split())):
            found.append(Utterance(who, sentence.strip()))
    return [u for u in found if u.text]


def spoken_tasks(items: list[Utterance], participants: tuple[str, ...], anchor: date | None) -> list[Task]:
    """Tasks from sentences in which someone commits to doing something."""
    tasks: list[Task] = []
    for index, item in enumerate(items):
        if item.text.endswith("?"):
            continue
        task = _self_commitment(item, anchor) or _named_commitment(item, participants, anchor) \
            or _team_commitment(item, anchor)
        if task:
            if task.due is None:
                task.due = _due_said_next(items, index, anchor)
            tasks.append(task)
    return tasks


def _due_said_next(items: list[Utterance], index: int, anchor: date | None) -> date | None:
    """"I'll build a pricing model. I can have a first version by Friday the 25th.": the
    date the same speaker gives in the next sentence, when it says "by" a date."""
    if index + 1 >= len(items) or items[index + 1].speaker != items[index].speaker:
        return None
    following = items[index + 1].text
    if not re.match(r"^(?:I|we|it|that|you)(?:'ll|’ll| will| can| should| could)?\b", following) \
            or _SELF.search(following):
        return None
    due = find_due(following, anchor)
    return due.due if due and re.match(r"(?:by|before|no later than)\b", due.phrase, re.I) else None


def spoken_decisions(items: list[Utterance], anchor: date | None) -> list[Decision]:
    """Decisions from sentences such as "we agreed to …" or "let's go with …"."""
    decisions = []
    for item in items:
        sentence = item.text
        if sentence.endswith("?") or not _DECISION.search(sentence) or _NEGATED.search(sentence):
            continue
        decisions.append(Decision(text=_tidy(sentence), date=anchor, passage=sentence))
    return decisions


def commitment_task(text: str, participants: tuple[str, ...], anchor: date | None,
                    speaker: str | None = None) -> Task | None:
    """The task of one sentence when it is a commitment ("X will …", "I'll …"), else None."""
    item = Utterance(speaker, text)
    return _self_commitment(item, anchor) or _named_commitment(item, participants, anchor)


def is_actionable(text: str) -> bool:
    """True when `text` says what is to be done: a verb and at least one word of object
    that is not a pronoun or filler ("Send the NDA", not "Check it", "Finish", "Then")."""
    words = re.findall(r"[A-Za-z0-9][\w'’-]*", text)
    if len(words) < 2:
        return False
    content = [w for w in words[1:] if w.lower() not in _FILLER]
    if not content:
        return False
    return len(words) >= 3 or len(content[0]) > 3


# A spoken task does not end on a word that needs more ("write to Joao to", "merge them or").
_DANGLING = frozenset("""to or and the a an of for with if because so towards toward on in at
whose your my our their his her are is was be like into from about by as but than
which who what when where how than then um uh ehm er""".split())
# What cannot follow the verb of a task: "Register and should be…", "Schedule accordingly".
_NO_OBJECT = frozenset("and at accordingly directly exactly again later quickly soon".split())
_PARTICLES = frozenset("up over back out down off through around".split())
_BARE_OBJECTS = frozenset("it them that this these those there so you".split())
_DETERMINERS = frozenset("the a an our your my their his her some all any both two".split())
_MORE_WORK = frozenset("acknowledge return nudge intro introduce chase sign identify".split())
_FILLERS = re.compile(r"\b(?:uh|um|ehm|erm|er|hmm)\b,?\s*", re.I)
# Said to the room during the call, not work after it: "I'll show you my findings",
# "give you a little briefing".
_PRESENTING = re.compile(r"^(?:show|give|tell|walk)\s+(?:you|everyone|everybody|us|all of you)\s+"
                         r"(?:my|our|a little|a quick|a short|a brief|some|through)\b", re.I)


def says_work(text: str) -> bool:
    """True when a spoken task reads as work to be done after the call: it starts with a
    verb of work, its object is more than a pronoun ("Put them there", "Check it by
    myself"), it does not stop mid-phrase ("Write to Joao to"), and it is not the speaker
    presenting to the room ("Show you my findings")."""
    words = re.findall(r"[A-Za-z0-9][\w'’-]*", _FILLERS.sub("", text))
    if len(words) < 2:
        return False
    if words[0].lower() not in WORK_VERBS | _MORE_WORK and not re.match(r"let \S+ know\b", text, re.I):
        return False
    if re.match(r"\s*[A-Za-z'’-]+\s*[,–—-]", _FILLERS.sub("", text)):
        return False  # "Put – I'll also put …", "Follow, the requirements …": no object
    rest = [w.lower() for w in words[1:]]
    if rest[0] in _NO_OBJECT:
        return False
    while rest and rest[0] in _PARTICLES:
        rest = rest[1:]
    listed = re.search(r":\s*\S", text) is not None  # "Send these over: the site list; …"
    if not rest or (rest[0] in _BARE_OBJECTS and not listed
                    and (len(rest) == 1 or rest[1] not in _DETERMINERS)):
        return False  # "Put them there"; "send them the diagram" has its object after them
    if rest[-1] in _DANGLING or text.rstrip().endswith(("-", "–")):
        return False
    return not _PRESENTING.search(_FILLERS.sub("", text))


def resolve_person(name: str, participants: tuple[str, ...]) -> str | None:
    """The participant `name` refers to (full, first or last name), or None."""
    wanted = name.strip().lower()
    for person in participants:
        parts = person.lower().split()
        if wanted == person.lower() or (parts and wanted in (parts[0], parts[-1])):
            return person
    return None


def _self_commitment(item: Utterance, anchor: date | None) -> Task | None:
    match = _SELF.search(item.text)
    if not match:
        return None
    verb = match.group("verb").lower()
    said = f"{verb}{match.group('rest')}"
    if verb not in WORK_VERBS or (verb in _NOT_TASK_VERBS and not _DELIVERS.match(said)):
        return None
    if re.match(r"ask (?:you|everyone|all of you|you all|everybody)\b", said, re.I):
        return None  # "I'll ask you to do some work": the assignments follow
    return _task(match, item.speaker, item.text, anchor)


def _team_commitment(item: Utterance, anchor: date | None) -> Task | None:
    match = _TEAM.search(item.text)
    if not match or match.group("verb").lower() not in ACTION_VERBS | {"submit", "discuss", "fill",
                                                                        "test", "settle", "finish"}:
        return None
    return _task(match, None, item.text, anchor)


def _named_commitment(item: Utterance, participants: tuple[str, ...], anchor: date | None) -> Task | None:
    for match in _NAMED.finditer(item.text):
        name = match.group("name")
        if name.split()[0].lower() in _NOT_NAMES or is_speaker_label(name):
            continue
        verb = match.group("verb").lower()
        owner = resolve_person(name, participants)
        if owner is None and verb not in ACTION_VERBS:
            continue
        if verb in _NOT_TASK_VERBS:
            continue
        return _task(match, owner or name, item.text, anchor)
    return None


def _task(match: re.Match[str], owner: str | None, sentence: str, anchor: date | None) -> Task | None:
    action = f"{match.group('verb')}{match.group('rest')}"
    due = find_due(action, anchor)
    if due:
        action = action.replace(due.phrase, " ")
    if not is_actionable(action) or _IN_THE_CALL.search(action):
        return None
    return Task(text=_tidy(action), owner=owner, due=due.due if due else None,
                priority="high" if re.search(r"\b(?:urgent|asap|top priority)\b", sentence, re.I)
                else None, passage=sentence)


# Where a spoken task's own words end: "send the deck, and then I'll …", "fix it, because …".
_CLAUSE_END = re.compile(r"\s*(?:,\s*(?:and then|and I|but|because|so|which|if|I think|I guess|um|uh|"
                         r"I'll|I will|and yeah)\b|\s+and I (?:find|will|'ll|think)\b"
                         r"|\s[-–—]\s|\s+(?:because|but I|and I'll|and I will|so that we)\b)", re.I)
# Done during the call itself, not after it: "I'll share my screen", "I'll paste the link here".
_IN_THE_CALL = re.compile(r"\b(?:screen|chat|right now|in a second|in a minute|here|this video|"
                          r"the recording|disconnect|end meeting)\b", re.I)


def _tidy(text: str) -> str:
    text = re.sub(r"\b(\w+)(?:,?\s+\1\b)+", r"\1", text, flags=re.I)  # "the the", "I, I"
    end = _CLAUSE_END.search(text)
    if end and len(text[:end.start()].split()) >= 3:
        text = text[:end.start()]
    text = re.sub(r"\s+", " ", text).strip(" ,;:-—")
    text = re.sub(r"\s+(?:okay|ok|then|as well|for sure)$", "", text, flags=re.I)
    text = re.sub(r"\s+([,.;:])", r"\1", text).rstrip(",;:")
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def _sentences(text: str) -> list[str]:
    return _segmenter().segment(text) if text else []
