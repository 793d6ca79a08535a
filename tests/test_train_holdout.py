"""Which novels each held-out novel's model is trained on (scripts/train_attribution.py):
every other novel, or with `--hold-out author` only those by other authors."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest
from support import load_script_module


@pytest.fixture(scope="module")
def train() -> ModuleType:
    return load_script_module("train_attribution")


NOVELS = [Path(n) for n in ("Emma", "Persuasion", "OliverTwist", "HardTimes", "TheGambler", "Unlisted")]


def test_leave_one_novel_out_trains_on_every_other_novel(train: ModuleType) -> None:
    apart = train.trained_apart(NOVELS, "novel")
    assert apart["Emma"] == {"Persuasion", "OliverTwist", "HardTimes", "TheGambler", "Unlisted"}


def test_leave_one_author_out_trains_on_other_authors_only(train: ModuleType) -> None:
    apart = train.trained_apart(NOVELS, "author")
    assert apart["Emma"] == apart["Persuasion"] == {"OliverTwist", "HardTimes", "TheGambler", "Unlisted"}
    assert apart["OliverTwist"] == {"Emma", "Persuasion", "TheGambler", "Unlisted"}
    # a novel AUTHORS does not list is an author of its own
    assert apart["Unlisted"] == {"Emma", "Persuasion", "OliverTwist", "HardTimes", "TheGambler"}
