"""Repairing the entity graph through the CLI on a real vault (issue 17): retype, rename
(by command and in Obsidian), forget, merge then split, alias reaching earlier
documents, and commands refusing a folder that is not a vault."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from factbook.store import open_store

CALL = """Quarterly call with Tarnwick
2026-03-02

Tarnwick signed a three-year contract with Halvane Logistics worth $2 million.
Odile Marsh from Tarnwick said the rollout starts in April.
Halvane Logistics opened a new warehouse in Bexmoor.
"""
MISFILED = """---
type: account
name: Odile Quarrie
---
# Odile Quarrie

## Notes

Met at the Bexmoor expo.
"""
VISIT = """Site visit
2026-03-20

Odile Quarrie approved a $1 million budget for the Bexmoor depot, Halvane Logistics said.
Halvane Logistics raised its delivery fees by 5 percent in March.
"""
PRICING = """Pricing follow-up
2026-03-12

Good news from HLX today.
HLX raised its delivery fees by 5 percent in March.
"""
NEWS = """Tarnwick news
2026-04-01

Tarnwick signed a $5 million contract with Halvane Logistics in April.
Tarnwick opened an office in Bexmoor, Halvane Logistics said.
"""


def _write(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture()
def vault(tmp_path, cli):
    root = tmp_path / "vault"
    assert cli("init", root, "--no-interactive").exit_code == 0
    inbox = _write(tmp_path / "first", {"call.txt": CALL, "leila.md": MISFILED})
    assert cli("ingest", inbox, "--vault", root).exit_code == 0
    return root


def _entities(cli, root: Path) -> dict[str, dict]:
    result = cli("entities", "--vault", root, "--json")
    assert result.exit_code == 0, result.output
    return {row["name"]: row for row in json.loads(result.output)}


def _entity_notes(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for folder in ("Accounts", "People", "Projects")
                  for p in (root / folder).glob("*.md"))


def test_misfiled_person_retyped_and_later_documents_resolve_to_the_person(vault, tmp_path, cli):
    assert _entities(cli, vault)["Odile Quarrie"]["kind"] == "account"
    dry = cli("retype", "Odile Quarrie", "person", "--vault", vault, "--dry-run")
    assert "People/Odile Quarrie.md" in dry.output and (vault / "Accounts/Odile Quarrie.md").exists()
    assert cli("retype", "Odile Quarrie", "person", "--vault", vault).exit_code == 0
    assert not (vault / "Accounts/Odile Quarrie.md").exists()
    note = (vault / "People/Odile Quarrie.md").read_text(encoding="utf-8")
    assert "type: person" in note and "Met at the Bexmoor expo." in note
    assert cli("ingest", _write(tmp_path / "later", {"visit.txt": VISIT}), "--vault", vault).exit_code == 0
    rows = _entities(cli, vault)
    assert rows["Odile Quarrie"]["kind"] == "person" and rows["Odile Quarrie"]["facts"] == 1
    assert "$1 million budget" in (vault / "People/Odile Quarrie.md").read_text(encoding="utf-8")
    assert [n for n in _entity_notes(vault) if "Odile" in n] == ["People/Odile Quarrie.md"]
    people = cli("entities", "--vault", vault, "--kind", "person")
    assert people.output.startswith("Odile Quarrie (person): 1 facts, 2 sources, last 2026-03-20")
    assert len(people.output.strip().splitlines()) == 1
    again = json.loads(cli("reprocess", "--vault", vault, "--since", "2026-03-15", "--json").output)
    assert again["documents"] == 1 and again["facts_added"] == 0  # nothing new, nothing doubled


def test_rename_by_command_moves_the_note_and_links_follow(vault, cli):
    (vault / "Accounts/Tarnwick.md").write_text(
        (vault / "Accounts/Tarnwick.md").read_text(encoding="utf-8") + "\n## Mine\n\nkeep me\n",
        encoding="utf-8")
    result = cli("rename", "Tarnwick", "Tarnwick Robotics", "--vault", vault)
    assert result.exit_code == 0, result.output
    note = (vault / "Accounts/Tarnwick Robotics.md").read_text(encoding="utf-8")
    assert "keep me" in note and "aliases: [Tarnwick]" in note
    assert not (vault / "Accounts/Tarnwick.md").exists()
    halvane = (vault / "Accounts/Halvane Logistics.md").read_text(encoding="utf-8")
    assert "[[Tarnwick Robotics]]" in halvane and "[[Tarnwick]]" not in halvane
    assert _entities(cli, vault)["Tarnwick Robotics"]["sources"] == 1


@pytest.mark.parametrize("repair", ["ingest", "doctor"])
def test_rename_in_obsidian_keeps_one_note_with_the_users_section(vault, tmp_path, cli, repair):
    old, new = vault / "Accounts/Tarnwick.md", vault / "Accounts/Tarnwick Robotics.md"
    shutil.move(old, new)  # Obsidian renames the file and updates the links to it
    new.write_text(new.read_text(encoding="utf-8") + "\n## My notes\n\nCall Mira about Q3.\n",
                   encoding="utf-8")
    for note in vault.rglob("*.md"):
        text = note.read_text(encoding="utf-8")
        if "[[Tarnwick]]" in text:
            note.write_text(text.replace("[[Tarnwick]]", "[[Tarnwick Robotics]]"), encoding="utf-8")
    if repair == "doctor":
        assert cli("doctor", "--vault", vault, "--fix").exit_code == 0
    ingest = cli("ingest", _write(tmp_path / "news", {"news.txt": NEWS}), "--vault", vault, "--json")
    assert ingest.exit_code == 0
    assert cli("doctor", "--vault", vault, "--fix").exit_code == 0
    assert [n for n in _entity_notes(vault) if "Tarnwick" in n] == ["Accounts/Tarnwick Robotics.md"]
    note = new.read_text(encoding="utf-8")
    assert "Call Mira about Q3." in note and "name: Tarnwick Robotics" in note
    assert "$5 million contract" in note  # the later document's Tarnwick is the same entity
    assert _entities(cli, vault)["Tarnwick Robotics"]["sources"] == 2


def test_forget_never_brings_the_name_back(vault, tmp_path, cli):
    assert cli("forget", "Tarnwick", "--vault", vault).exit_code == 0
    assert not (vault / "Accounts/Tarnwick.md").exists()
    assert (vault / ".factbook/forgotten/Tarnwick.md").exists()
    halvane = (vault / "Accounts/Halvane Logistics.md").read_text(encoding="utf-8")
    assert "three-year contract" in halvane  # the fact stays on the other entity it concerns
    assert cli("ingest", _write(tmp_path / "news", {"news.txt": NEWS}), "--vault", vault).exit_code == 0
    assert cli("reprocess", "--vault", vault).exit_code == 0
    assert "Tarnwick" not in _entities(cli, vault)
    assert not [n for n in _entity_notes(vault) if "Tarnwick" in n]


def test_a_deleted_entity_note_is_forgotten(vault, tmp_path, cli):
    (vault / "Accounts/Tarnwick.md").unlink()
    assert cli("ingest", _write(tmp_path / "news", {"news.txt": NEWS}), "--vault", vault).exit_code == 0
    assert "Tarnwick" not in _entities(cli, vault)
    assert not (vault / "Accounts/Tarnwick.md").exists()


def test_merge_then_split_restores_both_entities_and_keeps_edits(vault, tmp_path, cli):
    assert cli("ingest", _write(tmp_path / "later", {"visit.txt": VISIT}), "--vault", vault).exit_code == 0
    before = _entities(cli, vault)
    leila, halvane = vault / "Accounts/Odile Quarrie.md", vault / "Accounts/Halvane Logistics.md"
    dry = cli("merge", "Halvane Logistics", "Odile Quarrie", "--vault", vault, "--dry-run")
    assert "would merge Odile Quarrie into Halvane Logistics" in dry.output
    assert _entities(cli, vault) == before
    assert cli("merge", "Halvane Logistics", "Odile Quarrie", "--vault", vault).exit_code == 0
    assert "Odile Quarrie" not in _entities(cli, vault)
    halvane.write_text(halvane.read_text(encoding="utf-8") + "\n## Mine\n\nmy own line\n",
                       encoding="utf-8")
    dry = cli("split", "Odile Quarrie", "--vault", vault, "--dry-run")
    assert dry.exit_code == 0 and "dry run" in dry.output and "Odile Quarrie" not in _entities(cli, vault)
    assert cli("split", "Odile Quarrie", "--vault", vault).exit_code == 0
    after = _entities(cli, vault)
    for name in ("Odile Quarrie", "Halvane Logistics"):
        assert {k: after[name][k] for k in ("kind", "facts", "sources")} == \
            {k: before[name][k] for k in ("kind", "facts", "sources")}, name
    assert "Met at the Bexmoor expo." in leila.read_text(encoding="utf-8")
    assert "type: account" in leila.read_text(encoding="utf-8")
    assert "my own line" in halvane.read_text(encoding="utf-8")
    with _store(vault) as store:
        assert store.find_entity("Odile Quarrie").name == "Odile Quarrie"


class _store:
    def __init__(self, root: Path) -> None:
        self.store = open_store(root / ".factbook")

    def __enter__(self):
        return self.store

    def __exit__(self, *exc) -> None:
        self.store.close()


def test_alias_reaches_an_earlier_document(vault, tmp_path, cli):
    assert cli("ingest", _write(tmp_path / "pricing", {"pricing.txt": PRICING}), "--vault", vault).exit_code == 0
    source = next((vault / "Sources").rglob("*Pricing follow-up.md"))
    assert "[[Halvane Logistics]]" not in source.read_text(encoding="utf-8")
    result = cli("alias", "Halvane Logistics", "HLX", "--vault", vault)
    assert result.exit_code == 0 and "resolved 1 earlier documents again" in result.output
    assert "[[Halvane Logistics]]" in source.read_text(encoding="utf-8")
    assert _entities(cli, vault)["Halvane Logistics"]["sources"] == 2


def test_commands_refuse_a_folder_that_is_not_a_vault(tmp_path, cli, monkeypatch):
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "notes.txt").write_text("not a vault", encoding="utf-8")
    monkeypatch.chdir(plain)
    monkeypatch.delenv("FACTBOOK_VAULT", raising=False)
    for args in (("status",), ("ingest",), ("entities",), ("search", "x"), ("rename", "a", "b")):
        result = cli(*args)
        assert result.exit_code == 2, args
        assert "is not a factbook vault" in result.output and "factbook init" in result.output
    assert not (plain / ".factbook").exists() and not (plain / "Inbox").exists()
