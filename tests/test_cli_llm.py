"""`factbook ingest --extractor llm` end to end, through a fake OpenAI server on 127.0.0.1."""
from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import pytest

from tests.conftest import snapshot
from tests.llm_server import FakeLLMServer

DOCUMENTS = {
    "ferrow.txt": (
        "Ferrow Robotics Inc said on March 3, 2026 it agreed to buy Lintel Optics Corp for "
        "$310 million in cash.\n\nLintel Optics Corp makes lidar units for warehouse robots. "
        "The deal needs approval from Lintel shareholders.\n"),
    "lintel.txt": (
        "Lintel Optics Corp said its board backed the $310 million offer from Ferrow Robotics "
        "Inc.\n\nLintel Optics Corp expects 2026 revenue of $45 million.\n"),
    "brookmere.md": (
        "# Brookmere Bank weekly\n\nBrookmere Bank Group said it will open 12 branches in 2026."
        "\n"),
}


@pytest.fixture
def server(monkeypatch):
    with FakeLLMServer() as fake:
        monkeypatch.setenv("FACTBOOK_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("FACTBOOK_LLM_MODEL", "fake-model")
        monkeypatch.setenv("FACTBOOK_LLM_TIMEOUT", "10")
        yield fake


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    folder.mkdir()
    for name, text in DOCUMENTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def ingest(cli, inbox: Path, vault: Path, *extra: str) -> dict:
    result = cli("ingest", inbox, "--vault", vault, "--extractor", "llm", "--json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)  # stderr carries the progress lines


def test_llm_ingest_writes_cited_notes_and_reingest_costs_nothing(cli, vault, inbox, server):
    dry = ingest(cli, inbox, vault, "--dry-run")
    assert server.calls == 3 and dry["llm_usage"]["calls"] == 3
    assert snapshot(vault) == {}
    # The dry run's answers were cached: the real run makes no call at all.
    first = ingest(cli, inbox, vault)
    assert server.calls == 3
    assert first["llm_usage"]["calls"] == 0 and first["llm_usage"]["cached"] == 3
    assert len(first["new_sources"]) == 3 and first["failures"] == []
    note = (vault / "Accounts" / "Lintel Optics.md").read_text(encoding="utf-8")
    assert "type: account" in note and "## Key Facts" in note
    key_facts = note.split("## Key Facts")[1].split("\n## ")[0]
    fact_lines = [line for line in key_facts.splitlines() if "$310 million" in line]
    assert fact_lines and all("[[" in line and "^f-" in line for line in fact_lines)
    before = snapshot(vault)
    again = ingest(cli, inbox, vault)
    assert server.calls == 3 and again["llm_usage"]["calls"] == 0
    assert snapshot(vault) == before
    status = cli("status", "--vault", vault)
    assert "llm:fake-model: 0 calls, 3 cached" in status.output
    runs = json.loads(cli("status", "--vault", vault, "--json").output)["runs"]
    assert runs[-1]["report"]["llm_usage"]["prompt_tokens"] > 0


def test_config_file_selects_the_llm_extractor(cli, vault, inbox, server):
    cli("init", vault)
    config = vault / ".factbook" / "config.toml"
    config.write_text(config.read_text().replace('extractor = "offline"', 'extractor = "llm"'))
    report = json.loads(cli("ingest", inbox, "--vault", vault, "--json").stdout)
    assert server.calls == 3 and report["llm_usage"]["calls"] == 3


def test_missing_model_is_one_clear_line(cli, vault, inbox, monkeypatch):
    monkeypatch.delenv("FACTBOOK_LLM_MODEL", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    result = cli("ingest", inbox, "--vault", vault, "--extractor", "llm")
    assert result.exit_code == 2
    assert "factbook: error: no LLM model is configured" in result.output
    assert "Traceback" not in result.output


def test_unreachable_server_stops_the_run_with_one_line(cli, vault, inbox, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("FACTBOOK_LLM_BASE_URL", f"http://127.0.0.1:{port}/v1")
    monkeypatch.setenv("FACTBOOK_LLM_MODEL", "fake-model")
    result = cli("ingest", inbox, "--vault", vault, "--extractor", "llm")
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert lines[0] == f"factbook: error: cannot reach the LLM server at http://127.0.0.1:{port}/v1"
    assert "Traceback" not in result.output
    assert not list((vault / "Accounts").glob("*.md"))


def test_a_hanging_local_server_ends_the_run_within_the_bound(cli, vault, inbox, monkeypatch):
    with FakeLLMServer(hang=True) as fake:
        monkeypatch.setenv("FACTBOOK_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("FACTBOOK_LLM_MODEL", "fake-model")
        monkeypatch.setenv("FACTBOOK_LLM_TIMEOUT", "1")
        started = time.monotonic()
        result = cli("ingest", inbox, "--vault", vault, "--extractor", "llm", "--json")
        elapsed = time.monotonic() - started
        assert fake.calls == 3  # one request per document, none sent again
    assert result.exit_code == 1 and elapsed < 15
    report = json.loads(result.stdout)
    reasons = [f["reason"] for f in report["failures"]]
    assert len(reasons) == 3 and all("did not answer within 1 s" in r for r in reasons)
    # Progress on stderr, even with --json: one line per document, then its failure.
    progress = [line for line in result.stderr.splitlines() if line.startswith("factbook: llm: ")]
    assert len(progress) == 3 and all("failed after 1 call" in line for line in progress)


def test_llama_cpp_python_dialect_is_negotiated_once_and_kept_in_the_store(cli, vault, inbox,
                                                                          monkeypatch):
    with FakeLLMServer("llama-cpp-python") as fake:
        monkeypatch.setenv("FACTBOOK_LLM_BASE_URL", fake.base_url)
        monkeypatch.setenv("FACTBOOK_LLM_MODEL", "fake-model")
        first = ingest(cli, inbox, vault)
        assert first["failures"] == [] and first["llm_usage"]["structured_output"] == "json_object"
        assert fake.calls == 4  # one refused json_schema, then one call per document
        (inbox / "later.txt").write_text("Quellmont Freight Ltd said it hired 40 drivers in 2026.\n")
        second = ingest(cli, inbox, vault)
        assert fake.calls == 5 and second["llm_usage"]["calls"] == 1
        assert fake.requests[-1].json["response_format"]["type"] == "json_object"
        assert all("max_tokens" in r.json for r in fake.requests)
