"""Inline text: spans with marks and safe links, and the plain-string shorthand."""

from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from cms.core.text import text

Mark = Literal["strong", "em", "code", "underline", "strike"]

HREF_MAX_LENGTH = 2048
SPAN_MAX_LENGTH = 20_000
SPANS_MAX_COUNT = 1_000


def check_href(href: str) -> str:
    """Accept http:, https:, mailto:, a path '/…' or a fragment '#…'; refuse everything else.

    'javascript:', 'data:' and protocol-relative '//host' are the classic ways a link runs code or leaves the site
    unnoticed, so they are refused rather than cleaned.
    """
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in href):
        raise ValueError(f"link {href!r} must not contain whitespace or control characters")
    if "\\" in href:
        # Browsers read '\' as '/', so '/\evil.com' would be the protocol-relative '//evil.com'.
        raise ValueError(f"link {href!r} must not contain a backslash: use '/'")
    lowered = href.lower()
    if lowered.startswith(("http:", "https:")):
        if not _has_host(href):
            raise ValueError(f"link {href!r} has no host: use 'https://host/…'")
        return href
    if lowered.startswith("mailto:") or (href.startswith("/") and not href.startswith("//")) or href.startswith("#"):
        return href
    raise ValueError(f"link {href!r} is not allowed: use http:, https:, mailto:, a path '/…' or a fragment '#…'")


def _has_host(url: str) -> bool:
    try:
        return bool(urlsplit(url).hostname)
    except ValueError:  # a malformed host, such as 'https://[::1/'
        return False


def _unique_marks(marks: list[str]) -> list[str]:
    if len(set(marks)) != len(marks):
        raise ValueError(f"marks must not repeat: {marks}")
    return marks


Href = Annotated[str, Field(min_length=1, max_length=HREF_MAX_LENGTH), AfterValidator(check_href)]


class Span(BaseModel):
    """A run of text with the same marks: {"text": "ketamine", "marks": ["em"], "href": null}."""

    model_config = ConfigDict(extra="forbid", strict=True)

    text: text(SPAN_MAX_LENGTH, min_length=1)  # type: ignore[valid-type]
    marks: Annotated[list[Mark], AfterValidator(_unique_marks)] = []
    href: Href | None = None


def _shorthand(value: Any) -> Any:
    """'Hello' -> [{"text": "Hello"}]; '' -> []. Anything else is left for the list validator to judge."""
    if isinstance(value, str):
        return [{"text": value}] if value else []
    return value


_SHORTHAND = BeforeValidator(_shorthand, json_schema_input_type=str | list[Span])

Spans = Annotated[list[Span], _SHORTHAND, Field(min_length=1, max_length=SPANS_MAX_COUNT)]
"""At least one span; a plain string is shorthand for one unmarked span."""

CellSpans = Annotated[list[Span], _SHORTHAND, Field(max_length=SPANS_MAX_COUNT)]
"""Spans that may be empty, for table cells."""


def plain_text(spans: list[Span]) -> str:
    return "".join(span.text for span in spans)
