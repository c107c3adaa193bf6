"""../shared/eval/work-dev as a new user drops it in: every file ingests, every source note
has the kind of its document (per the set's README: 19 .eml + a 4-message .mbox + one mail
saved as Markdown, 7 transcripts in five export styles, 10 meeting notes and a plain-text
call note, one web article), every one is dated, and no timestamp reaches a note."""
from __future__ import annotations

import re
from collections import Counter

import pytest

from factbook.cli import init_vault
from factbook.extract.offline import OfflineExtractor
from factbook.pipeline import ingest
from factbook.store import open_store
from tests.conftest import SHARED, needs_shared
from tests.test_exports_end_to_end import TIMESTAMP, document_text

pytestmark = [needs_shared(), pytest.mark.slow]
WORK_DEV = SHARED / "eval" / "work-dev" / "docs"


def test_work_documents_ingest_with_their_kinds_and_dates(tmp_path):
    layout = init_vault(tmp_path / "vault")
    store = open_store(layout.state_dir)
    try:
        report = ingest([WORK_DEV], layout, store, OfflineExtractor())
    finally:
        store.close()
    assert report.failures == []
    notes = list((tmp_path / "vault" / "Sources").rglob("*.md"))
    kinds = Counter(re.search(r"^kind: (.+)$", n.read_text(encoding="utf-8"), re.M).group(1)
                    for n in notes)
    assert kinds == {"email": 24, "transcript": 7, "meeting-notes": 11, "web": 1}
    assert not list((tmp_path / "vault" / "Sources" / "undated").glob("*.md"))
    for note in (tmp_path / "vault").rglob("*.md"):
        if ".factbook" not in note.parts:
            assert not TIMESTAMP.search(document_text(note)), note
