"""Turn a validated LLM answer into an `Extraction`, checking it against the document.

A model's answer is a claim about the text, not the text: every name must occur
in the document (or be a known entity the prompt listed), every fact needs a
subject among the mentions, and every passage must be an exact quote. This is
also the last line against prompt injection: whatever a document talks a model
into, what survives is about that document's own words.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import pysbd
from rapidfuzz import fuzz

from factbook.extract.llm_schema import (
    DealAnswer, ExtractionAnswer, normalize_figure, parse_iso_date,
)
from factbook.models import (
    Deal, Decision, EntityKind, Extraction, Fact, KnownEntity, Mention, Task,
)

# Bounds on what one document may contribute, whatever the model says.
MAX_NAME_CHARS = 120
MAX_ITEM_CHARS = 600
MAX_TOPICS = 8
# A quote the model mangled slightly is accepted at this similarity (0-100) and
# replaced by the document's own text; below it, the closest sentence is used if
# it is at least FALLBACK_SIMILARITY like the fact, else the fact has no passage.
QUOTE_SIMILARITY = 90
FALLBACK_SIMILARITY = 60
# Confidence of a fact by how well its passage was found.
CONFIDENCE = {"exact": 1.0, "fuzzy": 0.9, "sentence": 0.7}


def to_extraction(answer: ExtractionAnswer, text: str, known: list[KnownEntity]) -> Extraction:
    """The `Extraction` an answer supports, given the document `text` and the known
    entities that were listed in the prompt."""
    finder = PassageFinder(text)
    names = _Names(text, known)
    publishers = _unique(_clean(p, MAX_NAME_CHARS) for p in answer.publishers)
    skip = {p.casefold() for p in publishers}
    for mention in answer.mentions:
        if _clean(mention.name, MAX_NAME_CHARS).casefold() not in skip:
            names.add(mention.name, EntityKind(mention.kind), mention.aliases)
    facts = _facts(answer, finder, names)
    tasks = _tasks(answer, finder, names)
    decisions = _decisions(answer, finder, names)
    return Extraction(
        mentions=names.mentions(), facts=facts, tasks=tasks, decisions=decisions,
        topics=_unique(_clean(t, 80) for t in answer.topics)[:MAX_TOPICS],
        summary=_clean(answer.summary, MAX_ITEM_CHARS), publishers=publishers,
    )


def _facts(answer: ExtractionAnswer, finder: PassageFinder, names: _Names) -> list[Fact]:
    facts: list[Fact] = []
    seen: set[str] = set()
    for item in answer.facts:
        claim = _clean(item.text, MAX_ITEM_CHARS)
        subjects = names.resolve_all(item.subjects)
        key = _key(claim)
        # A fact about something the document does not name, or one no passage of
        # the document supports, is the model's invention (or an injected one).
        if not claim or not subjects or len(subjects) < len(_unique(item.subjects)) \
                or key in seen:
            continue
        passage, how = finder.find(item.quote, claim)
        if how == "none":
            continue
        seen.add(key)
        figures = _unique(f for f in (normalize_figure(x) for x in item.figures) if f)
        facts.append(Fact(
            text=claim, subjects=subjects, passage=passage, date=parse_iso_date(item.date),
            figures=figures, event=_event(item.event), stance=item.stance,
            deal=_deal(item.deal, names), confidence=CONFIDENCE[how],
        ))
    return facts


def _tasks(answer: ExtractionAnswer, finder: PassageFinder, names: _Names) -> list[Task]:
    tasks: list[Task] = []
    seen: set[str] = set()
    for item in answer.tasks:
        text = _clean(item.text, MAX_ITEM_CHARS)
        if not text or _key(text) in seen:
            continue
        seen.add(_key(text))
        owner = _clean(item.owner or "", MAX_NAME_CHARS) or None
        tasks.append(Task(
            text=text, owner=owner, due=parse_iso_date(item.due), priority=item.priority,
            subjects=names.resolve_all(item.subjects), passage=finder.find(item.quote, text)[0],
        ))
    return tasks


def _decisions(answer: ExtractionAnswer, finder: PassageFinder, names: _Names) -> list[Decision]:
    decisions: list[Decision] = []
    seen: set[str] = set()
    for item in answer.decisions:
        text = _clean(item.text, MAX_ITEM_CHARS)
        if not text or _key(text) in seen:
            continue
        seen.add(_key(text))
        decisions.append(Decision(
            text=text, date=parse_iso_date(item.date), subjects=names.resolve_all(item.subjects),
            passage=finder.find(item.quote, text)[0],
        ))
    return decisions


def _deal(deal: DealAnswer | None, names: _Names) -> Deal | None:
    if deal is None or not (deal.acquirer or deal.target):
        return None

    def party(value: str | None) -> str | None:
        if not value:
            return None
        return names.resolve(value) or _clean(value, MAX_NAME_CHARS) or None

    return Deal(acquirer=party(deal.acquirer), target=party(deal.target),
                seller=party(deal.seller), amount=_clean(deal.amount or "", 80) or None,
                status=deal.status)


class _Names:
    """The mentions of one document, and the lookup from any surface form to a name."""

    def __init__(self, text: str, known: list[KnownEntity]) -> None:
        self._text = text
        self._folded = text.casefold()
        # Every form of a listed known entity leads to it, so that "HDS" becomes
        # the vault's "Harbor Data Systems" when the vault has that alias.
        self._known = {form.casefold(): k for k in reversed(known)
                       for form in (*k.aliases, k.name)}
        self._by_form: dict[str, Mention] = {}
        self._order: list[Mention] = []

    def add(self, raw: str, kind: EntityKind, aliases: Iterable[str] = ()) -> Mention | None:
        """Record a mention if the document names it (or it is a listed known entity)."""
        name = _clean(raw, MAX_NAME_CHARS)
        aliases = [a for a in (_clean(a, MAX_NAME_CHARS) for a in aliases) if a]
        if name and not (self._occurs(name) or name.casefold() in self._known):
            # A name the model tidied up ("Acme Corporation" for "Acme Corp"):
            # keep the longest form the document itself uses.
            used = [a for a in aliases if self._occurs(a)]
            name = max(used, key=len) if used else ""
        if not name:
            return None
        known = self._known.get(name.casefold())
        mention = self._by_form.get(name.casefold()) or self._by_form.get(
            known.name.casefold() if known else "")
        if mention is None:
            mention = self._new_mention(name, kind)
        elif name.casefold() != mention.name.casefold():
            aliases.insert(0, name)
        for alias in aliases:
            folded = alias.casefold()
            owner = self._by_form.setdefault(folded, mention)
            if owner is mention and folded != mention.name.casefold() and self._occurs(alias) \
                    and folded not in {a.casefold() for a in mention.aliases}:
                mention.aliases.append(alias)
        return mention

    def _new_mention(self, name: str, kind: EntityKind) -> Mention:
        known = self._known.get(name.casefold())
        mention = Mention(name=known.name if known else name,
                          kind=known.kind if known else kind, aliases=[])
        self._order.append(mention)
        self._by_form.setdefault(mention.name.casefold(), mention)
        if name.casefold() != mention.name.casefold() and self._occurs(name):
            mention.aliases.append(name)
            self._by_form[name.casefold()] = mention
        for alias in known.aliases if known else ():
            # Subjects may use the vault's alias even where the model's mention did not.
            self._by_form.setdefault(alias.casefold(), mention)
        return mention

    def resolve(self, raw: str) -> str | None:
        """The mention name a subject string refers to, adding it when the text names it."""
        name = _clean(raw, MAX_NAME_CHARS)
        mention = self._by_form.get(name.casefold()) or self.add(name, EntityKind.ORGANIZATION)
        return mention.name if mention else None

    def resolve_all(self, raws: Iterable[str]) -> list[str]:
        """Resolved names of `raws`, each once, unresolvable ones dropped."""
        return _unique(n for n in (self.resolve(r) for r in raws) if n)

    def mentions(self) -> list[Mention]:
        """The mentions, each with how often the document names it."""
        for mention in self._order:
            forms = sorted({mention.name, *mention.aliases}, key=len, reverse=True)
            pattern = "|".join(re.escape(f) for f in forms)
            mention.count = max(1, len(re.findall(rf"(?<!\w)(?:{pattern})(?!\w)", self._text,
                                                  re.IGNORECASE)))
        return list(self._order)

    def _occurs(self, form: str) -> bool:
        folded = form.casefold()
        if folded not in self._folded:
            return False
        return re.search(rf"(?<!\w){re.escape(form)}(?!\w)", self._text, re.IGNORECASE) is not None


class PassageFinder:
    """Finds the document's own text for a quote a model gave."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._sentences: list[str] | None = None

    def find(self, quote: str, claim: str) -> tuple[str, str]:
        """(passage, how): the exact quote, the text a near-verbatim quote stands for,
        the sentence most like the claim, or "" — with how it was found."""
        quote = quote.strip().strip('"“”')
        if len(quote) >= 8:
            if quote in self.text:
                return quote, "exact"
            loose = self._loose_match(quote)
            if loose:
                return loose, "exact"
            aligned = fuzz.partial_ratio_alignment(quote, self.text, score_cutoff=QUOTE_SIMILARITY)
            if aligned is not None and len(quote) <= len(self.text):
                return self.text[aligned.dest_start:aligned.dest_end].strip(), "fuzzy"
        return self._best_sentence(quote or claim)

    def _loose_match(self, quote: str) -> str | None:
        # The same words with different spacing, line breaks or quote characters.
        words = [re.escape(w) for w in re.split(r"\s+", quote) if w]
        pattern = r"\s+".join(words)
        pattern = re.sub(r"(\\?['’‘])", "['’‘]", pattern)
        pattern = re.sub(r'(\\?["“”])', '["“”]', pattern)
        match = re.search(pattern, self.text)
        return match.group(0) if match else None

    def _best_sentence(self, claim: str) -> tuple[str, str]:
        if self._sentences is None:
            segmenter = pysbd.Segmenter(language="en", clean=False)
            self._sentences = [s.strip() for s in segmenter.segment(self.text) if s.strip()]
        best, score = "", 0.0
        for sentence in self._sentences:
            value = fuzz.token_set_ratio(claim, sentence)
            if value > score:
                best, score = sentence, value
        if score >= FALLBACK_SIMILARITY and best in self.text:
            return best, "sentence"
        return "", "none"


def _clean(value: str, limit: int) -> str:
    """One line, single spaces, at most `limit` characters."""
    return " ".join(value.split())[:limit].strip()


def _key(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def _event(value: str | None) -> str | None:
    # "other" says nothing: two facts must not meet merely because both are "other".
    return None if value in (None, "other") else value


def _unique(values: Iterable[str]) -> list[str]:
    """Non-empty values, first occurrence of each (case-insensitively) kept, in order."""
    seen: set[str] = set()
    out: list[str] = []
    for value in values:
        if value and value.casefold() not in seen:
            seen.add(value.casefold())
            out.append(value)
    return out
