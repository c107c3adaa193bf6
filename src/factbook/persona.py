"""Who the vault belongs to: the user's names, addresses and company, from `[persona]`
in `.factbook/config.toml`.

A vault is one person's view of the organizations and people they deal with. With a
persona configured, an extraction is tailored to that view before it is merged:
- the user is never an entity of their own (no person note about "me");
- the user's own company (its name, aliases, or the domain of the user's e-mail
  addresses) never becomes a note: it is not an account;
- colleagues (people writing from that domain, or listed as `colleagues`) keep their
  person notes, marked `relationship: colleague` (see extract/evidence.py);
- tasks owned by the user, under any of their names or addresses, are owned by the
  configured `handle` ("Me" unless set), so that `@Me` finds them all.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from email.utils import getaddresses
from typing import Any

from factbook.errors import ConfigError
from factbook.models import Document, EntityKind, Extraction, Mention
from factbook.resolve.names import name_key

DEFAULT_HANDLE = "Me"
# Mail providers whose domain says nothing about anyone's employer.
_PUBLIC_MAIL = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com",
    "icloud.com", "me.com", "mac.com", "proton.me", "protonmail.com", "aol.com", "gmx.de",
    "gmx.net", "web.de", "fastmail.com", "hey.com", "mail.com", "yandex.ru", "zoho.com",
})
PUBLIC_MAIL_DOMAINS = _PUBLIC_MAIL
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "ltd", "plc"})
_LIST_KEYS = ("emails", "aliases", "company_aliases", "interests", "colleagues")


@dataclass(frozen=True)
class Persona:
    """The vault's owner. Every field but `name` is optional."""

    name: str
    emails: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    company: str | None = None
    company_aliases: tuple[str, ...] = ()
    role: str | None = None
    interests: tuple[str, ...] = ()
    colleagues: tuple[str, ...] = ()
    handle: str = DEFAULT_HANDLE
    _keys: frozenset[str] = field(init=False, repr=False, compare=False)
    _company_keys: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = (self.name, *self.aliases, self.handle, *self.emails)
        object.__setattr__(self, "_keys", frozenset(_key(n) for n in names if _key(n)))
        company = [self.company or "", *self.company_aliases, *self.domain_names()]
        object.__setattr__(self, "_company_keys", frozenset(name_key(n) for n in company if name_key(n)))

    @property
    def domains(self) -> frozenset[str]:
        """The user's company e-mail domains (public mail providers left out)."""
        found = {e.rsplit("@", 1)[1].casefold() for e in self.emails if "@" in e}
        return frozenset(found - _PUBLIC_MAIL)

    def domain_names(self) -> list[str]:
        """Names a company domain stands for: "orchardiq" for "mail.orchardiq.com"."""
        names = []
        for domain in sorted(self.domains):
            labels = domain.split(".")
            # "acme.co.uk": the name is the label before the second-level suffix.
            if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL:
                names.append(labels[-3])
            elif len(labels) >= 2:
                names.append(labels[-2])
        return names

    def is_me(self, name: str | None) -> bool:
        """True when `name` is the user: their name, an alias, the handle or an address."""
        return bool(name) and _key(name) in self._keys  # type: ignore[arg-type]

    def is_own_company(self, name: str | None) -> bool:
        """True when `name` is the user's company (name, alias or e-mail domain)."""
        return bool(name) and name_key(name) in self._company_keys  # type: ignore[arg-type]

    def is_colleague(self, name: str, addresses: dict[str, str] | None = None) -> bool:
        """True when `name` is a colleague: listed in `colleagues`, or writing from the
        company's domain in `addresses` (display name -> address)."""
        if _key(name) in {_key(c) for c in self.colleagues}:
            return True
        address = (addresses or {}).get(_key(name), "")
        if "@" not in name and not address:
            return False
        domain = (address or name).rsplit("@", 1)[-1].casefold()
        return domain in self.domains and not self.is_me(name)


def person_key(name: str) -> str:
    """The key under which a person's name or e-mail address is compared."""
    return _key(name)


def _key(name: str) -> str:
    text = name.strip().strip("@").strip("<>").casefold()
    return re.sub(r"\s+", " ", text) if "@" in text else name_key(text)


def persona_from_config(raw: dict[str, Any]) -> Persona | None:
    """The `[persona]` table of a parsed config file as a `Persona` (None when absent)."""
    table = raw.get("persona")
    if not table:
        return None
    if not isinstance(table, dict):
        raise ConfigError("[persona] must be a table", hint="see docs/persona.md")
    name = str(table.get("name") or "").strip()
    if not name:
        raise ConfigError("[persona] has no name", hint='add name = "Your Name" under [persona]')
    lists = {key: _strings(table.get(key), key) for key in _LIST_KEYS}
    company = str(table.get("company") or "").strip() or None
    role = str(table.get("role") or "").strip() or None
    handle = str(table.get("handle") or DEFAULT_HANDLE).strip().lstrip("@") or DEFAULT_HANDLE
    return Persona(name=name, company=company, role=role, handle=handle, **lists)


def persona_table(persona: Persona) -> dict[str, Any]:
    """The `[persona]` table that `persona_from_config` reads back as `persona`."""
    table: dict[str, Any] = {"name": persona.name}
    for key in ("emails", "aliases", "company", "company_aliases", "role", "interests",
                "colleagues"):
        value = getattr(persona, key)
        if value:
            table[key] = list(value) if isinstance(value, tuple) else value
    if persona.handle != DEFAULT_HANDLE:
        table["handle"] = persona.handle
    return table


def _strings(value: Any, key: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [v for v in re.split(r"[,;]", value)]
    if not isinstance(value, (list, tuple)):
        raise ConfigError(f"[persona] {key} must be a list of strings")
    return tuple(str(v).strip() for v in value if str(v).strip())


def document_addresses(document: Document) -> dict[str, str]:
    """`person_key` of a display name -> e-mail address, for the people an e-mail names
    (from the reader's `addresses` meta); empty for other documents."""
    return addresses_from_meta(document.meta)


def addresses_from_meta(meta: dict[str, str]) -> dict[str, str]:
    """`document_addresses` from a document's (or a stored document's) meta."""
    found: dict[str, str] = {}
    for name, address in getaddresses([meta.get("addresses", "")]):
        if address and "@" in address:
            found[_key(name or address)] = address.casefold()
    return found


def learn_colleagues(persona: Persona | None, documents: list[Document]) -> Persona | None:
    """`persona` with the people who write from the company's domain in `documents` added
    to its colleagues, so that a meeting note naming them without an address knows them too."""
    if persona is None or not persona.domains:
        return persona
    found = []
    for document in documents:
        for name, address in getaddresses([document.meta.get("addresses", "")]):
            if name and "@" in address and address.rsplit("@", 1)[1].casefold() in persona.domains \
                    and not persona.is_me(name) and not persona.is_me(address):
                found.append(name.strip())
    fresh = [n for n in dict.fromkeys(found) if _key(n) not in {_key(c) for c in persona.colleagues}]
    return replace(persona, colleagues=(*persona.colleagues, *fresh)) if fresh else persona


def personalize(document: Document, extraction: Extraction, persona: Persona | None) -> Extraction:
    """`extraction` seen from the user: their company, colleagues and themselves are no
    longer mentions (nor subjects of facts, tasks and decisions; a fact about nothing
    else is dropped), and tasks they own are owned by the handle."""
    if persona is None:
        return extraction
    addresses = document_addresses(document)
    dropped = {m.name for m in extraction.mentions if _is_own(m, persona, addresses)}
    if dropped:
        extraction.mentions = [m for m in extraction.mentions if m.name not in dropped]
        facts = []
        for fact in extraction.facts:
            kept = [s for s in fact.subjects if s not in dropped]
            if kept:
                facts.append(replace(fact, subjects=kept))
        extraction.facts = facts
        for item in (*extraction.tasks, *extraction.decisions):
            item.subjects = [s for s in item.subjects if s not in dropped]
    own_tasks(extraction, persona)
    return extraction


def own_tasks(extraction: Extraction, persona: Persona | None) -> None:
    """Give the user's tasks (owned by any of their names) to the persona's handle."""
    if persona is None:
        return
    for task in extraction.tasks:
        if task.owner and persona.is_me(task.owner):
            task.owner = persona.handle


def _is_own(mention: Mention, persona: Persona, addresses: dict[str, str]) -> bool:
    names = (mention.name, *mention.aliases)
    if mention.kind is EntityKind.PERSON:
        # Colleagues keep their note (marked by extract/evidence.py); only the owner goes.
        return any(persona.is_me(n) for n in names)
    if mention.kind is EntityKind.ORGANIZATION:
        return any(persona.is_own_company(n) for n in names)
    return False


def describe(persona: Persona) -> str:
    """One paragraph on the user for an LLM prompt: who "I" is and what matters to them."""
    parts = [f"The notes belong to {persona.name}"]
    if persona.role:
        parts[0] += f", {persona.role}"
    if persona.company:
        parts[0] += f" at {persona.company}"
    parts[0] += "."
    if persona.aliases or persona.emails:
        parts.append("They also appear as " + ", ".join((*persona.aliases, *persona.emails)) + ".")
    parts.append(f'Tasks they own get the owner "{persona.handle}". Their own company and '
                 "colleagues are not accounts; never list them or the user as mentions.")
    if persona.interests:
        parts.append("They care most about: " + ", ".join(persona.interests) + ".")
    return " ".join(parts)
