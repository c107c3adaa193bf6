"""Shared test fixtures: temp vaults, the CLI runner, and the evaluation material in ../shared."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factbook.cli import app

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SEEDS = SHARED / "seeds"
REUTERS_DEV = SHARED / "eval" / "reuters-acq-dev"
EXAMPLES = REPO / "examples"


def needs_shared() -> pytest.MarkDecorator:
    """Skip a test when ../shared (the evaluation material) is not beside the checkout."""
    return pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared is not beside the checkout")


def load_scorer():
    """The evaluation scorer from ../shared/eval, imported as a module."""
    spec = importlib.util.spec_from_file_location("score_vault", SHARED / "eval" / "score_vault.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """An empty folder to use as a vault."""
    return tmp_path / "vault"


@pytest.fixture
def cli():
    """Run the CLI in-process: cli("ingest", "x", "--vault", v) -> Result."""
    runner = CliRunner()

    def run(*args: str | Path):
        return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    return run


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file in a vault (the store aside) by relative path, with its bytes."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and ".factbook" not in p.relative_to(root).parts}
