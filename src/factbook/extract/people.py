"""People from a work document's structure: e-mail From/To/Cc and the sender's signature,
meeting front matter (participants, attendees, organizer), transcript speakers and a
title such as "1:1 — Name" or "Call with Name (Company)".

Each person comes with what the structure says of them: their e-mail address, an
organization (a parenthesis, a signature's company line, or the address's domain
matched to an organization named in the document or the vault; public mail domains
say nothing) and a role as written. See extract/evidence.py for how they meet the
names found in the text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.utils import getaddresses
from typing import Any

from factbook.extract import lexicon as lx
from factbook.extract.given_names import is_given_name
from factbook.models import Document, DocumentKind
from factbook.persona import PUBLIC_MAIL_DOMAINS
from factbook.resolve.names import name_key
from factbook.resolve.nicknames import same_person_name
from factbook.sources.speakers import is_speaker_label

# Words that make a phrase a job title or role ("Director of Infrastructure", "CFO").
ROLE_NOUNS = frozenset("""
ceo cfo coo cto cio ciso cmo cro vp svp evp avp president vice-president chair chairman
chairwoman founder co-founder owner partner principal director manager head lead leader
chief officer engineer architect specialist analyst consultant coordinator administrator
admin representative rep executive associate counsel buyer supervisor designer expert
developer scientist researcher professor student intern assistant advisor adviser
secretary treasurer controller accountant auditor strategist planner recruiter editor desk
""".split())
# A title word of any language is often a compound ending in a role noun ("Projektleiter",
# "IT-Projektleiter", "Vertriebsleiterin", "Geschäftsführer", "Projectmanager").
_TITLE_WORD = re.compile(
    r"\w*(?:leiter|leitung|manager|führer|fuehrer|direktor|director|directeur|directrice|"
    r"ingenieur|engineer|berater|referent|entwickler|architekt|beauftragter?|vorstand|"
    r"verantwortlicher?|sachbearbeiter|koordinator|spezialist|gerente|ingeniero|responsable)"
    r"(?:in|innen)?$", re.I)
_HONORIFIC = re.compile(r"^(?:dr|mr|mrs|ms|mx|prof|sir)\.?\s+", re.I)
_PARTICLES = frozenset("van von der den de da di del la le du dos bin ter ten al".split())
_NAME_WORD = re.compile(r"^[A-Z][\w'’\-]*\.?$|^[A-Z]\.$")
# Last words of a display name that is a team or a mailbox, not a person.
_TEAM_WORDS = frozenset("""team teams group desk support sales info office admin noreply
no-reply respondents list committee board department helpdesk service services""".split())
_FRONT_KEYS = ("participants", "attendees", "attendee", "organizer", "organiser", "with",
               "people", "speakers", "from", "to", "cc", "host", "present")
_TITLE_ONE_ON_ONE = re.compile(r"^\s*1\s*[:/-]\s*1\s*(?:[—–\-:|]|with|w/)\s*(?P<who>.+?)\s*$", re.I)
_TITLE_CALL = re.compile(
    r"\b(?:call|meeting|sync|chat|catch[- ]?up|intro|lunch|coffee|check[- ]?in|1:1)\s+"
    r"(?:with|w/)\s+(?P<who>[^()\[\]]+?)\s*(?:\((?P<org>[^()]+)\))?\s*(?:[-—–|,:]|\d|$)", re.I)
_SIGNATURE_SPLIT = re.compile(r"\s*[|·•]\s*|\s+[-–—]\s+|\t+")
_CLOSING = re.compile(r"^(?:--+|best|regards|kind regards|best regards|thanks|thank you|cheers|"
                      r"sincerely|many thanks|mit freundlichen grüßen|viele grüße|sent from)\b", re.I)


@dataclass
class Person:
    """One person as the document's structure shows them."""

    name: str
    aliases: list[str] = field(default_factory=list)
    email: str | None = None
    org: str | None = None
    role: str | None = None
    speaks: bool = False


def is_role(text: str) -> bool:
    """True when `text` reads as a job title ("IT Director", "Head of Operations")."""
    words = [w.strip(".,()&").lower() for w in re.split(r"[\s/]+", text) if w.strip(".,()&")]
    parts = [p for w in words for p in w.split("-") if p]
    return bool(words) and len(words) <= 8 and (
        any(w in ROLE_NOUNS for w in words) or any(p in ROLE_NOUNS or _TITLE_WORD.fullmatch(p)
                                                   for p in parts))


def person_name(raw: str) -> tuple[str, list[str]] | None:
    """A person's name in display order, and the other spellings seen ("Carvalho, Ines"
    is "Ines Carvalho"; "Dr. Katrin Vogel" is "Katrin Vogel"); None when `raw` is no
    person's name (an address, a label, a title, a team)."""
    raw = re.sub(r"\s+", " ", raw.strip().strip("\"'“”<>*_ ")).strip()
    if not raw or "@" in raw or is_speaker_label(raw) or re.search(r"\d", raw):
        return None
    aliases = []
    if raw.count(",") == 1:
        last, first = (p.strip() for p in raw.split(","))
        if _name_words(first) and _name_words(last) and not is_role(first):
            aliases.append(raw)
            raw = f"{first} {last}"
        else:
            return None
    bare = _HONORIFIC.sub("", raw)
    if bare != raw:
        aliases.append(raw)
        raw = bare
    if not _name_words(raw) or is_role(raw) or lx.has_legal_form(raw) or lx.has_org_word(raw):
        return None
    return raw, aliases


def _name_words(text: str) -> bool:
    words = text.split()
    return 1 <= len(words) <= 5 and all(_NAME_WORD.match(w) or w in _PARTICLES for w in words) \
        and _NAME_WORD.match(words[0]) is not None


def is_full_name(name: str) -> bool:
    """True for a name of two or more words, initials aside (a bare first name, or "Sam
    W.", never makes a note)."""
    words = [w for w in name.split() if w not in _PARTICLES and not re.fullmatch(r"[A-Z]\.?", w)]
    return len(words) >= 2


def structural_people(document: Document) -> list[Person]:
    """Everyone the document's structure names, each once, with what it says of them."""
    found: dict[str, Person] = {}
    for person in (*_from_addresses(document), *_from_front_matter(document.front_matter),
                   *_from_speakers(document), *_from_title(document.title),
                   *_from_signature(document)):
        key = name_key(person.name)
        held = found.get(key)
        if held is None:
            found[key] = person
            continue
        held.aliases += [a for a in person.aliases if a not in held.aliases]
        held.email = held.email or person.email
        held.org = held.org or person.org
        held.role = held.role or person.role
        held.speaks = held.speaks or person.speaks
    text = "\n".join((document.title, document.text, str(document.meta.get("addresses", "")),
                      str(document.meta.get("signature", ""))))
    return merge_nicknames(list(found.values()), text)


def merge_nicknames(people: list[Person], text: str) -> list[Person]:
    """One person for "Rob Kessler" and "Robert Kessler" (same surname, nickname and
    formal first name): the form `text` uses most keeps the name (the first seen on a
    tie), the other becomes an alias."""
    out: list[Person] = []
    for person in people:
        index = next((i for i, p in enumerate(out) if same_person_name(p.name, person.name)), None)
        if index is None:
            out.append(person)
            continue
        held = out[index]
        keep, other = (held, person) if _uses(held.name, text) >= _uses(person.name, text) \
            else (person, held)
        keep.aliases = list(dict.fromkeys(a for a in (*keep.aliases, other.name, *other.aliases)
                                          if a != keep.name))
        keep.email = keep.email or other.email
        keep.org = keep.org or other.org
        keep.role = keep.role or other.role
        keep.speaks = keep.speaks or other.speaks
        out[index] = keep
    return out


def _uses(name: str, text: str) -> int:
    return len(re.findall(rf"(?<![\w]){re.escape(name)}(?![\w])", text))


def _from_addresses(document: Document) -> list[Person]:
    """From/To/Cc of an e-mail (the reader's `addresses` meta), or of an exported
    message's front matter."""
    header = document.meta.get("addresses", "")
    out = []
    for display, address in getaddresses([header]):
        parsed = person_name(display) if display else None
        if parsed is None or not _sends_as_person(parsed[0], address):
            continue
        out.append(Person(parsed[0], parsed[1], email=address.casefold() if "@" in address else None))
    return out


def _sends_as_person(name: str, address: str) -> bool:
    """A display name is a person's when it starts with a given name or its words make
    up the address ("Jo Quill" <jquill@...>), and no word is an acronym (a team, a list)."""
    words = name.split()
    if any(w.isupper() and len(w.strip(".")) > 1 for w in words) or lx.has_org_word(name) \
            or words[-1].casefold() in _TEAM_WORDS:
        return False
    local = address.split("@")[0].casefold()
    return is_given_name(words[0]) or (len(words) >= 2 and all(
        w.casefold().strip(".") in local or w.casefold()[0] in local for w in words)
        and words[-1].casefold() in local)


def _from_front_matter(meta: dict[str, Any]) -> list[Person]:
    """participants / attendees / organizer / from / to / cc of Markdown front matter;
    "Name (Org, Role)" and "Name <address>" entries keep what they say."""
    out = []
    for key in _FRONT_KEYS:
        value = meta.get(key)
        entries = value if isinstance(value, list) else [value] if isinstance(value, str) else []
        for entry in entries:
            if not isinstance(entry, str):
                continue
            for display, address in _entries(entry):
                person = _described(display)
                if person is not None:
                    person.email = address or None
                    out.append(person)
    return out


def _entries(entry: str) -> list[tuple[str, str]]:
    if "@" in entry:
        return [(d, a.casefold()) for d, a in getaddresses([entry]) if d or a]
    return [(entry, "")]


def _described(entry: str) -> Person | None:
    """"Aoife Gallagher (QLS, IT Director)", "Jane Roe – CFO", "Jane Roe, Acme"."""
    entry = entry.strip()
    extra = ""
    match = re.match(r"^(.*?)\s*\((.*)\)\s*$", entry)
    if match:
        entry, extra = match.group(1), match.group(2)
    else:
        parts = re.split(r"\s+[-–—]\s+|\s*,\s*", entry, maxsplit=1)
        if len(parts) == 2 and person_name(parts[0]) and not person_name(entry):
            entry, extra = parts
    parsed = person_name(entry)
    if parsed is None:
        return None
    person = Person(parsed[0], parsed[1])
    for part in re.split(r"\s*[,;/]\s*", extra):
        part = part.strip()
        if not part:
            continue
        if is_role(part):
            person.role = person.role or part
        elif person.org is None and part[:1].isupper():
            person.org = part
    return person


def _from_speakers(document: Document) -> list[Person]:
    """Transcript speakers and meeting attendees as the reader found them."""
    if document.kind not in (DocumentKind.TRANSCRIPT, DocumentKind.MEETING_NOTES):
        return []
    out = []
    for raw in document.participants:
        parsed = person_name(raw) if "@" not in raw else None
        if parsed:
            out.append(Person(parsed[0], parsed[1], speaks=document.kind is DocumentKind.TRANSCRIPT))
    return out


def _from_title(title: str) -> list[Person]:
    """"1:1 — Name", "Call with Name (Company)", "Call w/ A + B (Company)"."""
    match = _TITLE_ONE_ON_ONE.match(title) or _TITLE_CALL.search(title)
    if not match:
        return []
    org = (match.groupdict().get("org") or "").strip() or None
    out = []
    for raw in re.split(r"\s*(?:\+|&|,|\band\b)\s*", match.group("who")):
        raw = re.sub(r"\s+\d.*$", "", raw).strip()
        parsed = person_name(raw)
        if parsed and (is_full_name(parsed[0]) or is_given_name(parsed[0])):
            out.append(Person(parsed[0], parsed[1], org=org if org and not is_role(org) else None))
    return out


def _from_signature(document: Document) -> list[Person]:
    """The sender's signature block (`meta["signature"]`): name, title, company lines,
    or one line cut by "|" ("Jane Roe | Director of Operations | Acme Freight")."""
    block = document.meta.get("signature", "")
    if not block:
        return []
    segments = []
    for line in block.splitlines():
        line = line.strip().strip("*_").strip()
        if not line or _CLOSING.match(line):
            continue
        segments += [s.strip() for s in _SIGNATURE_SPLIT.split(line) if s.strip()]
    sender = person_name(document.authors[0]) if document.authors else None
    name = role = org = None
    for segment in segments:
        if "@" in segment or re.search(r"\d{3}|www\.|https?:", segment):
            continue
        parsed = None if is_role(segment) else person_name(segment)
        if name is None and parsed and is_full_name(parsed[0]) and (
                sender is None or name_key(parsed[0]) == name_key(sender[0])
                or is_given_name(parsed[0].split()[0])):
            name = parsed[0]
        elif role is None and is_role(segment):
            role = segment
        elif org is None and name is not None and segment[:1].isupper() and not lx.is_place(segment) \
                and len(segment.split()) <= 6:
            org = segment
    name = name or (sender[0] if sender else None)
    return [Person(name, role=role, org=org)] if name and (role or org) else []


def domain_of(email: str | None) -> str | None:
    """The domain of an address, None for a public mail provider's."""
    if not email or "@" not in email:
        return None
    domain = email.rsplit("@", 1)[1].casefold()
    return None if domain in PUBLIC_MAIL_DOMAINS else domain


def org_for_domain(domain: str, names: list[str]) -> str | None:
    """The organization among `names` that a mail domain stands for: "pinecrestfoods.example"
    is "Pinecrest Foods", "halvorsencc.example" is "Halvorsen Cold Chain". The whole name
    spelt out wins, then the shortest name the label begins, then the longest name that
    begins the label."""
    return domain_match(domain, names)[0]


def domain_match(domain: str, names: list[str]) -> tuple[str | None, tuple[int, int]]:
    """`org_for_domain` with how good the match is (higher is better; (0, 0): none)."""
    label = domain_label(domain)
    if len(label) < 3:
        return None, (0, 0)
    best, best_rank = None, (0, 0)
    for name in names:
        words = [w for w in re.findall(r"[a-z]+", name_key(name)) if w not in lx.LEGAL_FORMS]
        if not words:
            continue
        squashed = "".join(words)
        if label in (squashed, words[0] + "".join(w[0] for w in words[1:])):
            rank = (3, len(squashed))
        elif len(label) >= 4 and squashed.startswith(label):
            rank = (2, -len(squashed))
        elif len(squashed) >= 4 and label.startswith(squashed):
            rank = (1, len(squashed))
        else:
            continue
        if rank > best_rank:
            best, best_rank = name, rank
    return best, best_rank


def domain_label(domain: str) -> str:
    """The part of a mail domain that names its organization, letters only
    ("mail.acme-freight.co.uk" gives "acmefreight")."""
    labels = domain.casefold().split(".")
    if len(labels) >= 3 and labels[-2] in ("co", "com", "org", "net", "ac"):
        label = labels[-3]
    else:
        label = labels[-2] if len(labels) >= 2 else labels[0]
    return re.sub(r"[^a-z]", "", label)


_CAP_RUN = re.compile(r"[A-Z][\w&'’\-]*(?:[ \t]+(?:of[ \t]+|&[ \t]+)?[A-Z][\w&'’\-]*){0,4}")


def names_in_text(text: str) -> list[str]:
    """Every run of one to five capitalized words in `text`, and each shorter run inside
    it: the names a mail domain may spell."""
    found: dict[str, None] = {}
    for match in _CAP_RUN.finditer(text):
        words = [re.sub(r"['’]s$", "", w) for w in match.group(0).split()]
        for start in range(len(words)):
            for end in range(start + 1, len(words) + 1):
                if words[start].lower() not in ("of", "&") and words[end - 1].lower() not in ("of", "&"):
                    found[" ".join(words[start:end])] = None
    return list(found)
