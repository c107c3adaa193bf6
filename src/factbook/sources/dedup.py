"""Near-duplicate documents: the same e-mail exported ten times, a wire story syndicated
under another header, are one source.

A document's `Signature` is a MinHash (datasketch) of its word 3-gram
shingles after normalization (case, punctuation and layout ignored), plus the
set of figures it states. Candidates are found by LSH band keys (`band_keys`):
`NearDuplicateIndex` keeps them in memory and answers "have I seen this text, or
one close to it?"; the store keeps the same keys for the sources of past runs
(store/duplicates.py). Signatures are stored with `Signature.to_bytes`.

Of two near-duplicates the fuller is kept (`Fullness`): a transcript with named speakers
and times over a bare export of the same recording, a thread with more messages over the
shorter one, a text with clearly more words over its abridged copy.

Two texts are one source when their estimated Jaccard similarity is at least
`THRESHOLD` and their figures do not disagree (each states a figure the other
lacks: a daily market report that repeats yesterday's wording with new
amounts is another report, not a copy). Measured with bench/dedup_threshold.py on the
benchmark wire-story collection (../shared/data) and with tests/sources/test_dedup.py:
- copies of one e-mail (other headers, re-wrapped, gateway footer): 1.0;
- one wire story under another header and sign-off: 0.73;
- two stories of the same wire (shared dateline and sign-off): 0.02;
- the collection's first 3 files (2,336 distinct bodies): at 0.6, 74 stories have a
  partner without the figures rule, 68 with it (34 pairs); the lowest merged
  pairs (0.62-0.74) are all re-sent or extended versions of one story, while
  templated reports of different days that differ only in their amounts
  (0.74-0.80) are kept apart by the figures rule.
"""
from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass

from datasketch import LeanMinHash, MinHash

NUM_PERM = 128
THRESHOLD = 0.6
SHINGLE = 3
_WORD = re.compile(r"\w+", re.UNICODE)
# Figures worth comparing: three or more characters with digits, not a bare year.
_FIGURE = re.compile(r"(?<![\w.])\d[\d,.]*\d(?:\.\d+)?%?|\d+%")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# Amounts in words ("two billion") are figures too.
_WORD_AMOUNT = re.compile(r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
                          r"[a-z]+teen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|"
                          r"a|half a|\d[\d.,]*)\s+(?:hundred|thousand|million|mln|billion|bln|"
                          r"trillion)\b", re.I)


@dataclass(frozen=True)
class Signature:
    """A document's near-duplicate fingerprint: MinHash of its shingles and its figures."""

    minhash: LeanMinHash
    figures: frozenset[str] = frozenset()

    def to_bytes(self) -> bytes:
        """The signature as bytes, to store next to the document and rebuild the index from."""
        buffer = bytearray(self.minhash.bytesize())
        self.minhash.serialize(buffer)
        figures = "\n".join(sorted(self.figures)).encode("utf-8")
        return struct.pack("<I", len(buffer)) + bytes(buffer) + figures

    @classmethod
    def from_bytes(cls, data: bytes) -> Signature:
        """The signature that `to_bytes` wrote."""
        (length,) = struct.unpack_from("<I", data)
        minhash = LeanMinHash.deserialize(data[4: 4 + length])
        figures = data[4 + length:].decode("utf-8")
        return cls(minhash, frozenset(f for f in figures.split("\n") if f))


def normalized_words(text: str) -> list[str]:
    """The words of `text`, lower-cased, punctuation and layout ignored."""
    return _WORD.findall(text.casefold())


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    """The word `size`-grams of `text` (its words alone when it is shorter than that)."""
    words = normalized_words(text)
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i: i + size]) for i in range(len(words) - size + 1)}


def figures(text: str) -> frozenset[str]:
    """The figures `text` states ("800", "3.1%", "1,450", "two billion"), commas dropped,
    bare years left out."""
    found = {m.group(0).replace(",", "").rstrip(".") for m in _FIGURE.finditer(text)}
    found = {f for f in found if len(f) >= 3 and not _YEAR.match(f)}
    found.update(" ".join(m.group(0).lower().replace(",", "").split())
                 for m in _WORD_AMOUNT.finditer(text))
    return frozenset(found)


def signature(text: str, num_perm: int = NUM_PERM) -> Signature:
    """The near-duplicate signature of `text`."""
    minhash = MinHash(num_perm=num_perm)
    minhash.update_batch([shingle.encode("utf-8") for shingle in sorted(shingles(text))])
    return Signature(LeanMinHash(minhash), figures(text))


# Locality-sensitive hashing by bands: two signatures that agree on all rows of any one
# band become candidates. 32 bands of 4 rows make texts with a Jaccard similarity of 0.6
# candidates 99% of the time and of 0.3 only 23% of the time; candidates are then
# compared exactly (`is_near_duplicate`).
BANDS = 32


def band_keys(sig: Signature, bands: int = BANDS) -> list[int]:
    """The signature's band keys, as signed 64-bit integers (storable in SQLite)."""
    values = sig.minhash.hashvalues
    rows = len(values) // bands
    keys = []
    for band in range(bands):
        chunk = values[band * rows:(band + 1) * rows].tobytes()
        digest = hashlib.blake2b(bytes([band]) + chunk, digest_size=8).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys


def similarity(a: Signature, b: Signature) -> float:
    """Estimated Jaccard similarity of two signatures' shingle sets (0..1)."""
    return float(a.minhash.jaccard(b.minhash))


def figures_disagree(a: Signature, b: Signature) -> bool:
    """True when each text states a figure the other does not."""
    return bool(a.figures - b.figures) and bool(b.figures - a.figures)


def is_near_duplicate(a: Signature, b: Signature, threshold: float = THRESHOLD) -> bool:
    """True when `a` and `b` are one source: similar enough, figures not disagreeing."""
    return similarity(a, b) >= threshold and not figures_disagree(a, b)


def text_hash(text: str) -> str:
    """sha256 of the normalized words: equal for texts that differ only in layout or case."""
    return hashlib.sha256(" ".join(normalized_words(text)).encode("utf-8")).hexdigest()


class NearDuplicateIndex:
    """Keys of the documents seen so far, searchable by near-identical text, through
    their band keys (the same ones the store keeps for past runs)."""

    def __init__(self, threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> None:
        """An empty index; `threshold` is the estimated Jaccard similarity that counts as a duplicate."""
        self.threshold = threshold
        self.num_perm = num_perm
        self._bands: dict[int, list[str]] = {}
        self._signatures: dict[str, Signature] = {}

    def __len__(self) -> int:
        """How many documents the index holds."""
        return len(self._signatures)

    def __contains__(self, key: object) -> bool:
        """True when a document with `key` was added."""
        return key in self._signatures

    def add(self, key: str, text: str) -> Signature:
        """Add a document's text under `key`; returns its signature (to store)."""
        sig = signature(text, self.num_perm)
        self.add_signature(key, sig)
        return sig

    def add_signature(self, key: str, sig: Signature | bytes) -> None:
        """Add a stored signature under `key` (adding a key twice keeps the first)."""
        if isinstance(sig, (bytes, bytearray, memoryview)):
            sig = Signature.from_bytes(bytes(sig))
        if key in self._signatures:
            return
        self._signatures[key] = sig
        for band in band_keys(sig):
            self._bands.setdefault(band, []).append(key)

    def find(self, text: str) -> str | None:
        """The key of the most similar near-duplicate of `text` already added, or None."""
        if not normalized_words(text):
            return None
        return self.find_signature(signature(text, self.num_perm))

    def find_signature(self, sig: Signature | bytes) -> str | None:
        """Like `find`, for a signature already computed or stored."""
        if isinstance(sig, (bytes, bytearray, memoryview)):
            sig = Signature.from_bytes(bytes(sig))
        candidates = {key for band in band_keys(sig) for key in self._bands.get(band, [])}
        best: tuple[float, str] | None = None
        for key in sorted(candidates):
            other = self._signatures[key]
            score = similarity(sig, other)
            if score >= self.threshold and not figures_disagree(sig, other) \
                    and (best is None or (score, key) > best):
                best = (score, key)
        return best[1] if best else None

    def discard(self, key: str) -> None:
        """Forget the document added under `key` (it was replaced by a fuller one)."""
        sig = self._signatures.pop(key, None)
        if sig is None:
            return
        for band in band_keys(sig):
            keys = self._bands.get(band, [])
            if key in keys:
                keys.remove(key)


# --- which of two near-duplicates is the fuller one ---------------------------------------

# A copy with this many more words (and at least `_MORE_WORDS_MIN` more) says more: a
# gateway footer or a re-wrap does not reach it, a thread's extra message or an
# unabridged export does.
_MORE_WORDS = 1.2
_MORE_WORDS_MIN = 25
_TURN_PREFIX = re.compile(r"^[^\n:]{1,60}:\s+", re.M)


@dataclass(frozen=True)
class Fullness:
    """How much of a conversation a document keeps: its structure (a transcript's named
    speakers, its times), its number of messages, its words."""

    structure: int
    messages: int
    words: int

    def beats(self, other: Fullness) -> bool:
        """True when this document is the fuller of two near-duplicates."""
        if (self.structure, self.messages) != (other.structure, other.messages):
            return (self.structure, self.messages) > (other.structure, other.messages)
        return self.words >= other.words * _MORE_WORDS and self.words - other.words >= _MORE_WORDS_MIN


def fullness(kind: str, participants: Sequence[str], meta: dict[str, str], text: str) -> Fullness:
    """The `Fullness` of a document (or a stored document's record)."""
    structure = 0
    if str(kind) == "transcript":
        structure = int(bool(participants)) + int(meta.get("timed") == "yes")
    try:
        messages = int(meta.get("messages") or 1)
    except ValueError:
        messages = 1
    return Fullness(structure, messages, len(normalized_words(text)))


def comparable_text(kind: str, text: str) -> str:
    """The text near-duplicates are compared on: a transcript's words without its
    "Name: " turn prefixes, so an export with speakers meets the same recording's bare one."""
    return _TURN_PREFIX.sub("", text) if str(kind) == "transcript" else text
