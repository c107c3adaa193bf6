"""A document's topics and its one-line summary.

Topics are keyphrases scored the RAKE way (runs of content words between stop
words, scored by how often their words occur and co-occur), which costs a
fraction of a millisecond per document where YAKE costs tens; names, figures and
filler are left out so that what remains says what the document is about. Talk
(questions, greetings, first-person chatter) gives no topics, and a phrase is a
topic only when the document comes back to it or a fact states it: a note gets no
topics rather than filler ones.
"""
from __future__ import annotations

import re
from collections import Counter

from factbook.extract.chatter import talk_kind
from factbook.extract.lexicon import ROLE_WORDS
from factbook.extract.text import Layout
from factbook.extract.wording import plain
from factbook.models import Fact

_STOP = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just may me might more most must my myself no nor not now of off on once only or
other our ours out over own same she should so some such than that the their theirs them
then there these they this those through to too under until up very was we were what when
where which while who whom why will with would you your said says say told added according
new last next first second third one two three four five six seven eight nine ten year
years month months week weeks today yesterday company companies mln bln billion million pct
percent dlrs dollars per cent share shares inc corp co ltd plc group including
based several many much well still even yet however since already around about nearly
approximately total further set made make makes given among across within without upon
soon later earlier believed onto via amid toward towards despite versus vs unlike near
beyond along against throughout eleven twelve thirteen fifteen twenty thirty forty fifty
hundred hundreds thousand thousands dozen dozens half""".split()) | ROLE_WORDS
# Conversation filler: contraction fragments, hedges, pleasantries and everyday verbs.
_FILLER = frozenset("""
ve ll re don didn doesn isn wasn aren won wouldn couldn shouldn haven hasn hadn let lets s t d m
like something anything everything nothing thing things stuff kind sort lot lots bit really
actually basically probably maybe perhaps gonna wanna yeah yes okay ok um uh hmm oh guys folks
everyone anyone someone somebody thanks thank please sorry great good nice fine cool awesome
sounds sound glad happy morning afternoon evening session call chat quick wrote write writes
sent send got get gets getting go goes going went come comes came coming know knew think thought
want wanted need needed see saw look looks looking looked mean means meant say tell told ask
asked feel felt try tried put take took give gave keep kept sure right exactly pretty
little big able done back way time times day days wed thu fri mon tue sat sun
com org net www http https mailto re fwd cc bcc subject
""".split())
_WORD = re.compile(r"[A-Za-z][A-Za-z\-]+|\d[\d.,]*|[^\sA-Za-z\d]")
_MAX_TOPICS = 4


def topics(layout: Layout, entity_names: list[str], limit: int = _MAX_TOPICS,
           facts: list[Fact] | None = None) -> list[str]:
    """A few keyphrases for the document, most telling first; entity names excluded.
    With `facts`, a phrase said once counts only when a fact states it."""
    name_words = {w.lower() for n in entity_names for w in n.split()}
    common = _common(layout)
    stated = " ".join(plain(f.text).lower() for f in facts) if facts is not None else None
    phrases: list[tuple[str, ...]] = []
    for sent in layout.sentences:
        if sent.heading or talk_kind(sent.text, reported=True):
            continue
        run: list[str] = []
        for token in _WORD.findall(sent.text):
            low = token.lower()
            if low in _STOP or low in _FILLER or not token[0].isalpha() or low in name_words \
                    or token[0].isupper() and low not in common:
                if run:
                    phrases.append(tuple(run))
                run = []
            else:
                run.append(low)
        if run:
            phrases.append(tuple(run))
    freq: Counter[str] = Counter()
    degree: Counter[str] = Counter()
    for phrase in phrases:
        for word in phrase:
            freq[word] += 1
            degree[word] += len(phrase)
    counts = Counter(p for p in phrases if 2 <= len(p) <= 3)
    # A gerund at the end names a thing when the document keeps coming back to it
    # ("dock scheduling"); said once, it is more likely a verb ("costs are rising").
    counts = Counter({p: n for p, n in counts.items() if _nominal(p) or n >= 2 and _nominal(p[:-1] + ("x",))})
    if stated is not None:  # said once and in no fact: not what the document is about
        counts = Counter({p: n for p, n in counts.items() if n >= 2 or " ".join(p) in stated})
    # Repeated phrases first; a phrase said once counts when its words recur elsewhere.
    scored = {p: sum(degree[w] / freq[w] for w in p) * counts[p] + sum(freq[w] for w in p)
              for p in counts}
    ranked = sorted(scored, key=lambda p: (counts[p] < 2, -scored[p], p))
    out: list[str] = []
    for phrase in ranked:
        text = " ".join(phrase)
        if any(text in o or o in text for o in out):
            continue
        out.append(text)
        if len(out) >= limit:
            break
    return out


_VERB_END = frozenset("rose fell grew rises falls grows said says made makes won lost began "
                      "ran runs held holds left leaves became becomes starts adds moves wants "
                      "needs takes gets goes comes works pick picks".split())


def _nominal(phrase: tuple[str, ...]) -> bool:
    """A phrase that names a thing: no adverb in front, no verb form at its end."""
    return not (phrase[0].endswith("ly") or phrase[-1].endswith(("ed", "ly", "ing", "self",
                                                                   "selves"))
                or phrase[-1] in _VERB_END)


def _common(layout: Layout) -> frozenset[str]:
    cached = getattr(layout, "_lower_cache", None)
    if cached is None:
        words = set()
        for sent in layout.sentences:
            words.update(re.findall(r"(?<![\w'’])[a-z][a-z\-]+", sent.text))
        cached = frozenset(words)
        setattr(layout, "_lower_cache", cached)
    return cached


def summary(layout: Layout, facts: list[Fact], title: str = "") -> str:
    """One line saying what the document reports: its main deal or first claim, else its
    headline or first sentence."""
    for fact in facts:
        if fact.deal:
            return _clip(fact.text)
    for fact in facts[:4]:
        if fact.figures:
            return _clip(fact.text)
    if facts:
        return _clip(facts[0].text)
    for sent in layout.sentences:
        if not sent.heading and len(sent.text.split()) >= 6:
            return _clip(sent.text)
    return _clip(layout.headline.capitalize() if layout.headline else title)


def _clip(text: str, limit: int = 220) -> str:
    text = " ".join(plain(text).split())
    if len(text) <= limit:
        return text
    return text[:limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
