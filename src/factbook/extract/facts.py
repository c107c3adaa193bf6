"""Facts from sentences: pick the ones that carry information about a named entity,
compress each to its claim, and attach it to every entity it is about.

Beyond the names a sentence spells out, a claim is about: the entity "the company"
or "it" refers to (the last organization a sentence opened with); the entity of
the sentence before in the same paragraph when it continues that story; and the
entities of an earlier claim that stated the same amount ("the $5 billion option").
A deal names its buyer, target, seller, amount and status.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from factbook.extract import claims as cl
from factbook.extract.chatter import cut_debris, label_of, only_we, speaker_of, talk_kind
from factbook.extract.commitments import ACTION_VERBS
from factbook.extract.figures import Figure, figures, referred_date, values
from factbook.extract.names import NameFinding
from factbook.extract.text import Layout, Sentence, split_sentences
from factbook.extract.wording import MARK, mark, plain
from factbook.models import Deal, Document, EntityKind, Fact, Mention

MAX_FACTS = 14
# Events worth a fact even when the sentence names a single entity and no figure.
_STRONG_EVENTS = frozenset({"withdrawal", "ipo", "lawsuit", "deal", "regulatory", "leadership"})
_MAX_CHARS = 400
_COREF = re.compile(r"\b(?:the|The) (?:company|firm|group|concern|bank)(?:['’]s)?\b")
_GIANT = re.compile(r"\b(?:the|The) (?:tech |software |industry )?giant(?:['’]s)?\b")
_IT = re.compile(r"^It\b(?=\s+(?:said|added|has|had|is|was|will|would|also|expects|plans))")
_DEAL_VERB = re.compile(
    r"\b(?P<verb>acquir(?:e|ed|es|ing)|acquisition of|buy(?:s|ing)?|bought|purchas(?:e|ed|es|ing)|"
    r"merg(?:e|ed|er|ing)(?: with)?|takeover offer for|takeover bid for|tender offer for|offer for|"
    r"bid for|stake in|interest in|sell(?:s|ing)?|sold|sale of|divest(?:s|ed|ing)?|"
    r"letter of intent|buyout)\b", re.I)
_SELL = re.compile(r"^(?:sell|sold|sale|divest)", re.I)
_PASSIVE = re.compile(r"\b(?:acquired|bought|purchased|buyout) by\s*$", re.I)
_STATUS = [
    ("terminated", re.compile(r"\b(?:terminat\w+|withdr\w+|end(?:ed|s)?|called off|cancel\w*|"
                              r"abandon\w*|rejected|scrapped)\b", re.I)),
    ("completed", re.compile(r"\b(?:completed|has (?:acquired|purchased|bought|sold)|acquired|"
                             r"purchased|bought|sold|closed)\b", re.I)),
    ("agreed", re.compile(r"\b(?:agreed|agreement|definitive|signed|letter of intent|approved)\b", re.I)),
]
_VALUE_WORDS = re.compile(r"\b(?:valu\w+|worth|price|pay|paid|for|total\w*|involv\w+|cost)\b", re.I)
_QUANTITY = re.compile(r"\b\d[\d,.]*\s*(?:%|[a-zA-Z]{1,12}\b)")
# A figure said in words, as a transcript writes speech: "three point two hours",
# "six hundred thousand", "fifteen percent".
_NUMBER_WORD = (r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
                r"eighty|ninety)")
_SPOKEN_FIGURE = re.compile(rf"\b{_NUMBER_WORD}(?:[\s-]+{_NUMBER_WORD})*(?:\s+point\s+{_NUMBER_WORD}\b|"
                            rf"[\s-]+(?:percent|hundred|thousand|million|billion)\b)", re.I)
_PER_SHARE = re.compile(r"^\s*(?:a|per|each)\b|^\s*(?:a|per) (?:share|unit)", re.I)


@dataclass
class _Draft:
    text: str
    passage: str
    sentence: Sentence
    subjects: list[str]
    figs: list[Figure] = field(default_factory=list)
    inherited: list[str] = field(default_factory=list)
    own: bool = False  # a bullet of a note about its one subject: the user's own record
    voice: str | None = None  # who says it (a speaker's label, an e-mail's one sender)


def extract_facts(layout: Layout, names: NameFinding, anchor: date | None,
                  speakers: tuple[str, ...] = (), about: str | None = None,
                  reported: bool = False, sender: str | None = None) -> list[Fact]:
    """The facts of one document, deals first, at most MAX_FACTS, then a table's cells
    (each a value the document records, however short). `speakers` are the
    people whose "Name:" labels open lines of talk; `about` is the mention a note is
    about (extract/subject.py): its bullets that name no entity are facts about it;
    `sender` writes the words no label gives to a speaker (an e-mail's one author). A
    statement a speaker or the sender makes for their side ("our dwell time is 3.2 hours")
    is kept with `Fact.voice` set, for extract/voice.py to say whose "our" it is."""
    mentions = {m.name: m for m in names.mentions}
    drafts = _drafts(layout, names, mentions, _Voice(speakers, about if about in mentions else None,
                                                 reported, sender))
    facts: list[Fact] = []
    cells: list[Fact] = []  # a table's cells: the document's own record, kept whole
    used_amounts: set[int] = set()
    seen_figures: dict[str, list[str]] = {}
    for i, draft in enumerate(drafts):
        kind = talk_kind(plain(draft.text), reported)
        # "Our dwell time is 3.2 hours" said by a customer is about their organization:
        # kept with who said it (extract/voice.py links "our"); other talk is not a fact.
        voiced = kind == "person" and draft.voice is not None and only_we(plain(draft.text))
        if i in used_amounts or (kind and not voiced) or not (draft.subjects or voiced):
            continue
        fact = _fact(draft, drafts, i, used_amounts, mentions, anchor)
        if fact is None:
            continue
        fact.voice = draft.voice if voiced else None
        for token in fact.figures:
            if not token.startswith("pct:"):
                earlier = seen_figures.setdefault(token, [])
                extra = [s for s in earlier if s not in fact.subjects]
                if extra:
                    fact.subjects.extend(extra)
                    fact.text = _with_context(fact.text, extra)
                earlier.extend(s for s in fact.subjects if s not in earlier)
        (cells if draft.sentence.table else facts).append(fact)
    facts = _dedupe(facts)
    deals = [f for f in facts if f.deal]
    rest = [f for f in facts if not f.deal]
    return (deals + rest)[:MAX_FACTS] + _dedupe(cells)


def stated_facts(document: Document, names: NameFinding, about: str | None = None) -> list[Fact]:
    """The facts a meeting note lists under its own "Key facts" or "Notes" heading, one per
    sentence in the note's words, about the entities each names (and the one a "Name:"
    label opens the item with), else what the note is about (its front matter, title or
    heading says). Talk (questions, first-person clauses, speakers' labels) is cut."""
    from factbook.extract.structured import structured_items  # readers import this module

    mentions = {m.name: m for m in names.mentions}
    # An item that names nothing is about the note's subject (extract/subject.py); a note
    # about several accounts (a pipeline review) leaves it without one.
    main = about if about in mentions else None
    speakers = tuple(dict.fromkeys((*document.participants, *document.authors)))
    out = []
    for item in structured_items(document).key_facts:
        words, labelled = _own_words(item, list(mentions), mentions, _Voice(speakers))
        for sentence in split_sentences(words):
            text = _without_talk(sentence)
            if text is None or len(text.split()) < 4:
                continue
            subjects = _subjects(text, list(mentions), mentions)
            if labelled and labelled not in subjects:
                subjects.insert(0, labelled)
            subjects = subjects or ([main] if main else [])
            if subjects:
                out.append(Fact(text=_expand_short_forms(text, subjects, mentions), subjects=subjects,
                                passage=item, date=referred_date(text, document.date),
                                figures=sorted({f.token for f in figures(text)}),
                                event=cl.event_of(text), stance=cl.stance_of(text)))
    return out


_ASIDE = re.compile(r"\s+[—–]\s+|;\s+|\s+-\s+")


def _without_talk(sentence: str) -> str | None:
    """A sentence with its talking asides cut ("Incumbent is Corbel — site list should
    tell us how many" keeps its first part), or None when what it says is talk."""
    parts = _ASIDE.split(sentence)
    if not talk_kind(sentence):
        return sentence
    kept = []
    for part in parts:
        if talk_kind(part):
            break  # what follows a talking aside goes on with it
        kept.append(part)
    if not kept or talk_kind(parts[0]):
        return None
    end = 0
    for part in kept:
        end = sentence.index(part, end) + len(part)
    text = sentence[:end].rstrip(" ,;—–-")
    return text if text.endswith((".", "!", ")")) else text + "."


@dataclass(frozen=True)
class _Voice:
    """Who talks in a document and what it is about."""

    speakers: tuple[str, ...] = ()
    about: str | None = None
    reported: bool = False  # a story that reports others' words, not a conversation
    sender: str | None = None  # who writes the document's own words (an e-mail's one author)


def _own_words(text: str, present: list[str], mentions: dict[str, Mention],
               voice: _Voice) -> tuple[str, str | None]:
    """A sentence without the debris before its words (a timestamp, a speaker's label),
    and the entity a "Name: ..." label said the rest is about. A person's label is who
    speaks; an organization's or project's is the subject of the line."""
    text = cut_debris(text, voice.speakers)
    label = label_of(text)
    if not label:
        return text, None
    named = _subjects(label, list(mentions), mentions) or _short_for(label, mentions)
    if not named or _subjects(text[len(label) + 1:], list(mentions), mentions) == named:
        return text, None
    rest = text.split(":", 1)[1].strip()
    if len(rest.split()) < 3:
        return text, None
    return rest[:1].upper() + rest[1:], (None if mentions[named[0]].kind is EntityKind.PERSON else named[0])


def _short_for(label: str, mentions: dict[str, Mention]) -> list[str]:
    """The one mention whose name `label` begins ("Pinecrest" for "Pinecrest Foods")."""
    found = [m for m in mentions if m.startswith(label + " ")]
    return found if len(found) == 1 else []


def _drafts(layout: Layout, names: NameFinding, mentions: dict[str, Mention],
            voice: _Voice = _Voice()) -> list[_Draft]:
    """Candidate claims in document order, with subjects and coreference resolved."""
    drafts: list[_Draft] = []
    focus: str | None = None
    context: tuple[int, list[str]] = (-1, [])
    said_by: tuple[int, str | None] = (-1, voice.sender)
    for sent in layout.sentences:
        if sent.heading:
            continue
        said_by = _turn(said_by, sent, voice)
        present = _present(names.spans.get(sent.index, []))
        words, labelled = _own_words(sent.text, present, mentions, voice)
        stripped = cl.strip_padding(words, _surfaces(present, mentions))
        # The organization a sentence opens with is what "the company" means from here on.
        opener = _subjects(stripped[:60], present, mentions)
        if opener and mentions[opener[0]].kind is EntityKind.ORGANIZATION and \
                any(stripped.startswith(s) for s in _surfaces(opener[:1], mentions)):
            focus = opener[0]
        elif focus is None:
            focus = next((p for p in present if mentions[p].kind is EntityKind.ORGANIZATION), None)
        if focus and (_COREF.search(stripped) or _IT.match(stripped)):
            # The source's words stay; what they refer to is a link over them.
            stripped = _IT.sub(lambda m: mark(focus, m.group(0)), stripped, count=1)
            stripped = _COREF.sub(lambda m: mark(focus, m.group(0)), stripped, count=1)
            if focus not in present:
                present.append(focus)
        main = _main_org(names.mentions)
        if main and _GIANT.search(stripped):
            stripped = _GIANT.sub(lambda m: mark(main, m.group(0)), stripped, count=1)
            if main not in present:
                present.append(main)
        surfaces = _surfaces(present, mentions)
        base = cl.drop_said_it(stripped, surfaces)
        clauses = cl.split_clauses(base, surfaces)
        halves = [s for c in clauses if c.contrast for s in _subjects(c.text, present, mentions)]
        for clause in clauses:
            subjects = _subjects(clause.text, present, mentions)
            if labelled and labelled not in subjects:
                subjects.insert(0, labelled)
            own = _note_subject(subjects, sent, words, voice)
            if not subjects and not (said_by[1] and only_we(plain(clause.text))):
                continue
            draft = _Draft(clause.text, sent.text, sent, subjects, figures(clause.text), own=own,
                           voice=said_by[1])
            para, earlier = context
            money_figs = [f for f in draft.figs if not f.token.startswith("pct:")]
            # A sentence that goes on about what the one before named is about all of it.
            if para == sent.paragraph and not money_figs and len(earlier) <= 2 \
                    and set(subjects) <= set(earlier):
                draft.inherited.extend(s for s in earlier if s not in subjects)
            if clause.contrast:
                draft.inherited.extend(s for s in dict.fromkeys(halves)
                                       if s not in subjects and s not in draft.inherited)
            drafts.append(draft)
        if present:
            context = (sent.paragraph, present)
    return drafts


def _turn(said_by: tuple[int, str | None], sent: Sentence, voice: _Voice) -> tuple[int, str | None]:
    """Who says `sent`: a turn goes on until the next speaker's label; a paragraph
    without one is the sender's (paragraph, speaker)."""
    who = speaker_of(sent.text, voice.speakers) if voice.speakers else None
    if who or said_by[0] != sent.paragraph:
        return sent.paragraph, who or voice.sender
    return said_by


def _note_subject(subjects: list[str], sent: Sentence, words: str, voice: _Voice) -> bool:
    """Put the note's subject first in `subjects` and return True when `sent` is a bullet
    of a note about one entity that names nothing, or opens without a subject of its own
    ("tried Acme's tool in 2025"): the user's own record of that entity (not a to-do)."""
    own = bool(sent.bullet and voice.about) and not _to_do(words) and \
        (not subjects or _subjectless(words))
    if own and voice.about not in subjects:
        subjects.insert(0, voice.about)
    return own


_TO_DO = ACTION_VERBS | {"propose", "tell", "get", "give", "bring", "make", "find", "talk"}


def _subjectless(text: str) -> bool:
    """True for a note's line that opens without a subject: a lower-case word ("tried
    Acme's tool", "budget: none before Q1")."""
    return bool(re.match(r"[a-z]", plain(text).lstrip(" *_\"'“")))


def _to_do(text: str) -> bool:
    """True for a note's line that is a to-do ("send the spec", "Jo: propose dates")."""
    text = plain(text).lstrip(" *_\"'“")
    if label_of(text):
        text = text.split(":", 1)[1]
    words = text.split()
    return bool(words) and words[0].lower() in _TO_DO


def _main_org(found: list[Mention]) -> str | None:
    """The organization the document names most: what "the giant" refers to."""
    orgs = [m for m in found if m.kind is EntityKind.ORGANIZATION]
    return max(orgs, key=lambda m: m.count).name if orgs else None


def _present(spans: list[tuple[int, int, str]]) -> list[str]:
    out: list[str] = []
    for _, _, name in spans:
        if name not in out:
            out.append(name)
    return out


def _surfaces(present: list[str], mentions: dict[str, Mention]) -> list[str]:
    out: list[str] = []
    for name in present:
        out.append(name)
        out.extend(mentions[name].aliases)
    return out


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int


def _find(text: str, surface: str) -> _Hit | None:
    """`surface` as a whole word in `text` (string search: compiling a pattern per name
    costs more than the whole look-up)."""
    pos = text.find(surface)
    while pos >= 0:
        end = pos + len(surface)
        if (pos == 0 or not _is_word(text[pos - 1])) and (end == len(text) or not _is_word(text[end])):
            return _Hit(pos, end)
        pos = text.find(surface, pos + 1)
    return None


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def _subjects(text: str, present: list[str], mentions: dict[str, Mention]) -> list[str]:
    """The entities a clause names, by full name or any alias, in order of appearance."""
    found: list[tuple[int, str]] = []
    for name in present:
        best = None
        for surface in (name, *mentions[name].aliases):
            m = _find(text, surface)
            if m and (best is None or m.start < best):
                best = m.start
        if best is not None:
            found.append((best, name))
    return [name for _, name in sorted(found)]


def _find_outside_marks(text: str, surface: str) -> _Hit | None:
    """`surface` as a whole word in `text`, not inside an earlier mark."""
    spans = [(m.start(), m.end()) for m in MARK.finditer(text)]
    pos = 0
    while (hit := _find(text[pos:], surface)) is not None:
        start, end = hit.start + pos, hit.end + pos
        inside = next((b for a, b in spans if a <= start < b), None)
        if inside is None:
            return _Hit(start, end)
        pos = inside
    return None


def _expand_short_forms(text: str, subjects: list[str], mentions: dict[str, Mention]) -> str:
    """Link each entity's first mention by a short form to its full name, keeping the
    source's words (`[[Full Name|short]]` once merged), so the line stands alone."""
    for name in subjects:
        if _find(text, name):
            continue
        aliases = sorted(mentions[name].aliases, key=len, reverse=True)
        for alias in aliases:
            m = _find_outside_marks(text, alias)
            if m:
                text = text[:m.start] + mark(name, text[m.start:m.end]) + text[m.end:]
                break
    return text


def _fact(draft: _Draft, drafts: list[_Draft], i: int, used: set[int],
          mentions: dict[str, Mention], anchor: date | None) -> Fact | None:
    text = _expand_short_forms(draft.text, draft.subjects, mentions)
    event = cl.event_of(text)
    stance = cl.stance_of(text)
    when = referred_date(text, anchor)
    if when and (draft.sentence.table or len({v for v in values(plain(text)) if v.startswith("day:")}) > 1):
        when = None  # a table row, a line giving several days: as of its document
    # A quantity of any kind ("140 ms", "243,400 shares") makes a claim worth keeping.
    quantity = bool(draft.figs) or bool(_QUANTITY.search(text)) or bool(_SPOKEN_FIGURE.search(text))
    if not (quantity or when or stance or event in _STRONG_EVENTS or draft.sentence.table or draft.own
            or (event and len(draft.subjects) >= 2)):
        return None
    if cl.is_commentary(text) and not quantity:
        return None
    if len(text) > _MAX_CHARS or len(text.split()) < 4:
        return None
    deal = _deal(text, draft.subjects, mentions) if event in ("deal", "withdrawal") else None
    if deal and not deal.amount:
        amount_at = _amount_nearby(drafts, i)
        if amount_at is not None:
            fig = _money_total(drafts[amount_at].figs, drafts[amount_at].text)
            if fig:
                deal.amount = fig.surface
                text = text.rstrip(".") + f" ({_value_phrase(drafts[amount_at].text, fig)})."
                used.add(amount_at)
                draft.figs = draft.figs + [fig]
    subjects = list(dict.fromkeys(draft.subjects + draft.inherited))
    return Fact(text=text, subjects=subjects, passage=draft.passage, date=when,
                figures=sorted({f.token for f in draft.figs}), event=event, stance=stance,
                deal=deal, confidence=1.0 if not draft.inherited else 0.8)


def _deal(text: str, subjects: list[str], mentions: dict[str, Mention]) -> Deal | None:
    """Buyer, target, seller, amount and status of a deal sentence, when it names them."""
    orgs = [s for s in subjects if mentions[s].kind is EntityKind.ORGANIZATION or True]
    verb = _DEAL_VERB.search(text)
    if not verb or not orgs:
        return None
    positions = {s: _position(text, s, mentions) for s in orgs}
    before = [s for s in orgs if positions[s] < verb.start()]
    after = sorted((s for s in orgs if positions[s] >= verb.start()), key=positions.get)
    deal = Deal(status=next((name for name, p in _STATUS if p.search(text)), "proposed"))
    lead = before[0] if before else None
    if _PASSIVE.search(text[:verb.end() + 3]) or (lead is None and after):
        deal.target = lead
        deal.acquirer = after[0] if after else None
    elif _SELL.match(verb.group("verb")):
        deal.seller = lead
        to = re.search(r"\bto\b", text[verb.end():])
        buyers = [s for s in after if to and positions[s] > verb.end() + to.start()]
        deal.acquirer = buyers[0] if buyers else None
        targets = [s for s in after if s not in buyers]
        deal.target = targets[0] if targets else None
    else:
        deal.acquirer = lead
        deal.target = next((s for s in after if s != lead), None)
        if deal.target is None and len(before) > 1:
            deal.target = before[1]  # "Acme and Beta ended merger talks"
    money = _money_total(figures(text), text)
    deal.amount = money.surface if money else None
    if not (deal.acquirer or deal.target):
        return None
    return deal


def _position(text: str, name: str, mentions: dict[str, Mention]) -> int:
    hits = [text.find(s) for s in (name, *mentions[name].aliases) if s in text]
    return min(hits) if hits else len(text)


def _money_total(figs: list[Figure], text: str) -> Figure | None:
    """The amount a deal is worth: the largest sum that is not a price per share."""
    best = None
    for fig in figs:
        if fig.token.startswith("pct:"):
            continue
        after = text[fig.start + len(fig.surface):fig.start + len(fig.surface) + 12]
        if _PER_SHARE.match(after):
            continue
        value = float(fig.token.split(":", 1)[1])
        if best is None or value > float(best.token.split(":", 1)[1]):
            best = fig
    return best


def _amount_nearby(drafts: list[_Draft], i: int) -> int | None:
    """The next few claims that state what a deal is worth."""
    for j in range(i + 1, min(len(drafts), i + 5)):
        if _money_total(drafts[j].figs, drafts[j].text) and _VALUE_WORDS.search(drafts[j].text) \
                and not drafts[j].subjects[1:]:
            return j
    return None


def _value_phrase(text: str, fig: Figure) -> str:
    """A few words before an amount that say what it is ("assets valued at more than 12 mln")."""
    at = text.find(fig.surface)
    head = text[max(0, at - 40):at].split()
    words = head[-4:] if head else []
    while words and not re.search(r"valu|worth|pric|pay|paid|total|involv|cost|at|for", words[0]):
        words = words[1:]
    return " ".join(words + [fig.surface]).strip()


def _with_context(text: str, extra: list[str]) -> str:
    return text.rstrip(".") + f" (re: {', '.join(mark(e, e) for e in extra)})."


def _dedupe(facts: list[Fact]) -> list[Fact]:
    """One document states a claim once: drop later facts with the same text."""
    seen: set[str] = set()
    out = []
    for fact in facts:
        key = fact.text.lower()
        if key not in seen:
            seen.add(key)
            out.append(fact)
    return out
