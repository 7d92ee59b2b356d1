"""Whole numbers from clients: any string in, an int within bounds or None out, never an exception."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cms.core.numbers import MAX_VERSION, whole_number


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("42", 42), ("0", 0), ("007", 7), ("0" * 10_000 + "1", 1), ("0" * 10_000, 0), ("2147483647", MAX_VERSION)],
)
def test_digits_within_the_maximum_are_their_value(raw: str, expected: int) -> None:
    assert whole_number(raw, MAX_VERSION) == expected


@pytest.mark.parametrize("raw", ["", "-1", "+1", "1.0", " 1", "1e3", "٣", "2147483648", "9" * 5_000])
def test_anything_else_is_none(raw: str) -> None:
    assert whole_number(raw, MAX_VERSION) is None


@given(st.text())
def test_never_raises(raw: str) -> None:
    number = whole_number(raw, 100)
    assert number is None or 0 <= number <= 100
