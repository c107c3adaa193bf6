"""The MCP server through a real client session: the SDK's stdio client spawns `factbook mcp`."""
from __future__ import annotations

import sys
from pathlib import Path

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client

from factbook.cli import init_vault
from factbook.mcp import VaultTools
from tests.conftest import SEEDS, needs_shared

MEETING = """Weekly sync with Kestrel Robotics Inc
2024-05-06

Kestrel Robotics Inc will ship 300 inspection drones to the port authority by June.
Action: Lena Farrow to send the revised quote by Friday.
"""


def _server(vault: Path) -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable, args=["-m", "factbook.cli", "mcp", "--vault", str(vault)],
        env={"FACTBOOK_SEMANTIC": "off"}, cwd=str(Path(__file__).resolve().parents[1]))


async def _session_calls(vault: Path) -> dict:
    out: dict = {}
    async with stdio_client(_server(vault)) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            out["tools"] = sorted(t.name for t in (await session.list_tools()).tools)
            ingest = await session.call_tool("ingest_text", {"text": MEETING})
            out["ingest"] = ingest.structured_content
            out["search"] = (await session.call_tool("search", {"query": "inspection drones"})
                             ).structured_content
            out["note"] = (await session.call_tool("get_note", {"entity": "Kestrel Robotics"})
                           ).structured_content
            out["timeline"] = (await session.call_tool("timeline", {"entity": "Kestrel Robotics"})
                               ).structured_content
            out["brief"] = (await session.call_tool("brief", {"entity": "Kestrel Robotics",
                                                              "since": "2024-01-01"})
                            ).structured_content
            out["ask"] = (await session.call_tool("ask", {"question": "How many drones will "
                                                                      "Kestrel ship?"})
                          ).structured_content
            missing = await session.call_tool("get_note", {"entity": "Kestrel Robotix"})
            out["missing"] = (missing.is_error, missing.content[0].text)
    return out


def test_client_session_uses_every_tool(tmp_path):
    vault = tmp_path / "vault"
    init_vault(vault)
    out = anyio.run(_session_calls, vault)
    assert out["tools"] == ["ask", "brief", "get_note", "ingest_text", "list_entities",
                            "list_tasks", "recent_activity", "search", "timeline"]
    assert "300 inspection drones" in out["ask"]["markdown"] and not out["ask"]["refused"]
    assert out["ingest"]["file"].startswith("Inbox/") and out["ingest"]["new_sources"]
    assert (vault / out["ingest"]["file"]).read_text(encoding="utf-8") == MEETING
    hits = out["search"]["hits"]
    assert hits and out["search"]["mode"] == "full-text"
    assert any("**inspection** **drones**" in h["snippet"] for h in hits)
    assert out["note"]["note_path"] == "Accounts/Kestrel Robotics.md"
    assert out["note"]["text"].startswith("---\ntype: account")
    assert any(e["type"] == "source" for e in out["timeline"]["entries"])
    assert out["brief"]["since"] == "2024-01-01" and "## What changed" in out["brief"]["markdown"]
    is_error, text = out["missing"]
    assert is_error and "no entity called 'Kestrel Robotix'" in text and "did you mean" in text


def test_ingest_text_refuses_empty_text(tmp_path):
    from factbook.config import load_config
    from factbook.errors import InputError
    from factbook.vault.layout import VaultLayout

    root = tmp_path / "vault"
    init_vault(root)
    tools = VaultTools(VaultLayout(root, load_config(root)), env={"FACTBOOK_SEMANTIC": "off"})
    with pytest.raises(InputError):
        tools.ingest_text("   \n")
    first = tools.ingest_text("Same title\n\nbody one", title="Same title")
    second = tools.ingest_text("other body two", title="Same title")
    assert first["file"] != second["file"]
    assert (root / second["file"]).read_text(encoding="utf-8").startswith("Same title\n\nother body")


@needs_shared()
def test_seed_vault_over_mcp(tmp_path, cli):
    vault = tmp_path / "vault"
    cli("ingest", SEEDS, "--vault", vault)

    async def calls():
        async with stdio_client(_server(vault)) as (read, write):
            async with ClientSession(read, write) as session:
                await session.initialize()
                found = await session.call_tool("search", {"query": "data center", "limit": 3})
                names = [p.stem for p in (vault / "Accounts").glob("*.md")]
                brief = await session.call_tool("brief", {"entity": names[0]})
                # The text content is compact Markdown; the structured content keeps the data.
                return found.structured_content, brief.is_error, brief.structured_content

    found, brief_failed, brief = anyio.run(calls)
    assert found["hits"] and len(found["hits"]) <= 3
    assert not brief_failed and brief["markdown"].startswith("---\ntype: brief")
