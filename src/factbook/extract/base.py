"""The `Extractor` seam: a document and what the vault knows in, an `Extraction` out."""
from __future__ import annotations

from typing import Protocol

from factbook.models import Context, Document, Extraction


class Extractor(Protocol):
    """Turns one document into entities, facts, tasks, decisions and topics.

    Implementations are pure: they never write to the store or the vault.
    `name` identifies the extractor in run reports and caches.
    """

    name: str

    def extract(self, document: Document, context: Context) -> Extraction:
        """Extract everything worth keeping from `document`."""
        ...
