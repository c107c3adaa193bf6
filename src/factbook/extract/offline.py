"""The offline extractor: no network, no key, no model download, deterministic and fast.

Text is cut into sentences (extract.text), names are found and told apart from
places and publishers (extract.names), sentences that carry information become
compressed, cited claims attached to every entity they are about
(extract.facts), and the document gets a one-line summary and a few topics
(extract.topics).
"""
from __future__ import annotations

import logging

from factbook.extract import lexicon as lx
from factbook.extract.evidence import reads_as_person
from factbook.extract.facts import extract_facts, stated_facts
from factbook.extract.names import find_names, known_index
from factbook.extract.chatter import label_of
from factbook.extract.subject import labelled_subjects, note_subject
from factbook.extract.text import layout
from factbook.extract.topics import summary, topics
from factbook.models import Context, Document, DocumentKind, Extraction, KnownEntity

log = logging.getLogger(__name__)


class OfflineExtractor:
    """Rule-based extraction of entities, facts, deals, topics and a summary."""

    name = "offline"
    concurrency = 1
    # Cheap enough to read a document again once a later one has made a name known.
    second_look = True

    def __init__(self) -> None:
        self._index_of: tuple[list[KnownEntity], int] | None = None
        self._index: dict[str, KnownEntity] = {}

    def _known(self, context: Context) -> dict[str, KnownEntity]:
        """The known entities by name key, rebuilt only when the context's list changes
        (the pipeline passes one list to a whole batch of documents)."""
        held = self._index_of
        if held is None or held[0] is not context.known or held[1] != len(context.known):
            # Holding the list itself (not its id) keeps the identity test sound.
            self._index, self._index_of = known_index(context.known), (context.known, len(context.known))
        return self._index

    def extract(self, document: Document, context: Context) -> Extraction:
        """Extract everything worth keeping from `document`; pure, writes nothing."""
        if document.kind is DocumentKind.NOTE:
            # An existing vault note is adopted as it stands; its lines are the user's.
            return Extraction(summary=document.title)
        page = layout(document.text, document.title)
        talk = document.kind in (DocumentKind.TRANSCRIPT, DocumentKind.MEETING_NOTES, DocumentKind.EMAIL)
        names = find_names(page, self._known(context), people_first=talk)
        labels = [label for s in page.sentences if not s.heading and (label := label_of(s.text))]
        names.mentions.extend(labelled_subjects(labels, names.mentions, self._known(context)))
        about = note_subject(document, names.mentions)
        if about is not None and about not in names.mentions:
            names.mentions.append(about)
        speakers = tuple(dict.fromkeys((*document.participants, *document.authors)))
        reported = document.kind in (DocumentKind.ARTICLE, DocumentKind.WEB, DocumentKind.PDF)
        sender = document.authors[0] if document.kind is DocumentKind.EMAIL and \
            len(document.authors) == 1 else None
        facts = extract_facts(page, names, document.date, speakers, about.name if about else None,
                              reported, sender)
        if document.kind is DocumentKind.MEETING_NOTES:
            facts = stated_facts(document, names, about.name if about else None) + facts
        subjects = {s for f in facts for s in f.subjects}
        # An entity that no claim is about and that the text names only in passing
        # would be an empty note: keep only those with a claim or a strong presence.
        # In a conversation a person named once still matters (who was there, who was meant).
        mentions = [m for m in names.mentions if m.name in subjects or m.count >= 2
                    or (talk and (reads_as_person(m.name) or lx.has_legal_form(m.name)))]
        publishers = list(names.publishers)
        if document.publisher and document.publisher not in publishers:
            publishers.append(document.publisher)
        result = Extraction(
            mentions=mentions,
            facts=facts,
            topics=topics(page, [m.name for m in names.mentions] + names.publishers, facts=facts),
            summary=summary(page, facts, document.title),
            publishers=publishers,
        )
        log.debug("%s: %d mentions, %d facts", document.path, len(mentions), len(facts))
        return result
