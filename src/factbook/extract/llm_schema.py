"""The LLM's answer: pydantic models, the JSON schema sent as structured output, and
the conversion of a validated answer into an `Extraction` the rest of factbook trusts.

The models validate leniently (missing lists default to empty, kinds are
normalized) while the schema sent to the server is strict (every field required,
no extra keys), so servers that enforce it produce complete answers and servers
that do not still get a fair reading. Conversion re-checks everything against
the document: quotes must occur in it, names must occur in it or be known.
"""
from __future__ import annotations

import copy
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Bump when the models, the schema or the system prompt change: it is part of the
# cache key, so cached answers of an older shape are never reused.
SCHEMA_VERSION = "llm-extraction-v1"

EntityKindName = Literal["organization", "person", "project", "product"]
# The offline extractor's event kinds, so that claims from either extractor meet.
EventName = Literal["deal", "withdrawal", "ipo", "lawsuit", "investment", "revenue",
                    "regulatory", "partnership", "leadership", "plan", "other"]
_EVENTS = set(EventName.__args__)  # type: ignore[attr-defined]
_KIND_SYNONYMS = {"company": "organization", "org": "organization", "organisation": "organization",
                  "account": "organization", "institution": "organization", "people": "person"}


class _Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")


class MentionAnswer(_Answer):
    """An entity the document is about."""

    name: str
    kind: EntityKindName = "organization"
    aliases: list[str] = Field(default_factory=list)

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().lower()
            return _KIND_SYNONYMS.get(value, value)
        return value


class DealAnswer(_Answer):
    """A transaction: who buys what from whom, for how much, how far along."""

    acquirer: str | None = None
    target: str | None = None
    seller: str | None = None
    amount: str | None = None
    status: Literal["proposed", "agreed", "completed", "terminated"] = "proposed"


class FactAnswer(_Answer):
    """One atomic claim and the verbatim passage it came from."""

    text: str
    subjects: list[str] = Field(default_factory=list)
    quote: str = ""
    date: str | None = None
    figures: list[str] = Field(default_factory=list)
    event: EventName | None = None
    stance: Literal["deny"] | None = None
    deal: DealAnswer | None = None

    @field_validator("event", mode="before")
    @classmethod
    def _event(cls, value: Any) -> Any:
        # A kind outside the list is not worth a repair round trip.
        if isinstance(value, str):
            value = value.strip().lower()
            return value if value in _EVENTS else "other"
        return value


class TaskAnswer(_Answer):
    """A commitment someone made."""

    text: str
    owner: str | None = None
    due: str | None = None
    priority: Literal["highest", "high", "medium", "low", "lowest"] | None = None
    subjects: list[str] = Field(default_factory=list)
    quote: str = ""


class DecisionAnswer(_Answer):
    """Something that was decided."""

    text: str
    date: str | None = None
    subjects: list[str] = Field(default_factory=list)
    quote: str = ""


class ExtractionAnswer(_Answer):
    """Everything the model found in one chunk of a document."""

    summary: str = ""
    mentions: list[MentionAnswer] = Field(default_factory=list)
    facts: list[FactAnswer] = Field(default_factory=list)
    tasks: list[TaskAnswer] = Field(default_factory=list)
    decisions: list[DecisionAnswer] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    publishers: list[str] = Field(default_factory=list)


def answer_schema() -> dict[str, Any]:
    """The strict JSON schema of `ExtractionAnswer`, as OpenAI structured outputs want it:
    every property required, no additional properties, no titles or defaults."""
    return _strict(ExtractionAnswer.model_json_schema())


def _strict(node: Any) -> Any:
    # Titles, defaults and descriptions are dropped: the system prompt explains the
    # fields once, and every schema token is paid again on every call.
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {k: _strict(v) for k, v in node.items() if k not in ("title", "default", "description")}
    if "properties" in out:
        out["required"] = list(out["properties"])
        out["additionalProperties"] = False
    options = out.get("anyOf")
    if options and all(list(o) == ["type"] and isinstance(o["type"], str) for o in options):
        del out["anyOf"]  # {"anyOf": [{"type": "string"}, {"type": "null"}]}, said shorter
        out["type"] = [o["type"] for o in options]
    return out


def response_format() -> dict[str, Any]:
    """The `response_format` request field: structured output with the strict schema."""
    return {
        "type": "json_schema",
        "json_schema": {"name": "extraction", "strict": True, "schema": copy.deepcopy(_SCHEMA)},
    }


_SCHEMA = answer_schema()


def parse_answer(content: str) -> ExtractionAnswer:
    """Validate a model's reply; raises pydantic.ValidationError (JSON errors included)."""
    return ExtractionAnswer.model_validate_json(_strip_code_fence(content))


def _strip_code_fence(content: str) -> str:
    # Some local models wrap JSON in a Markdown code block even when told not to.
    stripped = content.strip()
    match = re.fullmatch(r"```(?:json)?\s*(.*?)\s*```", stripped, re.DOTALL)
    return match.group(1) if match else stripped


def merge_answers(answers: list[ExtractionAnswer]) -> ExtractionAnswer:
    """One answer from the answers of a document's chunks: lists concatenated (the
    conversion removes the duplicates that overlap produces), the first summary."""
    if len(answers) == 1:
        return answers[0]
    merged = ExtractionAnswer(summary=next((a.summary for a in answers if a.summary.strip()), ""))
    for answer in answers:
        merged.mentions.extend(answer.mentions)
        merged.facts.extend(answer.facts)
        merged.tasks.extend(answer.tasks)
        merged.decisions.extend(answer.decisions)
        merged.topics.extend(answer.topics)
        merged.publishers.extend(answer.publishers)
    return merged


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_FIGURE = re.compile(r"([a-z][a-z_]{0,15}):\s*([-+]?[\d,]*\.?\d+)\s*([a-z]*)")
_MULTIPLIERS = {"": 1, "k": 10**3, "thousand": 10**3, "m": 10**6, "mn": 10**6, "mln": 10**6,
                "million": 10**6, "b": 10**9, "bn": 10**9, "bln": 10**9, "billion": 10**9,
                "t": 10**12, "tn": 10**12, "trillion": 10**12}
_UNIT_SYNONYMS = {"percent": "pct", "%": "pct", "dollars": "usd", "dlrs": "usd"}


def parse_iso_date(value: str | None) -> date | None:
    """A date from a YYYY-MM-DD string, or None for anything else (partial or invalid dates)."""
    if not value:
        return None
    match = _ISO_DATE.fullmatch(value.strip())
    if not match:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def normalize_figure(value: str) -> str | None:
    """A figure as "unit:number" with the number in full ("usd:80000000000"), or None.

    Accepts the small slips models make: thousands separators, a trailing
    multiplier word ("usd:45 billion"), a unit word for a code.
    """
    text = value.strip().lower().replace(" ", "") if ":" in value else ""
    match = _FIGURE.fullmatch(text.replace(",", "")) if text else None
    if not match or match[3] not in _MULTIPLIERS:
        return None
    try:
        number = Decimal(match[2]) * _MULTIPLIERS[match[3]]
    except InvalidOperation:
        return None
    unit = _UNIT_SYNONYMS.get(match[1], match[1])
    if number == number.to_integral_value():
        return f"{unit}:{int(number)}"
    return f"{unit}:{format(number.normalize(), 'f')}"
