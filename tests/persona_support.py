"""Helpers for the persona, glossary, profile and output tests: the invented persona,
an extractor that also names people, and a pipeline run on a fresh vault."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from factbook.config import Config
from factbook.extract.offline import OfflineExtractor
from factbook.models import Context, Document, EntityKind, Extraction, Mention
from factbook.persona import Persona
from factbook.pipeline import RunReport, ingest
from factbook.store import open_store
from factbook.vault.layout import VaultLayout

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PERSONA_FIXTURES = FIXTURES / "persona"

DANA = Persona(name="Dana Whitlow", emails=("dana.whitlow@orchardiq.example",),
               aliases=("DW",), company="OrchardIQ", role="Account Executive",
               interests=("renewals",))


@dataclass
class PeopleExtractor:
    """The offline extractor, plus every participant as a person mention (the offline
    rules do not name people yet); remembers the contexts it was given."""

    name: str = "people"
    concurrency: int = 1
    contexts: list[tuple[str, Context]] = field(default_factory=list)

    def extract(self, document: Document, context: Context) -> Extraction:
        self.contexts.append((document.path, context))
        extraction = OfflineExtractor().extract(document, context)
        for person in document.participants:
            extraction.mentions.append(Mention(person, EntityKind.PERSON))
        return extraction


def run(vault: Path, paths: list[Path], extractor=None, today: date = date(2025, 3, 14),
        **settings) -> RunReport:
    """One ingest into `vault` (created as needed) with the given tailoring settings."""
    layout = VaultLayout(vault, Config())
    store = open_store(layout.state_dir)
    try:
        return ingest(paths, layout, store, extractor or OfflineExtractor(), today=today, **settings)
    finally:
        store.close()


def source_tasks(vault: Path) -> list[str]:
    """Every checklist line of every source note."""
    lines = []
    for note in sorted((vault / "Sources").rglob("*.md")):
        lines += [ln for ln in note.read_text(encoding="utf-8").splitlines() if ln.startswith("- [")]
    return lines
