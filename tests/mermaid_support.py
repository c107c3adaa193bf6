"""The real Mermaid parser under Node and a headless Chromium render, for diagram tests.

`.ci/run` installs both (Node and Chromium from Debian, mermaid and jsdom from npm into
tests/js/node_modules). Locally the tests skip when one is missing; under CI they fail.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parent / "js"
MERMAID = JS / "node_modules" / "mermaid"
_BLOCK = re.compile(r"^```mermaid\n(.*?)^```$", re.S | re.M)
_IN_CI = bool(os.environ.get("CI"))


def chromium() -> str | None:
    """The Chromium binary, if installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


needs_node = pytest.mark.skipif(
    not _IN_CI and not (shutil.which("node") and MERMAID.is_dir()),
    reason="node or tests/js/node_modules (npm ci --prefix tests/js) is missing")
needs_chromium = pytest.mark.skipif(
    not _IN_CI and not (chromium() and MERMAID.is_dir()),
    reason="chromium or tests/js/node_modules is missing")


def mermaid_blocks(markdown: str) -> list[str]:
    """The text of every ```mermaid block of a note."""
    return _BLOCK.findall(markdown)


def parse_mermaid(texts: list[str]) -> list[dict]:
    """Each diagram through `mermaid.parse`: {"ok": True, "type": ...} or {"ok": False, "error"}."""
    done = subprocess.run(["node", str(JS / "parse.mjs")], input=json.dumps(texts), text=True,
                          capture_output=True, cwd=JS, timeout=120, check=True)
    return json.loads(done.stdout)


def render_svg(text: str, work: Path) -> str:
    """The SVG that Mermaid draws for `text` in headless Chromium (a fresh profile)."""
    page = work / "render.html"
    script = (MERMAID / "dist" / "mermaid.min.js").as_uri()
    page.write_text(
        "<!doctype html><html><body><div id=\"out\"></div>"
        f"<script src=\"{script}\"></script><script>"
        "mermaid.initialize({startOnLoad: false, securityLevel: 'strict'});"
        f"mermaid.render('d1', {json.dumps(text)}).then("
        "r => { document.getElementById('out').innerHTML = r.svg; },"
        "e => { document.getElementById('out').textContent = 'RENDER-ERROR ' + e; });"
        "</script></body></html>", encoding="utf-8")
    done = subprocess.run(
        [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={work / 'profile'}", "--virtual-time-budget=15000", "--dump-dom",
         page.as_uri()], capture_output=True, text=True, timeout=120, check=True)
    found = re.search(r"<svg.*</svg>", done.stdout, re.S)
    assert found, f"no SVG rendered: {done.stdout[-500:]}"
    return found.group(0)
