"""How one chat request reaches the model: the structured-output dialect the endpoint
speaks, a bounded call (max_tokens and a timeout), and which failures are worth a retry.

Three dialects carry the same JSON schema:

- `json_schema`: `response_format: {"type": "json_schema", "json_schema": {...}}`
  (OpenAI, Azure OpenAI, vLLM, llama.cpp's llama-server, LM Studio, Ollama's /v1);
- `json_object`: `response_format: {"type": "json_object", "schema": {...}}`
  (llama-cpp-python's `python -m llama_cpp.server`);
- `ollama`: Ollama's native `POST /api/chat` with `format` set to the schema, which also
  takes the context size (`num_ctx`) that Ollama's OpenAI endpoint cannot.

A request is never re-sent for an error that would come back the same (4xx, or a 500
whose body says the request is invalid), nor for a timeout of a server on this machine
or the local network, which would still be computing the abandoned request.
"""
from __future__ import annotations

import copy
import ipaddress
import json
import socket
import urllib.error
import urllib.request
import random
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import openai

PROTOCOLS = ("json_schema", "json_object", "ollama")
# The order `auto` tries them in, on a deterministic error of the one before.
NEGOTIATION_ORDER = PROTOCOLS

# Words in an error body that say the request itself is wrong, so it would fail again.
_INVALID_REQUEST = re.compile(
    r"validation error|invalid|input should be|must be|not supported|unsupported|"
    r"unrecognized|unknown (?:field|parameter|argument)|not allowed|literal_error|"
    r"response_format|json_schema|exceed context|context length|context window", re.IGNORECASE)


@dataclass
class CallFailure(Exception):
    """One failed HTTP call, classified: `kind` is "timeout", "connection", "status" or
    "garbled" (a body that is not a chat completion)."""

    kind: str
    status: int | None = None
    detail: str = ""
    retry_after_s: float | None = None

    @property
    def deterministic(self) -> bool:
        """True when sending the same request again would fail the same way."""
        if self.kind != "status" or self.status is None:
            return self.kind == "garbled"
        if self.status in (408, 409, 429):
            return False
        if 400 <= self.status < 500:
            return True
        return self.status == 500 and bool(_INVALID_REQUEST.search(self.detail))


@dataclass
class Reply:
    """A model's answer text and the tokens it cost (None when the server did not say)."""

    content: str
    prompt_tokens: int | None
    completion_tokens: int | None


def is_local(endpoint: str) -> bool:
    """True for an endpoint on this machine or a private network (localhost, 127.0.0.1,
    10.x, 172.16-31.x, 192.168.x, fc00::/7, link-local, *.local)."""
    host = (urlsplit(endpoint).hostname or "").lower()
    if host in ("localhost", "host.docker.internal") or host.endswith((".local", ".localhost")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_link_local


def shape_request(canonical: dict[str, Any], protocol: str, max_tokens: int) -> dict[str, Any]:
    """The chat-completions body for `protocol`, from the canonical request (which
    carries `response_format` in the json_schema dialect), with `max_tokens` set."""
    request = dict(canonical)
    request["max_tokens"] = max_tokens
    schema = canonical["response_format"]["json_schema"]["schema"]
    if protocol == "json_object":
        request["response_format"] = {"type": "json_object", "schema": copy.deepcopy(schema)}
    elif protocol == "ollama":
        options: dict[str, Any] = {"num_predict": max_tokens}
        if "temperature" in canonical:
            options["temperature"] = canonical["temperature"]
        request = {"model": canonical["model"], "messages": canonical["messages"],
                   "stream": False, "format": copy.deepcopy(schema), "options": options}
    return request


def ollama_root(endpoint: str) -> str:
    """Ollama's server root for its native API, from the /v1 base URL people configure."""
    root = endpoint.rstrip("/")
    return root[:-3] if root.endswith("/v1") else root


def send_openai(client: openai.OpenAI, request: dict[str, Any], timeout_s: float) -> Reply:
    """One chat-completions call through the SDK (which must not retry by itself)."""
    try:
        response = client.chat.completions.create(**request, timeout=timeout_s)
        usage = response.usage
        message = response.choices[0].message if response.choices else None
        content = (message.content or "") if message else ""
    except openai.APITimeoutError:
        raise CallFailure("timeout") from None
    except openai.APIConnectionError as exc:
        raise CallFailure("connection", detail=str(exc)) from None
    except openai.APIStatusError as exc:
        raise CallFailure("status", exc.status_code, _detail(exc.message, exc.body),
                          _retry_after(exc.response.headers)) from None
    except (ValueError, TypeError, AttributeError) as exc:
        raise CallFailure("garbled", detail=type(exc).__name__) from None
    return Reply(content, usage.prompt_tokens if usage else None,
                 usage.completion_tokens if usage else None)


def send_ollama(endpoint: str, request: dict[str, Any], timeout_s: float, num_ctx: int) -> Reply:
    """One call to Ollama's native /api/chat with the schema as `format` (the standard
    library's HTTP client: one plain JSON POST needs no other)."""
    body = dict(request, options=dict(request["options"], num_ctx=num_ctx))
    http = urllib.request.Request(f"{ollama_root(endpoint)}/api/chat",
                                  data=json.dumps(body).encode(), method="POST",
                                  headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(http, timeout=timeout_s) as response:  # noqa: S310 - configured URL
            raw = response.read()
    except urllib.error.HTTPError as exc:
        text = exc.read().decode("utf-8", "replace")
        raise CallFailure("status", exc.code, _detail(text, None),
                          _retry_after(exc.headers)) from None
    except (TimeoutError, socket.timeout):
        raise CallFailure("timeout") from None
    except (urllib.error.URLError, OSError) as exc:
        if isinstance(getattr(exc, "reason", None), (TimeoutError, socket.timeout)):
            raise CallFailure("timeout") from None
        raise CallFailure("connection", detail=str(exc)) from None
    try:
        data = json.loads(raw)
        content = data["message"]["content"] or ""
    except (ValueError, KeyError, TypeError) as exc:
        raise CallFailure("garbled", detail=type(exc).__name__) from None
    return Reply(content, data.get("prompt_eval_count"), data.get("eval_count"))


@dataclass
class RetryPolicy:
    """How often one request may be sent again: `retries` for rate limits and transient
    server errors, `timeout_retries` for timeouts and failed connections."""

    retries: int
    timeout_retries: int
    sleep: Callable[[float], None] = time.sleep

    def run(self, send: Callable[[], Reply], on_retry: Callable[[CallFailure, float], None]) -> Reply:
        """`send()` until it succeeds or a failure may not be retried (then it is raised)."""
        attempt = 0
        timeouts = 0
        while True:
            try:
                return send()
            except CallFailure as failure:
                if failure.deterministic:
                    raise
                if failure.kind in ("timeout", "connection"):
                    timeouts += 1
                    if timeouts > self.timeout_retries:
                        raise
                elif attempt - timeouts >= self.retries:
                    raise
                attempt += 1
                wait = backoff_s(attempt, failure.retry_after_s)
                on_retry(failure, wait)
                self.sleep(wait)


def backoff_s(attempt: int, retry_after_s: float | None) -> float:
    """Seconds before retry number `attempt`: the server's Retry-After when it gives one
    (up to a minute), else exponential from 0.5 s with jitter, at most 8 s."""
    if retry_after_s is not None and 0 <= retry_after_s <= 60:
        return retry_after_s
    return min(8.0, 0.5 * 2 ** (attempt - 1)) * (0.75 + random.random() / 4)  # noqa: S311


def _retry_after(headers: Any) -> float | None:
    value = headers.get("retry-after") if headers is not None else None
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _detail(message: Any, body: Any) -> str:
    """The server's error message in one short line."""
    text = message if isinstance(message, str) else ""
    if isinstance(body, dict):
        inner = body.get("error", body)
        text = str(inner.get("message", inner) if isinstance(inner, dict) else inner) or text
    return " ".join(text.split())[:300]


@dataclass
class CallStats:
    """What one document's calls took: HTTP calls (repairs included, retries not),
    retries, seconds spent in calls, and the longest single attempt."""

    calls: int = 0
    retries: int = 0
    seconds: float = 0.0
    longest_s: float = 0.0


class ProtocolMemory:
    """Where the negotiated dialect of an endpoint is kept between runs (the store's
    `get_llm_protocol` / `put_llm_protocol`)."""

    def __init__(self, get: Callable[[str], str | None], put: Callable[[str, str], None],
                 endpoint: str) -> None:
        self._get, self._put = get, put
        self.endpoint = endpoint.rstrip("/")

    def recall(self) -> str | None:
        """The dialect that worked last time, if any."""
        value = self._get(self.endpoint)
        return value if value in PROTOCOLS else None

    def remember(self, protocol: str) -> None:
        """Keep the dialect that worked."""
        self._put(self.endpoint, protocol)


@dataclass
class Bounds:
    """The limits of every call: output tokens, seconds, and Ollama's context size."""

    max_tokens: int
    timeout_s: float
    num_ctx: int


class Endpoint:
    """Sends canonical requests in the endpoint's dialect, negotiating it on the first
    call when `structured_output` is "auto". Thread-safe: while the dialect is unknown,
    one request at a time finds it out and the others wait for the answer."""

    def __init__(self, client: openai.OpenAI, endpoint: str, setting: str, bounds: Bounds,
                 policy: RetryPolicy, memory: ProtocolMemory | None = None,
                 say: Callable[[str], None] | None = None) -> None:
        self._client = client
        self.endpoint = endpoint
        self.bounds = bounds
        self.policy = policy
        self.protocol: str | None = None if setting == "auto" else setting
        self.how = "configured" if self.protocol else ""
        self._memory = memory
        self._say = say or (lambda line: None)
        self._negotiating = threading.Lock()
        # Dialects refused in this run (with the refusal): not offered again.
        self._refused: dict[str, CallFailure] = {}

    def call(self, canonical: dict[str, Any], stats: CallStats) -> Reply:
        """The reply to one request; raises CallFailure after the allowed retries."""
        if self.protocol is None:
            with self._negotiating:
                if self.protocol is None:
                    return self._negotiate(canonical, stats)
        return self._send(canonical, self.protocol, stats)

    def _negotiate(self, canonical: dict[str, Any], stats: CallStats) -> Reply:
        remembered = self._memory.recall() if self._memory is not None else None
        order = [remembered] if remembered else []
        order += [p for p in NEGOTIATION_ORDER if p != remembered]
        order = [p for p in order if p not in self._refused]
        first = next(iter(self._refused.values()), None)
        if not order:
            assert first is not None
            raise first  # every dialect was refused earlier in this run
        for protocol in order:
            try:
                reply = self._send(canonical, protocol, stats)
            except CallFailure as failure:
                if not _about_the_format(failure):
                    if first is not None and failure.status == 404:
                        self._refused[protocol] = failure
                        raise first from None  # not Ollama either: the first refusal says why
                    raise
                self._refused[protocol] = failure
                first = first or failure
                continue
            self.protocol = protocol
            self.how = "remembered" if protocol == remembered else "negotiated"
            if protocol != remembered and self._memory is not None:
                self._memory.remember(protocol)
            self._say(f"llm: {self.endpoint} takes structured output as {protocol} "
                      f"({self.how}; set [llm] structured_output to choose)")
            return reply
        assert first is not None
        raise first

    def _send(self, canonical: dict[str, Any], protocol: str, stats: CallStats) -> Reply:
        request = shape_request(canonical, protocol, self.bounds.max_tokens)
        stats.calls += 1

        def attempt() -> Reply:
            started = time.monotonic()
            try:
                if protocol == "ollama":
                    return send_ollama(self.endpoint, request, self.bounds.timeout_s,
                                       self.bounds.num_ctx)
                return send_openai(self._client, request, self.bounds.timeout_s)
            finally:
                took = time.monotonic() - started
                stats.seconds += took
                stats.longest_s = max(stats.longest_s, took)

        def retried(failure: CallFailure, wait: float) -> None:
            stats.retries += 1
            what = {"timeout": "no answer in time from", "connection": "no connection to"}.get(
                failure.kind, f"HTTP {failure.status} from")
            self._say(f"llm: {what} {self.endpoint}; sending the request again in {wait:.1f} s")

        return self.policy.run(attempt, retried)


def _about_the_format(failure: CallFailure) -> bool:
    """True for a refusal that another structured-output dialect may avoid: HTTP 400 or
    422, or a 500 saying the request is invalid, but not an over-long prompt."""
    if failure.kind != "status" or not failure.deterministic or failure.status not in (400, 422, 500):
        return False
    return not re.search(r"context|too long|exceed", failure.detail, re.IGNORECASE)
