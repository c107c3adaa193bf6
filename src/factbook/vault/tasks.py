"""Tasks in Obsidian Tasks syntax: written into source notes and read back from them."""
from __future__ import annotations

from factbook.store.base import TaskRecord

PRIORITY_EMOJI = {"highest": "🔺", "high": "⏫", "medium": "🔼", "low": "🔽", "lowest": "⏬"}


def format_task(task: TaskRecord, tags: list[str]) -> str:
    """`- [ ] text @Owner 📅 YYYY-MM-DD ⏫ #task #account/acme ^t-…`."""
    parts = [f"- [{'x' if task.done else ' '}] {task.text}"]
    if task.owner:
        parts.append("@" + task.owner.replace(" ", ""))
    if task.due:
        parts.append(f"📅 {task.due.isoformat()}")
    if task.priority in PRIORITY_EMOJI:
        parts.append(PRIORITY_EMOJI[task.priority])
    if task.done and task.done_on:
        parts.append(f"✅ {task.done_on.isoformat()}")
    parts += [f"#{t}" for t in tags]
    parts.append(f"^{task.block_id}")
    return " ".join(parts)
