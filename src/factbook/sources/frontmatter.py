"""YAML front matter: split it from a Markdown body, and parse it without losing anything."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from factbook.errors import InputError

_FRONT = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(path: Path, text: str) -> tuple[dict[str, Any], str]:
    """Return (front matter, body). No front matter gives ({}, text)."""
    match = _FRONT.match(text)
    if not match:
        return {}, text
    try:
        meta = YAML(typ="safe").load(match.group(1)) or {}
    except YAMLError as exc:
        raise InputError(str(path), f"has front matter that is not valid YAML ({exc.__class__.__name__})") from exc
    if not isinstance(meta, dict):
        return {}, text
    return {str(k): v for k, v in meta.items()}, text[match.end():].lstrip("\n")
