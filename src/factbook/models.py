"""The typed values that flow between stages: Document → Extraction → store → notes.

Every stage takes and returns these; none of them knows how it is stored or rendered.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported for annotations only: those modules import this one
    from factbook.persona import Persona
    from factbook.profiles import Profile


class DocumentKind(StrEnum):
    """What a document is; decides which reader made it and how it is cited."""

    ARTICLE = "article"
    EMAIL = "email"
    TRANSCRIPT = "transcript"
    MEETING_NOTES = "meeting-notes"
    WEB = "web"
    PDF = "pdf"
    NOTE = "note"
    INVITE = "invite"  # a calendar invite (.ics): organizer, attendees, agenda


class EntityKind(StrEnum):
    """The kinds of entity that get a note of their own."""

    ORGANIZATION = "organization"
    PERSON = "person"
    PROJECT = "project"
    PRODUCT = "product"


# The note `type` (front matter) of each entity kind, and back.
NOTE_TYPE = {
    EntityKind.ORGANIZATION: "account",
    EntityKind.PERSON: "person",
    EntityKind.PROJECT: "project",
    EntityKind.PRODUCT: "project",
}
KIND_OF_NOTE_TYPE = {
    "account": EntityKind.ORGANIZATION,
    "organization": EntityKind.ORGANIZATION,
    "company": EntityKind.ORGANIZATION,
    "person": EntityKind.PERSON,
    "project": EntityKind.PROJECT,
}


@dataclass(frozen=True)
class Document:
    """One input file, read and normalized. Immutable; readers make it, nothing changes it.

    `sha256` is the hash of the original bytes (the document's identity);
    `text` is clean text ready for extraction; `front_matter` holds the
    YAML header of Markdown inputs (an adopted vault note keeps its whole
    header there and its body in `text`).
    """

    path: str
    sha256: str
    kind: DocumentKind
    title: str
    text: str
    date: date | None = None
    authors: tuple[str, ...] = ()
    participants: tuple[str, ...] = ()
    publisher: str | None = None
    url: str | None = None
    front_matter: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    meta: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    size: int = 0

    @property
    def note_type(self) -> str | None:
        """The entity note type when this document is an existing vault note, else None."""
        kind = str(self.front_matter.get("type", "")).strip().lower()
        return kind if kind in KIND_OF_NOTE_TYPE else None


@dataclass
class Mention:
    """An entity as one document names it.

    `name` is the fullest form the document uses; `aliases` are the other
    surface forms it uses for the same thing (short forms, acronyms, tickers).
    """

    name: str
    kind: EntityKind = EntityKind.ORGANIZATION
    aliases: list[str] = field(default_factory=list)
    count: int = 1
    org: str | None = None  # a person's organization, by the name the document uses for it
    role: str | None = None  # a person's title or role, as written ("Director of Infrastructure")
    email: str | None = None  # a person's e-mail address
    relationship: str | None = None  # "colleague" (the vault owner's company) or None


@dataclass
class Deal:
    """A transaction stated by the text: who buys what from whom, for how much, how far along."""

    acquirer: str | None = None
    target: str | None = None
    seller: str | None = None
    amount: str | None = None
    status: str = "proposed"  # proposed | agreed | completed | terminated


@dataclass
class Fact:
    """One atomic claim, attached to every entity it is about.

    `subjects` are `Mention.name`s of the same extraction. `passage` is the exact
    text it came from. `figures` are normalized amounts ("usd:80000000000",
    "pct:62") used to recognise the same claim across documents. `event` names
    what kind of happening the claim reports ("ipo", "deal", "denial", ...)
    so that two reports of one event meet; `stance` is "deny" for denials.
    """

    text: str
    subjects: list[str]
    passage: str = ""
    date: date | None = None
    figures: list[str] = field(default_factory=list)
    event: str | None = None
    stance: str | None = None
    deal: Deal | None = None
    confidence: float = 1.0
    # Who says "we"/"our" in it (a speaker or sender): their organization is what those
    # words mean, once people are known (extract/voice.py); None for any other fact.
    voice: str | None = None


@dataclass
class Task:
    """Something someone committed to do, in Obsidian Tasks terms."""

    text: str
    owner: str | None = None
    due: date | None = None
    priority: str | None = None  # highest | high | medium | low | lowest
    done: bool = False
    done_on: date | None = None
    subjects: list[str] = field(default_factory=list)
    passage: str = ""
    # The other Obsidian Tasks fields, kept as written: ⏳ scheduled, 🛫 start, ➕ created,
    # 🔁 recurrence ("every week"), and `[-]` / ❌ cancelled (a cancelled task is not done).
    scheduled: date | None = None
    start: date | None = None
    created: date | None = None
    recurrence: str | None = None
    cancelled: bool = False
    cancelled_on: date | None = None


@dataclass
class Decision:
    """Something that was decided, with when and about whom."""

    text: str
    date: date | None = None
    subjects: list[str] = field(default_factory=list)
    passage: str = ""


@dataclass
class Extraction:
    """Everything one extractor found in one document. Pure data: nothing is stored yet."""

    mentions: list[Mention] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    decisions: list[Decision] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    summary: str = ""
    publishers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class KnownEntity:
    """An entity the vault already has, as extractors and resolvers see it."""

    id: int
    name: str
    kind: EntityKind
    aliases: tuple[str, ...] = ()


@dataclass
class Context:
    """What an extractor may know beyond the document: the vault's entities and aliases,
    and the user's own settings. `glossary` maps short forms to their meaning;
    `profile` says what to emphasise in this document (see factbook.profiles);
    `persona` says who "I" is (see factbook.persona). All three are optional."""

    known: list[KnownEntity] = field(default_factory=list)
    glossary: dict[str, str] = field(default_factory=dict)
    profile: Profile | None = None
    persona: Persona | None = None
