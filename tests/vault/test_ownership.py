"""The ownership merge: factbook's new rendering merged with the note on disk."""
from __future__ import annotations

from factbook.vault.ownership import merge_note

BASE = """---
type: account
name: Acme
tags: [type/account]
---
# Acme

## Key Facts

- Acme Corp sold 5 widgets. ([[S1]]) ^f-aaaaaa
- Acme Corp hired 20 people. ([[S1]]) ^f-bbbbbb

## Recent Context

- 2025-01-01: [[S1]] — first

## Related

- [[Beta]]
"""


def test_unchanged_note_takes_factbook_update_and_is_stable():
    new = BASE.replace("([[S1]]) ^f-bbbbbb", "([[S1]], [[S2]]) ^f-bbbbbb")
    merged = merge_note(BASE, BASE, new)
    assert merged.text == new and merged.own == new
    assert merge_note(merged.own, merged.text, new).text == new


def test_person_lines_keys_tags_and_sections_stay_where_they_were():
    disk = BASE.replace("name: Acme\n", "name: Acme\nowner: me\n")
    disk = disk.replace("tags: [type/account]", "tags: [vip, type/account]")
    disk = disk.replace("# Acme\n", "# Acme\n\nIntro line.\n")
    disk = disk.replace("^f-aaaaaa\n", "^f-aaaaaa\n- my own fact\n")
    disk = disk.replace("## Recent Context", "## Mine\n\nkeep me\n\n## Recent Context")
    new = BASE.replace("- Acme Corp hired 20 people. ([[S1]]) ^f-bbbbbb",
                       "- Acme Corp hired 20 people. ([[S1]], [[S2]]) ^f-bbbbbb\n- New 7. ([[S2]]) ^f-cccccc")
    new = new.replace("[[Beta]]", "[[Beta]] · [[Gamma]]")
    text = merge_note(BASE, disk, new).text
    assert text.split("---\n")[1] == "type: account\nname: Acme\nowner: me\ntags: [vip, type/account]\n"
    assert "# Acme\n\nIntro line.\n\n## Key Facts" in text
    assert "^f-aaaaaa\n- my own fact\n- Acme Corp hired 20 people. ([[S1]], [[S2]]) ^f-bbbbbb\n- New 7." in text
    assert "## Key Facts" in text.split("## Mine\n\nkeep me\n\n## Recent Context")[0]
    assert "- [[Beta]] · [[Gamma]]" in text


def test_merge_is_idempotent_with_person_content():
    disk = BASE.replace("^f-aaaaaa\n", "^f-aaaaaa\n\n  indented note\n\n") + "\n## Last\ntext\n"
    first = merge_note(BASE, disk, BASE)
    assert merge_note(first.own, first.text, first.own).text == first.text
    assert "  indented note" in first.text and first.text.endswith("## Last\ntext\n")


def test_tombstones_filter_factbook_lines_sections_keys_and_tags():
    tombs = {("recent context", "- 2025-01-01: [[S1]] — first"), ("#sections", "related"),
             ("#front", "name"), ("#tags", "type/account")}
    text = merge_note(BASE, BASE, BASE, tombs).text
    assert "first" not in text and "## Related" not in text and "name:" not in text
    assert "tags: []" in text and "## Recent Context" in text


def test_without_a_base_only_matching_lines_are_taken_as_factbook_ones():
    disk = BASE.replace("- Acme Corp sold 5 widgets. ([[S1]]) ^f-aaaaaa", "- Acme Corp sold 5 widgets.")
    disk = disk.replace("## Related", "## Related\n\n- written by hand")
    new = BASE.replace("([[S1]]) ^f-aaaaaa", "([[S1]], [[S2]]) ^f-aaaaaa")
    text = merge_note(None, disk, new).text
    assert text.count("Acme Corp sold 5 widgets.") == 1 and "[[S2]]) ^f-aaaaaa" in text
    assert "- written by hand" in text


def test_person_lines_in_a_section_factbook_drops_are_kept_under_it():
    base = BASE.replace("## Related\n\n- [[Beta]]\n", "## History\n\n- 2024-01-01: old ^f-dddddd\n")
    disk = base.replace("old ^f-dddddd\n", "old ^f-dddddd\n- why it changed\n")
    text = merge_note(base, disk, BASE).text
    assert "## History\n\n- why it changed\n" in text and "^f-dddddd" not in text


def test_no_note_on_disk_is_the_rendering_less_tombstones():
    merged = merge_note(None, None, BASE, {("#preamble", "# Acme")})
    assert "# Acme" not in merged.text and merged.text == merged.own
