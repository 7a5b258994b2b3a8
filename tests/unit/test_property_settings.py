"""The property tests' shared settings (`tests/conftest.py`)."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st


def test_no_property_test_is_timed() -> None:
    assert settings().deadline is None


@settings(max_examples=2)
@given(st.integers())
def test_a_slow_example_is_not_a_failure(number: int) -> None:
    # Slower than hypothesis's default deadline (200 ms): it failed the test before.
    time.sleep(0.25)
