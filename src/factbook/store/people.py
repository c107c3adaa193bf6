"""What the store keeps about a person beyond facts: their organization, role, e-mail
address and relationship to the vault's owner (table `person_details`)."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date


@dataclass
class PersonDetails:
    """A person's organization (a name), role as written, e-mail address, and
    "colleague" when they work at the owner's company."""

    org: str | None = None
    role: str | None = None
    email: str | None = None
    relationship: str | None = None

    def is_empty(self) -> bool:
        """True when nothing is known."""
        return not any(getattr(self, f.name) for f in fields(self))


class PeopleMixin:
    """`person_details` for SQLiteStore (expects `self.db`)."""

    def set_person_details(self, entity_id: int, details: PersonDetails, seen: date | None) -> None:
        """Record what a document says of a person: a field it states fills a blank or
        replaces what an older (or undated) document said; an older one only fills blanks."""
        row = self.db.execute("SELECT org, role, email, relationship, seen FROM person_details"
                              " WHERE entity_id = ?", (entity_id,)).fetchone()
        when = seen.isoformat() if seen else None
        if row is None:
            self.db.execute("INSERT INTO person_details (entity_id, org, role, email, relationship,"
                            " seen) VALUES (?,?,?,?,?,?)",
                            (entity_id, details.org, details.role, details.email,
                             details.relationship, when))
            return
        newer = when is not None and (row["seen"] is None or when >= row["seen"])
        merged = {name: (getattr(details, name) if getattr(details, name) and (newer or not row[name])
                         else row[name])
                  for name in ("org", "role", "email", "relationship")}
        if details.role and row["role"] and _words(details.role) < _words(row["role"]):
            merged["role"] = row["role"]  # "solutions engineer" is the same title, less of it
        elif details.role and row["role"] and _words(row["role"]) < _words(details.role):
            merged["role"] = details.role
        self.db.execute("UPDATE person_details SET org = ?, role = ?, email = ?, relationship = ?,"
                        " seen = ? WHERE entity_id = ?",
                        (merged["org"], merged["role"], merged["email"], merged["relationship"],
                         max(filter(None, (when, row["seen"])), default=None), entity_id))

    def person_details(self) -> dict[int, PersonDetails]:
        """What is known of every person, by entity id."""
        return {row["entity_id"]: PersonDetails(row["org"], row["role"], row["email"],
                                                row["relationship"])
                for row in self.db.execute("SELECT * FROM person_details")}


def _words(text: str) -> set[str]:
    return set(text.casefold().replace(",", " ").split())
