"""Articles for renderer tests: the fields a test does not care about are filled in once, here."""

from datetime import UTC, datetime
from typing import Any

from cms.core.article import Article

PUBLISHED_AT = datetime(2026, 11, 24, 10, tzinfo=UTC)


def published(sections: list[dict[str, Any]], **fields: Any) -> Article:
    """A published article holding `sections`; `fields` override the defaults (title 'Ketamine', version 1, …)."""
    defaults: dict[str, Any] = {
        "id": "a1", "slug": "ketamine", "locale": "en", "title": "Ketamine", "summary": None, "tags": [],
        "author": None, "status": "published", "version": 1, "published_at": PUBLISHED_AT, "updated_at": PUBLISHED_AT,
    }  # fmt: skip
    return Article.model_validate(defaults | fields | {"sections": sections})
