"""Reply drafts: only for e-mails that ask the user for something; offline they list the
asks and open questions and invent nothing; with an LLM the reply is composed."""
from __future__ import annotations

import pytest

from factbook.extract.llm import LLMSettings
from factbook.outputs import OutputSettings
from factbook.outputs.drafts import draft_messages, draft_note, find_request, llm_composer
from factbook.vault.notes import parse_note
from tests.llm_server import FakeLLMServer, Reply
from tests.persona_support import DANA, FIXTURES, PERSONA_FIXTURES, run


@pytest.mark.parametrize("text, asks", [
    ("Could you send the SLA draft by Thursday? Thanks!", ["Could you send the SLA draft by Thursday?"]),
    ("Please confirm the delivery address.", ["Please confirm the delivery address."]),
    ("Let me know which slot works for your team.", ["Let me know which slot works for your team."]),
    ("We are still waiting for your sign-off on the quote.",
     ["We are still waiting for your sign-off on the quote."]),
])
def test_asks_are_found(make_record, text, asks):
    request = find_request(make_record(text), DANA)
    assert request is not None and request.asks == asks and request.sender == "Jonas Feld"


@pytest.mark.parametrize("text", [
    "Please find the latency report attached. Thanks for the call.",
    "Kestrel cut latency to 140 ms. Let me know if you have any questions.",
    "Is the second rack installed?",  # a question, but no ask of the user
])
def test_no_request_no_draft(make_record, text):
    assert find_request(make_record(text), DANA) is None


def test_no_draft_for_what_the_user_wrote_or_was_not_sent(make_record):
    mine = make_record("Can you confirm the delivery address?", authors=("Dana Whitlow",))
    assert find_request(mine, DANA) is None
    elsewhere = make_record("Can you confirm the address?", participants=("Jonas Feld", "Tomas Berg"))
    assert find_request(elsewhere, DANA) is None
    not_mail = make_record("Can you confirm the address?", kind="transcript")
    assert find_request(not_mail, DANA) is None
    # in a thread, what the user already answered needs no draft
    thread = make_record("**From:** Jonas Feld — 2025-03-05\n\nCan you send the quote?\n\n"
                         "**From:** Dana Whitlow — 2025-03-06\n\nSure, here it is.",
                         authors=("Jonas Feld", "Dana Whitlow"))
    assert find_request(thread, DANA) is None


def test_offline_draft_lists_asks_and_questions_and_links_the_thread(make_record):
    doc = make_record("Could you send the SLA draft by Thursday? Is the second rack installed?",
                      meta={"message_id": "ask-1@kestrel.example", "subject": "SLA draft"})
    note = parse_note(draft_note(find_request(doc, DANA)))
    assert note.meta["type"] == "draft" and note.meta["to"] == "Jonas Feld"
    assert note.meta["subject"] == "Re: SLA draft" and note.meta["in_reply_to"] == "ask-1@kestrel.example"
    assert note.meta["thread"] == "[[2025-03-11 - Pilot plan]]"
    sections = {s.heading: [ln for ln in s.lines if ln.strip()] for s in note.sections}
    assert sections["What they ask"] == ["- Could you send the SLA draft by Thursday?"]
    assert sections["Open questions"] == ["- Is the second rack installed?"]
    assert sections["Reply"] == ["Hi Jonas,"]  # a greeting, no invented prose


def test_a_composer_writes_the_reply_and_a_failing_one_leaves_it_empty(make_record):
    from factbook.errors import FactbookError

    request = find_request(make_record("Could you send the SLA draft by Thursday?"), DANA)
    assert "Yes, the draft follows on Wednesday." in draft_note(request, lambda r: "Yes, the draft follows on Wednesday.")

    def broken(_):
        raise FactbookError("no model")
    assert "## Reply\n\nHi Jonas," in draft_note(request, broken)


def test_the_llm_composer_speaks_to_an_openai_compatible_server(make_record):
    request = find_request(make_record("Could you send the SLA draft by Thursday?"), DANA)
    with FakeLLMServer() as server:
        server.script(Reply(content='{"reply": "Hi Jonas, the SLA draft follows by Wednesday. Dana"}'))
        compose = llm_composer(LLMSettings(model="test-model", base_url=server.base_url, max_retries=0))
        text = draft_note(request, compose)
        [sent] = server.requests
    assert "the SLA draft follows by Wednesday" in text
    assert sent.json["response_format"]["json_schema"]["name"] == "reply_draft"
    messages = sent.json["messages"]
    assert messages == draft_messages(request) and sent.json["model"] == "test-model"
    assert "Dana Whitlow, Account Executive at OrchardIQ" in messages[0]["content"]
    assert "<<<EMAIL>>>\nCould you send the SLA draft by Thursday?\n<<<END>>>" in messages[1]["content"]


def test_a_run_writes_drafts_only_for_emails_that_ask(tmp_path):
    vault = tmp_path / "vault"
    paths = [PERSONA_FIXTURES, FIXTURES / "email" / "pilot_confirmation.eml"]
    report = run(vault, paths, persona=DANA, outputs=OutputSettings(drafts=True))
    drafts = sorted(p.name for p in (vault / "Outbox").glob("*.md"))
    assert drafts == ["2025-03-11 Re SLA draft and the results call.md"]
    assert report.outputs == ["Outbox/" + drafts[0]]
    text = (vault / "Outbox" / drafts[0]).read_text(encoding="utf-8")
    assert "- Could you send us the updated SLA draft before Thursday?" in text
    assert "[[2025-03-11 - SLA draft and the results call]]" in text
    # a second run of the same mail writes nothing, and an edited draft is never overwritten
    (vault / "Outbox" / drafts[0]).write_text(text + "\nMy own words.\n", encoding="utf-8")
    again = run(vault, paths, persona=DANA, outputs=OutputSettings(drafts=True))
    assert again.outputs == [] and "My own words." in (vault / "Outbox" / drafts[0]).read_text()


def test_outputs_are_off_by_default_and_never_written_in_a_dry_run(tmp_path):
    from factbook.config import Config
    from factbook.pipeline import ingest
    from factbook.extract.offline import OfflineExtractor
    from factbook.store import open_store
    from factbook.vault.layout import VaultLayout

    report = run(tmp_path / "a", [PERSONA_FIXTURES], persona=DANA)
    assert report.outputs == [] and not (tmp_path / "a" / "Outbox").exists()
    layout = VaultLayout(tmp_path / "b", Config())
    store = open_store(layout.state_dir)
    try:
        report = ingest([PERSONA_FIXTURES], layout, store, OfflineExtractor(), dry_run=True,
                        persona=DANA, outputs=OutputSettings(drafts=True, invites=True, digest=True))
    finally:
        store.close()
    assert report.outputs == [] and not (tmp_path / "b" / "Outbox").exists()
    assert not (tmp_path / "b" / "Digest").exists()
