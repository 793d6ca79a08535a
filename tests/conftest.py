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


# ---- parse & sources (branch `parse`): the PDNC novels, golden files ------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="rewrite the expected files under tests/data/golden/ from the current parser",
    )
    parser.addoption(
        "--shared",
        type=Path,
        default=SHARED,
        help="the ../shared folder beside the clone, holding the PDNC novels (default: %(default)s)",
    )


@pytest.fixture
def pdnc(request: pytest.FixtureRequest) -> Path:
    """The PDNC novels folder; the test is skipped when it is absent (a lone clone)."""
    folder = Path(request.config.getoption("--shared")) / "pdnc"
    if not folder.is_dir():
        pytest.skip(f"PDNC novels not found at {folder} (pass --shared DIR)")
    return folder


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """True with --update-golden: rewrite the golden files instead of comparing."""
    return bool(request.config.getoption("--update-golden"))


# ---- end of the parse & sources block ---------------------------------------------------------------
