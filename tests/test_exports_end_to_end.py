"""Every export style through `factbook ingest`: each source note has the right `kind:`,
and no timestamp or speaker debris reaches any note of the vault."""
from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import docx

from tests.sources.cfb import make_msg
from tests.sources.test_exports import HEADER_LINES, IMPORTER, NOTE_WITH_TRANSCRIPT, STYLES

TIMESTAMP = re.compile(r"\[\d{1,2}:\d{2}|\b\d{1,2}:\d{2}:\d{2}\b|-->")
# factbook's own Mermaid pictures draw arrows; only text from documents is checked.
MERMAID = re.compile(r"```mermaid\n.*?```", re.S)


def document_text(note: Path) -> str:
    """A note's text without the diagrams factbook draws."""
    return MERMAID.sub("", note.read_text(encoding="utf-8"))
GLUED = re.compile(r"\b(?:Menon|Ruiz)[A-Z]|Remote[A-Z-]")
ICS = ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:1@x.example\r\n"
       "DTSTAMP:20250101T000000Z\r\nDTSTART:20250506T140000Z\r\nSUMMARY:Kestrel QBR\r\n"
       "DESCRIPTION:Pilot scope and the June go-live.\r\n"
       "ORGANIZER;CN=Ben Ode:mailto:ben@kestrel.example\r\n"
       "ATTENDEE;CN=Ana Ruiz:mailto:ana@tide.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def _kinds(vault) -> dict[str, str]:
    kinds = {}
    for note in (vault / "Sources").rglob("*.md"):
        text = note.read_text(encoding="utf-8")
        original = re.search(r"^original: \"?([^\"\n]+)", text, re.M)
        kind = re.search(r"^kind: (.+)$", text, re.M)
        kinds[note.stem] = (kind.group(1) if kind else "", original.group(1) if original else "")
    return kinds


def test_every_style_gets_its_kind_and_leaves_no_debris(cli, vault, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for number, (name, text) in enumerate(STYLES.items()):
        # Other figures in each: otherwise they are near-duplicates of one another.
        text = text.replace("400", str(410 + number)).replace("3 March", f"{number + 4} March")
        (inbox / f"2025-02-24 {name}").write_text(text.replace("Brindle", name.split(".")[0].title()))
    (inbox / "Brindle training.md").write_text(IMPORTER)
    (inbox / "2026-01-20_081500_1234_Corvid.md").write_bytes(HEADER_LINES.replace("\n", "\r").encode())
    (inbox / "Brindle weekly.md").write_text(NOTE_WITH_TRANSCRIPT)
    (inbox / "invite.ics").write_text(ICS, newline="")
    (inbox / "scope.msg").write_bytes(make_msg(
        "Pilot scope", "The Kestrel pilot covers three sites from June.", ("Ben Ode", "ben@kestrel.example"),
        [("Ana Ruiz", "ana@tide.example")], sent=datetime(2025, 5, 6, tzinfo=timezone.utc)))
    word = docx.Document()
    for line in STYLES["otter.txt"].replace("400", "520").replace("3 March", "20 March").splitlines():
        word.add_paragraph(line)
    word.save(inbox / "2025-02-24 order call.docx")
    result = cli("ingest", inbox, "--vault", vault, "--json")
    report = json.loads(result.output)
    assert result.exit_code == 0 and report["failures"] == []
    kinds = sorted(kind for kind, _ in _kinds(vault).values())
    assert kinds == ["email"] * 4 + ["invite"] + ["meeting-notes"] + ["transcript"] * 11
    for note in vault.rglob("*.md"):
        if ".factbook" in note.parts:  # the originals, kept byte for byte
            continue
        text = document_text(note)
        assert not TIMESTAMP.search(text), note
        assert not GLUED.search(text), note


def test_unreadable_exports_get_one_line_each_and_the_run_goes_on(cli, vault, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "broken.docx").write_bytes(b"PK\x03\x04 not a zip")
    (inbox / "broken.msg").write_bytes(b"not an OLE file at all")
    (inbox / "empty.ics").write_text("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    (inbox / "2025-02-24 call.txt").write_text(STYLES["otter.txt"])
    result = cli("ingest", inbox, "--vault", vault)
    assert result.exit_code == 1
    failed = [line for line in result.output.splitlines() if line.startswith("failed: ")]
    assert len(failed) == 3 and all(str(inbox) in line for line in failed)
    assert any("Word document" in line for line in failed)
    assert len(list((vault / "Sources").rglob("*.md"))) == 1
