"""Fixtures for extractor tests: the hand-written documents under tests/fixtures."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def fixtures() -> Path:
    """The folder of hand-written fixture files."""
    return Path(__file__).resolve().parents[1] / "fixtures"
