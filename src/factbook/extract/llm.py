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
from collections.abc import Mapping
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
    concurrency: int = 4
    timeout_s: float = 120.0
    max_retries: int = 3
    input_price_per_1m: float = 0.0
    output_price_per_1m: float = 0.0
    max_chunk_tokens: int = 6000
    overlap_tokens: int = 200
    temperature: float | None = 0.0

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
        if self.concurrency < 1 or self.max_retries < 0 or self.timeout_s <= 0:
            raise ConfigError("llm: concurrency must be >= 1, max_retries >= 0, timeout_s > 0")
        if self.max_chunk_tokens < 500 or not 0 <= self.overlap_tokens <= self.max_chunk_tokens // 4:
            raise ConfigError("llm: max_chunk_tokens must be >= 500 and overlap_tokens "
                              "between 0 and a quarter of it")

    @property
    def endpoint(self) -> str:
        """The base URL requests go to, for messages."""
        return self.base_url or OPENAI_BASE_URL


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
    """What LLM extraction cost: HTTP calls made (retries inside the SDK not counted),
    answers served from the cache, tokens, the estimated cost, failed documents."""

    calls: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    estimated_cost_usd: float = 0.0
    failures: int = 0


def make_client(settings: LLMSettings) -> openai.OpenAI:
    """The SDK client for the settings: Azure OpenAI when an api_version is set."""
    common = {"timeout": settings.timeout_s, "max_retries": settings.max_retries}
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
    requests are in flight whatever the number of threads."""

    def __init__(self, settings: LLMSettings, cache: ResponseCache | None = None,
                 client: openai.OpenAI | None = None) -> None:
        self.settings = settings
        self.name = f"llm:{settings.model}"
        self.concurrency = settings.concurrency
        self._cache = cache
        self._client = client or make_client(settings)
        self._slots = threading.BoundedSemaphore(settings.concurrency)
        self._lock = threading.Lock()
        # The store may share one database connection between threads: its cache
        # is only touched under this lock.
        self._cache_lock = threading.Lock()
        self._usage = LLMUsage()
        self._fatal: LLMError | None = None

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
        try:
            for chunk in chunks:
                known = known_in_text(context.known, chunk.text)
                listed.update((k.id, k) for k in known)
                guidance = guidance_lines(context, chunk.text)
                answers.append(self._answer(document, self._request(document, chunk, known, guidance)))
        except LLMError as exc:
            with self._lock:
                self._usage.failures += 1
                if exc.fatal:
                    self._fatal = exc
            raise
        return to_extraction(merge_answers(answers), document.text, list(listed.values()))

    def take_usage(self) -> LLMUsage:
        """The usage since the last call, and start counting afresh."""
        with self._lock:
            usage, self._usage = self._usage, LLMUsage()
        return usage

    def _request(self, document: Document, chunk: Chunk, known: list[KnownEntity],
                 guidance: tuple[str, ...] = ()) -> dict[str, Any]:
        request: dict[str, Any] = {
            "model": self.settings.model,
            "messages": build_messages(document, chunk, known, guidance),
            "response_format": response_format(),
        }
        if self.settings.temperature is not None:
            request["temperature"] = self.settings.temperature
        return request

    def _answer(self, document: Document, request: dict[str, Any]) -> ExtractionAnswer:
        """A validated answer for one request: from the cache, the model, or the repair."""
        key = cache_key(self.settings.model, request)
        cached = None
        if self._cache is not None:
            with self._cache_lock:
                cached = self._cache.get_llm_response(key)
        if cached is not None:
            try:
                answer = parse_answer(cached)
            except ValidationError:
                log.warning("ignoring an invalid cached LLM answer for %s", document.path)
            else:
                with self._lock:
                    self._usage.cached += 1
                return answer
        content, spent = self._call(document, request)
        try:
            answer = parse_answer(content)
        except ValidationError as exc:
            log.info("%s: invalid LLM answer, asking once for a repair", document.path)
            repair = dict(request, messages=repair_messages(request["messages"], content,
                                                           _first_error(exc)))
            content, more = self._call(document, repair)
            spent = (spent[0] + more[0], spent[1] + more[1])
            try:
                answer = parse_answer(content)
            except ValidationError as again:
                raise LLMError(f"{document.path}: the model's answer did not match the "
                               f"extraction schema, even after a repair ({_first_error(again)})",
                               hint="try a stronger model, or one whose server supports "
                                    "structured output (response_format json_schema)") from None
        if self._cache is not None:
            with self._cache_lock:
                self._cache.put_llm_response(key, self.settings.model, content, *spent)
        return answer

    def _call(self, document: Document, request: dict[str, Any]) -> tuple[str, tuple[int, int]]:
        """One chat-completions call: (reply text, (prompt, completion) tokens)."""
        with self._slots:
            try:
                response = self._client.chat.completions.create(**request)
                usage = response.usage
                choice = response.choices[0].message if response.choices else None
                content = (choice.content or "") if choice else ""
            except openai.APIError as exc:
                with self._lock:
                    self._usage.calls += 1
                raise _api_error(exc, self.settings, document.path) from None
            except (ValueError, TypeError, AttributeError) as exc:
                # A body that is not a chat completion at all (a proxy's HTML page, ...).
                with self._lock:
                    self._usage.calls += 1
                host = urlsplit(self.settings.endpoint).netloc or self.settings.endpoint
                raise LLMError(f"{document.path}: the LLM server at {host} sent something "
                               f"that is not a chat completion ({type(exc).__name__})",
                               hint="check FACTBOOK_LLM_BASE_URL: it must end in the API's "
                                    "root, usually /v1") from None
        prompt = usage.prompt_tokens if usage else _estimate_request(request)
        completion = usage.completion_tokens if usage else estimate_tokens(content)
        with self._lock:
            self._usage.calls += 1
            self._usage.prompt_tokens += prompt
            self._usage.completion_tokens += completion
            self._usage.estimated_cost_usd += (
                prompt * self.settings.input_price_per_1m
                + completion * self.settings.output_price_per_1m) / 1_000_000
        return content, (prompt, completion)


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


def _api_error(exc: openai.APIError, settings: LLMSettings, path: str) -> LLMError:
    """One clear line for an SDK error (after the SDK's own retries)."""
    host = urlsplit(settings.endpoint).netloc or settings.endpoint
    if isinstance(exc, openai.APITimeoutError):
        return LLMError(f"{path}: the LLM server at {host} did not answer within "
                        f"{settings.timeout_s:g} s ({settings.max_retries} retries)",
                        hint="raise timeout_s in the [llm] table, or lower concurrency")
    if isinstance(exc, openai.APIConnectionError):
        return LLMError(f"cannot reach the LLM server at {settings.endpoint}",
                        hint="start the server, or check FACTBOOK_LLM_BASE_URL", fatal=True)
    status = getattr(exc, "status_code", None)
    detail = " ".join(str(getattr(exc, "message", "") or exc).split())[:160]
    if isinstance(exc, (openai.AuthenticationError, openai.PermissionDeniedError)):
        return LLMError(f"the LLM server at {host} rejected the API key (HTTP {status})",
                        hint="check OPENAI_API_KEY (or FACTBOOK_LLM_API_KEY)", fatal=True)
    if isinstance(exc, openai.NotFoundError):
        return LLMError(f"model {settings.model!r} was not found at {settings.endpoint} "
                        f"(HTTP 404)", hint="check FACTBOOK_LLM_MODEL (on Azure: the "
                                            "deployment name) and the base URL", fatal=True)
    if isinstance(exc, openai.RateLimitError):
        return LLMError(f"{path}: the LLM server at {host} is rate limiting (HTTP 429) "
                        f"after {settings.max_retries} retries",
                        hint="lower concurrency in the [llm] table, or retry later")
    if isinstance(exc, openai.BadRequestError):
        return LLMError(f"{path}: the LLM server refused the request (HTTP 400: {detail})",
                        hint="the server must support structured output "
                             "(response_format json_schema)")
    return LLMError(f"{path}: the LLM server at {host} failed (HTTP {status or '?'}: {detail}) "
                    f"after {settings.max_retries} retries")

