"""Whole numbers from clients: parsed only when they fit, so no input reaches Python's or a column's limits."""

MAX_VERSION = 2**31 - 1
"""The largest version (or any id) the integer columns hold on both databases: beyond it, a driver error."""


def whole_number(raw: str, maximum: int) -> int | None:
    """'42' -> 42, '007' -> 7; None for anything but ASCII digits or above `maximum`.

    Leading zeros are dropped and the length checked before `int()`: Python's int parser refuses strings of over
    4 300 digits, and '0' * 10 000 + '1' is such a string however small its value.
    """
    if not (raw.isascii() and raw.isdigit()):
        return None
    significant = raw.lstrip("0") or "0"
    if len(significant) > len(str(maximum)):
        return None
    number = int(significant)
    return number if number <= maximum else None
