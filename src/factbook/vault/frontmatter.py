"""Writing front matter: our keys in a fixed order, the person's own keys kept verbatim."""
from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

_PLAIN = re.compile(r"^[A-Za-z_][\w .'&()/+-]*$")
_RESERVED = {"yes", "no", "true", "false", "null", "on", "off", "y", "n", "~"}


def scalar(value: Any, in_list: bool = False) -> str:
    """A YAML scalar: plain when that is unambiguous, JSON-quoted otherwise."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    plain = _PLAIN.match(text) and text.casefold() not in _RESERVED and not text.endswith(" ")
    if plain and not (in_list and "," in text):
        return text
    return json.dumps(text, ensure_ascii=False)


def render_front_matter(owned: dict[str, Any], extra_blocks: dict[str, str]) -> str:
    """`---`-fenced front matter: `owned` keys in order (lists in flow style), then the
    person's other keys exactly as they wrote them."""
    lines = ["---"]
    for key, value in owned.items():
        if value is None or value == "":
            continue
        if isinstance(value, (list, tuple)):
            lines.append(f"{key}: [{', '.join(scalar(v, in_list=True) for v in value)}]")
        else:
            lines.append(f"{key}: {scalar(value)}")
    for key, block in extra_blocks.items():
        if key not in owned:
            lines.append(block)
    lines.append("---")
    return "\n".join(lines) + "\n"
