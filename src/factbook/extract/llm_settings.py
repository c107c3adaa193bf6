"""The LLM extractor's settings: the `[llm]` table of config.toml, overridden by the
environment, with the bounds every call gets (output tokens, timeout, retries)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from factbook.errors import ConfigError
from factbook.extract.llm_transport import PROTOCOLS, is_local

OPENAI_BASE_URL = "https://api.openai.com/v1"


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
