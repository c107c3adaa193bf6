"""The MCP list tools, annotations and compact answers, through the official client (stdio).

Token counts are estimated as characters / 4 (factbook.mcp_text.estimate_tokens).
"""
from __future__ import annotations

import sys
from pathlib import Path

import anyio
from mcp import ClientSession, StdioServerParameters, stdio_client

from factbook.cli import init_vault
from factbook.mcp_text import estimate_tokens
from tests.invented_corpus import write_corpus

MEETING = """Weekly sync with Pellion Drones Inc
2024-05-06

Pellion Drones Inc will ship 300 inspection drones to the port authority by June.
- [ ] Dana to book the site visit with Pellion Drones Inc by 2024-05-20
"""
READ_ONLY = {"ask", "search", "get_note", "timeline", "brief", "list_entities", "list_tasks",
             "recent_activity"}


def _server(vault: Path) -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable, args=["-m", "factbook.cli", "mcp", "--vault", str(vault)],
        env={"FACTBOOK_SEMANTIC": "off"}, cwd=str(Path(__file__).resolve().parents[1]))


async def _calls(vault: Path) -> dict:
    out: dict = {}
    async with stdio_client(_server(vault)) as (read, write):
        async with ClientSession(read, write) as session:
            await session.initialize()
            out["tools"] = {t.name: t for t in (await session.list_tools()).tools}
            await session.call_tool("ingest_text", {"text": MEETING})
            for name, args in (("entities", ("list_entities", {})),
                               ("people", ("list_entities", {"kind": "person"})),
                               ("tasks", ("list_tasks", {})),
                               ("activity", ("recent_activity", {"days": 3})),
                               ("search", ("search", {"query": "the", "limit": 50})),
                               ("missing", ("get_note", {"entity": "Harborview Logistix"}))):
                out[name] = await session.call_tool(*args)
    return out


def test_list_tools_annotations_and_a_compact_search(tmp_path, cli):
    vault = tmp_path / "vault"
    init_vault(vault)
    assert cli("ingest", write_corpus(tmp_path / "inbox"), "--vault", vault).exit_code == 0
    out = anyio.run(_calls, vault)

    for name, tool in out["tools"].items():
        notes = tool.annotations
        assert notes is not None, name
        assert notes.read_only_hint is (name in READ_ONLY), name
        assert notes.destructive_hint is False and notes.open_world_hint is False, name
        for prop, schema in tool.input_schema.get("properties", {}).items():
            assert schema.get("description"), f"{name}.{prop} has no description"

    entities = out["entities"].content[0].text
    assert "Harborview Logistics (account)" in entities and "Pellion Drones" in entities
    names = {row["name"] for row in out["entities"].structured_content["items"]}
    assert {"Quillon Systems", "Pinecrest Energy"} <= names
    assert all(r["kind"] == "person" for r in out["people"].structured_content["items"])

    tasks = out["tasks"]
    assert not tasks.is_error
    assert "site visit" in tasks.content[0].text
    assert any("site visit" in t["text"] for t in tasks.structured_content["items"])
    assert "Pellion Drones" in out["activity"].content[0].text

    search = out["search"].content[0].text
    assert search.count("\n") > 5 and "sources:" in search
    assert estimate_tokens(search) < 1_500, estimate_tokens(search)
    # A source is named once, however many hits point at it.
    source_lines = search.split("sources:", 1)[1].strip().splitlines()
    assert len(source_lines) == len(set(source_lines))

    missing = out["missing"]
    assert missing.is_error and "list_entities" in missing.content[0].text
