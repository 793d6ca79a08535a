"""Shared fixtures: paths to the repo, the demo story and ../shared."""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", message=".*audioop.*", category=DeprecationWarning)

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
DEMO = REPO / "stories" / "demo.txt"
PDNC = SHARED / "pdnc"


@pytest.fixture
def demo_text() -> str:
    return DEMO.read_text(encoding="utf-8")


@pytest.fixture
def production(tmp_path: Path):
    """A fresh, empty production with the demo story copied in."""
    from audiodrama.project.production import init_production

    prod = init_production(tmp_path / "prod")
    (prod.root / "stories").mkdir()
    shutil.copy(DEMO, prod.root / "stories" / "demo.txt")
    return prod
