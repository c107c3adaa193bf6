"""Semantic search through a real OpenAI-compatible server on 127.0.0.1, and the local model."""
from __future__ import annotations

import json
import math
import re
import zlib

import pytest

from factbook.errors import ConfigError
from factbook.query.embeddings import (
    EmbeddingSettings, EndpointEmbedder, index_embeddings, local_model_installed, make_embedder,
)
from factbook.query.search import search
from tests.http_fake import JsonServer

DIMS = 32
# Words the fake model treats as one meaning, so a query can match without sharing a word.
CONCEPTS = {"vessels": 0, "barges": 0, "barge": 0, "boats": 0}


def fake_vector(text: str) -> list[float]:
    """A deterministic bag-of-words vector: each word adds to one dimension."""
    vec = [0.0] * DIMS
    for word in re.findall(r"\w+", text.lower()):
        vec[CONCEPTS.get(word, 1 + zlib.crc32(word.encode()) % (DIMS - 1))] += 1.0
    norm = math.sqrt(sum(v * v for v in vec)) or 1.0
    return [v / norm for v in vec]


class EmbeddingServer(JsonServer):
    """`POST /v1/embeddings` in the OpenAI format; records every request."""

    def __init__(self, fail: bool = False) -> None:
        def respond(path: str, body: dict) -> tuple[int, dict]:
            if fail or path != "/v1/embeddings":
                return (500 if fail else 404), {"error": {"message": "down"}}
            texts = body["input"] if isinstance(body["input"], list) else [body["input"]]
            data = [{"object": "embedding", "index": i, "embedding": fake_vector(t)}
                    for i, t in reversed(list(enumerate(texts)))]  # out of order on purpose
            return 200, {"object": "list", "data": data, "model": body["model"],
                         "usage": {"prompt_tokens": 1, "total_tokens": 1}}
        super().__init__(respond)

    @property
    def requests(self) -> list[dict]:
        """Every call: path, Authorization header and body."""
        return self.calls

    def inputs(self) -> list[str]:
        return [t for r in self.requests for t in r["body"]["input"]]


@pytest.fixture
def server():
    srv = EmbeddingServer()
    yield srv
    srv.close()


def test_endpoint_embedder_speaks_the_openai_api(server):
    embedder = EndpointEmbedder(server.url, "fake-embed", "sk-test")
    vectors = embedder.embed(["river barges", "dividend"])
    assert vectors == [pytest.approx(fake_vector("river barges")), pytest.approx(fake_vector("dividend"))]
    assert server.requests[0]["path"] == "/v1/embeddings"
    assert server.requests[0]["auth"] == "Bearer sk-test"
    assert server.requests[0]["body"]["model"] == "fake-embed"


def test_hybrid_search_finds_by_meaning_and_caches_vectors(filled, server):
    embedder = EndpointEmbedder(server.url, "fake-embed", None)
    result = search(filled.store, "vessels", embedder=embedder, types=("fact", "source"))
    assert result.mode == "hybrid"
    assert any("barges" in h.title for h in result.hits), "no word matches: meaning must"
    embedded = len(server.inputs())
    assert embedded >= 4 + 3  # every fact and source, then the query
    again = search(filled.store, "vessels", embedder=embedder, types=("fact", "source"))
    assert [h.id for h in again.hits] == [h.id for h in result.hits]
    assert server.inputs()[embedded:] == ["vessels"], "cached vectors are not recomputed"
    with filled.store.transaction():
        filled.store.set_fact_text(filled.ids["pilot"], "Halvorsen Freight will pilot boats.")
    assert index_embeddings(filled.store, embedder) == 1


def test_semantic_hits_respect_filters(filled, server):
    embedder = EndpointEmbedder(server.url, "fake-embed", None)
    result = search(filled.store, "vessels", embedder=embedder, entity="Tidewater Mills",
                    types=("fact",))
    assert result.hits and all("Tidewater Mills" in h.entities for h in result.hits)


def test_a_failing_endpoint_leaves_full_text_and_says_so(filled):
    down = EmbeddingServer(fail=True)
    try:
        embedder = EndpointEmbedder(down.url, "fake-embed", None, timeout=5)
        embedder.client = embedder.client.with_options(max_retries=0)
        result = search(filled.store, "barges", embedder=embedder, types=("fact",))
    finally:
        down.close()
    assert result.mode == "full-text" and result.hits
    assert "semantic search failed" in result.notice


def test_settings_come_from_config_then_environment():
    llm = {"base_url": "http://127.0.0.1:9/v1", "model": "chat-model"}
    from_file = EmbeddingSettings.from_config(llm, {"embedding_model": "cfg-model"}, {})
    assert (from_file.base_url, from_file.model, from_file.mode) == \
        ("http://127.0.0.1:9/v1", "cfg-model", "auto")
    settings = EmbeddingSettings.from_config(
        llm, {"embedding_model": "cfg-model"},
        {"FACTBOOK_EMBEDDING_MODEL": "env-model", "OPENAI_API_KEY": "k"})
    assert (settings.model, settings.api_key) == ("env-model", "k")
    assert make_embedder(settings).embedder.name == "endpoint:env-model"
    off = EmbeddingSettings.from_config({}, {"semantic": "off"}, {})
    assert make_embedder(off).embedder is None
    with pytest.raises(ConfigError):
        EmbeddingSettings.from_config({}, {"semantic": "sometimes"}, {})
    with pytest.raises(ConfigError):
        make_embedder(EmbeddingSettings(mode="endpoint"))


def test_cli_search_uses_the_configured_endpoint(cli, filled, server, monkeypatch):
    config = filled.layout.state_dir / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + f'\n[search]\nembedding_model = '
                      f'"fake-embed"\nbase_url = "{server.url}"\n', encoding="utf-8")
    for var in ("FACTBOOK_SEMANTIC", "FACTBOOK_EMBEDDING_MODEL", "FACTBOOK_LLM_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    data = json.loads(cli("search", "vessels", "--vault", filled.layout.root, "--json").output)
    assert data["mode"] == "hybrid" and data["notice"] is None
    assert any("barges" in h["title"] for h in data["hits"])


@pytest.mark.skipif(not local_model_installed(), reason="factbook[embeddings] is not installed")
def test_local_model_ranks_by_meaning():
    from factbook.query.embeddings import LocalEmbedder

    embedder = LocalEmbedder()
    ships, barges, dividend = embedder.embed(["cargo ships", "river barges", "quarterly dividend"])
    assert len(ships) == 384 and abs(sum(v * v for v in ships) - 1) < 1e-3
    near = sum(a * b for a, b in zip(ships, barges))
    far = sum(a * b for a, b in zip(ships, dividend))
    assert near > far
