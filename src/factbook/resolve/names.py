"""Name normalization: the comparison key under which "Acme Corp." and "ACME" are one name."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Legal-form words dropped from the end of a name before comparing.
LEGAL_SUFFIXES = frozenset({
    "inc", "incorporated", "corp", "corporation", "co", "company", "cos", "ltd", "limited",
    "plc", "llc", "lp", "llp", "ag", "sa", "nv", "bv", "gmbh", "spa", "pty", "se", "kk",
    "oy", "ab", "as", "asa", "sarl", "srl", "pte", "bhd", "nl",
})

_PUNCT = re.compile(r"[^\w&' -]+")


def fold(text: str) -> str:
    """Unicode-normalized, lower-cased text with curly quotes straightened and spaces collapsed."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip().casefold()


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The key two spellings of one name share: case, punctuation, possessive,
    a leading "the" and trailing legal-form words dropped."""
    text = fold(name)
    text = re.sub(r"'s\b", "", text)
    words = _PUNCT.sub(" ", text).replace("-", " ").split()
    while len(words) > 1 and words[-1].strip("'") in LEGAL_SUFFIXES:
        words.pop()
    if len(words) > 1 and words[0] == "the":
        words.pop(0)
    return " ".join(w.strip("'") for w in words)


def display_name(name: str) -> str:
    """The name an entity's note is called by: the name as written, less a trailing
    legal form ("Acme Corp." -> "Acme") when something distinctive remains."""
    words = re.sub(r"\s+", " ", name).strip().strip(",;:").split(" ")
    trimmed = list(words)
    while len(trimmed) > 1 and re.sub(r"[^\w]", "", trimmed[-1]).casefold() in LEGAL_SUFFIXES:
        trimmed.pop()
    result = " ".join(trimmed).rstrip(",;: ")
    return result if len(result) >= 2 else " ".join(words)
