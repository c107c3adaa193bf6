"""Organizations and people in a document, told apart from places, publishers and headings.

A capitalized sequence becomes an entity on evidence: a legal form or an
organization word at its end, wire markup, a name the vault already knows, a
person's role or honorific before it, or at least two weaker cues (a verb of
agency after it, a possessive, "shares of X", an appositive, a second mention,
a brand-like spelling). Short forms, acronyms and parenthetical definitions
found later in the document become aliases of the full name. Names introduced
by "according to", "reported by", a sign-off and the like are publishers.
"""
from __future__ import annotations

import re

from factbook.extract import lexicon as lx
from factbook.extract.given_names import is_given_name, is_surname
from factbook.extract.mentions import Candidate, NameFinding, Occurrence, group
from factbook.extract.text import Layout
from factbook.models import EntityKind, KnownEntity
from factbook.resolve.names import name_key

_CAP = r"(?:[A-Z][\w'’&.\-]*|[a-z]+[A-Z][\w'’&\-]*|\d+[A-Za-z][\w&\-]*)"
_LINK = r"(?:of|and|de|des|du|la|le|und|et|e|y|van|von|der|den|di|da|del|for|the|&|co)"
_SPAN = re.compile(rf"(?<![\w'’]){_CAP}(?:\s+(?:{_LINK}\s+){{0,2}}{_CAP})*")
_AGENCY = re.compile(
    r"^\s*(?:\w+ly\s+)?(?:said|says|announced|agreed|denied|disputed|confirmed|acquired|bought|"
    r"purchased|sold|completed|terminated|raised|reported|plans|planned|expects|declined|owns|"
    r"holds|filed|told|has\s+(?:agreed|acquired|withdrawn|disputed|denied|said|been|made|signed|"
    r"completed|raised|filed|received|offered|sold|bought|turned)|is\s+(?:poised|racing|seeking|"
    r"selling|buying|acquiring|planning)|will|would|projects|commands|responded|continues|"
    r"launched|signed|offered|urged|stated|made|received|remains|maintains|stepped)\b")
# Words right before a name that show it is a party: "shares of X", "acquire X", "backed by X".
_OBJECT_HEADS = frozenset("""shares stake stock interest unit subsidiary division parent control
holders shareholders acquisition purchase sale merger offer bid chairman president""".split())
_OBJECT_VERBS = frozenset("acquire acquired acquiring buy bought purchase purchased sell sold".split())
_OBJECT_PAIRS = frozenset(tuple(p.split()) for p in """merge with|merger with|partnership with|
deal with|contract with|talks with|backed by|owned by|controlled by|acquired by|bought by|
rivals like|rival like|clients like|client like|competitors like|startups like|providers like|
firms like|companies like|turned to""".replace("\n", "").split("|"))
_ORG_APPOSITIVE = re.compile(
    r"^,\s+(?:a|an|the|its)\s+(?:[\w\-]+\s+){0,10}?(?:company|firm|provider|maker|manufacturer|"
    r"concern|group|unit|subsidiary|bank|startup|rival|operator|producer|developer|supplier|"
    r"retailer|insurer|lender|partnership|corporation|conglomerate|chain|player|affiliate|"
    r"holding|brokerage|carrier|utility|agency)\b", re.I)
_PRODUCT_APPOSITIVE = re.compile(
    r"^,\s+(?:a|an|the|[A-Z]\w*['’]s?)\s+(?:[\w\-]+\s+){0,3}?(?:program|programme|platform|"
    r"service|product|initiative|model|chip|suite|app|software|tool|system)\b")
_PERSON_APPOSITIVE = re.compile(
    rf"^,\s+(?:a|an|the|its|[A-Z][\w'’]*['’]s)\s+(?:[\w\-.,]+\s+){{0,6}}?(?:{'|'.join(sorted(lx.ROLE_WORDS))})\b", re.I)
_COORDINATED = re.compile(r"^,?\s+and\s+[A-Z][\w&.'’\- ]{1,60}?\s+(?:said|jointly|announced|"
                          r"agreed|have|had)\b")
_SAID_HE = re.compile(r"^\s+(?:said|says|told|added)\s+(?:he|she)\b|^,?\s+who\b", re.I)
_PUBLISHER_BEFORE = re.compile(
    r"(?:according\s+to(?:\s+(?:a|an|the))?(?:\s+\w+)?\s+(?:from|by|in|of)?\s*|"
    r"(?:reported\s+by|(?:reported|noted|detailed|cited|published|outlined)\s+in)\s+(?:a\s+|an\s+|the\s+)?"
    r"(?:\w+\s+)?(?:(?:report|story|article|analysis|note)\s+(?:by|from|in)\s+)?|"
    r"(?:report|story|article|analysis|interview)\s+(?:by|from|in|with)\s+|"
    r"citing\s+|told\s+|per\s+(?:a\s+|another\s+|the\s+)?(?:\w+\s+)?(?:report\s+)?(?:from|by|in)\s+|"
    r"(?:^|\s)(?:in|by)\s+(?:a|an)\s+$|source:\s*)(?:the\s+)?$", re.I)
_PUBLISHER_AFTER = re.compile(
    r"^\s+(?:(?:reported|reports)(?=\s+(?:that|on|earlier)\b|\s*[.,])|said\s+in\s+a\s+report|"
    r"analysis|report|is\s+an?\s+\w+\s+publication|publication)\b|^['’]s?\s+(?:claims|report|reporting|analysis)\b", re.I)
_AT_OUTLET = re.compile(r"\b[A-Z][a-z]+\s+[A-Z][\w'’]+\s+at\s+$")
_BRAND = re.compile(r"^[A-Z][a-z]+\d+[A-Z][a-z]+$|^[A-Z][a-z]+(?:[A-Z][a-z]+)+(?:[A-Z]{1,2})?$"
                    r"|^[A-Z][a-z]+[A-Z]{1,2}$|^[a-z]+[A-Z]\w+$")
_ACRONYM_DEF = re.compile(r"^\s*\(([A-Z][A-Za-z&]{1,7})\)")


def _clean_surface(surface: str) -> str:
    surface = surface.strip(" -")
    if surface.endswith(".") and not re.search(r"(?:\b[A-Z]\.|(?:Corp|Inc|Co|Ltd|Bros|Cos)\.)$", surface):
        surface = surface[:-1]
    return surface


def _split_span(text: str, start: int, surface: str) -> list[tuple[int, str]]:
    """Cut a capitalized run where two names meet: possessives, "and" after a legal form,
    a role word inside ("Acme CEO Jane Roe"), a leading article or opener."""
    tokens = [(m.start() + start, m.group(0)) for m in re.finditer(r"\S+", surface)]
    parts: list[list[tuple[int, str]]] = [[]]
    for i, (pos, tok) in enumerate(tokens):
        low = tok.lower().strip(".,'’")
        current = parts[-1]
        if low in ("and", "&", "of", "for", "the", "und", "de") and current:
            prev = current[-1][1]
            rest = " ".join(t for _, t in tokens[i + 1:]).split(" of ")[0]
            left = " ".join(t for _, t in current)
            bare_form = all(w.lower().strip(".,") in lx.LEGAL_FORMS for w in rest.split())
            if bare_form:
                pass  # "Dickinson and Co" is one name
            elif lx.last_word(prev) in lx.LEGAL_FORMS or lx.is_place(left) or (
                    low in ("and", "&") and not (lx.has_legal_form(rest) or lx.has_org_word(rest))):
                parts.append([])
                continue
        if low in lx.ROLE_WORDS and tok[0].isupper():
            parts.append([])
            continue
        if re.search(r"['’]s?$", tok) and not re.search(r"\w['’]\w", tok[:-2] + "x"):
            rest = " ".join(t for _, t in tokens[i + 1:])
            # "Dunmore's Bakeries Inc" is one name; "Acme's Widget" is two.
            ends_org = lx.last_word(rest) in lx.LEGAL_FORMS or lx.last_word(rest) in lx.ORG_WORDS
            if not (not current and ends_org and not lx.is_place(tok[:-2])):
                current.append((pos, re.sub(r"['’]s?$", "", tok)))
                parts.append([])
                continue
        current.append((pos, tok))
    out = []
    for part in parts:
        while part and (part[0][1].lower() in lx.LEADING_NOISE or part[0][1].lower() in
                        ("and", "&", "of", "for", "the", "und", "de")):
            part = part[1:]
        while part and part[-1][1].lower().strip(".") in ("and", "&", "of", "for", "the", "und", "de"):
            part = part[:-1]
        if part:
            s = part[0][0]
            out.append((s, _clean_surface(text[s:part[-1][0] + len(part[-1][1])])))
    return out


def _spans(text: str, marked: list[str]) -> list[tuple[int, str]]:
    """Candidate spans of one sentence: wire-marked names first, then capitalized runs."""
    out: list[tuple[int, str]] = []
    masked = text
    for name in marked:
        pos = masked.find(name)
        while pos >= 0:
            out.append((pos, name))
            # Blank the marked name so no capitalized run swallows it.
            masked = masked[:pos] + "\x00" * len(name) + masked[pos + len(name):]
            pos = masked.find(name, pos + len(name))
    for m in _SPAN.finditer(masked):
        for start, surface in _split_span(text, m.start(), m.group(0)):
            out.append((start, surface))
            # "Acme Savings Bank of Springfield": the part before a place is a short form.
            head, sep, tail = surface.partition(" of ")
            if sep and lx.is_place(tail) and len(head.split()) > 1:
                out.append((start, head))
    return out


def _collect(layout: Layout) -> dict[str, Candidate]:
    """Every capitalized span of the body, with the cues around each occurrence."""
    cands: dict[str, Candidate] = {}
    headline = " " + " ".join(re.findall(r"[\w&'’.-]+", layout.headline.upper())) + " "
    marked = sorted(set(layout.marked_names), key=len, reverse=True)
    for sent in layout.sentences:
        text = sent.text
        first_word_end = len(text) - len(text.lstrip("\"“‘'(-– ")) + 1
        for start, surface in _spans(text, marked):
            if not surface or not re.search(r"[A-Za-z]", surface):
                continue
            end = start + len(surface)
            cand = cands.setdefault(surface, Candidate(surface))
            cand.occurrences.append(Occurrence(surface, sent.index, start, end,
                                               start < first_word_end or sent.heading,
                                               sent.heading))
            before, after = text[max(0, start - 60):start], text[end:end + 80]
            if sent.heading:
                _note_publisher(cand, before, after)
                continue
            _note_cues(cand, before, after)
            # A wire headline names the parties in capitals.
            if len(headline) > 2 and f" {surface.upper()} " in headline:
                cand.cues.add("headline")
    return cands


_PUBLISHER_HINTS = ("ccording", "eport", "by", "old", "iting", "per", "ource", "in ", "noted",
                    "outlined", "detailed", "cited", "published", " at ")


def _note_publisher(cand: Candidate, before: str, after: str) -> None:
    """Mark a span that names where a report came from."""
    low = before[-45:].lower()
    if not any(h in low for h in _PUBLISHER_HINTS) and "eport" not in after[:30] \
            and "ublication" not in after[:40]:
        return
    if _PUBLISHER_BEFORE.search(before) and not (
            lx.has_org_word(cand.surface) and re.search(r"\btold\s+(?:the\s+)?$", before)):
        cand.publisher = True
    if _PUBLISHER_AFTER.match(after) or _AT_OUTLET.search(before):
        cand.publisher = True
    if re.search(r"\bsource:\s*$", before, re.I):
        cand.publisher = True


def _note_cues(cand: Candidate, before: str, after: str) -> None:
    """Record what the words around one occurrence say about the span."""
    _note_publisher(cand, before, after)
    if after.startswith(",") and _PRODUCT_APPOSITIVE.match(after):
        cand.product = True
    words = before.split()
    prev = words[-1].lower().strip(",.") if words else ""
    if (prev in lx.ROLE_WORDS or prev in lx.HONORIFICS) and _person_shape(cand.surface):
        cand.person += 2
    elif words and (prev in lx.HONORIFICS or (prev in lx.ROLE_WORDS and words[-1][:1].isupper())) \
            and re.fullmatch(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?", cand.surface):
        cand.person += 2  # "President Reagan", "Mr Lawson": a surname alone
    comma = after.startswith(",")
    if comma and _PERSON_APPOSITIVE.match(after) and _person_shape(cand.surface):
        cand.person += 2
    if _SAID_HE.match(after) and _person_shape(cand.surface):
        cand.person += 2
    if _AGENCY.match(after) or _COORDINATED.match(after):
        cand.cues.add("agency")
    if re.match(r"^['’]s?\b", after):
        cand.cues.add("possessive")
    if _object_cue(words):
        cand.cues.add("object")
    if comma and _ORG_APPOSITIVE.match(after):
        cand.cues.update({"appositive", "org-appositive"})
    acr = _ACRONYM_DEF.match(after)
    if acr and _acronym_like(acr.group(1)):
        cand.cues.add("defines:" + acr.group(1))


def _acronym_like(word: str) -> bool:
    """An acronym ("QDS", "PwC") rather than a product's own name in parentheses
    ("Acme (StackView)"): at least half its letters are capitals."""
    return sum(c.isupper() for c in word) * 2 >= len(word)


def _object_cue(words: list[str]) -> bool:
    last = [w.lower().strip(",.;:") for w in words[-2:]]
    if not last:
        return False
    if last[-1] in _OBJECT_VERBS:
        return True
    return len(last) == 2 and ((last[0] in _OBJECT_HEADS and last[1] in ("of", "in", "for", "with"))
                               or tuple(last) in _OBJECT_PAIRS)


def _person_shape(surface: str) -> bool:
    words = surface.split()
    return 2 <= len(words) <= 4 and all(w[0].isupper() and not w.isupper() or re.fullmatch(r"[A-Z]\.(?:[A-Z]\.)*", w)
                                        for w in words) and not lx.has_legal_form(surface) \
        and not lx.has_org_word(surface)


def _rejected(surface: str, lower_words: set[str]) -> bool:
    """Spans that are never entities: places, calendar words, common words, headings."""
    low = surface.lower()
    if lx.is_place(surface):
        return True
    words = surface.split()
    if all(lx.is_calendar_word(w) or w.isdigit() for w in words):
        return True
    if len(surface.replace(".", "")) < 2 or re.fullmatch(r"\d+(?:st|nd|rd|th|s)?", surface):
        return True
    if len(words) == 1 and lx.is_demonym(surface):
        return True
    # A place or nationality before common words ("Dutch Officials") is not a name.
    if len(words) > 1 and (lx.is_place(words[0]) or lx.is_demonym(words[0])) and \
            not lx.has_org_word(surface) and not lx.has_legal_form(surface) and \
            all(w.lower() in lower_words or w.lower() in lx.COMMON_CAPS for w in words[1:]):
        return True
    if len(words) == 1 and (low in lx.COMMON_CAPS or low in lower_words):
        return True
    if all(w.lower() in lx.COMMON_CAPS or w.lower() in lower_words for w in words):
        return True
    return bool(re.fullmatch(r"[\d.,%$-]+", surface))


def _given_person(surface: str, lower_words: set[str]) -> bool:
    """A person's name by its shape: a given name, then one or two name words that the
    document never writes in lower case ("Jo Quill", not "Will Power")."""
    words = surface.split()
    return 2 <= len(words) <= 3 and is_given_name(words[0]) and _person_shape(surface) \
        and not lx.is_place(surface) and not lx.is_demonym(words[0]) \
        and len({w.lower() for w in words}) == len(words) \
        and not any(re.search(r"[A-Z]{2}", w) or w.lower().strip(".") in lx.FILLERS for w in words) \
        and all(
            w.lower() not in lower_words and w.lower() not in lx.COMMON_CAPS
            and not lx.is_calendar_word(w) and not lx.is_place(w) for w in words[1:])


def _said_again(cand: Candidate, surface: str) -> bool:
    """A conversation's repeated name of two or three title-case words ("Tidewater
    Freight" in two sentences, once inside one): no acronym, initial, given name or
    function word in it."""
    words = surface.split()
    return 2 <= len(words) <= 3 and len({o.sentence for o in cand.occurrences}) >= 2 \
        and any(not o.initial for o in cand.occurrences) \
        and not is_surname(words[-1]) \
        and all(re.fullmatch(r"[A-Z][a-z][\w'’\-]+", w) and not is_given_name(w)
                and w.lower() not in lx.LEADING_NOISE and w.lower() not in lx.COMMON_CAPS
                for w in words)


def _accept(cand: Candidate, known: dict[str, KnownEntity], marked: set[str],
            lower_words: set[str], people_first: bool = False) -> EntityKind | None:
    """Decide whether a candidate is an entity, and of which kind."""
    s = cand.surface
    if cand.publisher:
        return None
    key = name_key(s) if known else ""
    if key in known:
        return known[key].kind
    if s in marked:
        return EntityKind.ORGANIZATION
    if all(w.lower().strip(".,") in lx.LEGAL_FORMS for w in s.split()):
        return None
    if _rejected(s, lower_words) or cand.product or all(o.heading for o in cand.occurrences):
        return None
    if cand.person >= 2 and not (" " not in s and s.lower() in lower_words):
        return EntityKind.PERSON
    if people_first and _given_person(s, lower_words):
        return EntityKind.PERSON
    if people_first and _said_again(cand, s):
        return EntityKind.ORGANIZATION  # a name said again and again in a conversation
    if lx.has_legal_form(s) or lx.has_org_word(s):
        return EntityKind.ORGANIZATION
    body = [o for o in cand.occurrences if not o.initial]
    context = {c for c in cand.cues if not c.startswith("defines:")}
    score = len(context)
    if "org-appositive" in cand.cues:
        score += 1
    if len({o.sentence for o in cand.occurrences}) >= 2:
        score += 1
    if _BRAND.match(s):
        score += 2 if re.search(r"\d", s) else 1
    if not context and not re.search(r"\d", s):
        return None
    if not body and score < (2 if len(s.split()) > 1 else 3):
        return None
    if s.isupper() and len(s) <= 5 and score < 3:
        return None
    return EntityKind.ORGANIZATION if score >= 2 else None


def _lower_words(layout: Layout) -> set[str]:
    """Words the document also writes in lower case: common words, not names."""
    out: set[str] = set()
    for sent in layout.sentences:
        out.update(re.findall(r"(?<![\w'’])[a-z][a-z\-]+", sent.text))
    return out


def find_names(layout: Layout, known_entities: list[KnownEntity] | dict[str, KnownEntity],
               people_first: bool = False) -> NameFinding:
    """Find the organizations and people of one document and where they occur.
    `known_entities` is the vault's entities, or `known_index` of them (built once per
    batch of documents: a vault can know tens of thousands). With `people_first` (a
    conversation: e-mail, transcript, meeting notes) a given name followed by a name
    word is a person even without a title or a verb."""
    known = known_entities if isinstance(known_entities, dict) else known_index(known_entities)
    cands = _collect(layout)
    marked = set(layout.marked_names)
    lower_words = _lower_words(layout)
    publishers = {s for s, c in cands.items() if c.publisher and not _rejected(s, set())
                  and not lx.has_org_word(s)}
    for c in cands.values():
        for cue in c.cues:
            if cue.startswith("defines:") and c.surface in publishers:
                publishers.add(cue.split(":", 1)[1])
    _share_short_form_cues(cands)
    accepted: dict[str, EntityKind] = {}
    for surface, cand in cands.items():
        if surface in publishers:
            continue
        kind = _accept(cand, known, marked, lower_words, people_first)
        if kind is not None:
            accepted[surface] = kind
    return group(cands, accepted, publishers, known)


def _share_short_form_cues(cands: dict[str, Candidate]) -> None:
    """"Torvane's shares" is evidence for "Torvane Robotics" named earlier in the text."""
    singles = {s.lower(): c for s, c in cands.items() if " " not in s and s.lower() not in lx.COMMON_CAPS}
    for surface, cand in cands.items():
        words = surface.split()
        short = singles.get(words[0].lower()) if len(words) > 1 else None
        # Only a short form used after the full name stands for it ("Vexor" named before
        # "Vexor Cloud" is a name of its own).
        if short and _first(short) > _first(cand):
            cand.cues |= {c for c in short.cues if not c.startswith("defines:")}


def _first(cand: Candidate) -> tuple[int, int]:
    return min((o.sentence, o.start) for o in cand.occurrences)


def known_index(known_entities: list[KnownEntity]) -> dict[str, KnownEntity]:
    """The vault's entities by the name key of their name and each alias."""
    index: dict[str, KnownEntity] = {}
    for entity in known_entities:
        for name in (entity.name, *entity.aliases):
            index.setdefault(name_key(name), entity)
    return index


