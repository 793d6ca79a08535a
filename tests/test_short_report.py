"""scripts/short_report.py: how the novels are cut into short-story pieces, and a bad
--chars is a one-line error, not a hang."""

from __future__ import annotations

import itertools
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st
from support import load_script_module


@pytest.fixture(scope="module")
def short() -> ModuleType:
    return load_script_module("short_report")


paragraph = st.text(alphabet="ab .\n", min_size=1, max_size=300).map(lambda t: t.replace("\n\n", "\n"))


@given(st.lists(paragraph, min_size=1, max_size=40), st.sampled_from([1000, 2000, 5000]))
def test_pieces_tile_the_text_and_end_at_paragraph_breaks(
    short: ModuleType, paras: list[str], size: int
) -> None:
    text = "\n\n".join(paras)
    pieces = short.cuts(text, size)
    assert pieces[0][0] == 0 and pieces[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(pieces))
    assert all(text.startswith("\n\n", e) for _, e in pieces[:-1])


@pytest.mark.parametrize("chars", ["0", "999", "x"])
def test_a_piece_length_too_short_or_not_a_number_is_a_one_line_error(
    short: ModuleType, chars: str, tmp_path, capsys
) -> None:
    with pytest.raises(SystemExit) as exit_:
        short.main([str(tmp_path), str(tmp_path), "--chars", chars])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert "error: argument --chars:" in err
