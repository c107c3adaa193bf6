"""Stored-document records for the output tests, without a store."""
from __future__ import annotations

from datetime import date

import pytest

from factbook.store.base import DocumentRecord


def record(text: str, kind: str = "email", title: str = "Pilot plan", when: date | None = date(2025, 3, 11),
           authors: tuple[str, ...] = ("Jonas Feld",),
           participants: tuple[str, ...] = ("Jonas Feld", "Dana Whitlow"),
           meta: dict[str, str] | None = None) -> DocumentRecord:
    """A `DocumentRecord` as the store would return it."""
    return DocumentRecord(id=1, sha256="ab" * 32, path="/in/mail.eml", kind=kind, title=title,
                          date=when, publisher=None, url=None, authors=list(authors),
                          participants=list(participants), meta=dict(meta or {}), text=text,
                          summary="", topics=[], note_path="Sources/2025/2025-03-11 - Pilot plan.md")


@pytest.fixture
def make_record():
    """`record`, as a fixture."""
    return record
