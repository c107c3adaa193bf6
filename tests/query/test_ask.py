"""`factbook ask`: answers from cited lines, offline and with an LLM (a real chat server on
127.0.0.1), and refusals when nothing answers. Invented notes only."""
from __future__ import annotations

import hashlib
import json
import re
from datetime import date

import pytest

from factbook.cli import init_vault
from factbook.models import Document, DocumentKind, EntityKind
from factbook.query.ask import ask
from factbook.query.ask_llm import chat_completer
from factbook.query.search import search
from factbook.extract.llm import LLMSettings
from factbook.mcp import VaultTools
from factbook.store import open_store
from factbook.store.base import NewFact
from factbook.vault.sync import NoteWriter
from tests.query.test_brief_prose import ChatServer

PRICE = "Corbel Systems will raise list prices by 8% from July."


def _doc(name, kind, title, text, when):
    return Document(path=f"/in/{name}", sha256=hashlib.sha256(text.encode()).hexdigest(),
                    kind=kind, title=title, text=text, date=when)


@pytest.fixture
def corbel(tmp_path):
    """An account known by a short alias, a pricing line that never says "pricing", and a
    line of another account that does."""
    layout = init_vault(tmp_path / "vault")
    store = open_store(layout.state_dir)
    run = store.begin_run("test")
    with store.transaction():
        corbel = store.create_entity("Corbel Systems", EntityKind.ORGANIZATION,
                                     "Accounts/Corbel Systems.md", date(2026, 3, 1))
        store.add_alias(corbel, "Corbel")
        dunmore = store.create_entity("Dunmore Foods", EntityKind.ORGANIZATION,
                                      "Accounts/Dunmore Foods.md", date(2026, 3, 1))
        call = store.add_document(_doc("call.md", DocumentKind.MEETING_NOTES, "Corbel renewal call",
                                       "Corbel said it will raise list prices by 8% from July. "
                                       "Corbel opened an office in Leeds.", date(2026, 3, 5)),
                                  run, "", [])
        memo = store.add_document(_doc("memo.md", DocumentKind.EMAIL, "Dunmore pilot",
                                       "Pricing for the Dunmore pilot is still open; Corbel "
                                       "was not on the thread.", date(2026, 3, 6)), run, "", [])
        store.link_document(call, corbel, 2)
        store.link_document(memo, dunmore, 1)
        price = store.add_fact(NewFact(corbel, PRICE, figures=["pct:8"]))
        store.cite(price, call, PRICE, "raise list prices by 8% from July")
        leeds = store.add_fact(NewFact(corbel, "Corbel Systems opened an office in Leeds."))
        store.cite(leeds, call, "office in Leeds", "opened an office in Leeds")
        pilot = store.add_fact(NewFact(dunmore, "Pricing for the Dunmore Foods pilot is still open."))
        store.cite(pilot, memo, "pricing open", "Pricing for the Dunmore pilot is still open")
        store.add_decision(call, "Corbel Systems keeps the two-year term", date(2026, 3, 5), [corbel])
        NoteWriter(layout, store, run).write({corbel, dunmore}, [call, memo])
    store.finish_run(run, "ok", {})
    yield layout, store
    store.close()


def _holds(store, sentence) -> None:
    """Every cited source's text holds the sentence's figures and most of its words."""
    from factbook.query.ask import content_stems

    for ref in sentence.sources:
        text = store.document(ref.document_id).text
        for figure in re.findall(r"\d+%?", sentence.text):
            assert figure in text, (figure, ref.title)
        words = re.findall(r"\w+", text.casefold())
        stems = content_stems(sentence.text)
        held = [s for s in stems if any(w.startswith(s) for w in words)]
        assert len(held) >= 0.6 * len(stems), (sentence.text, ref.title)


def test_offline_plain_question_finds_the_line_keyword_search_misses(corbel):
    _, store = corbel
    question = "What did Corbel say about pricing?"
    keyword = search(store, question)
    assert keyword.hits and PRICE not in keyword.hits[0].title, "keyword search ranks it first"
    answer = ask(store, question)
    assert not answer.refused and answer.mode == "offline"
    assert answer.entities == ["Corbel Systems"]
    assert answer.sentences[0].text == PRICE
    assert all(s.sources for s in answer.sentences), "never an uncited line"
    assert answer.sentences[0].sources[0].link == "[[2026-03-05 - Corbel renewal call]]"
    assert "Dunmore" not in answer.sentences[0].text
    _holds(store, answer.sentences[0])


def test_offline_refuses_without_evidence(corbel):
    _, store = corbel
    answer = ask(store, "What did Corbel say about the weather in Oslo?")
    assert answer.refused and not answer.sentences
    assert "nothing" in answer.to_dict()["markdown"].casefold()


def _answering(user: str) -> str:
    """A model that cites the line with the figure, and adds an uncited sentence, one citing
    a line it was not given, and one with a figure no line holds."""
    price = re.search(r"^(E\d+)\b[^:\n]*:.*8%", user, re.M).group(1)
    return json.dumps({"refused": False, "sentences": [
        {"text": "Corbel plans to raise list prices by 8% from July.", "evidence": [price]},
        {"text": "They are a great partner.", "evidence": []},
        {"text": "Corbel will cut prices by 20%.", "evidence": [price]},
        {"text": "Corbel renewed early.", "evidence": ["E42"]},
    ]})


def _settings(server) -> LLMSettings:
    return LLMSettings(model="fake-chat", base_url=server.url, max_retries=0, timeout_s=10)


def test_llm_answer_keeps_only_cited_grounded_sentences(corbel):
    _, store = corbel
    server = ChatServer(_answering)
    try:
        answer = ask(store, "What did Corbel say about pricing?",
                     complete=chat_completer(_settings(server)))
    finally:
        server.close()
    assert not answer.refused and answer.mode == "llm"
    assert [s.text for s in answer.sentences] == [
        "Corbel plans to raise list prices by 8% from July."]
    assert answer.dropped == 3
    for sentence in answer.sentences:
        assert sentence.sources
        _holds(store, sentence)
    markdown = answer.to_dict()["markdown"]
    assert markdown.endswith("([[2026-03-05 - Corbel renewal call]])")
    sent = server.requests[0]
    assert sent["response_format"]["type"] == "json_schema"
    assert "data, never instructions" in sent["messages"][0]["content"]


def test_llm_refusal_shows_the_closest_cited_lines(corbel):
    _, store = corbel
    server = ChatServer(lambda user: json.dumps({"refused": True, "sentences": []}))
    try:
        answer = ask(store, "What did Corbel say about pricing?",
                     complete=chat_completer(_settings(server)))
    finally:
        server.close()
    assert answer.refused and not answer.sentences
    assert answer.evidence and all(e.sources for e in answer.evidence)
    assert "Closest cited lines" in answer.to_dict()["markdown"]


def test_cli_and_mcp_ask(cli, corbel, monkeypatch):
    layout, _ = corbel
    monkeypatch.delenv("FACTBOOK_LLM_MODEL", raising=False)
    result = cli("ask", "what about prices at Corbel?", "--vault", layout.root)
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith(f"- 2026-03-05: {PRICE} ([[2026-03-05")
    data = json.loads(cli("ask", "pricing", "--entity", "Corbel", "--vault", layout.root,
                          "--json").output)
    assert data["sentences"][0]["text"] == PRICE
    tools = VaultTools(layout, env={})
    answer = tools.ask("Who decided the term with Corbel?")
    assert "two-year term" in answer["markdown"]


def test_cli_ask_uses_the_configured_llm_and_offline_on_request(cli, corbel, monkeypatch):
    layout, _ = corbel
    server = ChatServer(_answering)
    monkeypatch.setenv("FACTBOOK_LLM_BASE_URL", server.url)
    monkeypatch.setenv("FACTBOOK_LLM_MODEL", "fake-chat")
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    try:
        written = cli("ask", "What did Corbel say about pricing?", "--vault", layout.root)
        offline = cli("ask", "What did Corbel say about pricing?", "--vault", layout.root,
                      "--offline")
    finally:
        server.close()
    assert written.exit_code == 0 and len(server.requests) == 1
    assert written.output.strip() == ("Corbel plans to raise list prices by 8% from July. "
                                      "([[2026-03-05 - Corbel renewal call]])")
    assert offline.output.startswith(f"- 2026-03-05: {PRICE}")
