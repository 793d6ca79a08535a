"""Which novels each held-out novel's model is trained on (scripts/train_attribution.py):
every other novel, or with `--hold-out author` only those by other authors."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPTS = Path(__file__).resolve().parent.parent / "scripts"


@pytest.fixture(scope="module")
def train() -> ModuleType:
    sys.path.insert(0, str(SCRIPTS))
    spec = importlib.util.spec_from_file_location("train_attribution", SCRIPTS / "train_attribution.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


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
