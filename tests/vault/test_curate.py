"""`factbook review`, `merge` and `alias`, and the life of the `needs-review` tag, through
the CLI on real files."""
from __future__ import annotations

import json

from factbook.store import open_store
from tests.vault.support import fact_lines, read, write

ONE = ("---\ntitle: First call\ndate: 2026-02-02\n---\n"
       "Quillfeather Systems Corp signed a platform agreement worth $4.2 million.\n")
TWO = ("---\ntitle: Second call\ndate: 2026-02-10\n---\n"
       "Quillfeather System Corp opened 7 offices in Porto.\n")
THREE = ("---\ntitle: Third call\ndate: 2026-02-20\n---\n"
         "Quillfeather Systems Corp hired 12 analysts in Braga.\n")


def _doc(tmp_path, name, text):
    path = tmp_path / "in" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _items(cli, vault):
    return json.loads(cli("review", "--vault", vault, "--json").output)


def test_an_uncertain_match_is_listed_tagged_and_merged_on_accept(cli, vault, tmp_path):
    cli("ingest", _doc(tmp_path, "1.md", ONE), _doc(tmp_path, "2.md", TWO), "--vault", vault)
    items = _items(cli, vault)
    assert [i["kind"] for i in items] == ["possible-duplicate"]
    assert {items[0]["entity"], items[0]["other"]} == {"Quillfeather Systems", "Quillfeather System"}
    keep, gone = vault / "Accounts" / "Quillfeather Systems.md", vault / "Accounts" / "Quillfeather System.md"
    assert "needs-review" in read(keep) and "needs-review" in read(gone)
    write(gone, read(gone) + "\n## Mine\n\nmet their CFO\n")
    listing = cli("review", "--vault", vault).output
    assert f"#{items[0]['id']} possible-duplicate" in listing

    result = cli("review", "--accept", str(items[0]["id"]), "--vault", vault)
    assert result.exit_code == 0, result.output
    assert _items(cli, vault) == []
    text = read(keep)
    assert "Quillfeather System Corp" in text.split("---")[1] and "7 offices" in text and "$4.2 million" in text
    assert "needs-review" not in text
    redirect = read(gone)
    assert "type: redirect" in redirect and "[[Quillfeather Systems]]" in redirect
    assert "## Mine\n\nmet their CFO" in redirect, "the person's lines in the merged note were lost"
    before = {p: read(p) for p in vault.rglob("*.md")}
    assert cli("rebuild", "--vault", vault).exit_code == 0
    assert {p: read(p) for p in vault.rglob("*.md")} == before
    sources = "".join(read(p) for p in (vault / "Sources").rglob("*.md"))
    assert "[[Quillfeather System]]" not in sources


def test_rejecting_a_fact_tombstones_it(cli, vault, tmp_path):
    cli("ingest", _doc(tmp_path, "1.md", ONE), "--vault", vault)
    store = open_store(vault / ".factbook")
    fact = store.facts_for_entity(store.find_entity("Quillfeather Systems").id)[0]
    with store.transaction():
        store.add_review_item("low-confidence", fact.entity_id, None, "check it", None, fact.id)
    store.close()
    item = _items(cli, vault)[0]
    assert cli("review", "--reject", str(item["id"]), "--vault", vault).exit_code == 0
    note = vault / "Accounts" / "Quillfeather Systems.md"
    assert not any("$4.2 million" in ln for ln in fact_lines(read(note)))
    cli("ingest", _doc(tmp_path, "1-again.md", ONE + "\n"), "--vault", vault)
    assert not any("$4.2 million" in ln for ln in fact_lines(read(note)))


def test_needs_review_removed_by_the_person_comes_back_only_for_something_new(cli, vault, tmp_path):
    cli("ingest", _doc(tmp_path, "1.md", ONE), _doc(tmp_path, "2.md", TWO), "--vault", vault)
    note = vault / "Accounts" / "Quillfeather Systems.md"
    write(note, read(note).replace(", needs-review]", "]"))
    cli("ingest", _doc(tmp_path, "3.md", THREE), "--vault", vault)
    assert "12 analysts" in read(note) and "needs-review" not in read(note)
    assert _items(cli, vault)[0]["acknowledged"] is True
    store = open_store(vault / ".factbook")  # something new, as a later run would raise it
    with store.transaction():
        store.add_review_item("low-confidence", store.find_entity("Quillfeather Systems").id,
                              None, "a new doubt", None)
    store.close()
    cli("rebuild", "--vault", vault)
    assert "needs-review" in read(note)


def test_merge_and_alias_commands(cli, vault, tmp_path):
    cli("ingest", _doc(tmp_path, "1.md", ONE), _doc(tmp_path, "3.md", THREE.replace(
        "Quillfeather Systems Corp hired", "Ostrander Ltd hired")), "--vault", vault)
    mine = vault / "Notes.md"
    write(mine, "See [[Ostrander]] and [[Ostrander|the auditors]].\n")
    result = cli("merge", "Quillfeather Systems", "Ostrander", "--vault", vault)
    assert result.exit_code == 0, result.output
    assert read(mine) == "See [[Quillfeather Systems|Ostrander]] and [[Quillfeather Systems|the auditors]].\n"
    assert "12 analysts" in read(vault / "Accounts" / "Quillfeather Systems.md")
    assert cli("alias", "Quillfeather Systems", "QF Group", "--vault", vault).exit_code == 0
    assert "QF Group" in read(vault / "Accounts" / "Quillfeather Systems.md").split("---")[1]
    shown = json.loads(cli("show", "QF Group", "--vault", vault, "--json").output)
    assert shown["name"] == "Quillfeather Systems"
    failed = cli("merge", "Quillfeather Systems", "Nobody", "--vault", vault)
    assert failed.exit_code == 2 and "Nobody" in failed.output
