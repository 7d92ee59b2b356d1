"""Constrained string types shared by every model of the schema."""

import re
from typing import Annotated, Any

from pydantic import AfterValidator, StringConstraints, ValidationError, ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import PydanticCustomError


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

SERVER_ID_PATTERN = r"^[0-9a-f]{32}$"
"""An id the server made: 32 lowercase hexadecimal digits (a token's, webhook's or delivery's `uuid4().hex`, an
asset's first 128 bits of its SHA-256). Their columns hold exactly 32 characters."""
_SERVER_ID = re.compile(SERVER_ID_PATTERN)


def is_server_id(value: str) -> bool:
    """True for a value shaped like an id the server made; anything else names nothing, whatever its length."""
    return _SERVER_ID.match(value) is not None


def explained(template: str) -> WrapValidator:
    """Replace Pydantic's error for a bad string by `template`, where '{value}' is the value quoted.

    A pattern error quotes the regex ("String should match pattern '^[a-z0-9]+…'"), which tells a client little;
    `explained("slug {value} is not valid: use lowercase a-z, 0-9 and single hyphens")` says what would be accepted.
    A value that is not a string at all keeps Pydantic's own "Input should be a valid string".
    """

    def explain(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        try:
            return handler(value)
        except ValidationError:
            if not isinstance(value, str):
                raise
            shown = value if len(value) <= 60 else value[:60] + "…"
            raise PydanticCustomError("value_invalid", template, {"value": repr(shown)}) from None

    return WrapValidator(explain)
