"""The LLM extractor: one schema-enforced chat-completions call per chunk, against any
OpenAI-compatible endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, llama.cpp, LM Studio).

Requests are deterministic and answers are cached in the store by (model, schema
version, request), so re-ingesting an unchanged document costs no call. The
official `openai` SDK does the HTTP work; llm_transport.py sends each request in the
endpoint's structured-output dialect, bounded (max_tokens, a timeout), and decides
which failures are sent again. Answers are validated; an invalid one gets one repair
attempt, then the document fails with a clear error.
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import openai
from pydantic import ValidationError

from factbook.errors import LLMError
from factbook.extract.llm_convert import to_extraction
from factbook.extract.llm_prompt import (
    Chunk, build_messages, estimate_tokens, guidance_lines, known_in_text, repair_messages,
    split_chunks, user_message,
)
from factbook.extract.llm_schema import (
    SCHEMA_VERSION, ExtractionAnswer, merge_answers, parse_answer, response_format,
)
from factbook.extract.llm_settings import OPENAI_BASE_URL, LLMSettings  # noqa: F401 - re-exported
from factbook.extract.llm_transport import (
    Bounds, CallFailure, CallStats, Endpoint, ProtocolMemory, RetryPolicy, send_openai,
)
from factbook.models import Context, Document, DocumentKind, Extraction, KnownEntity

log = logging.getLogger(__name__)

# Tokens the chat format adds per message (role markers) on top of the content.
_MESSAGE_OVERHEAD = 4


class ResponseCache(Protocol):
    """Where validated LLM answers are kept between runs (the store implements it).
    A cache that also has `get_llm_protocol(endpoint)` / `put_llm_protocol(endpoint,
    dialect)` (the store does) remembers each endpoint's structured-output dialect."""

    def get_llm_response(self, key: str) -> str | None:
        """The cached answer for `key`, or None."""
        ...

    def put_llm_response(self, key: str, model: str, response: str, prompt_tokens: int,
                         completion_tokens: int) -> None:
        """Keep a validated answer and what it cost."""
        ...


@dataclass
class LLMUsage:
    """What LLM extraction cost: HTTP calls made (re-sends counted apart, as retries),
    answers served from the cache, tokens, the estimated cost, failed documents, the
    longest single attempt in seconds and the structured-output dialect used."""

    calls: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated_cost_usd: float = 0.0
    failures: int = 0
    retries: int = 0
    longest_call_s: float = 0.0
    structured_output: str = ""


def make_client(settings: LLMSettings, retries: int | None = None) -> openai.OpenAI:
    """The SDK client for the settings: Azure OpenAI when an api_version is set. The SDK
    retries `retries` times (default: the settings'); the extractor retries by itself."""
    common = {"timeout": settings.call_timeout_s,
              "max_retries": settings.retries if retries is None else retries}
    if settings.api_version:
        return openai.AzureOpenAI(azure_endpoint=settings.base_url or "",
                                  api_version=settings.api_version,
                                  api_key=settings.api_key, **common)
    # Local servers ignore the key, but the SDK insists on having one.
    return openai.OpenAI(base_url=settings.endpoint, api_key=settings.api_key or "not-needed",
                         **common)


def cache_key(model: str, request: Mapping[str, Any]) -> str:
    """The cache key: sha256 of the model, the schema version and the exact request JSON."""
    body = json.dumps(request, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(f"{model}\n{SCHEMA_VERSION}\n{body}".encode()).hexdigest()


def prompt_overhead_tokens() -> int:
    """Estimated prompt tokens every call pays whatever the document: the system
    prompt, the schema, the metadata lines of the user turn and the message framing."""
    empty = Document(path="", sha256="", kind=DocumentKind.ARTICLE, title="", text="")
    user = user_message(empty, Chunk(0, 1, 0, 0, ""), [])
    schema = json.dumps(response_format(), separators=(",", ":"))
    return (estimate_tokens(build_messages(empty, Chunk(0, 1, 0, 0, ""), [])[0]["content"])
            + estimate_tokens(user) + estimate_tokens(schema) + 2 * _MESSAGE_OVERHEAD)


class LLMExtractor:
    """The `Extractor` over an OpenAI-compatible chat-completions endpoint. Thread-safe:
    the pipeline runs `concurrency` documents at once, and at most that many
    requests are in flight whatever the number of threads.

    `progress`, when set (the CLI sets it), receives one line per document (calls,
    seconds, retries) and a line for each re-sent request and negotiated dialect."""

    def __init__(self, settings: LLMSettings, cache: ResponseCache | None = None,
                 client: openai.OpenAI | None = None) -> None:
        self.settings = settings
        self.name = f"llm:{settings.model}"
        self.concurrency = settings.concurrency
        self.progress: Callable[[str], None] | None = None
        self._cache = cache
        self._slots = threading.BoundedSemaphore(settings.concurrency or 1)
        self._lock = threading.Lock()
        # The store may share one database connection between threads: its cache
        # is only touched under this lock.
        self._cache_lock = threading.Lock()
        self._usage = LLMUsage()
        self._fatal: LLMError | None = None
        memory = None
        if hasattr(cache, "get_llm_protocol") and hasattr(cache, "put_llm_protocol"):
            memory = ProtocolMemory(self._locked(cache.get_llm_protocol),  # type: ignore[union-attr]
                                    self._locked(cache.put_llm_protocol),  # type: ignore[union-attr]
                                    settings.endpoint)
        bounds = Bounds(settings.output_tokens, settings.call_timeout_s, _context_tokens(settings))
        self._endpoint = Endpoint(client or make_client(settings, retries=0), settings.endpoint,
                                  settings.structured_output, bounds,
                                  RetryPolicy(settings.retries, settings.timeout_retries),
                                  memory, self._say)

    def extract(self, document: Document, context: Context) -> Extraction:
        """Extract from `document`, one call per chunk (none when cached).

        Raises LLMError naming the document when the endpoint fails or the
        answer stays invalid after one repair; nothing partial is returned.
        """
        if self._fatal is not None:
            # The server is unreachable or refuses us: no point waiting on it again.
            raise LLMError(str(self._fatal), self._fatal.hint, fatal=True)
        chunks = split_chunks(document.text, self.settings.max_chunk_tokens,
                              self.settings.overlap_tokens)
        answers: list[ExtractionAnswer] = []
        listed: dict[int, KnownEntity] = {}
        stats = CallStats()
        started = time.monotonic()
        try:
            for chunk in chunks:
                known = known_in_text(context.known, chunk.text)
                listed.update((k.id, k) for k in known)
                guidance = guidance_lines(context, chunk.text)
                answers.append(self._answer(document, self._request(document, chunk, known, guidance),
                                            stats))
        except LLMError as exc:
            with self._lock:
                self._usage.failures += 1
                if exc.fatal:
                    self._fatal = exc
            # A fatal error is the run's one line: no document line before it.
            self._document_done(document, stats, started, failed=True, say=not exc.fatal)
            raise
        self._document_done(document, stats, started)
        return to_extraction(merge_answers(answers), document.text, list(listed.values()))

    def take_usage(self) -> LLMUsage:
        """The usage since the last call, and start counting afresh."""
        with self._lock:
            usage, self._usage = self._usage, LLMUsage()
        usage.structured_output = self._endpoint.protocol or ""
        return usage

    def _say(self, line: str) -> None:
        if self.progress is not None:
            self.progress(line)
        else:
            log.info("%s", line)

    def _document_done(self, document: Document, stats: CallStats, started: float,
                       failed: bool = False, say: bool = True) -> None:
        with self._lock:
            self._usage.retries += stats.retries
            self._usage.longest_call_s = max(self._usage.longest_call_s, stats.longest_s)
        if not say:
            return
        calls = f"{stats.calls} call{'s' if stats.calls != 1 else ''}"
        retries = f"{stats.retries} retr{'ies' if stats.retries != 1 else 'y'}"
        self._say(f"llm: {document.path}: {'failed after ' if failed else ''}{calls}, "
                  f"{time.monotonic() - started:.1f} s, {retries}")

    def _locked(self, method: Callable[..., Any]) -> Callable[..., Any]:
        """`method` of the store, called under the cache lock."""
        def call(*args: Any) -> Any:
            with self._cache_lock:
                return method(*args)
        return call

    def _cache_get(self, key: str) -> str | None:
        if self._cache is None:
            return None
        with self._cache_lock:
            return self._cache.get_llm_response(key)

    def _cache_put(self, key: str, value: str, tokens: tuple[int, int] = (0, 0)) -> None:
        if self._cache is not None:
            with self._cache_lock:
                self._cache.put_llm_response(key, self.settings.model, value, *tokens)

    def _request(self, document: Document, chunk: Chunk, known: list[KnownEntity],
                 guidance: tuple[str, ...] = ()) -> dict[str, Any]:
        """The canonical request: what the cache key is made of. The endpoint's dialect
        and the output bound are applied when it is sent."""
        request: dict[str, Any] = {
            "model": self.settings.model,
            "messages": build_messages(document, chunk, known, guidance),
            "response_format": response_format(),
        }
        if self.settings.temperature is not None:
            request["temperature"] = self.settings.temperature
        return request

    def _answer(self, document: Document, request: dict[str, Any],
                stats: CallStats) -> ExtractionAnswer:
        """A validated answer for one request: from the cache, the model, or the repair."""
        key = cache_key(self.settings.model, request)
        cached = self._cache_get(key)
        if cached is not None:
            try:
                answer = parse_answer(cached)
            except ValidationError:
                log.warning("ignoring an invalid cached LLM answer for %s", document.path)
            else:
                with self._lock:
                    self._usage.cached += 1
                return answer
        content, spent = self._call(document, request, stats)
        try:
            answer = parse_answer(content)
        except ValidationError as exc:
            log.info("%s: invalid LLM answer, asking once for a repair", document.path)
            repair = dict(request, messages=repair_messages(request["messages"], content,
                                                           _first_error(exc)))
            content, more = self._call(document, repair, stats)
            spent = (spent[0] + more[0], spent[1] + more[1])
            try:
                answer = parse_answer(content)
            except ValidationError as again:
                raise LLMError(f"{document.path}: the model's answer did not match the "
                               f"extraction schema, even after a repair ({_first_error(again)})",
                               hint="try a stronger model, or raise max_output_tokens if "
                                    "answers are cut off") from None
        self._cache_put(key, content, spent)
        return answer

    def _call(self, document: Document, request: dict[str, Any],
              stats: CallStats) -> tuple[str, tuple[int, int]]:
        """One chat-completions call: (reply text, (prompt, completion) tokens)."""
        with self._slots:
            before = stats.calls
            try:
                reply = self._endpoint.call(request, stats)
            except CallFailure as failure:
                with self._lock:
                    self._usage.calls += stats.calls - before
                raise _api_error(failure, self.settings, document.path,
                                 self._endpoint.protocol is None) from None
        content = reply.content
        prompt = reply.prompt_tokens if reply.prompt_tokens is not None \
            else _estimate_request(request)
        completion = reply.completion_tokens if reply.completion_tokens is not None \
            else estimate_tokens(content)
        with self._lock:
            self._usage.calls += stats.calls - before
            self._usage.prompt_tokens += prompt
            self._usage.completion_tokens += completion
            self._usage.estimated_cost_usd += (
                prompt * self.settings.input_price_per_1m
                + completion * self.settings.output_price_per_1m) / 1_000_000
        return content, (prompt, completion)


def _context_tokens(settings: LLMSettings) -> int:
    """The context Ollama is asked for: a whole chunk, the fixed prompt and the answer,
    rounded up to a multiple of 1024 (the same for every call, so the model stays loaded)."""
    needed = settings.max_chunk_tokens + 2 * prompt_overhead_tokens() + settings.output_tokens
    return -(-needed // 1024) * 1024


def _estimate_request(request: Mapping[str, Any]) -> int:
    messages = request["messages"]
    schema = json.dumps(request.get("response_format", {}), separators=(",", ":"))
    return sum(estimate_tokens(m["content"]) + _MESSAGE_OVERHEAD for m in messages) \
        + estimate_tokens(schema)


def _first_error(exc: ValidationError) -> str:
    """The first problem of a validation error, in one short line."""
    errors = exc.errors()
    if not errors:
        return "invalid"
    first = errors[0]
    where = ".".join(str(p) for p in first.get("loc", ())) or "answer"
    return " ".join(f"{where}: {first.get('msg', 'invalid')}".split())[:200]


def _api_error(failure: CallFailure, settings: LLMSettings, path: str,
               negotiating: bool) -> LLMError:
    """One clear line for a failed call (after the retries it was allowed)."""
    host = urlsplit(settings.endpoint).netloc or settings.endpoint
    status, detail = failure.status, failure.detail[:160]
    if failure.kind == "timeout":
        if settings.timeout_retries:
            tail = f"{settings.timeout_retries} retries"
        else:
            tail = "not sent again: a local server would still be computing it"
        return LLMError(f"{path}: the LLM server at {host} did not answer within "
                        f"{settings.call_timeout_s:g} s ({tail})",
                        hint="raise timeout_s in the [llm] table, lower max_output_tokens, "
                             "or lower concurrency")
    if failure.kind == "connection":
        return LLMError(f"cannot reach the LLM server at {settings.endpoint}",
                        hint="start the server, or check FACTBOOK_LLM_BASE_URL", fatal=True)
    if failure.kind == "garbled":
        return LLMError(f"{path}: the LLM server at {host} sent something that is not a chat "
                        f"completion ({detail})",
                        hint="check FACTBOOK_LLM_BASE_URL: it must end in the API's root, "
                             "usually /v1")
    if status in (401, 403):
        return LLMError(f"the LLM server at {host} rejected the API key (HTTP {status})",
                        hint="check OPENAI_API_KEY (or FACTBOOK_LLM_API_KEY)", fatal=True)
    if status == 404:
        return LLMError(f"model {settings.model!r} was not found at {settings.endpoint} "
                        f"(HTTP 404)", hint="check FACTBOOK_LLM_MODEL (on Azure: the "
                                            "deployment name) and the base URL", fatal=True)
    if status == 429:
        return LLMError(f"{path}: the LLM server at {host} is rate limiting (HTTP 429) "
                        f"after {settings.retries} retries",
                        hint="lower concurrency in the [llm] table, or retry later")
    if failure.deterministic:
        tried = ("none of json_schema, json_object+schema and Ollama's format was accepted"
                 if negotiating else f"structured output as {settings.structured_output}")
        return LLMError(f"{path}: the LLM server refused the request (HTTP {status}: {detail})",
                        hint=f"{tried}; the server must support structured output "
                             "(set [llm] structured_output to json_schema, json_object or "
                             "ollama, or auto)")
    return LLMError(f"{path}: the LLM server at {host} failed (HTTP {status or '?'}: {detail}) "
                    f"after {settings.retries} retries")


Chat = Callable[[list[dict[str, str]], "dict[str, Any] | None"], str]


def chat_completer(settings: LLMSettings, what: str = "the answer") -> Chat:
    """`chat(messages, response_format)` → the reply text, for answers other than
    extraction (ask, a brief's prose, a reply draft): the same negotiated structured-output
    dialect, `max_tokens`, timeout and retry rules as the extractor's calls.
    `response_format` is in the json_schema dialect, or None for free text. A failed call
    raises LLMError, naming `what` was being written."""
    bounds = Bounds(settings.output_tokens, settings.call_timeout_s, _context_tokens(settings))
    policy = RetryPolicy(settings.retries, settings.timeout_retries)
    client = make_client(settings, retries=0)
    endpoint = Endpoint(client, settings.endpoint, settings.structured_output, bounds, policy)

    def chat(messages: list[dict[str, str]], response_format: dict[str, Any] | None) -> str:
        request: dict[str, Any] = {"model": settings.model, "messages": messages}
        if settings.temperature is not None:
            request["temperature"] = settings.temperature
        try:
            if response_format is not None:
                reply = endpoint.call({**request, "response_format": response_format}, CallStats())
            else:
                free = {**request, "max_tokens": bounds.max_tokens}
                reply = policy.run(lambda: send_openai(client, free, bounds.timeout_s),
                                   lambda failure, wait: None)
        except CallFailure as failure:
            raise _api_error(failure, settings, what, endpoint.protocol is None) from None
        return reply.content
    return chat
