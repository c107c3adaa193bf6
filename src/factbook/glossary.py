"""The vault's glossary: acronyms and terms with their meaning, and entity aliases,
from `.factbook/glossary.toml` (or `glossary.yaml`).

    [terms]
    QBR = "quarterly business review"
    NWL = "Northwind Logistics"

    [aliases]
    "Kestrel Analytics" = ["Kestrel", "KA"]

Extractors get the terms through `Context.glossary` and may call `expand`; the
pipeline renames mentions that are short forms of a name (`canonical_mentions`),
loads the aliases into the store at the start of a run (`load_aliases`), and
source notes list the terms their text uses (`with_glossary`).
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import tomllib

from factbook.errors import ConfigError
from factbook.models import Extraction, KnownEntity, Mention
from factbook.resolve.names import name_key

log = logging.getLogger(__name__)

GLOSSARY_FILES = ("glossary.toml", "glossary.yaml", "glossary.yml")
SECTION = "Glossary"

GLOSSARY_TEMPLATE = """\
# factbook glossary: short forms and what they mean, and other names of entities.
# Extractors use it to resolve short forms; source notes list the terms they use.

[terms]
# QBR = "quarterly business review"
# NWL = "Northwind Logistics"      # a short form of a name: mentions of NWL become Northwind Logistics

[aliases]
# "Kestrel Analytics" = ["Kestrel", "KA"]
"""


@dataclass
class Glossary:
    """Terms (short form -> meaning) and aliases (entity name -> other names)."""

    terms: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def expand(self, term: str) -> str | None:
        """The meaning of `term`, or None. Exact spelling first ("IT" is not "it"),
        then any case for terms that are not all capitals."""
        short = self._term(term.strip())
        return self.terms[short] if short else None

    def _term(self, word: str) -> str | None:
        if word in self.terms:
            return word
        folded = word.casefold()
        return next((s for s in self.terms if not s.isupper() and s.casefold() == folded), None)

    def canonical(self, name: str) -> str | None:
        """The entity name that `name` is an alias of (by name key), or None."""
        return self._alias_keys.get(name_key(name))

    @cached_property
    def _alias_keys(self) -> dict[str, str]:
        keys: dict[str, str] = {}
        for name, others in self.aliases.items():
            for other in (name, *others):
                keys.setdefault(name_key(other), name)
        return keys

    @cached_property
    def _pattern(self) -> re.Pattern[str] | None:
        if not self.terms:
            return None
        shorts = sorted(self.terms, key=len, reverse=True)
        return re.compile(r"(?<![\w-])(" + "|".join(re.escape(s) for s in shorts) + r")(?![\w-])",
                          re.I)

    def terms_in(self, text: str) -> list[tuple[str, str]]:
        """(term, meaning) for each glossary term `text` uses, in order of first use."""
        if self._pattern is None:
            return []
        found: dict[str, str] = {}
        for match in self._pattern.finditer(text):
            short = self._term(match.group(1))
            if short is not None:
                found.setdefault(short, self.terms[short])
        return list(found.items())


def load_glossary(state_dir: Path) -> Glossary:
    """The glossary in `state_dir` (`.factbook/`); empty when there is none."""
    for name in GLOSSARY_FILES:
        path = state_dir / name
        if path.exists():
            return parse_glossary(path)
    return Glossary()


def parse_glossary(path: Path) -> Glossary:
    """Read one glossary file (TOML or YAML); raise `ConfigError` naming it when it is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".toml":
            raw = tomllib.loads(text)
        else:
            from ruamel.yaml import YAML

            raw = YAML(typ="safe").load(text) or {}
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read the glossary ({exc})",
                          hint="fix the file or delete it") from exc
    except Exception as exc:  # ruamel's parser errors share no useful base class
        raise ConfigError(f"{path}: not valid YAML ({exc.__class__.__name__})",
                          hint="fix the file or delete it") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: a glossary is a table of terms", hint="see docs/persona.md")
    return glossary_from_dict(raw, str(path))


def glossary_from_dict(raw: dict[str, Any], where: str = "glossary") -> Glossary:
    """A `Glossary` from parsed data: `terms` and `aliases` tables; other top-level
    string values are terms too."""
    terms = {str(k): str(v) for k, v in raw.items() if isinstance(v, str)}
    table = raw.get("terms") or {}
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: [terms] must map each term to its meaning")
    terms.update({str(k).strip(): str(v).strip() for k, v in table.items() if str(v).strip()})
    aliases: dict[str, tuple[str, ...]] = {}
    for name, others in (raw.get("aliases") or {}).items():
        if isinstance(others, str):
            others = [others]
        if not isinstance(others, list):
            raise ConfigError(f"{where}: aliases of {name!r} must be a list of names")
        aliases[str(name).strip()] = tuple(str(o).strip() for o in others if str(o).strip())
    return Glossary(terms=terms, aliases=aliases)


def _looks_like_name(text: str) -> bool:
    words = [w for w in text.split() if w[:1].isalpha()]
    return bool(words) and all(w[:1].isupper() for w in words if len(w) > 3)


def canonical_mentions(extraction: Extraction, glossary: Glossary | None) -> Extraction:
    """Mentions renamed to the name they are a short form or alias of ("NWL" ->
    "Northwind Logistics"), the short form kept as an alias; mentions that become the
    same name are merged, and facts, tasks and decisions follow the new names."""
    if glossary is None or not (glossary.terms or glossary.aliases):
        return extraction
    renamed: dict[str, str] = {}
    merged: dict[str, Mention] = {}
    for mention in extraction.mentions:
        target = _target(mention, glossary) or mention.name
        renamed[mention.name] = target
        extra = [n for n in (mention.name, *mention.aliases, *glossary.aliases.get(target, ()))
                 if n != target]
        if target in merged:
            have = merged[target]
            have.aliases = list(dict.fromkeys([*have.aliases, *extra]))
            have.count += mention.count
        else:
            merged[target] = replace(mention, name=target, aliases=list(dict.fromkeys(extra)))
    if all(old == new for old, new in renamed.items()):
        return extraction
    extraction.mentions = list(merged.values())
    for item in (*extraction.facts, *extraction.tasks, *extraction.decisions):
        item.subjects = list(dict.fromkeys(renamed.get(s, s) for s in item.subjects))
    return extraction


def _target(mention: Mention, glossary: Glossary) -> str | None:
    for name in (mention.name, *mention.aliases):
        canonical = glossary.canonical(name)
        if canonical:
            return canonical
        meaning = glossary.expand(name)
        if meaning and _looks_like_name(meaning):
            return glossary.canonical(meaning) or meaning
    return None


def load_aliases(add_alias, known: list[KnownEntity], glossary: Glossary | None) -> list[int]:
    """Add the glossary's aliases to the entities that already exist (matched by name or
    alias key) through `add_alias(entity_id, alias)`; returns the ids that changed."""
    if glossary is None or not glossary.aliases:
        return []
    by_key: dict[str, KnownEntity] = {}
    for entity in known:
        for name in (entity.name, *entity.aliases):
            by_key.setdefault(name_key(name), entity)
    changed: list[int] = []
    for name, others in glossary.aliases.items():
        entity = next((by_key[name_key(n)] for n in (name, *others) if name_key(n) in by_key), None)
        if entity is None:
            continue
        have = {name_key(n) for n in (entity.name, *entity.aliases)}
        fresh = [n for n in (name, *others) if name_key(n) not in have]
        for alias in fresh:
            add_alias(entity.id, alias)
        if fresh:
            changed.append(entity.id)
    return changed


def glossary_section(text: str, glossary: Glossary | None) -> list[str]:
    """The "## Glossary" lines for a source note whose text is `text` (none when no
    term occurs): each term once, in order of first use."""
    found = glossary.terms_in(text) if glossary else []
    if not found:
        return []
    return [f"## {SECTION}", "", *(f"- **{term}**: {meaning}" for term, meaning in found), ""]


def with_glossary(note: str, text: str, glossary: Glossary | None) -> str:
    """A rendered source note with its glossary section placed before "## Text"
    (at the end when the note has no text section)."""
    section = glossary_section(text, glossary)
    if not section:
        return note
    block = "\n".join(section)
    marker = "\n## Text\n"
    if marker in note:
        return note.replace(marker, "\n" + block + marker, 1)
    return note.rstrip("\n") + "\n\n" + block
