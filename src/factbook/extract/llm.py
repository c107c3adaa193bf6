"""The LLM extractor: one schema-enforced chat-completions call per chunk, against any
OpenAI-compatible endpoint (OpenAI, Azure OpenAI, Ollama, vLLM, llama.cpp, LM Studio).

Requests are deterministic and answers are cached in the store by (model, schema
version, request), so re-ingesting an unchanged document costs no call. The
official `openai` SDK does the HTTP work: retries with exponential backoff on
429 and 5xx honoring Retry-After, and the timeout. Answers are validated; an
invalid one gets one repair attempt, then the document fails with a clear error.
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any, Protocol
from urllib.parse import urlsplit

import openai
from pydantic import ValidationError

from factbook.errors import ConfigError, LLMError
from factbook.extract.llm_convert import to_extraction
from factbook.extract.llm_prompt import (
    Chunk, build_messages, estimate_tokens, guidance_lines, known_in_text, repair_messages,
    split_chunks, user_message,
)
from factbook.extract.llm_schema import (
    SCHEMA_VERSION, ExtractionAnswer, merge_answers, parse_answer, response_format,
)
from factbook.extract.llm_transport import (
    PROTOCOLS, Bounds, CallFailure, CallStats, Endpoint, ProtocolMemory, RetryPolicy, is_local,
)
from factbook.models import Context, Document, DocumentKind, Extraction, KnownEntity

log = logging.getLogger(__name__)

OPENAI_BASE_URL = "https://api.openai.com/v1"
# Tokens the chat format adds per message (role markers) on top of the content.
_MESSAGE_OVERHEAD = 4


class ResponseCache(Protocol):
    """Where validated LLM answers are kept between runs (the store implements it)."""

    def get_llm_response(self, key: str) -> str | None:
        """The cached answer for `key`, or None."""
        ...

    def put_llm_response(self, key: str, model: str, response: str, prompt_tokens: int,
                         completion_tokens: int) -> None:
        """Keep a validated answer and what it cost."""
        ...


@dataclass
class LLMSettings:
    """How to reach the model and what it may cost.

    `base_url` None means OpenAI itself; with `api_version` set, the endpoint is
    Azure OpenAI and `model` is the deployment name. Prices are USD per million
    tokens, used only for the cost estimate (0 = unknown, shown as $0).
    """

    model: str
    base_url: str | None = None
    api_key: str | None = None
    api_version: str | None = None
    concurrency: int | None = None  # None: 4, or 1 for a server on this machine or network
    timeout_s: float | None = None  # None: scales with the output bound (call_timeout_s)
    max_retries: int | None = None  # None: 3, but no re-sent timeout to a local server
    input_price_per_1m: float = 0.0
    output_price_per_1m: float = 0.0
    max_chunk_tokens: int = 6000
    overlap_tokens: int = 200
    temperature: float | None = 0.0
    structured_output: str = "auto"  # "json_schema", "json_object", "ollama" or "auto"
    max_output_tokens: int | None = None  # None: derived from max_chunk_tokens

    def __post_init__(self) -> None:
        if self.concurrency is None:
            self.concurrency = 1 if self.local else 4

    @classmethod
    def from_env(cls, environ: Mapping[str, str],
                 file_settings: Mapping[str, Any] | None = None) -> LLMSettings:
        """Settings from the `[llm]` table of config.toml, overridden by the environment
        (`FACTBOOK_LLM_BASE_URL`, `FACTBOOK_LLM_MODEL`, `OPENAI_API_KEY`, ...).

        Raises ConfigError, with a hint, for a missing model or key, an unknown
        setting or a value of the wrong type.
        """
        values = _file_values(file_settings or {})
        for var, name in _ENV_VARS.items():
            if environ.get(var, "").strip():
                values[name] = _convert(name, environ[var].strip(), var)
        if not values.get("model"):
            raise ConfigError("no LLM model is configured",
                              hint="set FACTBOOK_LLM_MODEL (e.g. gpt-4o-mini, or llama3.1 for "
                                   "Ollama) or `model` in the [llm] table of .factbook/config.toml")
        settings = cls(**values)
        settings.validate()
        return settings

    def validate(self) -> None:
        """Check the combination of settings; raises ConfigError."""
        remote = self.base_url is None or self.api_version is not None
        if remote and not self.api_key:
            where = "Azure OpenAI" if self.api_version else "OpenAI"
            raise ConfigError(f"no API key for {where}",
                              hint="set OPENAI_API_KEY, or FACTBOOK_LLM_BASE_URL for a local "
                                   "server (Ollama, vLLM, llama.cpp) that needs no key")
        if self.api_version and not self.base_url:
            raise ConfigError("Azure OpenAI needs the resource endpoint",
                              hint="set FACTBOOK_LLM_BASE_URL=https://RESOURCE.openai.azure.com")
        if ((self.concurrency or 0) < 1 or (self.max_retries or 0) < 0
                or (self.timeout_s is not None and self.timeout_s <= 0)):
            raise ConfigError("llm: concurrency must be >= 1, max_retries >= 0, timeout_s > 0")
        if self.structured_output not in ("auto", *PROTOCOLS):
            raise ConfigError(f"llm: unknown structured_output {self.structured_output!r}",
                              hint="choose auto, json_schema, json_object (llama-cpp-python) "
                                   "or ollama")
        if self.max_output_tokens is not None and self.max_output_tokens < 64:
            raise ConfigError("llm: max_output_tokens must be at least 64")
        if self.max_chunk_tokens < 500 or not 0 <= self.overlap_tokens <= self.max_chunk_tokens // 4:
            raise ConfigError("llm: max_chunk_tokens must be >= 500 and overlap_tokens "
                              "between 0 and a quarter of it")

    @property
    def endpoint(self) -> str:
        """The base URL requests go to, for messages."""
        return self.base_url or OPENAI_BASE_URL

    @property
    def local(self) -> bool:
        """True when the endpoint is on this machine or a private network."""
        return self.base_url is not None and is_local(self.base_url)

    @property
    def output_tokens(self) -> int:
        """`max_tokens` of every call: `max_output_tokens`, else half the chunk size
        (between 512 and 4096): an answer restates a fraction of its chunk."""
        if self.max_output_tokens is not None:
            return self.max_output_tokens
        return max(512, min(4096, self.max_chunk_tokens // 2))

    @property
    def call_timeout_s(self) -> float:
        """Seconds one call may take: `timeout_s`, else 60 s plus 0.1 s per output token
        (a slow CPU model writes 10 tokens a second)."""
        if self.timeout_s is not None:
            return self.timeout_s
        return 60.0 + 0.1 * self.output_tokens

    @property
    def retries(self) -> int:
        """Re-sends of a request on 429, transient 5xx and connection errors."""
        return 3 if self.max_retries is None else self.max_retries

    @property
    def timeout_retries(self) -> int:
        """Re-sends after a timeout or a failed connection: none to a local server unless
        max_retries is set (it would still be computing an abandoned request, and a
        refused connection means it is not running)."""
        return 0 if self.max_retries is None and self.local else self.retries


_ENV_VARS = {
    "FACTBOOK_LLM_BASE_URL": "base_url",
    "FACTBOOK_LLM_MODEL": "model",
    "OPENAI_API_KEY": "api_key",
    "FACTBOOK_LLM_API_KEY": "api_key",  # wins over OPENAI_API_KEY: listed later
    "FACTBOOK_LLM_API_VERSION": "api_version",
    "FACTBOOK_LLM_CONCURRENCY": "concurrency",
    "FACTBOOK_LLM_TIMEOUT": "timeout_s",
    "FACTBOOK_LLM_TEMPERATURE": "temperature",
}


def _file_values(table: Mapping[str, Any]) -> dict[str, Any]:
    known = {f.name for f in fields(LLMSettings)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"unknown setting {key!r} in the [llm] table",
                              hint="known settings: " + ", ".join(sorted(known)))
        values[key] = _convert(key, value, f"[llm] {key}")
    return values


def _convert(name: str, value: Any, origin: str) -> Any:
    """`value` as the type of setting `name`; raises ConfigError naming `origin`."""
    kind = {f.name: f.type for f in fields(LLMSettings)}[name]
    if name == "temperature" and str(value).strip().lower() in ("", "none", "default"):
        return None  # reasoning models (o-series, gpt-5) accept only their default
    try:
        if "int" in str(kind) and not isinstance(value, bool):
            return int(value)
        if "float" in str(kind) and not isinstance(value, bool):
            return float(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{origin} must be a number, not {value!r}") from None
    if not isinstance(value, str):
        raise ConfigError(f"{origin} must be a string, not {value!r}")
    return value.strip() or None


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
