"""An entity's timeline: dated entries in order, with sources; filters; the CLI."""
from __future__ import annotations

import json
from datetime import date

from factbook.query.timeline import format_timeline, timeline
from tests.conftest import SEEDS, needs_shared


def test_entries_are_in_date_order_with_their_sources(filled):
    result = timeline(filled.store, "halvorsen freight")
    assert result.entity == "Halvorsen Freight" and result.kind == "account"
    dated = [e.date for e in result.entries if e.date]
    assert dated == sorted(dated)
    kinds = [(e.date, e.type) for e in result.entries]
    assert (date(2024, 2, 1), "source") in kinds and (date(2024, 3, 10), "decision") in kinds
    # A fact without its own date takes its source's.
    double = next(e for e in result.entries if e.text == "Halvorsen Freight ordered 24 barges.")
    assert double.date == date(2024, 4, 2) and double.conflict
    assert double.sources[0].link == "[[2024-04-02 - Barge order doubled]]"
    pilot = next(e for e in result.entries if e.type == "event")
    assert "pilot" in pilot.text
    tasks = [e.text for e in result.entries if e.type == "task"]
    assert "[open] Send the container spec sheet (Omar Sayed)" in tasks


def test_range_keeps_dated_entries_inside_it(filled):
    result = timeline(filled.store, "Halvorsen Freight", since=date(2024, 3, 1),
                      until=date(2024, 3, 31))
    assert result.entries and all(date(2024, 3, 1) <= e.date <= date(2024, 3, 31)
                                  for e in result.entries)


def test_text_and_json_output(cli, filled):
    text = format_timeline(timeline(filled.store, "Tidewater Mills"))
    assert "2024-02-01  source    [[2024-02-01 - Halvorsen orders barges]]" in text
    data = json.loads(cli("timeline", "Tidewater Mills", "--vault", filled.layout.root,
                          "--json").output)
    assert data["entity"] == "Tidewater Mills"
    assert data["entries"][0]["sources"][0]["note_path"].startswith("Sources/2024/")
    missing = cli("timeline", "Nobody Inc", "--vault", filled.layout.root)
    assert missing.exit_code == 2


@needs_shared()
def test_timeline_on_the_seed_vault(cli, tmp_path):
    vault = tmp_path / "v"
    cli("ingest", SEEDS, "--vault", vault)
    names = [p.stem for p in (vault / "Accounts").glob("*.md")]
    assert names
    for name in names:
        result = cli("timeline", name, "--vault", vault)
        assert result.exit_code == 0 and result.output.startswith(f"Timeline of {name}")
