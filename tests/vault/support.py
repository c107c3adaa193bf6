"""Helpers for the living-notes tests: a task-aware extractor and vault edits as a person
makes them in Obsidian.

The offline extractor is still a placeholder that reads checkbox lines as part of the
sentence before them, so tests wrap it: checkbox lines are kept from it and become tasks
(when neither it nor the pipeline's structured-notes step found them), and the rest of
the text goes to the wrapped extractor unchanged.
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from factbook.extract.offline import OfflineExtractor
from factbook.models import Context, Document, Extraction, Task

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "living"
CHECKBOX = re.compile(r"^\s*[-*]\s+\[( |x|X)\]\s+(.*?)\s*$")
DUE = re.compile(r"\s*📅\s*(\d{4}-\d{2}-\d{2})")


class TaskingExtractor:
    """The offline extractor, plus tasks from `- [ ]` lines."""

    name = "offline"
    concurrency = 1

    def __init__(self) -> None:
        self.inner = OfflineExtractor()

    def extract(self, document: Document, context: Context) -> Extraction:
        lines = document.text.split("\n")
        boxes = [CHECKBOX.match(ln) for ln in lines]
        text = "\n".join(ln for ln, box in zip(lines, boxes) if not box)
        extraction = self.inner.extract(replace(document, text=text), context)
        if extraction.tasks:
            return extraction
        for box in filter(None, boxes):
            due = DUE.search(box.group(2))
            words = DUE.sub("", box.group(2)).strip()
            subjects = [m.name for m in extraction.mentions
                        if any(n in words for n in (m.name, *m.aliases))]
            extraction.tasks.append(Task(
                text=words, due=date.fromisoformat(due.group(1)) if due else None,
                done=box.group(1) != " ", subjects=subjects or [m.name for m in extraction.mentions]))
        return extraction


def read(path: Path) -> str:
    """A note's text exactly as on disk."""
    return path.read_bytes().decode("utf-8")


def write(path: Path, text: str) -> None:
    """Save a note as an editor would."""
    path.write_bytes(text.encode("utf-8"))


def fact_lines(text: str, section: str = "Key Facts") -> list[str]:
    """The list lines of one `##` section."""
    body = text.split(f"## {section}\n", 1)
    if len(body) < 2:
        return []
    chunk = body[1].split("\n## ", 1)[0]
    return [ln for ln in chunk.split("\n") if ln.startswith("- ")]


def check_off(text: str, task_words: str, when: str = "2026-02-05") -> str:
    """Tick the task containing `task_words` the way Obsidian Tasks does (✅ date before the
    block id)."""
    out = []
    for line in text.split("\n"):
        if task_words in line and line.startswith("- [ ]"):
            head, _, bid = line.rpartition(" ^")
            line = f"- [x]{head[5:]} ✅ {when} ^{bid}"
        out.append(line)
    return "\n".join(out)
