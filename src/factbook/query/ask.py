"""`factbook ask`: a question answered from the vault's cited facts, tasks and decisions.

Retrieval is shared by both modes: entity names in the question (or `--entity`) are
resolved through their aliases, question words and stop words are dropped, the other
words are reduced to a stem and searched as prefixes with the full-text index
(query/fts.py), and every candidate line is scored on how many of the question's
words it holds. Offline, the answer is the best cited lines, ranked. With an LLM
(query/ask_llm.py) the answer is written from those lines only, and every sentence
must carry citations to them; a sentence without one is dropped. Without evidence
the answer is a refusal that shows the closest cited lines. Never an uncited sentence.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from factbook.errors import InputError
from factbook.query.common import SourceRef, connection, source_ref, to_plain
from factbook.query.entities import find_entity
from factbook.query.fts import STOPWORDS, Filters, match_expression, ranked
from factbook.query.search import describe
from factbook.store.base import DocumentRecord, Store

# Words that shape a question but say nothing about its subject.
QUESTION_WORDS = frozenset(
    "what whats who whom whose which when where why how did does do done say said says "
    "tell told me us about know any anything there please could would can should shall may "
    "might must latest recent recently new news current currently status update updates "
    "give show list mention mentioned mentions think thought we our you your they them "
    "he she his her him has have had been being get got between into over under than then "
    "so if not no yes all some much many more most last next ago".split())
_WORD = re.compile(r"[\w%$€£.,]*\w", re.U)
_SENTENCES = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])|\n+")
_LIST_MARK = re.compile(r"^(?:[>*+-]\s*|\d+[.)]\s+|\[[ xX]\]\s*)+")
# What the vault curated (facts, tasks, decisions) goes before a raw sentence of a source.
CURATED_BONUS = 0.3
_SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "ies", "als", "al", "ed", "es", "er",
             "ly", "s")
DEFAULT_LIMIT = 5
# Lines an LLM is given to write from (a refusal still shows only the best `limit`).
LLM_EVIDENCE = 12
FTS_DEPTH = 40
MAX_SENTENCE = 400


@dataclass
class Evidence:
    """One cited line the answer may rest on: a fact, a task, a decision or a source's
    sentence, with the sources that hold it."""

    id: str
    type: str  # fact | task | decision | source
    text: str
    sources: list[SourceRef]
    date: date | None = None
    entities: list[str] = field(default_factory=list)
    score: float = 0.0

    @property
    def links(self) -> list[str]:
        """The wikilinks of its sources, each once."""
        return list(dict.fromkeys(s.link for s in self.sources))


@dataclass
class AnswerSentence:
    """One sentence of an answer and the evidence it cites (never empty)."""

    text: str
    evidence: list[str]
    sources: list[SourceRef]


@dataclass
class Answer:
    """The answer to one question: cited sentences, or a refusal with the closest lines."""

    question: str
    mode: str  # offline | llm
    sentences: list[AnswerSentence]
    evidence: list[Evidence]
    refused: bool = False
    reason: str = ""
    entities: list[str] = field(default_factory=list)
    dropped: int = 0  # LLM sentences dropped for want of a valid citation

    def to_dict(self) -> dict[str, Any]:
        """The answer as JSON-ready data, with its Markdown."""
        return {**to_plain(self), "markdown": format_answer(self)}


@dataclass
class Question:
    """A question taken apart: the entities it names and the stems of its other words."""

    text: str
    entity_ids: list[int]
    entity_names: list[str]
    stems: list[str]
    entity_words: list[str] = field(default_factory=list)  # the names and aliases used


def stem(word: str) -> str:
    """A crude stem that a prefix search can match ("pricing", "prices" → "pric")."""
    w = word.casefold()
    for suffix in _SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            w = w[:-len(suffix)]
            break
    if w.endswith("e") and len(w) > 4:
        w = w[:-1]
    return w


def _tokens(text: str) -> list[str]:
    return [m.group(0).casefold().strip(".,") for m in _WORD.finditer(text)]


def content_stems(text: str) -> list[str]:
    """The stems of the words of `text` that carry meaning (no stop or question words)."""
    out = []
    for token in _tokens(text):
        if token in STOPWORDS or token in QUESTION_WORDS or (len(token) < 3 and not token.isdigit()):
            continue
        out.append(stem(token))
    return list(dict.fromkeys(out))


def parse_question(store: Store, question: str, entity: str | None = None) -> Question:
    """Resolve the entities a question names (by name or alias, or `entity`), and keep the
    stems of the words left."""
    if not question.strip():
        raise InputError("question", "is empty")
    ids: list[int] = []
    names: list[str] = []
    rest = question
    if entity:
        record = find_entity(store, entity)
        ids.append(record.id)
        names.append(record.name)
    used: list[str] = [n.casefold() for n in names]
    spans: list[tuple[str, int, str]] = []
    for known in store.known_entities():
        for name in (known.name, *known.aliases):
            if len(name) >= 3:
                spans.append((name, known.id, known.name))
    spans.sort(key=lambda s: -len(s[0]))  # the longest name first: "Acme Bank" before "Acme"
    for name, entity_id, display in spans:
        pattern = re.compile(rf"(?<!\w){re.escape(name)}(?:'s|’s)?(?!\w)", re.IGNORECASE)
        if pattern.search(rest):
            rest = pattern.sub(" ", rest)
            used.append(name.casefold())
            if entity_id not in ids:
                ids.append(entity_id)
                names.append(display)
    return Question(question, ids, names, content_stems(rest), used)


def gather(store: Store, q: Question) -> list[Evidence]:
    """Every candidate line for the question: the named entities' facts, tasks and
    decisions, and what the full-text index finds for its words (facts, and the
    sentences of matching sources)."""
    found: list[Evidence] = []
    for entity_id in q.entity_ids:
        found += _entity_lines(store, entity_id)
    if q.stems:
        found += _indexed_lines(store, q)
    return found


def _entity_lines(store: Store, entity_id: int) -> list[Evidence]:
    entity = store.entity(entity_id)
    out = []
    for fact in store.facts_for_entity(entity_id):
        if fact.status != "active":
            continue
        refs = [source_ref(store.document(c.document_id)) for c in fact.citations]
        when = fact.date or max((r.date for r in refs if r.date), default=None)
        out.append(Evidence("", "fact", fact.shown_text, refs, when, [entity.name]))
    for decision in store.decisions_for_entity(entity_id):
        doc = store.document(decision.document_id)
        out.append(Evidence("", "decision", f"Decided: {decision.text}", [source_ref(doc)],
                            decision.date or doc.date, [entity.name]))
    for task in store.tasks_for_entity(entity_id):
        doc = store.document(task.document_id)
        state = "Done" if task.done else "Open task"
        owner = f" ({task.owner})" if task.owner else ""
        due = f", due {task.due.isoformat()}" if task.due else ""
        out.append(Evidence("", "task", f"{state}: {task.text}{owner}{due}", [source_ref(doc)],
                            task.due or doc.date, [entity.name]))
    return out


def _indexed_lines(store: Store, q: Question) -> list[Evidence]:
    expr = match_expression(" ".join(f"{s}*" for s in q.stems), any_term=True)
    if expr is None:
        return []
    db = connection(store)
    filters = [Filters(entity_id=i) for i in q.entity_ids] or [Filters()]
    out: list[Evidence] = []
    for flt in filters:
        hits = ranked(db, expr, flt, FTS_DEPTH, ("fact", "source"))
        facts = [h for h in hits if h.type == "fact"]
        for hit in describe(store, facts, FTS_DEPTH):
            out.append(Evidence("", "fact", hit.title, hit.sources, hit.date, hit.entities))
        for hit in (h for h in hits if h.type == "source"):
            out += _source_sentences(store.document(hit.id), q.stems)
    return out


def _source_sentences(doc: DocumentRecord, stems: list[str]) -> list[Evidence]:
    """The sentences of a source that hold a word of the question."""
    out = []
    for sentence in _SENTENCES.split(doc.text):
        sentence = _LIST_MARK.sub("", " ".join(sentence.split()))
        if 12 <= len(sentence) <= MAX_SENTENCE and _matched(sentence, stems):
            out.append(Evidence("", "source", sentence, [source_ref(doc)], doc.date))
    return out


def _matched(text: str, stems: list[str]) -> set[str]:
    words = {stem(t) for t in _tokens(text)} | set(_tokens(text))
    return {s for s in stems if any(w.startswith(s) for w in words)}


def rank(q: Question, found: list[Evidence], limit: int) -> list[Evidence]:
    """The best `limit` lines, each once: scored by the question words they hold (rare
    words weigh more), then by the entities they concern, then newest first. A line
    that holds none of the question's words is no answer when the question has any."""
    weight = {}
    for s in q.stems:
        df = sum(1 for e in found if s in _matched(e.text, [s]))
        weight[s] = math.log(1 + (len(found) + 1) / (1 + df))
    merged: dict[str, Evidence] = {}
    for item in found:
        if not item.sources:
            continue  # nothing to cite: never shown
        hits = _matched(item.text, q.stems)
        if q.stems and not hits:
            continue
        linked = any(n in item.entities for n in q.entity_names)
        named = any(n in item.text.casefold() for n in q.entity_words)
        item.score = (sum(weight[s] for s in hits) + (0.3 if linked else 0.0)
                      + (0.3 if named else 0.0) + (CURATED_BONUS if item.type != "source" else 0.0))
        key = " ".join(_tokens(item.text))
        same = merged.get(key)
        if same is None or item.score > same.score:
            if same is not None:
                item.sources += [s for s in same.sources if s not in item.sources]
            merged[key] = item
        else:
            same.sources += [s for s in item.sources if s not in same.sources]
    ordered = sorted(merged.values(), key=lambda e: (-e.score, -(e.date or date.min).toordinal(),
                                                     e.type, e.text))
    best: list[Evidence] = []
    for item in ordered:
        if len(best) >= limit:
            break
        key = " ".join(_tokens(item.text))
        # A line that repeats a better one (or is repeated by it) adds nothing but sources.
        same = next((b for b in best if key in " ".join(_tokens(b.text))
                     or " ".join(_tokens(b.text)) in key), None)
        if same is not None:
            same.sources += [s for s in item.sources if s not in same.sources]
            continue
        best.append(item)
    for n, item in enumerate(best, start=1):
        item.id = f"E{n}"
    return best


def ask(store: Store, question: str, *, entity: str | None = None, complete=None,
        limit: int = DEFAULT_LIMIT) -> Answer:
    """Answer `question` from the store. Offline (no `complete`): the best cited lines.
    With `complete` (see query/ask_llm.py): sentences written from those lines only,
    each citing them; a refusal with the closest lines when they do not answer it."""
    q = parse_question(store, question, entity)
    evidence = rank(q, gather(store, q), limit if complete is None else max(limit, LLM_EVIDENCE))
    if not evidence:
        return Answer(question, "llm" if complete else "offline", [], [], refused=True,
                      reason="nothing in the vault answers this", entities=q.entity_names)
    if complete is None:
        sentences = [AnswerSentence(e.text, [e.id], e.sources) for e in evidence]
        return Answer(question, "offline", sentences, evidence, entities=q.entity_names)
    from factbook.query.ask_llm import written_answer

    answer = written_answer(question, evidence, complete, q.entity_names)
    if answer.refused:
        answer.evidence = answer.evidence[:limit]
    return answer


def format_answer(answer: Answer) -> str:
    """The answer as Markdown: one cited sentence a line (or the refusal and the closest
    cited lines)."""
    lines = []
    if answer.refused:
        lines.append(f"No answer: {answer.reason}.")
        if answer.evidence:
            lines += ["", "Closest cited lines:"]
            lines += [f"- {_dated(e.date)}{e.text} ({', '.join(e.links)})" for e in answer.evidence]
        return "\n".join(lines)
    bullet = "- " if answer.mode == "offline" else ""
    by_id = {e.id: e for e in answer.evidence}
    for sentence in answer.sentences:
        links = list(dict.fromkeys(s.link for s in sentence.sources))
        when = _dated(by_id[sentence.evidence[0]].date) if answer.mode == "offline" else ""
        lines.append(f"{bullet}{when}{sentence.text} ({', '.join(links)})")
    return ("\n" if bullet else " ").join(lines)


def _dated(day: date | None) -> str:
    return f"{day.isoformat()}: " if day else ""
