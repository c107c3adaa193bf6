"""Plain text and Markdown readers, and the content sniffing that picks a document's kind.

A .txt or .md file can be many things; after decoding, the content decides:
- front matter with `type: account|person|project` → an existing entity note
  (`NOTE`, adopted rather than ingested);
- e-mail importer front matter (`from`, `subject`, `date`) or a heading per message
  naming its time and sender → one e-mail per message (sources/mail_markdown.py);
- inline `From:` / `Sent:` / `To:` header blocks → an exported e-mail thread;
- a "## Transcript" section → cleaned turns inside the note (sources/note_transcript.py),
  or a transcript when the note is little more than it;
- Summary / Decisions / Action items sections or checkbox tasks, or one such section in
  a note titled as a call or meeting → structured meeting notes;
- mostly transcript lines in any tool's style (sources/transcript_lines.py), or a raw
  speech-to-text export → a transcript;
- anything else → an article.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from factbook.errors import InputError
from factbook.models import Document, DocumentKind
from factbook.sources.base import content_hash, decode_text
from factbook.sources.dates import find_document_date
from factbook.sources.frontmatter import split_front_matter

_HEADING = re.compile(r"^#{1,6}\s+")
_TITLE_MAX = 120
_SHORT_TITLE = 60
_NOTE_TYPES = {"account", "person", "project", "organization", "company"}


def read_text_document(path: Path, data: bytes) -> list[Document]:
    """Read a .txt file; one that starts with YAML front matter is read as Markdown."""
    return documents_from_text(path, data, decode_text(path, data))


def read_markdown_document(path: Path, data: bytes) -> list[Document]:
    """Read a Markdown file with optional YAML front matter."""
    return documents_from_text(path, data, decode_text(path, data))


def documents_from_text(path: Path, data: bytes, text: str) -> list[Document]:
    """The documents of a decoded text or Markdown file: one, or one per message of a
    Markdown mail export."""
    from factbook.sources.mail_markdown import (
        is_importer_mail, looks_like_markdown_mail, markdown_mail_documents,
    )

    meta, body = split_front_matter(path, text) if text.startswith("---") else ({}, text)
    if str(meta.get("type", "")).strip().lower() not in _NOTE_TYPES and body.strip() \
            and (is_importer_mail(meta) or looks_like_markdown_mail(body)):
        return markdown_mail_documents(path, data, meta, body)
    doc = document_from_text(path, data, text)
    heading = _FIRST_HEADING.search(body)
    if heading and "heading" not in doc.meta:
        # What a note is about: its first heading ("# 1:1 — Dana — 2025-03-04"), kept for
        # extraction even when the title comes from front matter.
        doc.meta["heading"] = heading.group(1).strip()
    return [doc]


_FIRST_HEADING = re.compile(r"^#{1,6}[ \t]+(.+)$", re.M)


def document_from_text(path: Path, data: bytes, text: str) -> Document:
    """The document of a decoded text or Markdown file, its kind sniffed from the content."""
    # Imported here: these modules import `title_from_text` from this one.
    from factbook.sources.meeting_notes import looks_like_meeting_notes, meeting_notes_document
    from factbook.sources.note_transcript import clean_transcript_sections
    from factbook.sources.thread_export import looks_like_thread_export, thread_export_document
    from factbook.sources.transcripts import looks_like_speaker_lines, read_speaker_lines

    meta, body = split_front_matter(path, text) if text.startswith("---") else ({}, text)
    if str(meta.get("type", "")).strip().lower() in _NOTE_TYPES:
        return _markdown(path, data, meta, body, DocumentKind.NOTE)
    if not body.strip():
        raise InputError(str(path), "has no text after its front matter")
    if looks_like_thread_export(body):
        return thread_export_document(path, data, body)
    known = _listed(meta)
    section = clean_transcript_sections(body, known)
    if section is not None and section.mostly_transcript:
        header = "\n".join(x for x in (_header_text(meta), section.header) if x.strip())
        return read_speaker_lines(path, data, section.raw_body, header=header, known=known,
                                  front_matter=meta)
    if section is not None:
        body = section.body
    if looks_like_meeting_notes(body, path.stem):
        return _with_speakers(meeting_notes_document(path, data, body, meta), section)
    if looks_like_speaker_lines(body) or _raw_transcript(path, body):
        return read_speaker_lines(path, data, body, header=_header_text(meta), known=known,
                                  front_matter=meta)
    if section is not None:
        return _with_speakers(meeting_notes_document(path, data, body, meta), section)
    if meta:
        return _markdown(path, data, meta, body, DocumentKind.ARTICLE)
    return _plain(path, data, body, DocumentKind.ARTICLE)


# Tools name their raw exports so: "Recording.transcript.txt", "Otter - …", "fireflies-…".
_TRANSCRIPT_NAME = re.compile(r"transcri|recording|otter|fireflies|whisper", re.I)


def _raw_transcript(path: Path, body: str) -> bool:
    """A raw speech-to-text export with no speaker lines: named as one, or opening with
    Whisper's "Thank you." heard in the silence before the talk."""
    from factbook.sources.transcript_lines import drop_hallucinated_opening

    first = next((line for line in body.splitlines() if line.strip()), "")
    return bool(_TRANSCRIPT_NAME.search(path.stem)) and not first.startswith("#") \
        or drop_hallucinated_opening(body) != body.strip("\n") and len(body.splitlines()) > 2


def _listed(meta: dict[str, Any]) -> tuple[str, ...]:
    """The people front matter lists (attendees, participants, speakers)."""
    listed = meta.get("attendees") or meta.get("participants") or meta.get("speakers") or []
    if isinstance(listed, str):
        listed = listed.split(",")
    if not isinstance(listed, (list, tuple)):
        return ()
    return tuple(str(n).strip().strip("[]") for n in listed if str(n).strip())


def _with_speakers(doc: Document, section: Any) -> Document:
    """`doc` with the speakers of its transcript section among its participants."""
    if section is None or not section.speakers:
        return doc
    return replace(doc, participants=tuple(dict.fromkeys(doc.participants + section.speakers)))


def _markdown(path: Path, data: bytes, meta: dict[str, Any], body: str,
              kind: DocumentKind) -> Document:
    made_up = False
    title = str(meta.get("title") or meta.get("name") or "")
    if not title:
        title, made_up = titled(body, path)
    if kind is DocumentKind.NOTE:
        title = f"{title} (existing {str(meta.get('type', '')).strip().lower()} note)"
    when = find_document_date(str(meta.get("date") or meta.get("created") or "")) \
        or find_document_date(body)
    authors = meta.get("author") or meta.get("authors") or ()
    if isinstance(authors, str):
        authors = (authors,)
    return Document(
        path=str(path), sha256=content_hash(data), kind=kind, title=title, text=body,
        date=when, authors=tuple(str(a) for a in authors),
        publisher=_str_or_none(meta.get("publisher") or meta.get("source")),
        url=_str_or_none(meta.get("url")), front_matter=dict(meta), size=len(data),
        meta=_title_meta(made_up),
    )


def _plain(path: Path, data: bytes, text: str, kind: DocumentKind) -> Document:
    title, made_up = titled(text, path)
    return Document(
        path=str(path), sha256=content_hash(data), kind=kind, title=title, text=text,
        date=find_document_date(text), size=len(data), meta=_title_meta(made_up),
    )


def _header_text(meta: dict[str, Any]) -> str:
    return "\n".join(f"{key}: {value}" for key, value in meta.items())


def title_from_text(text: str, path: Path) -> str:
    """A document's title: its first line when that reads like a headline, else the
    opening words of its first paragraph, else the file name."""
    return titled(text, path)[0]


def titled(text: str, path: Path) -> tuple[str, bool]:
    """The title (as `title_from_text`) and whether it was made up from the text
    rather than found as a headline."""
    for line in text.splitlines():
        line = _HEADING.sub("", line).strip()
        if not line:
            continue
        if len(line) <= _TITLE_MAX and not line.endswith((".", ",", ";")):
            return line, False
        return opening_label(line), True
    return path.stem, False


def _title_meta(made_up: bool) -> dict[str, str]:
    """Marks a made-up title, so the source note is named neutrally (see vault/sync)."""
    return {"title_made_up": "yes"} if made_up else {}


def opening_label(line: str) -> str:
    """A short label made from the opening words of a sentence."""
    return shorten(line, _SHORT_TITLE)


def shorten(text: str, limit: int) -> str:
    """Cut `text` at a word boundary to at most `limit` characters, marking the cut."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:—- ") + "…"


def _str_or_none(value: object) -> str | None:
    return str(value) if value else None
