"""Finding a new document's near-duplicate among the stored sources and this run's,
through MinHash band keys kept in the store: the cost follows the new documents, not
the size of the vault. Of two near-duplicates the fuller one is kept (see
`sources.dedup.Fullness`)."""
from __future__ import annotations

from dataclasses import dataclass, field

from factbook.models import Document
from factbook.sources.dedup import (
    Fullness, NearDuplicateIndex, Signature, band_keys, comparable_text, fullness,
    is_near_duplicate, signature,
)
from factbook.store.base import Store


@dataclass
class Signed:
    """A new source's signature and band keys, kept once the document is stored."""

    signature: bytes
    keys: list[int]


@dataclass(frozen=True)
class NearMatch:
    """The source a new document nearly duplicates, and whether the new one is fuller.

    `stored` is False when the match is a document of this run not yet stored (it can
    still be dropped in favour of the fuller one)."""

    path: str
    stored: bool
    new_is_fuller: bool


@dataclass
class DuplicateFinder:
    """Near-duplicate look-ups for one run."""

    store: Store
    pending: dict[str, Signed] = field(default_factory=dict)
    this_run: NearDuplicateIndex = field(default_factory=NearDuplicateIndex)
    _fullness: dict[str, Fullness] = field(default_factory=dict)
    _signatures: dict[str, Signature] = field(default_factory=dict)  # computed by `match`

    def check(self, doc: Document) -> str | None:
        """The path of a source `doc` nearly duplicates; else remember `doc` and return None."""
        match = self.match(doc)
        if match is None:
            self.remember(doc)
            return None
        return match.path

    def match(self, doc: Document) -> NearMatch | None:
        """The stored source or document of this run that `doc` nearly duplicates, if any."""
        sig = self._signatures.setdefault(doc.sha256, _signature(doc))
        mine = _fullness_of(doc)
        for document_id, path, data in self.store.band_candidate_ids(band_keys(sig)):
            if is_near_duplicate(sig, Signature.from_bytes(data)):
                record = self.store.document(document_id)
                theirs = fullness(record.kind, record.participants, record.meta, record.text)
                return NearMatch(path, True, mine.beats(theirs))
        similar = self.this_run.find_signature(sig)
        if similar is None:
            return None
        return NearMatch(similar, False, mine.beats(self._fullness[similar]))

    def remember(self, doc: Document) -> None:
        """Count `doc` as a source of this run: later documents are compared with it."""
        sig = self._signatures.pop(doc.sha256, None) or _signature(doc)
        self.this_run.add_signature(doc.path, sig)
        self._fullness[doc.path] = _fullness_of(doc)
        self.pending[doc.sha256] = Signed(sig.to_bytes(), band_keys(sig))

    def forget(self, doc: Document) -> None:
        """Drop a document of this run that a fuller one replaced."""
        self.this_run.discard(doc.path)
        self._fullness.pop(doc.path, None)
        self.pending.pop(doc.sha256, None)

    def stored(self, doc: Document, document_id: int) -> None:
        """Record a stored source's signature and band keys for later runs."""
        signed = self.pending.pop(doc.sha256, None)
        if signed is not None:
            self.store.set_document_signature(document_id, signed.signature)
            self.store.add_band_keys(document_id, signed.keys)


def _signature(doc: Document) -> Signature:
    return signature(comparable_text(doc.kind, doc.text))


def _fullness_of(doc: Document) -> Fullness:
    return fullness(doc.kind, doc.participants, doc.meta, doc.text)
