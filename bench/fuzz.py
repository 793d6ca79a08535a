"""The CI fuzz tests, run longer: every property with N examples (default 20,000) and a new seed.

    .venv/bin/python bench/fuzz.py [N]

CI runs each property with 300-500 examples (tests/test_fuzz.py, tests/test_fountain_roundtrip.py);
this runs the same properties, unchanged, with many more, and prints examples per second.
A failure prints hypothesis's minimal falsifying example and exits 1.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import test_fountain_roundtrip as roundtrip
import test_fuzz as fuzz

# Each property with the strategies its test draws from (the same ones, not copies).
PROPERTIES: list[tuple[Any, tuple[Any, ...]]] = [
    (fuzz.test_any_story_parses_into_a_well_formed_script, (fuzz.stories(),)),
    (fuzz.test_any_story_file_reads_or_gives_a_one_line_error, (st.binary(max_size=400), fuzz.SUFFIXES)),
    (fuzz.test_any_settings_file_loads_or_gives_a_one_line_error, (fuzz.settings_files(),)),
    (fuzz.test_any_fountain_edit_applies_or_gives_a_one_line_error, (fuzz.fountain_edits(), st.booleans())),
    (roundtrip.test_parsed_stories_survive_the_fountain_round_trip, (roundtrip.stories,)),
    (roundtrip.test_any_script_survives_the_fountain_round_trip, (roundtrip.scripts(),)),
]


def longer(test: Any, strategies: tuple[Any, ...], examples: int) -> Any:
    """The property under `test` with `examples` examples and no example database."""
    inner = test.hypothesis.inner_test
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        database=None,
    )(given(*strategies)(inner))


def main() -> int:
    examples = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    failed = 0
    for test, strategies in PROPERTIES:
        start = time.perf_counter()
        try:
            longer(test, strategies, examples)()
        except Exception as exc:  # the property's own assertion or an unexpected error
            failed += 1
            print(f"FAIL {test.__name__}: {type(exc).__name__}: {exc}")
            continue
        took = time.perf_counter() - start
        print(f"ok   {test.__name__}: {examples} examples in {took:.1f} s ({examples / took:.0f}/s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
