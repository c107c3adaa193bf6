"""Finding a new document's near-duplicate among the stored sources and this run's,
through MinHash band keys kept in the store: the cost follows the new documents, not
the size of the vault."""
from __future__ import annotations

from dataclasses import dataclass, field

from factbook.models import Document
from factbook.sources.dedup import (
    NearDuplicateIndex, Signature, band_keys, is_near_duplicate, signature,
)
from factbook.store.base import Store


@dataclass
class Signed:
    """A new source's signature and band keys, kept once the document is stored."""

    signature: bytes
    keys: list[int]


@dataclass
class DuplicateFinder:
    """Near-duplicate look-ups for one run."""

    store: Store
    pending: dict[str, Signed] = field(default_factory=dict)
    this_run: NearDuplicateIndex = field(default_factory=NearDuplicateIndex)

    def check(self, doc: Document) -> str | None:
        """The path of a source `doc` nearly duplicates; else remember `doc` and return None."""
        sig = signature(doc.text)
        keys = band_keys(sig)
        for path, data in self.store.band_candidates(keys):
            if is_near_duplicate(sig, Signature.from_bytes(data)):
                return path
        similar = self.this_run.find_signature(sig)
        if similar is not None:
            return similar
        self.this_run.add_signature(doc.path, sig)
        self.pending[doc.sha256] = Signed(sig.to_bytes(), keys)
        return None

    def stored(self, doc: Document, document_id: int) -> None:
        """Record a stored source's signature and band keys for later runs."""
        signed = self.pending.pop(doc.sha256, None)
        if signed is not None:
            self.store.set_document_signature(document_id, signed.signature)
            self.store.add_band_keys(document_id, signed.keys)
