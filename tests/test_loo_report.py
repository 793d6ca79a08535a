"""The reliability figures of scripts/loo_report.py: tenths of the confidence scale, deciles of
equal count, and how far their largest gaps can be trusted when the novels are resampled."""

from __future__ import annotations

from types import ModuleType

import pytest
from support import load_script_module


@pytest.fixture(scope="module")
def report() -> ModuleType:
    return load_script_module("loo_report")


def calibrated(stated: float, n: int) -> list[tuple[float, bool]]:
    """`n` lines stated `stated`, right that share of the time, the right ones spread evenly
    (any run of them is right about that share of the time)."""
    return [(stated, int((i + 1) * stated) > int(i * stated)) for i in range(n)]


def test_calibrated_lines_have_no_gap_in_tenths_or_deciles(report: ModuleType) -> None:
    rows = calibrated(0.35, 200) + calibrated(0.65, 400) + calibrated(0.95, 1400)
    assert report.largest_gap(report.tenths(rows)) == pytest.approx(0.0, abs=0.005)
    assert report.largest_gap(report.deciles(rows)) == pytest.approx(0.0, abs=0.01)
    assert [n for _, n, _, _ in report.deciles(rows)] == [200] * 10


def test_an_overstated_group_shows_its_gap_but_a_small_one_is_left_out(report: ModuleType) -> None:
    rows = calibrated(0.95, 1000) + [(0.35, False)] * 150 + [(0.15, True)] * 50
    tenths = {label: (n, st, ob) for label, n, st, ob in report.tenths(rows)}
    assert tenths["0.3-0.4"] == (150, pytest.approx(0.35), 0.0)
    # the 50 lines at 0.1-0.2 are all right (gap 0.85) but too few to count
    assert report.largest_gap(report.tenths(rows)) == pytest.approx(0.35)
    # the least sure tenth of the lines holds both groups: 120 lines at 0.15 and 0.35
    assert report.deciles(rows)[0][1] == 120


def test_resampling_the_novels_shows_a_gap_that_one_novel_makes(report: ModuleType) -> None:
    per_novel = {f"n{i}": calibrated(0.95, 200) + calibrated(0.45, 120) for i in range(7)}
    assert report.bootstrap(per_novel)["tenths"] == (pytest.approx(0.0, abs=0.01), 1.0)
    per_novel["odd"] = [(0.45, False)] * 120  # one novel whose unsure lines are all wrong
    boot = report.bootstrap(per_novel)
    assert boot == report.bootstrap(per_novel)  # reproducible
    median, share_within = boot["tenths"]
    assert median > 0.05 and 0.0 < share_within < 1.0
