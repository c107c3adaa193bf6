"""Every format through the CLI: one source per e-mail however often it was exported,
structured tasks and decisions in the vault, originals kept, no mojibake, bad input reported.
"""
from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MOJIBAKE = re.compile(r"â€|Ã[\x80-\xbf©¨¤¶]|Â[\xa0-\xbf]|â‚¬|ï»¿")


def _inbox(tmp_path: Path, *relative: str) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for rel in relative:
        shutil.copy(FIXTURES / rel, inbox / Path(rel).name)
    return inbox


def _source_notes(vault: Path) -> list[Path]:
    return [p for p in (vault / "Sources").rglob("*.md")]


def _ingest(cli, inbox: Path, vault: Path) -> tuple[int, dict]:
    result = cli("ingest", inbox, "--vault", vault, "--json")
    return result.exit_code, json.loads(result.output)


def test_ten_exports_and_the_eml_make_one_source_note(cli, vault, tmp_path):
    inbox = _inbox(tmp_path, "email/ten_exports.mbox", "email/pilot_confirmation.eml")
    code, report = _ingest(cli, inbox, vault)
    assert code == 0, report["failures"]
    notes_with_reply = [p for p in _source_notes(vault)
                        if "two extra racks" in p.read_text(encoding="utf-8")]
    assert len(notes_with_reply) == 1
    eml = str(inbox / "pilot_confirmation.eml")
    copies = [d for d in report["duplicates"] if d["of"] == eml]
    assert len(copies) == 10
    assert all(d["path"].startswith(str(inbox / "ten_exports.mbox") + "#") for d in copies)
    # the question and the crew e-mail in the same mailbox are sources of their own
    assert len(report["new_sources"]) == 3


def test_originals_are_kept_byte_for_byte_and_linked(cli, vault, tmp_path):
    inbox = _inbox(tmp_path, "email/pilot_confirmation.eml", "text/mojibake.txt")
    code, _ = _ingest(cli, inbox, vault)
    assert code == 0
    kept = sorted((vault / ".factbook" / "originals").rglob("*.*"))
    assert sorted(p.read_bytes() for p in kept) == \
        sorted((inbox / n).read_bytes() for n in ("pilot_confirmation.eml", "mojibake.txt"))
    for path in kept:
        assert path.parent.name == path.name[:2] and len(path.stem) == 64
    notes = "\n".join(p.read_text(encoding="utf-8") for p in _source_notes(vault))
    for path in kept:
        assert str(path.relative_to(vault)) in notes


def test_meeting_note_tasks_and_decisions_reach_the_vault(cli, vault, tmp_path):
    inbox = _inbox(tmp_path, "notes/2025-03-06 Harborline QBR.md")
    code, report = _ingest(cli, inbox, vault)
    assert code == 0, report["failures"]
    [note] = _source_notes(vault)
    text = note.read_text(encoding="utf-8")
    tasks = [ln for ln in text.splitlines() if re.match(r"- \[[ x]\] ", ln)]
    assert any(ln.startswith("- [ ] Send the pilot runbook to Harborline @Priya Raman #task") and "⏫ 📅 2025-03-12" in ln
               for ln in tasks), tasks
    # Tasks' own layout (issue 15): description and tags, then the fields.
    assert any(ln.startswith("- [ ] Confirm Q2 volumes @Marta Ilves #task") and "📅 2025-03-14" in ln
               for ln in tasks)
    assert any(ln.startswith("- [x] Book the QBR room @Marta Ilves #task") and "✅ 2025-03-03" in ln
               for ln in tasks)
    assert any(ln.startswith("- [ ] Draft the renewal proposal #task") and "🔽" in ln for ln in tasks)
    assert all("#account/" in ln for ln in tasks)  # gathered by the account note's query
    decisions = _key_decisions(vault)
    assert any("Keep Tidewater Freight as the only pilot carrier." in d for d in decisions), decisions
    assert any("Renewal talks start after the pilot review." in d for d in decisions)


def test_spoken_commitments_and_decisions_reach_the_vault(cli, vault, tmp_path):
    inbox = _inbox(tmp_path, "transcripts/2025-03-04 Harborline weekly sync.vtt")
    code, report = _ingest(cli, inbox, vault)
    assert code == 0, report["failures"]
    [note] = _source_notes(vault)
    text = note.read_text(encoding="utf-8")
    assert re.search(r"^- \[ \] Send the runbook @Priya Raman #task.* 📅 2025-03-12", text, re.M)
    assert re.search(r"^- \[ \] Share the temperature logs with Marta @Priya Raman #task.* 📅 2025-03-05",
                     text, re.M)
    assert re.search(r"^- \[ \] Book the rehearsal room for the launch dry run #task", text, re.M)
    assert "@Speaker" not in text
    people = list((vault / "People").glob("*.md")) if (vault / "People").is_dir() else []
    assert not any(re.match(r"(?i)speaker", p.stem) for p in people)
    # Issue 15: a decision goes to the accounts the meeting is about, never to a speaker's
    # note; it is always on the meeting's source note.
    decisions = text.split("## Decisions", 1)[1].split("\n## ", 1)[0] if "## Decisions" in text else ""
    assert "we agreed to go with Tidewater Freight for the pilot" in decisions, text


def test_no_mojibake_survives_into_any_note(cli, vault, tmp_path):
    inbox = tmp_path / "inbox"
    shutil.copytree(FIXTURES, inbox)
    cli("ingest", inbox, "--vault", vault, "--json")
    for note in vault.rglob("*.md"):
        text = note.read_text(encoding="utf-8")
        assert not MOJIBAKE.search(text), (note, MOJIBAKE.search(text).group(0))
    notes = "\n".join(p.read_text(encoding="utf-8") for p in _source_notes(vault))
    assert "Harborline Foods’ new warehouse" in notes


def test_bad_files_are_reported_and_the_rest_ingested(cli, vault, tmp_path):
    inbox = _inbox(tmp_path, "html/harborline_article.html", "transcripts/2025-02-10 Brightwater kickoff.srt")
    (inbox / "empty.eml").write_bytes(b"")
    (inbox / "scan.pdf").write_bytes(b"%PDF-1.4\ngarbage\n%%EOF\n")
    (inbox / "nocues.vtt").write_bytes(b"WEBVTT\n\n")
    code, report = _ingest(cli, inbox, vault)
    assert code == 1
    assert sorted((Path(f["path"]).name, f["reason"]) for f in report["failures"]) == [
        ("empty.eml", "is empty"),
        ("nocues.vtt", "has no cues (an empty transcript)"),
        ("scan.pdf", "is a damaged PDF (PdfReadError: startxref not found)"),
    ]
    assert len(report["new_sources"]) == 2
    result = cli("ingest", inbox / "nocues.vtt", "--vault", vault)
    assert result.exit_code == 1
    assert f"{inbox / 'nocues.vtt'}: has no cues (an empty transcript)" in result.output


def _key_decisions(vault: Path) -> list[str]:
    lines = []
    for note in vault.rglob("*.md"):
        text = note.read_text(encoding="utf-8")
        if "## Key Decisions" in text:
            section = text.split("## Key Decisions", 1)[1].split("\n## ", 1)[0]
            lines += [ln for ln in section.splitlines() if ln.startswith("- ")]
    return lines
