"""What a person's note says of them before a call, and who an account's people are.

A person note gets `org: "[[Acme Freight]]"`, `role`, `email` and `relationship` in its
front matter and one line under its title ("Director of Operations at [[Acme Freight]]");
an account note gets a `## People` section listing the people whose organization it is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from factbook.models import EntityKind
from factbook.resolve.names import name_key
from factbook.store.base import EntityRecord, Store
from factbook.store.people import PersonDetails
from factbook.vault.notes import parse_note

_DETAIL_KEYS = ("org", "role", "email", "relationship")
_WIKILINK = re.compile(r"^\[\[([^\]|]+)(?:\|[^\]]*)?\]\]$")


@dataclass
class PeopleIndex:
    """Person details and organizations by name, read once per rendering pass."""

    store: Store
    _details: dict[int, PersonDetails] | None = field(default=None, repr=False)
    _orgs: dict[str, EntityRecord] | None = field(default=None, repr=False)
    _by_org: dict[int, list[int]] | None = field(default=None, repr=False)

    def details(self, entity_id: int) -> PersonDetails:
        """What is known of one person (empty when nothing is): what documents said, with
        the gaps filled from the front matter of the person's note the user wrote."""
        if self._details is None:
            self._details = self.store.person_details()
        found = self._details.get(entity_id, PersonDetails())
        if all(getattr(found, key) for key in _DETAIL_KEYS):
            return found
        written = adopted_details(self.store.entity(entity_id))
        return replace(found, **{key: getattr(found, key) or getattr(written, key)
                                 for key in _DETAIL_KEYS})

    def org(self, name: str | None) -> EntityRecord | None:
        """The organization (or project) note that `name` names, if the vault has one."""
        if not name:
            return None
        if self._orgs is None:
            self._orgs = {}
            for entity in self.store.entities():
                if entity.kind is EntityKind.PERSON:
                    continue
                for alias in (entity.name, *entity.aliases):
                    self._orgs.setdefault(name_key(alias), entity)
        return self._orgs.get(name_key(name))

    def people_of(self, entity: EntityRecord) -> list[tuple[EntityRecord, PersonDetails]]:
        """The people whose organization is `entity`, by name."""
        if self._by_org is None:
            self._by_org = {}
            if self._details is None:
                self._details = self.store.person_details()
            for person_id, details in self._details.items():
                found = self.org(details.org)
                if found is not None:
                    self._by_org.setdefault(found.id, []).append(person_id)
        out = []
        for person_id in self._by_org.get(entity.id, []):
            person = self.store.entity(person_id)
            if person.merged_into is None:
                out.append((person, self.details(person_id)))
        return sorted(out, key=lambda pair: pair[0].name)


def adopted_details(entity: EntityRecord) -> PersonDetails:
    """The org, role, email and relationship the user wrote in the front matter of the
    person note factbook adopted (an `org` link is read as the name it links)."""
    blocks = (entity.adopted or {}).get("meta_blocks") or {}
    if not any(key in blocks for key in _DETAIL_KEYS):
        return PersonDetails()
    meta = parse_note("---\n" + "\n".join(blocks.values()) + "\n---\n").meta

    def text(key: str) -> str | None:
        value = meta.get(key)
        if isinstance(value, list):
            value = value[0] if value else None
        if value is None or not str(value).strip():
            return None
        match = _WIKILINK.match(str(value).strip())
        return match.group(1).strip() if match else str(value).strip()

    return PersonDetails(*(text(key) for key in _DETAIL_KEYS))


def org_link(people: PeopleIndex, name: str | None) -> str | None:
    """`[[Org]]` when the vault has a note for the organization, else its name as written."""
    found = people.org(name)
    return f"[[{found.name}]]" if found is not None else name


def person_front_matter(people: PeopleIndex, entity: EntityRecord) -> dict[str, str | None]:
    """The front matter keys of a person note: org (a link), role, email, relationship."""
    if entity.kind is not EntityKind.PERSON:
        return {}
    details = people.details(entity.id)
    return {"org": org_link(people, details.org), "role": details.role, "email": details.email,
            "relationship": details.relationship}


def person_line(people: PeopleIndex, entity: EntityRecord) -> list[str]:
    """One line under a person's title: role, organization, address."""
    if entity.kind is not EntityKind.PERSON:
        return []
    details = people.details(entity.id)
    org = org_link(people, details.org)
    head = f"{details.role} at {org}" if details.role and org else details.role or org
    parts = [p for p in (head, details.email, details.relationship) if p]
    return [" · ".join(parts), ""] if parts else []


def people_section(people: PeopleIndex, entity: EntityRecord) -> list[str]:
    """`- [[Name]] — role` for each person of an organization."""
    if entity.kind is EntityKind.PERSON:
        return []
    return [f"- [[{person.name}]]" + (f" — {details.role}" if details.role else "")
            for person, details in people.people_of(entity)]
