"""Where notes live in a vault, and safe, stable file names for them."""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pathvalidate import sanitize_filename

from factbook.config import STATE_DIR, Config
from factbook.errors import VaultError
from factbook.models import EntityKind

# Obsidian cannot link to names containing these; they are replaced in file names.
_LINK_UNSAFE = re.compile(r"[\[\]#^|\\/:*?\"<>]")
_MAX_STEM = 120
# File names are limited to 255 bytes on common file systems; the stem keeps room for
# " (12)", ".md" and the hidden temp name a write goes through (".<name>.<id>.factbook-tmp").
_MAX_STEM_BYTES = 180
_JOINERS = {"\u200c", "\u200d"}


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
    and still works as an Obsidian link target.

    The same name always gives the same stem. Path separators, `..`, reserved device
    names (CON, NUL, ...), control and bidirectional-override characters are
    neutralized; a long name is cut to a byte budget and tagged with a short hash of
    the full name, so two long names that share a beginning stay distinct.
    """
    full = unicodedata.normalize("NFC", name)
    text = "".join(ch for ch in full if _keep_char(ch))
    text = _LINK_UNSAFE.sub(" ", text)
    text = re.sub(r"\s+", " ", text).strip(" .")
    text = sanitize_filename(text, replacement_text=" ", platform="universal")
    text = text.strip(" .")
    if len(text) > _MAX_STEM or len(text.encode("utf-8")) > _MAX_STEM_BYTES:
        tag = hashlib.sha1(full.encode("utf-8")).hexdigest()[:6]
        text = f"{_cut(text)} ~{tag}"
    return text or "untitled"


def _keep_char(ch: str) -> bool:
    """Drop control, format (bidi overrides, BOM), surrogate and unassigned characters;
    keep the joiners that emoji sequences and some scripts need."""
    category = unicodedata.category(ch)
    if category[0] != "C":
        return True
    return ch in _JOINERS


def _cut(text: str) -> str:
    """Cut at a word boundary (when there is one) to fit the character and byte budgets."""
    budget = _MAX_STEM_BYTES - 8  # room for the " ~xxxxxx" tag
    out = text[:_MAX_STEM - 8]
    while len(out.encode("utf-8")) > budget:
        out = out[:-1]
    if " " in out[len(out) // 2:]:
        out = out.rsplit(" ", 1)[0]
    return out.strip(" .") or "untitled"


def inside_vault(root: Path, rel: str) -> Path:
    """The file at vault-relative `rel`, refusing any path that could leave the vault
    (absolute, drive-qualified, `..`, NUL) so no stored or hostile name writes outside it."""
    parts = rel.replace("\\", "/").split("/")
    if (not rel or "\x00" in rel or rel.startswith(("/", "\\")) or ":" in parts[0]
            or any(p in ("", ".", "..") for p in parts)):
        raise VaultError(f"{rel!r}: not a safe path inside the vault",
                         hint="run `factbook doctor` to check the store's note paths")
    return root.joinpath(*parts)


def link(path: str) -> str:
    """The wikilink to a vault-relative note path."""
    return f"[[{Path(path).stem}]]"


def tag_slug(name: str) -> str:
    """A tag-safe slug of a name (`#account/<slug>`)."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    return text or "entity"
