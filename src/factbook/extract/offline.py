"""The offline extractor (placeholder until the full rule set lands): organizations by
legal suffix, facts from sentences that name them and carry a figure."""
from __future__ import annotations

import re

from factbook.models import Context, Document, EntityKind, Extraction, Fact, Mention

_SUFFIX = re.compile(r"\b((?:[A-Z][\w&'-]*\s){0,3}[A-Z][\w&'-]*)\s(?:Corp|Inc|Ltd|Plc|Co|LLC)\b\.?")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“])")
_FIGURE = re.compile(r"\d")


class OfflineExtractor:
    """Deterministic, dependency-light extraction that needs no network."""

    name = "offline"
    concurrency = 1

    def extract(self, document: Document, context: Context) -> Extraction:
        """Find organizations and the sentences with figures that name them."""
        names: dict[str, Mention] = {}
        for match in _SUFFIX.finditer(document.text):
            full = match.group(0).rstrip(".")
            names.setdefault(full, Mention(full, EntityKind.ORGANIZATION, [match.group(1)]))
        for known in context.known:
            if known.name in document.text:
                names.setdefault(known.name, Mention(known.name, known.kind))
        facts = []
        for sentence in _SENTENCE.split(document.text.replace("\n", " ")):
            subjects = [m.name for m in names.values()
                        if any(n in sentence for n in (m.name, *m.aliases))]
            if subjects and _FIGURE.search(sentence):
                facts.append(Fact(text=sentence.strip(), subjects=subjects, passage=sentence.strip()))
        return Extraction(mentions=list(names.values()), facts=facts,
                          summary=document.text.split("\n")[0][:120])
