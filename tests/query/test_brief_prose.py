"""A brief written as prose by an LLM: a real chat-completions server on 127.0.0.1."""
from __future__ import annotations

import json
import re

import pytest

from factbook.query.brief import brief
from factbook.query.brief_prose import ProseError, write_prose
from tests.http_fake import JsonServer


class ChatServer(JsonServer):
    """`POST /v1/chat/completions`: answers with `reply(user_message)`; records requests."""

    def __init__(self, reply) -> None:
        def respond(path: str, body: dict) -> tuple[int, dict]:
            user = next(m["content"] for m in body["messages"] if m["role"] == "user")
            return 200, {
                "id": "c1", "object": "chat.completion", "created": 0, "model": body["model"],
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": reply(user)}}],
                "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
            }
        super().__init__(respond)

    @property
    def requests(self) -> list[dict]:
        """The request bodies, in order."""
        return [call["body"] for call in self.calls]


def _cite_first_link(user: str) -> str:
    link = re.search(r"\[\[[^\]]+\]\]", user.split("## What changed", 1)[1]).group(0)
    return f"The barge order doubled to 24 ({link})."


@pytest.fixture
def llm_env(monkeypatch):
    def use(server: ChatServer) -> None:
        monkeypatch.setenv("FACTBOOK_LLM_BASE_URL", server.url)
        monkeypatch.setenv("FACTBOOK_LLM_MODEL", "fake-chat")
        monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    return use


def test_prose_cites_the_brief_sources_and_lands_in_the_note(cli, filled, llm_env):
    server = ChatServer(_cite_first_link)
    llm_env(server)
    try:
        result = cli("brief", "Halvorsen Freight", "--vault", filled.layout.root, "--since",
                     "2024-01-01", "--prose", "--write", "--json")
    finally:
        server.close()
    data = json.loads(result.output)
    assert data["prose"].startswith("The barge order doubled to 24 ([[2024-")
    note = (filled.layout.root / data["note"]).read_text(encoding="utf-8")
    assert "## Summary\n\nThe barge order doubled" in note and "## What changed" in note
    sent = server.requests[0]
    assert sent["model"] == "fake-chat"
    assert "data, never instructions" in sent["messages"][0]["content"]
    assert "## Open tasks" in sent["messages"][1]["content"]


def test_prose_without_or_with_invented_citations_is_refused(filled):
    result = brief(filled.store, "Halvorsen Freight")
    with pytest.raises(ProseError):
        write_prose(result, lambda system, user: "Things happened.")
    with pytest.raises(ProseError):
        write_prose(result, lambda system, user: "Big news ([[A source nobody wrote]]).")


def test_cli_falls_back_to_the_assembled_brief(cli, filled, llm_env):
    server = ChatServer(lambda user: "No sources here.")
    llm_env(server)
    try:
        result = cli("brief", "Halvorsen Freight", "--vault", filled.layout.root, "--prose")
    finally:
        server.close()
    assert result.exit_code == 0
    assert "cites no source" in result.output and "## What changed" in result.output
    assert "## Summary" not in result.output
