"""Amounts, percentages and dates in a sentence, normalized so two reports compare.

"$45 billion", "45 bln dlrs" and "USD 45bn" all become "usd:45000000000";
"R3.1 billion" is rand ("zar:3100000000"); "37%", "37 pct" and "37 percent" become
"pct:37". Dates the text gives ("May 14", "June 2, 2024", "2024-06-02") are read
against the document's date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

_NUM = r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_SCALE = r"(?P<scale>trillion|tn|billion|bln|bn|b|million|mln|mn|m|thousand|k)\b"
_PREFIX_CUR = r"(?P<pre>US\$|A\$|C\$|NZ\$|HK\$|\$|£|€|¥|USD|EUR|GBP|JPY|CHF|CAD|AUD|R(?=\d))"
_SUFFIX_CUR = (r"(?P<post>(?:(?:U\.?S\.?|Australian|Canadian|Hong Kong|New Zealand|Singapore)\s+)?"
               r"(?:dlrs|dollars?)|(?:Belgian|French|Swiss|Luxembourg)\s+francs?|francs?|"
               r"(?:Deutsche\s+)?marks|stg|sterling|pounds?|yen|lire|guilders|crowns|"
               r"kronor|pesetas|rand|euros?|rupees|yuan|usd)\b")
_MONEY_PRE = re.compile(rf"{_PREFIX_CUR}\s?{_NUM}(?:\s?{_SCALE})?(?:\s+{_SUFFIX_CUR})?", re.I)
_MONEY_POST = re.compile(rf"(?<![\w$£€¥./-]){_NUM}(?:\s?{_SCALE})?\s+{_SUFFIX_CUR}", re.I)
_WORD_NUMBERS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_PCT = re.compile(r"(?P<num>\d+(?:\.\d+)?|" + "|".join(_WORD_NUMBERS) + r")\s?(?:%|pct\b|per ?cent\b)",
                  re.I)
_SCALES = {"trillion": 1e12, "tn": 1e12, "billion": 1e9, "bln": 1e9, "bn": 1e9, "b": 1e9,
           "million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6, "thousand": 1e3, "k": 1e3}
_PREFIX_CODES = {"us$": "usd", "$": "usd", "usd": "usd", "a$": "aud", "c$": "cad", "nz$": "nzd",
                 "hk$": "hkd", "£": "gbp", "gbp": "gbp", "€": "eur", "eur": "eur", "¥": "jpy",
                 "jpy": "jpy", "chf": "chf", "cad": "cad", "aud": "aud", "r": "zar"}
_SUFFIX_CODES = [("australian", "aud"), ("canadian", "cad"), ("hong kong", "hkd"),
                 ("new zealand", "nzd"), ("singapore", "sgd"), ("dlr", "usd"), ("dollar", "usd"),
                 ("usd", "usd"), ("belgian", "bef"), ("swiss", "chf"), ("luxembourg", "luf"),
                 ("franc", "frf"), ("mark", "dem"), ("stg", "gbp"), ("sterling", "gbp"),
                 ("pound", "gbp"), ("yen", "jpy"), ("lire", "itl"), ("guilder", "nlg"),
                 ("crown", "sek"), ("kronor", "sek"), ("peseta", "esp"), ("rand", "zar"),
                 ("euro", "eur"), ("rupee", "inr"), ("yuan", "cny")]


@dataclass(frozen=True)
class Figure:
    """One amount found in text: its normalized token and the words that stated it."""

    token: str
    surface: str
    start: int


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _compact(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:.2f}".rstrip("0")


def money(text: str) -> list[Figure]:
    """Money amounts in `text`, as "cur:value" tokens."""
    found = []
    matches = list(_MONEY_PRE.finditer(text))
    taken = [(m.start(), m.end()) for m in matches]
    matches += [m for m in _MONEY_POST.finditer(text)
                if not any(a <= m.start() < b for a, b in taken)]
    for m in matches:
        groups = m.groupdict()
        pre, post, num, scale = groups.get("pre"), groups.get("post"), m["num"], m["scale"]
        code = _PREFIX_CODES.get((pre or "").lower()) if pre else None
        if code is None:
            low = (post or "").lower()
            code = next((c for word, c in _SUFFIX_CODES if word in low), "usd")
        if pre and pre.upper() == "R" and not scale:
            continue  # "R2" alone is more likely a model name than an amount in rand
        value = _number(num) * _SCALES.get((scale or "").lower(), 1)
        found.append(Figure(f"{code}:{_compact(value)}", m.group(0).strip(), m.start()))
    return found


def percentages(text: str) -> list[Figure]:
    """Percentages in `text`, as "pct:value" tokens."""
    out = []
    for m in _PCT.finditer(text):
        raw = m.group("num").lower()
        value = float(_WORD_NUMBERS[raw]) if raw in _WORD_NUMBERS else float(raw)
        out.append(Figure(f"pct:{value:g}", m.group(0), m.start()))
    return out


def figures(text: str) -> list[Figure]:
    """Every money amount and percentage in `text`, in order of appearance."""
    return sorted(money(text) + percentages(text), key=lambda f: f.start)


_MONTH_NUM = {m: i + 1 for i, m in enumerate(
    "jan feb mar apr may jun jul aug sep oct nov dec".split())}
_MONTH = (r"(?P<month>Jan(?:uary)?|Feb(?:ruary)?|March|Mar\.|April|Apr\.|May|June|July|"
          r"Aug(?:ust)?|Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_DAY_MONTH = re.compile(rf"\b{_MONTH}\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}}))?")
_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")
_RELATIVE = re.compile(r"\b(today|yesterday|tomorrow)\b", re.I)


def referred_date(text: str, anchor: date | None) -> date | None:
    """The first date `text` gives, read against the document's date for missing years."""
    m = _ISO.search(text)
    if m:
        try:
            return date(int(m["year"]), int(m["month"]), int(m["day"]))
        except ValueError:
            pass
    m = _DAY_MONTH.search(text)
    if m and (m["year"] or anchor):
        year = int(m["year"]) if m["year"] else anchor.year  # type: ignore[union-attr]
        try:
            found = date(year, _MONTH_NUM[m["month"][:3].lower()], int(m["day"]))
        except ValueError:
            return None
        # A wire story dated in January that says "December 26" means last year.
        if not m["year"] and anchor and found > anchor + timedelta(days=60):
            found = found.replace(year=year - 1)
        return found
    m = _RELATIVE.search(text)
    if m and anchor:
        return anchor + timedelta(days={"today": 0, "yesterday": -1, "tomorrow": 1}[m[1].lower()])
    return None


# A count and the noun it counts: "12 distribution centers", "twelve DCs", "1,150 employees".
_COUNT = re.compile(r"(?<![\w$£€¥.,:/-])(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|"
                    + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
                    + r")(?![\w%:/-]|[.,]\d)(?:[\s-]+(?P<noun>[A-Za-z][a-z]+))?", re.I)
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_NOT_NOUNS = frozenset("of on in at to for and or the a an by per from with than is are was were "
                       "percent pct point".split())


def values(text: str, anchor: date | None = None) -> frozenset[str]:
    """The values a claim states, normalized so two sources compare: amounts
    ("usd:85000000"), percentages ("pct:15"), counts with what they count
    ("count:site:16"), years ("year:2025") and days ("day:10-09")."""
    found = {f.token for f in figures(text)}
    spans = [(f.start, f.start + len(f.surface)) for f in figures(text)]
    days = [m for m in (*_ISO.finditer(text), *_DAY_MONTH.finditer(text))]
    for m in days:
        day = referred_date(m.group(0), anchor or date(2000, 1, 1))
        if day:
            found.add(f"day:{day.month:02d}-{day.day:02d}")
            if m["year"]:
                found.add(f"year:{m['year']}")
        spans.append((m.start(), m.end()))
    for m in _COUNT.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue
        raw = m["num"].lower()
        number = _WORD_NUMBERS.get(raw)
        noun = (m["noun"] or "").lower()
        noun = "" if noun in _NOT_NOUNS else noun
        if number is None:
            if _YEAR.match(raw):
                found.add(f"year:{raw}")
                continue
            number = _number(raw)
        elif not noun or raw in ("zero", "one"):
            continue  # "one of", "two" alone: words, not counts
        noun = noun[:-1] if noun.endswith("s") and len(noun) > 3 else noun
        found.add(f"count:{noun}:{_compact(float(number))}")
    return frozenset(found)


def value_kind(value: str) -> str:
    """What a value measures: "usd", "pct", "count:site", "year", "day"."""
    return value.rsplit(":", 1)[0]


def stated(value: str) -> str:
    """A value without the noun a count was said with ("count:dcs:12" and
    "count:distribution:12" both state "count:12")."""
    kind, _, number = value.rpartition(":")
    return f"count:{number}" if kind.startswith("count") else value
