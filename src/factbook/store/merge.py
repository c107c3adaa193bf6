"""Merging one document's extraction into the store.

Mentions resolve to entities (new ones are created, look-alikes go to review);
each fact lands on every entity it is about, as a citation of an existing fact
when it states the same claim, or as a new fact, flagged when it contradicts one.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from factbook.models import Document, Extraction, Fact, KnownEntity, Mention
from factbook.resolve.entities import EntityIndex
from factbook.resolve.facts import Claim, canonical_text, conflicting, same_claim
from factbook.resolve.names import display_name
from factbook.store.base import Citation, FactRecord, NewFact, Store
from factbook.store.living import ACTIVE, SUPERSEDED, task_key
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
        ids = {m.name: self.resolve(m, document, result) for m in extraction.mentions}
        for mention in extraction.mentions:
            self.store.link_document(doc_id, ids[mention.name], mention.count)
        for fact in extraction.facts:
            subjects = sorted({ids[s] for s in fact.subjects if s in ids})
            for entity_id in subjects:
                self.add_fact(entity_id, [s for s in subjects if s != entity_id], fact, doc_id,
                              origin, result, document.date)
        result.entities_touched.update(ids.values())
        return ids

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
        return entity_id

    def add_fact(self, entity_id: int, counterparts: list[int], fact: Fact, doc_id: int,
                 origin: str, result: MergeResult, doc_date: date | None = None) -> None:
        """Cite an existing fact that states the same claim, or add a new one."""
        claim = Claim(fact.text, frozenset(fact.figures), fact.event, fact.stance,
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
                self.store.add_conflict(record.id, known.record.id)
                known.record.conflicts.append(record.id)
                record.conflicts.append(known.record.id)
                self.store.add_review_item("conflict", entity_id, None,
                                           f"conflicting reports: {claim.text[:160]}", self.run_id,
                                           fact_id=record.id)
                result.conflicts += 1
                result.review_items += 1

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
    return [Claim(t, frozenset(stored.figures), stored.event, stored.stance,
                  frozenset(stored.counterparts)) for t in texts]
