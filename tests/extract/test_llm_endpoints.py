"""Structured output negotiated per endpoint, bounded calls and progress lines, against
fake servers on 127.0.0.1 that speak like OpenAI, llama-cpp-python and Ollama."""
from __future__ import annotations

import time

import pytest

from factbook.errors import ConfigError, LLMError
from factbook.extract.llm import LLMExtractor, LLMSettings
from factbook.extract.llm_schema import response_format
from factbook.extract.llm_transport import CallFailure, is_local
from factbook.models import Context
from tests.extract.test_llm import ARTICLE, MemoryCache, answer, doc
from tests.llm_server import FakeLLMServer, Reply


class ProtocolCache(MemoryCache):
    """The store's LLM cache with its memory of each endpoint's dialect."""

    def __init__(self) -> None:
        super().__init__()
        self.protocols: dict[str, str] = {}

    def get_llm_protocol(self, endpoint: str) -> str | None:
        return self.protocols.get(endpoint)

    def put_llm_protocol(self, endpoint: str, protocol: str) -> None:
        self.protocols[endpoint] = protocol


def make(server: FakeLLMServer, cache: MemoryCache | None = None, **settings: object) -> LLMExtractor:
    options: dict[str, object] = {"model": "m", "base_url": server.base_url}
    options.update(settings)
    llm = LLMExtractor(LLMSettings(**options), cache=cache)  # type: ignore[arg-type]
    llm.progress = lines.append
    return llm


lines: list[str] = []


@pytest.fixture(autouse=True)
def _fresh_lines():
    lines.clear()


def assert_bounded(server: FakeLLMServer, max_tokens: int) -> None:
    """Every request the server saw carried the output bound."""
    for recorded in server.requests:
        body = recorded.json
        bound = body["options"]["num_predict"] if recorded.path == "/api/chat" else body["max_tokens"]
        assert bound == max_tokens, recorded.path


def test_llama_cpp_python_500_on_json_schema_then_json_object_with_schema():
    cache = ProtocolCache()
    with FakeLLMServer("llama-cpp-python") as server:
        llm = make(server, cache)
        result = llm.extract(doc(), Context())
        assert result.mentions
        first, second = (r.json for r in server.requests)
        assert first["response_format"]["type"] == "json_schema"
        assert second["response_format"] == {
            "type": "json_object", "schema": response_format()["json_schema"]["schema"]}
        assert server.calls == 2  # the 500 said the request is invalid: never re-sent
        # Remembered for the run: the next document is one call, in the right dialect.
        llm.extract(doc(ARTICLE + "\n\nMore.", path="b.txt"), Context())
        assert server.calls == 3 and server.requests[2].json["response_format"]["type"] == "json_object"
        usage = llm.take_usage()
        assert (usage.calls, usage.retries, usage.structured_output) == (3, 0, "json_object")
        # ... and in the store: a later run starts with it.
        assert cache.protocols == {server.base_url: "json_object"}
        make(server, cache).extract(doc(ARTICLE + "\n\nLater.", path="c.txt"), Context())
        assert server.calls == 4 and server.requests[3].json["response_format"]["type"] == "json_object"
        assert_bounded(server, 3000)
    assert any("takes structured output as json_object" in line for line in lines)


def test_400_then_success_with_the_next_dialect():
    with FakeLLMServer("llama-cpp-python") as server:
        server.script(Reply(status=400, body=b'{"error": {"message": "response_format type '
                                             b'json_schema is not supported"}}'))
        llm = make(server)
        assert llm.extract(doc(), Context()).facts
        assert [r.json["response_format"]["type"] for r in server.requests] == \
            ["json_schema", "json_object"]
        assert llm.take_usage().structured_output == "json_object"
        assert_bounded(server, 3000)


def test_a_configured_dialect_is_not_negotiated_and_a_400_is_never_retried():
    with FakeLLMServer("llama-cpp-python") as server:
        with pytest.raises(LLMError) as refused:
            make(server, structured_output="json_schema", max_retries=3).extract(doc(), Context())
        assert server.calls == 1
        message = str(refused.value)
        assert "HTTP 500" in message and "\n" not in message and not refused.value.fatal
        assert "structured_output" in (refused.value.hint or "")


def test_no_dialect_accepted_is_one_clear_line_naming_the_first_refusal():
    with FakeLLMServer("openai") as server:
        server.script(*[Reply(status=400, body=b'{"error": {"message": "schema too deep"}}')])
        with pytest.raises(LLMError) as refused:
            make(server).extract(doc(), Context())
        # json_schema (scripted 400), json_object (400), Ollama's /api/chat (404): 3 calls.
        assert server.calls == 3
        assert "schema too deep" in str(refused.value) and "none of json_schema" in refused.value.hint


def test_ollama_native_format_with_the_schema_and_a_context_size():
    with FakeLLMServer("ollama") as server:
        llm = make(server, structured_output="ollama", max_output_tokens=800)
        assert llm.extract(doc(), Context()).facts
        recorded = server.requests[0]
        assert recorded.path == "/api/chat"
        body = recorded.json
        assert body["format"] == response_format()["json_schema"]["schema"]
        assert body["stream"] is False and body["options"]["temperature"] == 0
        assert body["options"]["num_ctx"] % 1024 == 0 and body["options"]["num_ctx"] >= 6000 + 800
        usage = llm.take_usage()
        assert usage.prompt_tokens > 0 and usage.completion_tokens > 0
        assert_bounded(server, 800)


def test_ollama_openai_endpoint_takes_json_schema():
    with FakeLLMServer("ollama") as server:
        llm = make(server)
        llm.extract(doc(), Context())
        assert server.calls == 1 and server.requests[0].path == "/v1/chat/completions"
        assert llm.take_usage().structured_output == "json_schema"


def test_a_hanging_local_server_ends_the_document_within_the_bound_and_is_not_sent_again():
    with FakeLLMServer(hang=True) as server:
        llm = make(server, timeout_s=1)
        started = time.monotonic()
        with pytest.raises(LLMError) as hung:
            llm.extract(doc(), Context())
        elapsed = time.monotonic() - started
        assert server.calls == 1  # a local server would still be computing it
        assert elapsed < 5
        message = str(hung.value)
        assert message == (f"inbox/deal.txt: the LLM server at {server.base_url[7:-3]} did not "
                           "answer within 1 s (not sent again: a local server would still be "
                           "computing it)")
        assert not hung.value.fatal
        assert lines[-1].startswith("llm: inbox/deal.txt: failed after 1 call, ")
        assert llm.take_usage().longest_call_s < 5


def test_a_timeout_is_sent_again_when_max_retries_is_set():
    with FakeLLMServer() as server:
        server.script(Reply(delay_s=5), Reply(content=answer()))
        llm = make(server, timeout_s=0.5, max_retries=1)
        assert llm.extract(doc(), Context()).facts
        assert server.calls == 2 and llm.take_usage().retries == 1
        assert any("no answer in time" in line for line in lines)
        assert_bounded(server, 3000)


def test_max_tokens_in_every_request_including_the_repair():
    with FakeLLMServer() as server:
        server.script(Reply(content='{"summary": "cut'), Reply(content=answer()))
        make(server, max_output_tokens=700).extract(doc(), Context())
        assert server.calls == 2
        assert_bounded(server, 700)


def test_a_500_saying_the_request_is_invalid_is_not_retried_but_a_plain_500_is():
    with FakeLLMServer() as server:
        server.script(Reply(status=500, body=b'{"error": {"message": "Invalid value for '
                                             b'max_tokens: must be positive"}}'))
        with pytest.raises(LLMError, match="HTTP 500"):
            make(server, structured_output="json_schema").extract(doc(), Context())
        assert server.calls == 1
        server.script(Reply(status=500))
        llm = make(server, structured_output="json_schema")
        assert llm.extract(doc(), Context()).facts
        assert server.calls == 3 and llm.take_usage().retries == 1


def test_progress_line_per_document():
    with FakeLLMServer() as server:
        llm = make(server)
        llm.extract(doc(), Context())
        llm.extract(doc(), Context())  # the same request: answered again (no cache here)
    done = [line for line in lines if line.startswith("llm: inbox/deal.txt: ")]
    assert len(done) == 2 and done[0].endswith(" s, 0 retries") and ": 1 call, " in done[0]


def test_bounds_follow_the_chunk_size_unless_set():
    settings = LLMSettings(model="m", base_url="http://127.0.0.1:1/v1")
    assert (settings.output_tokens, settings.call_timeout_s) == (3000, 360.0)
    small = LLMSettings(model="m", base_url="http://127.0.0.1:1/v1", max_chunk_tokens=800)
    assert small.output_tokens == 512
    fixed = LLMSettings(model="m", base_url="http://127.0.0.1:1/v1", max_output_tokens=900,
                        timeout_s=45)
    assert (fixed.output_tokens, fixed.call_timeout_s) == (900, 45)
    with pytest.raises(ConfigError, match="structured_output"):
        LLMSettings.from_env({}, {"model": "m", "base_url": "http://x", "structured_output": "xml"})


def test_local_endpoints_get_no_timeout_retries_and_one_request_at_a_time():
    for url in ("http://localhost:11434/v1", "http://127.0.0.1:8080/v1", "http://192.168.1.20:1234/v1",
                "http://10.0.0.7:8000/v1", "http://[::1]:8080/v1"):
        settings = LLMSettings(model="m", base_url=url)
        assert is_local(url) and settings.timeout_retries == 0 and settings.concurrency == 1, url
        assert settings.retries == 3
    remote = LLMSettings(model="m", base_url="https://llm.example.com/v1")
    assert not is_local(remote.endpoint) and remote.timeout_retries == 3 and remote.concurrency == 4
    assert LLMSettings(model="m", base_url="http://localhost:1/v1", max_retries=2).timeout_retries == 2


def test_which_failures_are_deterministic():
    assert CallFailure("status", 400).deterministic
    assert CallFailure("status", 404).deterministic
    assert not CallFailure("status", 429).deterministic
    assert not CallFailure("status", 503).deterministic
    assert not CallFailure("status", 500, "upstream crashed").deterministic
    assert CallFailure("status", 500, "1 validation error for Request").deterministic
    assert not CallFailure("timeout").deterministic


def test_a_refused_dialect_is_not_offered_again_in_the_run():
    with FakeLLMServer("llama-cpp-python") as server:
        # json_schema is refused; json_object then gets no answer in time.
        server.script(Reply(), Reply(delay_s=3))
        llm = make(server, timeout_s=1)
        with pytest.raises(LLMError, match="did not answer"):
            llm.extract(doc(), Context())
        llm.extract(doc(ARTICLE + "\n\nNext.", path="b.txt"), Context())
        assert [r.json["response_format"]["type"] for r in server.requests] == \
            ["json_schema", "json_object", "json_object"]


def test_answers_beyond_extraction_are_negotiated_and_bounded_too():
    """ask, a brief's prose and reply drafts use the extractor's transport: on
    llama-cpp-python the JSON answer comes back through json_object + schema, and every
    request, free text included, carries max_tokens."""
    from factbook.extract.llm import chat_completer

    schema = {"type": "json_schema", "json_schema": {"name": "reply", "schema": {
        "type": "object", "properties": {"reply": {"type": "string"}}, "required": ["reply"]}}}
    with FakeLLMServer("llama-cpp-python") as server:
        server.script(Reply(), Reply(content='{"reply": "Thanks, Dana."}'),
                      Reply(content="A short brief."))
        chat = chat_completer(LLMSettings(model="m", base_url=server.base_url,
                                          max_output_tokens=300), "the reply draft")
        messages = [{"role": "user", "content": "Draft a reply."}]
        assert chat(messages, schema) == '{"reply": "Thanks, Dana."}'
        assert chat(messages, None) == "A short brief."
        sent = [r.json for r in server.requests]
    assert sent[1]["response_format"]["type"] == "json_object"
    assert "response_format" not in sent[2]
    assert all(body["max_tokens"] == 300 for body in sent)
