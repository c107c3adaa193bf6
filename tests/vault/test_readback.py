"""Reading a person's changes back from a note."""
from __future__ import annotations

from datetime import date

from factbook.vault.readback import parse_fact_line, parse_task_line, read_back

BASE = """---
type: account
name: Acme
aliases: [Acme Corp]
tags: [type/account, needs-review]
---
# Acme

## Key Facts

- ⚠ Conflicting report: Acme Corp sold 5 widgets. ([[S1]], [[S2]]) ^f-aaaaaa
- Acme Corp hired 20 people. ([[S1]]) ^f-bbbbbb
- Acme Corp opened 3 shops. ([[S1]]) ^f-cccccc

## Recent Context

- 2025-01-01: [[S1]] — first
"""


def test_fact_line_splits_text_from_mark_date_citations_and_id():
    line = parse_fact_line("- ⚠ Conflicting report: Acme sold 5. ([[S1]], [[S 2]]) ^f-abc123")
    assert line.text == "Acme sold 5." and line.links == ["[[S1]]", "[[S 2]]"]
    assert parse_fact_line("- 2024-03-01: Offer at 80 (per share) ^f-abc123").text == "Offer at 80 (per share)"


def test_task_line_reads_state_dates_and_wording():
    task = parse_task_line("- [x] Send deck @Mara 📅 2026-02-09 #task #account/acme ✅ 2026-02-05 ^t-0a1b2c")
    assert task.done and task.done_on == date(2026, 2, 5) and task.due == date(2026, 2, 9)
    assert task.line == "- [x] Send deck @Mara 📅 2026-02-09 #task #account/acme ✅ 2026-02-05"
    assert not parse_task_line("- [/] Half done ^t-0a1b2c").done
    assert not parse_task_line("- [-] Dropped ^t-0a1b2c").done  # cancelled is not done (issue 15)
    assert parse_task_line("- plain line ^t-0a1b2c") is None


def test_deletions_edits_moves_and_front_matter_changes_are_found():
    disk = BASE.replace("- Acme Corp hired 20 people. ([[S1]]) ^f-bbbbbb\n", "")
    disk = disk.replace("sold 5 widgets. ([[S1]], [[S2]])", "sold five widgets (Q1). ([[S1]], [[S2]], [[Mine]])")
    disk = disk.replace("- Acme Corp opened 3 shops. ([[S1]]) ^f-cccccc\n", "")
    disk += "\n## Notes\n\n- Acme Corp opened 3 shops. ([[S1]]) ^f-cccccc\n"
    disk = disk.replace("- 2025-01-01: [[S1]] — first\n", "")
    disk = disk.replace("aliases: [Acme Corp]", "aliases: [Acme Corp, ACME]")
    disk = disk.replace("tags: [type/account, needs-review]", "tags: [type/account]")
    rb = read_back(BASE, disk)
    assert rb.deleted_blocks == ["f-bbbbbb"] and rb.moved_blocks == ["f-cccccc"]
    assert rb.edited_facts["f-aaaaaa"].text == "Acme Corp sold five widgets (Q1)."
    assert rb.edited_facts["f-aaaaaa"].links == ["[[Mine]]"]
    assert ("recent context", "- 2025-01-01: [[S1]] — first") in rb.tombstones
    assert rb.aliases_added == ["ACME"] and rb.review_tag_removed
    assert ("#tags", "needs-review") not in rb.tombstones  # it may come back for something new


def test_an_unchanged_note_reads_back_nothing():
    rb = read_back(BASE, BASE)
    assert not (rb.deleted_blocks or rb.moved_blocks or rb.edited_facts or rb.tasks
                or rb.tombstones or rb.aliases_added or rb.review_tag_removed)


def test_a_deleted_section_and_key_are_tombstoned():
    disk = BASE.split("## Recent Context")[0].replace("aliases: [Acme Corp]\n", "")
    rb = read_back(BASE, disk)
    assert ("#sections", "recent context") in rb.tombstones and ("#front", "aliases") in rb.tombstones
