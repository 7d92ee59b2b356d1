"""Constrained string types shared by every model of the schema."""

from typing import Annotated

from pydantic import AfterValidator, StringConstraints


def _reject_nul(value: str) -> str:
    # PostgreSQL refuses NUL in text and JSONB; refusing it here keeps the two databases interchangeable.
    if "\x00" in value:
        raise ValueError("text must not contain the NUL character (\\u0000)")
    return value


def text(max_length: int, *, min_length: int = 0, strip: bool = False) -> type[str]:
    """A str type with length limits and no NUL character: `text(300, min_length=1, strip=True)`."""
    constraints = StringConstraints(min_length=min_length, max_length=max_length, strip_whitespace=strip)
    return Annotated[str, constraints, AfterValidator(_reject_nul)]  # type: ignore[return-value]


Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
"""A client-visible id of a section or block: letters, digits, '_' and '-', 1-64 characters."""
