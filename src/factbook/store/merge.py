"""Merging one document's extraction into the store.

Mentions resolve to entities (new ones are created, look-alikes go to review);
each fact lands on every entity it is about, as a citation of an existing fact
when it states the same claim with the same values, or as a new fact, flagged when it
contradicts one. A new fact giving other values for what a live fact states updates it
(the older source's fact moves to History) or, from a source of the same age or about
the same past year, disputes it. What extraction resolved ("the company") becomes a
link over the source's words (extract/wording.py).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from factbook.extract.voice import speak_for_orgs, speaker
from factbook.extract.wording import linked, words_of_links
from factbook.models import Document, EntityKind, Extraction, Fact, KnownEntity, Mention
from factbook.resolve.entities import EntityIndex
from factbook.resolve.facts import (
    Claim,
    about_the_past,
    canonical_text,
    conflicting,
    same_claim,
    same_matter,
)
from factbook.resolve.names import display_name, name_key
from factbook.store.base import Citation, FactRecord, NewFact, Store
from factbook.store.living import ACTIVE, SUPERSEDED, task_key
from factbook.store.people import PersonDetails
from factbook.store.supersede import superseded_pair
from factbook.store.tasks import fields_json

# Facts an extractor is less sure of than this go to a person (`factbook review`).
LOW_CONFIDENCE = 0.5


@dataclass
class MergeResult:
    """What merging one document changed."""

    document_id: int
    entities_created: set[int] = field(default_factory=set)
    entities_touched: set[int] = field(default_factory=set)
    facts_added: int = 0
    facts_merged: int = 0
    conflicts: int = 0
    review_items: int = 0


@dataclass
class Merger:
    """Merges documents into a store during one run, caching what it has looked up."""

    store: Store
    run_id: int
    index: EntityIndex
    note_path_for: Callable[[str, object], str]
    today: date
    _facts: dict[int, list[_Known]] = field(default_factory=dict)
    _dates: dict[int, date | None] = field(default_factory=dict)
    _not_entities: set[str] | None = None

    def wanted(self, mentions: list[Mention]) -> list[Mention]:
        """The mentions that may be entities: not a name the user forgot (`factbook forget`)."""
        if self._not_entities is None:
            keys = getattr(self.store, "not_entity_keys", None)
            self._not_entities = keys() if keys is not None else set()
        if not self._not_entities:
            return mentions
        return [m for m in mentions if name_key(m.name) not in self._not_entities]

    def facts(self, entity_id: int) -> list[_Known]:
        """All the entity's facts with their claims, tombstoned and superseded ones included
        (cached for the run, kept current): a source repeating a fact the person deleted
        only adds a citation to it."""
        if entity_id not in self._facts:
            self._facts[entity_id] = [_Known(f, _claims(f))
                                      for f in self.store.facts_for_entity(entity_id)]
        return self._facts[entity_id]

    def merge(self, document: Document, extraction: Extraction, origin: str = "extracted") -> MergeResult:
        """Store `document` and everything extracted from it."""
        doc_id = self.store.add_document(document, self.run_id, extraction.summary, extraction.topics)
        result = MergeResult(doc_id)
        ids = self.merge_facts(doc_id, document, extraction, origin, result)
        for task in extraction.tasks:
            ents = sorted({ids[s] for s in task.subjects if s in ids})
            if self.store.find_task(task_key(task.text), ents) is not None:
                continue  # written once, where it was first found; its state is the person's
            task_id = self.store.add_task(doc_id, task.text, task.owner, task.due, task.priority,
                                          task.done, task.done_on, ents)
            if fields_json(task) != "{}":
                self.store.set_task_fields(task_id, task)
        for decision in extraction.decisions:
            ents = sorted({ids[s] for s in decision.subjects if s in ids})
            self.store.add_decision(doc_id, decision.text, decision.date or document.date, ents)
            result.entities_touched.update(ents)
        return result

    def merge_facts(self, doc_id: int, document: Document, extraction: Extraction,
                    origin: str, result: MergeResult) -> dict[str, int]:
        """Resolve a stored document's mentions, link them, and merge its facts; returns
        the entity id of each mention. Merging a document's facts again adds only what is
        new: a fact it already cites stays as it is."""
        if any(f.voice for f in extraction.facts):
            self._speakers_orgs(extraction)
        mentions = self.wanted(extraction.mentions)
        ids = {m.name: self.resolve(m, document, result) for m in mentions}
        for mention in mentions:
            self.store.link_document(doc_id, ids[mention.name], mention.count)
        notes: dict[str, str | None] = {}

        def target_of(name: str) -> str | None:
            """The note a resolved mention links to (by its file name)."""
            if name not in notes:
                notes[name] = Path(self.store.entity(ids[name]).note_path).stem if name in ids else None
            return notes[name]
        for fact in extraction.facts:
            fact = replace(fact, text=linked(fact.text, target_of))
            subjects = sorted({ids[s] for s in fact.subjects if s in ids})
            for entity_id in subjects:
                self.add_fact(entity_id, [s for s in subjects if s != entity_id], fact, doc_id,
                              origin, result, document.date)
        result.entities_touched.update(ids.values())
        return ids

    def _speakers_orgs(self, extraction: Extraction) -> None:
        """Say whose "we" a voiced fact's speaker means: their organization as the
        document states it, else as the vault already knows it (person details)."""
        details = None
        for fact in extraction.facts:
            person = speaker(fact.voice, extraction.mentions) if fact.voice else None
            if person is None or person.org:
                continue
            found = self.index.resolve(person).entity_id
            if found is not None:
                details = details if details is not None else self.store.person_details()
                known = details.get(found)
                if known is not None and known.org:
                    person.org, person.relationship = known.org, person.relationship or known.relationship
        speak_for_orgs(extraction)

    def resolve(self, mention: Mention, document: Document, result: MergeResult) -> int:
        """The entity id for a mention, creating the entity when the vault has none."""
        found = self.index.resolve(mention)
        if found.entity_id is not None:
            entity_id = found.entity_id
        else:
            name = display_name(mention.name)
            entity_id = self.store.create_entity(
                name, mention.kind, self.note_path_for(name, mention.kind),
                document.date or self.today)
            result.entities_created.add(entity_id)
            if found.uncertain_with is not None:
                other = self.store.entity(found.uncertain_with)
                self.store.add_review_item(
                    "possible-duplicate", entity_id, found.uncertain_with,
                    f"{name} may be the same as {other.name} (score {found.score:.0f})", self.run_id)
                result.review_items += 1
        known = self.index.entities.get(entity_id)
        names = set(known.aliases) | {known.name} if known else set()
        fresh = [a for a in dict.fromkeys((mention.name, *mention.aliases)) if a not in names]
        for alias in fresh:
            self.store.add_alias(entity_id, alias)
        if fresh or known is None:
            record = self.store.entity(entity_id)
            self.index.add(KnownEntity(record.id, record.name, record.kind, tuple(record.aliases)))
        details = PersonDetails(mention.org, mention.role, mention.email, mention.relationship)
        if mention.kind is EntityKind.PERSON and not details.is_empty():
            self.store.set_person_details(entity_id, details, document.date)
        return entity_id

    def add_fact(self, entity_id: int, counterparts: list[int], fact: Fact, doc_id: int,
                 origin: str, result: MergeResult, doc_date: date | None = None) -> None:
        """Cite an existing fact that states the same claim, or add a new one."""
        claim = Claim(words_of_links(fact.text), frozenset(fact.figures), fact.event, fact.stance,
                      frozenset(counterparts))
        everything = self.facts(entity_id)
        # Live facts first: a repeat cites the shown line rather than a tombstone of it.
        existing = [k for k in everything if k.record.status == ACTIVE]
        passage = fact.passage or fact.text
        stage = fact.deal.status if fact.deal else None
        for known in existing + [k for k in everything if k.record.status != ACTIVE]:
            if stage and known.record.deal_status and known.record.deal_status != stage:
                continue  # another stage of the deal is news, not a repeat (store/supersede.py)
            if any(same_claim(claim, other) for other in known.claims):
                if self.store.cite(known.record.id, doc_id, fact.text, passage):
                    known.record.citations.append(Citation(doc_id, fact.text, passage))
                    known.claims.append(claim)
                    result.facts_merged += 1
                    self._retext(known.record)
                    # The repeat may disagree with a report the fact's first source did not.
                    others = [k for k in existing if k is not known]
                    self._flag_conflicts(entity_id, claim, known.record, others, result)
                return
        when = fact.date or doc_date
        record = FactRecord(0, entity_id, fact.text, "", fact.event, fact.stance,
                            sorted(fact.figures), sorted(counterparts), when, origin, ACTIVE,
                            deal_status=stage)
        record.id = self.store.add_fact(NewFact(entity_id, fact.text, fact.event, fact.stance,
                                                fact.figures, counterparts, when, origin, stage))
        self.store.cite(record.id, doc_id, fact.text, passage)
        record.citations.append(Citation(doc_id, fact.text, passage))
        result.facts_added += 1
        self._flag_conflicts(entity_id, claim, record, existing, result)
        self._update_or_dispute(entity_id, claim, record, doc_date, existing, result)
        if fact.confidence < LOW_CONFIDENCE:
            self.store.add_review_item("low-confidence", entity_id, None,
                                       f"low confidence ({fact.confidence:.2f}): {fact.text[:160]}",
                                       self.run_id, fact_id=record.id)
            result.review_items += 1
        everything.append(_Known(record, [claim]))
        self._supersede(existing, record)

    def _flag_conflicts(self, entity_id: int, claim: Claim, record: FactRecord,
                        candidates: list[_Known], result: MergeResult) -> None:
        """Mark `record` (which now states `claim`) as disputed by every candidate fact
        whose claims contradict it, once per pair, each with a review item."""
        for known in candidates:
            if known.record.id in record.conflicts:
                continue
            if any(conflicting(claim, other) for other in known.claims):
                self._dispute(entity_id, claim, record, known.record, result)

    def _dispute(self, entity_id: int, claim: Claim, record: FactRecord, other: FactRecord,
                 result: MergeResult) -> None:
        """Record that `record` and `other` disagree, with a review item."""
        self.store.add_conflict(record.id, other.id)
        other.conflicts.append(record.id)
        record.conflicts.append(other.id)
        self.store.add_review_item("conflict", entity_id, None,
                                   f"conflicting reports: {claim.text[:160]}", self.run_id,
                                   fact_id=record.id)
        result.conflicts += 1
        result.review_items += 1

    def _update_or_dispute(self, entity_id: int, claim: Claim, record: FactRecord,
                           doc_date: date | None, candidates: list[_Known],
                           result: MergeResult) -> None:
        """A new fact giving other values for what a live fact states: the newer source
        supersedes the older (which moves to History), or, when the sources are of the
        same age or disagree about one past period, the two are a conflict."""
        for known in candidates:
            old = known.record
            if old.status != ACTIVE or old.id in record.conflicts or old.id == record.id \
                    or any(c.document_id in {x.document_id for x in record.citations} for c in old.citations):
                continue  # a document does not update or dispute itself
            if not any(same_matter(claim, other) for other in known.claims):
                continue
            then = self._source_date(old)
            if doc_date and then and doc_date != then and \
                    not any(about_the_past(claim, other) for other in known.claims):
                older, newer = (old, record) if then < doc_date else (record, old)
                if older.status == ACTIVE:
                    self.store.supersede(older.id, newer.id)
                    older.status, older.superseded_by = SUPERSEDED, newer.id
            else:
                self._dispute(entity_id, claim, record, old, result)

    def _source_date(self, fact: FactRecord) -> date | None:
        """The date of the newest document that states `fact`."""
        dates = []
        for c in fact.citations:
            if c.document_id not in self._dates:
                self._dates[c.document_id] = self.store.document(c.document_id).date
            dates.append(self._dates[c.document_id])
        return max((d for d in dates if d), default=None)

    def _supersede(self, existing: list[_Known], new: FactRecord) -> None:
        """Move older facts about the same thing to History (or the new one, when it is older)."""
        for known in existing:
            pair = superseded_pair(known.record, new)
            if pair is not None and pair[0].status == ACTIVE:
                older, newer = pair
                self.store.supersede(older.id, newer.id)
                older.status, older.superseded_by = SUPERSEDED, newer.id

    def _retext(self, stored: FactRecord) -> None:
        """Show a merged fact with the canonical one of its claims (a person's own text wins)."""
        if stored.origin == "adopted":
            return
        text = canonical_text([c.claim for c in stored.citations])
        if text != stored.text:
            self.store.set_fact_text(stored.id, text)
            stored.text = text


@dataclass
class _Known:
    """A stored fact and the claims of the sources that state it."""

    record: FactRecord
    claims: list[Claim]


def _claims(stored: FactRecord) -> list[Claim]:
    """A stored fact as the claims of each source that states it."""
    texts = [stored.text] + [c.claim for c in stored.citations if c.claim != stored.text]
    return [Claim(words_of_links(t), frozenset(stored.figures), stored.event, stored.stance,
                  frozenset(stored.counterparts)) for t in texts]
