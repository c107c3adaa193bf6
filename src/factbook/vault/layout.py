"""Where notes live in a vault, and safe, stable file names for them."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pathvalidate import sanitize_filename

from factbook.config import STATE_DIR, Config
from factbook.models import EntityKind

# Obsidian cannot link to names containing these; they are replaced in file names.
_LINK_UNSAFE = re.compile(r"[\[\]#^|\\/:*?\"<>]")
_MAX_STEM = 120


@dataclass(frozen=True)
class VaultLayout:
    """The folders of one vault, from its configuration."""

    root: Path
    config: Config

    @property
    def state_dir(self) -> Path:
        """`.factbook/`: the store, the config, originals and logs."""
        return self.root / STATE_DIR

    @property
    def inbox(self) -> Path:
        """The drop folder `factbook ingest` reads by default."""
        return self.root / self.config.folders.inbox

    def entity_folder(self, kind: EntityKind) -> str:
        """The vault-relative folder for notes of an entity kind."""
        folders = self.config.folders
        if kind is EntityKind.PERSON:
            return folders.people
        if kind in (EntityKind.PROJECT, EntityKind.PRODUCT):
            return folders.projects
        return folders.accounts

    def entity_note(self, name: str, kind: EntityKind) -> str:
        """The vault-relative path of an entity's note."""
        return f"{self.entity_folder(kind)}/{safe_stem(name)}.md"

    def source_note(self, title: str, when: date | None) -> str:
        """The vault-relative path of a source's note: dated under its year, else `undated`."""
        if when:
            return f"{self.config.folders.sources}/{when.year}/{safe_stem(f'{when.isoformat()} - {title}')}.md"
        return f"{self.config.folders.sources}/undated/{safe_stem(title)}.md"

    def entity_folders(self) -> list[str]:
        """Every folder that holds entity notes."""
        f = self.config.folders
        return [f.accounts, f.people, f.projects]


def safe_stem(name: str) -> str:
    """A file name (without extension) that is valid on every OS, stays inside its folder,
    and still works as an Obsidian link target."""
    text = unicodedata.normalize("NFC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = _LINK_UNSAFE.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    text = sanitize_filename(text, replacement_text=" ", platform="universal")
    text = text.strip(" .")
    if len(text) > _MAX_STEM:
        text = text[:_MAX_STEM].rsplit(" ", 1)[0].strip(" .")
    return text or "untitled"


def link(path: str) -> str:
    """The wikilink to a vault-relative note path."""
    return f"[[{Path(path).stem}]]"


def tag_slug(name: str) -> str:
    """A tag-safe slug of a name (`#account/<slug>`)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text or "entity"
