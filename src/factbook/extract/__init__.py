"""Extractors behind one protocol; `make_extractor` picks one by name."""
from __future__ import annotations

from typing import Any

from factbook.errors import ConfigError
from factbook.extract.base import Extractor

EXTRACTORS = ("offline", "llm")


def make_extractor(name: str, llm_settings: dict[str, Any] | None = None,
                   cache: Any = None) -> Extractor:
    """The extractor called `name` ("offline" or "llm"), configured and ready."""
    if name == "offline":
        from factbook.extract.offline import OfflineExtractor

        return OfflineExtractor()
    if name == "llm":
        try:
            from factbook.extract.llm import LLMExtractor, LLMSettings
        except ImportError as exc:
            raise ConfigError("the LLM extractor is not available in this installation",
                              hint="use --extractor offline") from exc
        import os

        settings = LLMSettings.from_env(os.environ, llm_settings or {})
        return LLMExtractor(settings, cache=cache)
    raise ConfigError(f"unknown extractor {name!r}", hint=f"choose one of {', '.join(EXTRACTORS)}")
