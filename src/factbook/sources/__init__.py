"""Readers: one per format, each turning a file's bytes into its `Document`s.

`read_path` is the single entry point: it checks the file (a regular file,
readable, within the size limit, not empty), picks the reader by extension
and returns the documents (one for most files, one per message for an mbox or a
Markdown mail export, one per event for a calendar)
or raises `InputError` naming the file and the reason.
"""
from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from factbook.errors import InputError
from factbook.models import Document, DocumentKind
from factbook.sources import email, html, ics, outlook, pdf, text, transcripts, word
from factbook.sources.base import MAX_BYTES, Reader
from factbook.sources.dates import date_from_name

READERS: dict[str, Reader] = {
    ".txt": text.read_text_document,
    ".text": text.read_text_document,
    ".md": text.read_markdown_document,
    ".markdown": text.read_markdown_document,
    ".html": html.read_html,
    ".htm": html.read_html,
    ".xhtml": html.read_html,
    ".pdf": pdf.read_pdf,
    ".eml": email.read_eml,
    ".mbox": email.read_mbox,
    ".mbx": email.read_mbox,
    ".vtt": transcripts.read_vtt,
    ".srt": transcripts.read_srt,
    ".docx": word.read_docx,
    ".msg": outlook.read_msg,
    ".ics": ics.read_ics,
}

# Old binary formats whose modern form factbook reads.
_SAVE_AS = {".doc": "save it as .docx (Word: File > Save As) and ingest that",
            ".rtf": "save it as .docx or .txt and ingest that",
            ".vcs": "export the invite as .ics and ingest that"}

# Files that are never documents: editor and OS litter in a drop folder.
IGNORED_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini"}


def supported_suffixes() -> list[str]:
    """The file endings factbook reads."""
    return sorted(READERS)


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Every file under `paths` (folders recursively), sorted, hidden ones skipped."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if child.is_file() and not any(p.startswith(".") for p in rel.parts):
                    if child.name not in IGNORED_NAMES:
                        yield child
        else:
            yield path


PROCESSED = "processed"  # Inbox/processed/: files a successful run has ingested


@dataclass
class Inputs:
    """The files a run reads, and the paths refused (path, reason) before any is read."""

    files: list[Path] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def confined_files(paths: Iterable[Path], vault: Path | None = None,
                   inbox: Path | None = None) -> Inputs:
    """The files under `paths`, confined: regular files only, never through a symlink that
    leads out of the folder given, and never the vault's own notes (its Inbox aside, but
    not `Inbox/processed/`). Every path refused gets a reason."""
    out = Inputs()
    vault_real = vault.resolve() if vault is not None else None
    inbox_real = inbox.resolve() if inbox is not None else None

    def vault_owned(real: Path) -> bool:
        if vault_real is None or not _inside(real, vault_real):
            return False
        in_inbox = inbox_real is not None and _inside(real, inbox_real)
        return not in_inbox or _inside(real, inbox_real / PROCESSED)

    for path in paths:
        real = path.resolve()
        if path.is_dir():
            if vault_owned(real):
                out.refused.append((str(path), "is the vault itself (or a folder of it); factbook"
                                    " reads documents from outside the vault, or from its Inbox"))
                continue
            for child in iter_files([path]):
                child_real = child.resolve()
                if not _inside(child_real, real):
                    out.refused.append((str(child), "is a link to a file outside the folder "
                                        f"{path}; not followed"))
                elif not vault_owned(child_real):
                    out.files.append(child)
        elif vault_owned(real):
            out.refused.append((str(path), "is a note of the vault itself, not a document"))
        else:
            out.files.append(path)
    return out


def _read_bounded(path: Path, max_bytes: int) -> bytes:
    """A regular file's bytes, at most `max_bytes` + 1 of them (never a device, FIFO or
    socket: those are refused before they are opened)."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise InputError(str(path), "is not a regular file (a device, pipe or socket)")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    chunks, total = [], 0
    with os.fdopen(fd, "rb", buffering=0) as handle:
        while total <= max_bytes:  # in pieces: no buffer of the limit's size up front
            chunk = handle.read(min(1 << 16, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    data = b"".join(chunks)
    if len(data) > max_bytes:
        raise InputError(str(path), f"is over the {max_bytes:,}-byte limit",
                         hint="split it, or raise `max_file_bytes` in .factbook/config.toml")
    return data


def read_path(path: Path, max_bytes: int = MAX_BYTES) -> list[Document]:
    """Read one file into its documents, or raise `InputError` saying why not.

    Files over `max_bytes` (25 MB by default) are refused before they are read.
    """
    if path.is_dir():
        raise InputError(str(path), "is a directory, not a file")
    try:
        info = path.stat()
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror or exc})") from exc
    if not stat.S_ISREG(info.st_mode):
        raise InputError(str(path), "is not a regular file (a device, pipe or socket)")
    size = info.st_size
    if size > max_bytes:
        raise InputError(str(path), f"is {size:,} bytes, over the {max_bytes:,}-byte limit",
                         hint="split it, or raise `max_file_bytes` in .factbook/config.toml")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        known = ", ".join(supported_suffixes())
        raise InputError(str(path), f"has an unsupported file type {path.suffix or '(none)'!r}",
                         hint=_SAVE_AS.get(path.suffix.lower(), f"factbook reads {known}"))
    try:
        data = _read_bounded(path, max_bytes)
    except OSError as exc:
        raise InputError(str(path), f"cannot be read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise InputError(str(path), "is empty" if not data else "is empty (only whitespace)")
    return [_dated(doc, path) for doc in reader(path, data)]


def _dated(doc: Document, path: Path) -> Document:
    """`doc`, dated by its file name ("2025-03-04 Weekly sync.txt") when nothing inside it
    gives its own date: the fallback before "undated"."""
    if doc.date is not None or doc.kind is DocumentKind.NOTE:
        return doc
    found = date_from_name(path.name)
    return replace(doc, date=found) if found else doc
