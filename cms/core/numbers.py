"""Whole numbers from clients: parsed only when they fit, so no input reaches Python's or a column's limits."""

MAX_VERSION = 2**31 - 1
"""The largest version (or any id) the integer columns hold on both databases: beyond it, a driver error."""


def whole_number(raw: str, maximum: int) -> int | None:
    """'42' -> 42; None for anything but ASCII digits or above `maximum`.

    The length is checked before `int()`: a string of 5 000 digits would raise in Python's int parser.
    """
    if not (raw.isascii() and raw.isdigit()) or len(raw.lstrip("0")) > len(str(maximum)):
        return None
    number = int(raw)
    return number if number <= maximum else None
