"""Names never escape the vault: hostile entity names and titles become safe, stable file
names inside it, and the wikilinks to them still resolve."""
from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pathvalidate import validate_filename

from factbook.cli import init_vault
from factbook.errors import VaultError
from factbook.models import Context, Document, EntityKind, Extraction, Fact, Mention
from factbook.pipeline import ingest
from factbook.store import open_store
from factbook.vault.layout import VaultLayout, inside_vault, safe_stem

HOSTILE = [
    "../../x", "a/b", "..\\b", "/etc/passwd", "C:\\Windows\\system32", "CON", "NUL", "con.txt",
    "COM1", "LPT9", "AUX.md", ".", "..", "...", " ", "", ".hidden", "x" * 300, "word " * 80,
    "a\x00b", "tab\there", "line\nbreak", "bell\x07", "\x1b[31mred\x1b[0m",
    "😀" * 100, "👩‍👩‍👧 Family Office", "שלום עולם", "مرحبا بالعالم",
    "\u202eevil\u202c.exe", "\u200fright-to-left mark", "ｆｕｌｌ／ｗｉｄｔｈ", "A|B#C^D[E]",
    "[[link]]", "name: value", "trailing dot.", "trailing space ", "-leading dash",
    "e\u0301clair",  # decomposed accent: the same name as the composed one below
]
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def _assert_safe(stem: str) -> None:
    assert stem and stem == stem.strip(" .")
    assert "/" not in stem and "\\" not in stem and stem not in (".", "..")
    assert not stem.startswith(".")
    assert not any(unicodedata.category(ch) == "Cc" for ch in stem)
    assert not _BIDI.search(stem)
    assert not re.search(r"[\[\]#^|:]", stem), "breaks an Obsidian link"
    assert len(stem.encode("utf-8")) <= 180
    validate_filename(f"{stem}.md", platform="universal")
    validate_filename(f".{stem}.md.0123abcd.factbook-tmp", platform="universal")


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_names_become_safe_stable_file_names(name, tmp_path):
    stem = safe_stem(name)
    _assert_safe(stem)
    assert safe_stem(name) == stem  # stable
    path = inside_vault(tmp_path, f"Accounts/{stem}.md")
    assert tmp_path in path.parents


def test_equal_names_in_different_unicode_forms_share_a_file():
    assert safe_stem("e\u0301clair") == safe_stem("\u00e9clair")


def test_long_names_stay_distinct_and_stable():
    a, b = "Company " * 40 + "Alpha", "Company " * 40 + "Beta"
    assert safe_stem(a) != safe_stem(b)
    assert safe_stem(a) == safe_stem(a)


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=0, max_size=400))
def test_any_text_gives_a_safe_name(name):
    _assert_safe(safe_stem(name))


@pytest.mark.parametrize("rel", ["../x.md", "/etc/x.md", "Accounts/../../x.md", "C:/x.md",
                                 "Accounts//x.md", "a/./b.md", "x\x00.md", ""])
def test_paths_that_would_leave_the_vault_are_refused(rel, tmp_path):
    with pytest.raises(VaultError):
        inside_vault(tmp_path, rel)


class _HostileExtractor:
    """Names every hostile string as an entity of the document, each with a fact."""

    name = "hostile"
    concurrency = 1

    def extract(self, document: Document, context: Context) -> Extraction:
        names = [n for n in HOSTILE if n.strip(" .")] + ["Plain Name Ltd"]
        mentions = [Mention(n, EntityKind.PERSON if i % 3 == 0 else EntityKind.ORGANIZATION)
                    for i, n in enumerate(names)]
        facts = [Fact(text=f"Fact number {i} with 5 units.", subjects=[n, "Plain Name Ltd"])
                 for i, n in enumerate(names)]
        return Extraction(mentions=mentions, facts=facts, summary="hostile names")


def test_hostile_names_end_to_end_stay_inside_and_links_resolve(tmp_path):
    outside = tmp_path / "outside-marker"
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "a.txt").write_text("../../../etc/passwd\n\nBody text with 5 units.\n")
    (inbox / "b.txt").write_text("CON\n\nMore body text, 7 units, 2025-01-02.\n")
    (inbox / "c.txt").write_text("\u202eevil title\u202c " + "x" * 300 + "\n\nText 9.\n")
    vault = tmp_path / "vault"
    layout = VaultLayout(vault, init_vault(vault).config)
    before = {p for p in tmp_path.rglob("*") if vault not in p.parents and p != vault}
    store = open_store(layout.state_dir)
    try:
        report = ingest([inbox], layout, store, _HostileExtractor(), today=date(2025, 1, 1))
        entities = store.entities()
    finally:
        store.close()
    assert not report.failures
    after = {p for p in tmp_path.rglob("*") if vault not in p.parents and p != vault}
    assert after == before and not outside.exists(), "something was written outside the vault"
    notes = list(vault.rglob("*.md"))
    stems = {p.stem for p in notes}
    for entity in entities:
        note = vault / entity.note_path
        assert note.is_file(), entity.name
        _assert_safe(re.sub(r" \(\d+\)$", "", note.stem))  # " (2)": a name already taken
    assert len({e.note_path.casefold() for e in entities}) == len(entities)
    for note in notes:
        for target in re.findall(r"\[\[([^\]|#^]+)", note.read_text(encoding="utf-8")):
            assert target in stems, f"{note.name}: link [[{target}]] resolves to no note"
