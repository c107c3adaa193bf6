"""Near-duplicates keep the fuller document: a thread that grew by a message, a transcript
export with speakers and times over a bare one of the same recording. The run report says
which document replaced which, and nothing a copy adds is lost. Invented documents."""
from __future__ import annotations

import json
from pathlib import Path

OLD_MESSAGES = """From: Lena Marsh <lena.marsh@brindle.example>
Sent: Monday, March 3, 2025 9:12 AM
To: Owen Tait <owen@corvid.example>
Subject: Brindle cold-chain pilot

Owen, the Brindle cold-chain pilot covers the Tacoma and Spokane warehouses, with
forty dock doors between them. We want the carrier portal live before the spring peak,
and our operations team will run the training for the receiving clerks themselves.

From: Owen Tait <owen@corvid.example>
Sent: Monday, March 3, 2025 2:40 PM
To: Lena Marsh <lena.marsh@brindle.example>
Subject: RE: Brindle cold-chain pilot

Lena, thanks. The portal can be live within three weeks of signature, and the
integration with your warehouse system is a flat file drop every fifteen minutes.
"""

NEW_MESSAGE = """From: Lena Marsh <lena.marsh@brindle.example>
Sent: Tuesday, March 4, 2025 8:05 AM
To: Owen Tait <owen@corvid.example>
Subject: RE: Brindle cold-chain pilot

Our CFO approved the pilot budget this morning.

"""

TURNS = [
    ("Ravi Menon", "0:02", "So the Brindle order is four hundred pallets of frozen goods for the spring."),
    ("Ana Ruiz", "0:11", "We can ship them from the Tacoma warehouse on the third of March if the trucks are booked."),
    ("Ravi Menon", "0:19", "The trucks are booked already, our carrier confirmed the slots yesterday afternoon."),
    ("Ana Ruiz", "0:27", "Then the only open question is the labelling of the pallets for the cross-dock in Spokane."),
    ("Ravi Menon", "0:36", "Our team will print the labels and send them to the Spokane dock by the end of next week."),
    ("Ana Ruiz", "0:44", "Good, then we are set for the third of March and I will tell the warehouse crew today."),
]


def _rich() -> str:
    return "\n\n".join(f"{name}  {time}\n{said}" for name, time, said in TURNS) + "\n"


def _bare() -> str:
    return "\n".join(said for _, _, said in TURNS) + "\n"


def _ingest(cli, inbox: Path, vault: Path) -> dict:
    result = cli("ingest", inbox, "--vault", vault, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _sources(vault: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in (vault / "Sources").rglob("*.md"))


def _inbox(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    inbox = tmp_path / name
    inbox.mkdir()
    for file_name, text in files.items():
        (inbox / file_name).write_text(text, encoding="utf-8")
    return inbox


def test_grown_thread_in_a_later_run_is_a_new_source_and_keeps_the_old(cli, vault, tmp_path):
    first = _inbox(tmp_path, "monday", {"pilot thread.txt": OLD_MESSAGES})
    second = _inbox(tmp_path, "tuesday", {"pilot thread (2).txt": NEW_MESSAGE + OLD_MESSAGES})
    _ingest(cli, first, vault)
    report = _ingest(cli, second, vault)
    grown, shorter = str(second / "pilot thread (2).txt"), str(first / "pilot thread.txt")
    assert report["replaced"] == [{"path": grown, "replaced": shorter}]
    assert report["new_sources"] == [grown] and report["duplicates"] == []
    notes = _sources(vault)
    assert "CFO approved the pilot budget" in notes  # the new message is not lost
    assert notes.count("flat file drop every fifteen minutes") == 2  # the old source stays


def test_grown_thread_in_the_same_run_replaces_the_shorter(cli, vault, tmp_path):
    inbox = _inbox(tmp_path, "inbox", {"a thread.txt": OLD_MESSAGES,
                                        "b thread.txt": NEW_MESSAGE + OLD_MESSAGES})
    report = _ingest(cli, inbox, vault)
    grown, shorter = str(inbox / "b thread.txt"), str(inbox / "a thread.txt")
    assert report["replaced"] == [{"path": grown, "replaced": shorter}]
    assert report["duplicates"] == [{"path": shorter, "of": grown}]
    assert report["new_sources"] == [grown]
    notes = _sources(vault)
    for said in ("CFO approved the pilot budget", "forty dock doors", "flat file drop"):
        assert said in notes


def test_shorter_thread_after_the_grown_one_is_a_duplicate(cli, vault, tmp_path):
    inbox = _inbox(tmp_path, "inbox", {"a thread.txt": NEW_MESSAGE + OLD_MESSAGES,
                                        "b thread.txt": OLD_MESSAGES})
    report = _ingest(cli, inbox, vault)
    assert report["replaced"] == []
    assert report["duplicates"] == [{"path": str(inbox / "b thread.txt"),
                                     "of": str(inbox / "a thread.txt")}]


def test_of_two_exports_of_one_recording_the_one_with_speakers_and_times_is_kept(cli, vault, tmp_path):
    inbox = _inbox(tmp_path, "inbox", {"2025-02-24 Brindle call transcript.txt": _bare(),
                                        "2025-02-24 Brindle call (Otter).txt": _rich()})
    report = _ingest(cli, inbox, vault)
    rich, bare = (str(inbox / "2025-02-24 Brindle call (Otter).txt"),
                  str(inbox / "2025-02-24 Brindle call transcript.txt"))
    assert report["new_sources"] == [rich]
    assert report["duplicates"] == [{"path": bare, "of": rich}]
    notes = _sources(vault)
    assert "Ravi Menon" in notes and "0:02" not in notes


def test_the_export_with_speakers_arriving_later_is_kept_beside_the_bare_one(cli, vault, tmp_path):
    first = _inbox(tmp_path, "first", {"2025-02-24 Brindle call transcript.txt": _bare()})
    second = _inbox(tmp_path, "second", {"2025-02-24 Brindle call (Otter).txt": _rich()})
    _ingest(cli, first, vault)
    report = _ingest(cli, second, vault)
    assert report["replaced"] == [{"path": str(second / "2025-02-24 Brindle call (Otter).txt"),
                                   "replaced": str(first / "2025-02-24 Brindle call transcript.txt")}]
    # and the bare one sent again is a duplicate, not a third source
    again = _inbox(tmp_path, "again", {"copy of the bare one.txt": "Thank you.\n" + _bare()})
    report = _ingest(cli, again, vault)
    assert report["new_sources"] == [] and len(report["duplicates"]) == 1


def test_grown_markdown_thread_adds_just_its_new_message(cli, vault, tmp_path):
    head = "# Dock dates\n\n"
    one = "## 2025-03-03 09:12 — Lena Marsh lena.marsh@brindle.example\n> The dock opens in May.\n\n"
    two = "## 2025-03-03 14:40 — Owen Tait owen@corvid.example\n> We ship the racks in June.\n\n"
    three = "## 2025-03-04 08:05 — Lena Marsh lena.marsh@brindle.example\n> Our CFO approved the budget.\n"
    first = _inbox(tmp_path, "first", {"2025-03-03_1500_1_Dock_dates.md": head + one + two})
    second = _inbox(tmp_path, "second", {"2025-03-04_0900_2_Dock_dates.md": head + one + two + three})
    _ingest(cli, first, vault)
    report = _ingest(cli, second, vault)
    grown = str(second / "2025-03-04_0900_2_Dock_dates.md")
    assert report["new_sources"] == [f"{grown}#3"]
    assert [d["path"] for d in report["duplicates"]] == [f"{grown}#1", f"{grown}#2"]
    notes = _sources(vault)
    assert len(list((vault / "Sources").rglob("*.md"))) == 3  # one per message, none twice
    for said in ("The dock opens in May.", "We ship the racks in June.", "Our CFO approved the budget."):
        assert said in notes
