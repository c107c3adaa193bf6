"""A fake OpenAI chat-completions server on 127.0.0.1, for the LLM tests and bench.

It speaks the real wire format, so the real `openai` SDK talks to it (retries,
Retry-After, timeouts and all). Each request is recorded byte for byte. Replies
come from a script (status, headers, content, delay) and, when the script is
empty, from a naive deterministic responder that reads the fenced document:
organization-like names become mentions, their sentences with figures become facts.
Token usage is estimated as characters / 4, like factbook's own estimate.
"""
from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    """One scripted answer. `content` None means: let the naive responder answer."""

    content: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    delay_s: float = 0.0


@dataclass
class Recorded:
    """One request as the server received it."""

    path: str
    headers: dict[str, str]
    body: bytes
    received: float

    @property
    def json(self) -> dict[str, Any]:
        """The parsed request body."""
        return json.loads(self.body)


# What llama-cpp-python's server (0.3.36) answers to `response_format` of type json_schema:
# FastAPI's validation error, wrapped by its error handler as HTTP 500 (as seen from the
# real server by bench/local_llm_check.py; the file path shortened).
LLAMA_CPP_PYTHON_500 = {"error": {
    "message": "1 validation error:\n  {'type': 'literal_error', 'loc': ('body', "
               "'response_format', 'type'), 'msg': \"Input should be 'text' or 'json_object'\", "
               "'input': 'json_schema', 'ctx': {'expected': \"'text' or 'json_object'\"}}\n\n"
               "  File \"llama_cpp/server/app.py\", line 376, in create_chat_completion\n"
               "    POST /v1/chat/completions",
    "type": "internal_server_error", "param": None, "code": None}}

DIALECTS = ("openai", "llama-cpp-python", "ollama")


class FakeLLMServer:
    """Start with `with FakeLLMServer() as server:`; point the SDK at `server.base_url`.

    `dialect` is the structured output the server takes: "openai" (response_format
    json_schema only; anything else is HTTP 400), "llama-cpp-python" (json_object with a
    `schema`; json_schema is its HTTP 500) or "ollama" (json_schema on /v1, and its native
    /api/chat with `format`). `hang` makes it never answer (until it stops)."""

    def __init__(self, dialect: str = "openai", hang: bool = False) -> None:
        assert dialect in DIALECTS
        self.dialect = dialect
        self.hang = hang
        self.requests: list[Recorded] = []
        self.max_in_flight = 0
        self._script: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._in_flight = 0
        self.release = threading.Event()  # ends scripted delays when the server stops
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.fake = self  # type: ignore[attr-defined]
        # A short poll interval: shutdown() waits for it, once per test.
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        daemon=True)

    def __enter__(self) -> FakeLLMServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL (…/v1)."""
        return f"{self.root_url}/v1"

    @property
    def root_url(self) -> str:
        """The server root, for Azure-style endpoints."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def script(self, *replies: Reply) -> None:
        """Queue replies for the next requests, in order."""
        with self._lock:
            self._script.extend(replies)

    @property
    def calls(self) -> int:
        """How many requests arrived."""
        return len(self.requests)

    def _next(self) -> Reply:
        with self._lock:
            return self._script.popleft() if self._script else Reply()

    def _enter(self, recorded: Recorded) -> None:
        with self._lock:
            self.requests.append(recorded)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base signature
        pass  # keep test output clean

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        fake: FakeLLMServer = self.server.fake  # type: ignore[attr-defined]
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        fake._enter(Recorded(self.path, dict(self.headers), body, time.monotonic()))
        try:
            reply = fake._next()
            if fake.hang:
                fake.release.wait()
                return
            if reply.delay_s:
                fake.release.wait(reply.delay_s)
            self._answer(reply, body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)
        finally:
            fake._leave()

    def _answer(self, reply: Reply, body: bytes) -> None:
        fake: FakeLLMServer = self.server.fake  # type: ignore[attr-defined]
        path = self.path.split("?")[0]
        if path == "/api/chat" and fake.dialect == "ollama":
            return self._answer_ollama(reply, json.loads(body))
        if not path.endswith("/chat/completions"):
            return self._send(404, _error("no such endpoint", "not_found"), {})
        if reply.status != 200:
            return self._send(reply.status, reply.body or _error(f"scripted {reply.status}",
                                                                 "server_error"), reply.headers)
        request = json.loads(body)
        refusal = _refusal(fake.dialect, request.get("response_format") or {})
        if refusal is not None:
            return self._send(*refusal, {})
        content = reply.content if reply.content is not None else naive_answer(request)
        payload = reply.body or json.dumps(completion(request, content)).encode()
        self._send(200, payload, reply.headers)

    def _answer_ollama(self, reply: Reply, request: dict[str, Any]) -> None:
        """Ollama's native /api/chat: the schema comes as `format`, errors as {"error"}."""
        if reply.status != 200:
            payload = json.dumps({"error": f"scripted {reply.status}"}).encode()
            return self._send(reply.status, payload, reply.headers)
        if not isinstance(request.get("format"), dict) or request.get("stream") is not False:
            return self._send(400, json.dumps({"error": "format schema expected"}).encode(), {})
        content = reply.content if reply.content is not None else naive_answer(request)
        done = completion(request, content)
        payload = {"model": request["model"], "created_at": "2026-01-01T00:00:00Z",
                   "message": {"role": "assistant", "content": content}, "done": True,
                   "done_reason": "stop", "prompt_eval_count": done["usage"]["prompt_tokens"],
                   "eval_count": done["usage"]["completion_tokens"]}
        self._send(200, json.dumps(payload).encode(), reply.headers)

    def _send(self, status: int, payload: bytes, headers: dict[str, str]) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()


def _refusal(dialect: str, response_format: dict[str, Any]) -> tuple[int, bytes] | None:
    """(status, body) when the dialect refuses this response_format, else None."""
    kind = response_format.get("type")
    if not response_format:
        return None  # free text: every server takes it
    if dialect == "llama-cpp-python":
        if kind == "json_object" and isinstance(response_format.get("schema"), dict):
            return None
        return 500, json.dumps(LLAMA_CPP_PYTHON_500).encode()
    if kind == "json_schema" and isinstance(response_format.get("json_schema", {}).get("schema"), dict):
        return None
    return 400, _error("response_format json_schema expected", "invalid_request_error")


def _error(message: str, kind: str) -> bytes:
    return json.dumps({"error": {"message": message, "type": kind, "code": None}}).encode()


def tokens(text: str) -> int:
    """The server's token estimate: characters / 4, rounded up."""
    return (len(text) + 3) // 4


def completion(request: dict[str, Any], content: str) -> dict[str, Any]:
    """A chat.completion object with usage, as OpenAI returns it."""
    schema = json.dumps(request.get("response_format") or request.get("format") or {},
                        separators=(",", ":"))
    prompt = sum(tokens(m.get("content") or "") + 4 for m in request["messages"]) + tokens(schema)
    done = tokens(content)
    return {
        "id": "chatcmpl-fake", "object": "chat.completion", "created": 0,
        "model": request.get("model", "fake"),
        "choices": [{"index": 0, "finish_reason": "stop", "logprobs": None,
                     "message": {"role": "assistant", "content": content, "refusal": None}}],
        "usage": {"prompt_tokens": prompt, "completion_tokens": done,
                  "total_tokens": prompt + done},
    }


_FENCE = re.compile(r"<<<DOCUMENT (\w+)>>>\n(.*)\n<<<END \1>>>", re.DOTALL)
_ORG = re.compile(r"(?:[A-Z][\w&'-]*\s+){0,3}(?:Inc|Corp|Corporation|Co|Ltd|Plc|PLC|LLC|"
                  r"Group|Holdings|Bank|Industries|Partners)\b")
_WIRE = re.compile(r"<([A-Z][^<>\n]{1,60})>")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
_MONEY = re.compile(r"\$\s?(\d+(?:\.\d+)?)\s*(billion|million|bln|mln)?", re.IGNORECASE)


def fenced_document(request: dict[str, Any]) -> str:
    """The fenced document text of a request ("" when there is none)."""
    for message in request["messages"]:
        if message["role"] == "user":
            match = _FENCE.search(message["content"])
            if match:
                return match.group(2)
    return ""


def naive_answer(request: dict[str, Any]) -> str:
    """A deterministic, plausible answer derived from the fenced document alone."""
    text = fenced_document(request)
    names: list[str] = []
    for match in [*_WIRE.finditer(text), *_ORG.finditer(text)]:
        name = (match.group(1) if match.re is _WIRE else match.group(0)).strip()
        if name not in names:
            names.append(name)
    facts = []
    sentences = [s.strip() for s in _SENTENCE_BREAK.split(text) if s.strip()]
    for sentence in sentences:
        subjects = [n for n in names if n in sentence]
        if subjects and re.search(r"\d", sentence) and len(facts) < 6:
            facts.append({"text": sentence, "subjects": subjects, "quote": sentence,
                          "date": None, "figures": _figures(sentence), "event": None,
                          "stance": None, "deal": None})
    first = sentences[0] if sentences else ""
    return json.dumps({
        "summary": first[:200],
        "mentions": [{"name": n, "kind": "organization", "aliases": []} for n in names],
        "facts": facts, "tasks": [], "decisions": [], "topics": [], "publishers": [],
    })


def _figures(sentence: str) -> list[str]:
    scale = {"billion": 10**9, "bln": 10**9, "million": 10**6, "mln": 10**6}
    out = []
    for match in _MONEY.finditer(sentence):
        value = float(match.group(1)) * scale.get((match.group(2) or "").lower(), 1)
        out.append(f"usd:{int(value)}")
    return out
