"""Publishing: the draft edition is copied over the published one, which delivery then serves."""

from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from cms.services.drafts import current_document, write_edition
from cms.storage.models import PUBLISHED, Article


async def publish(article: Article) -> None:
    """Publish the current draft now. The first publication sets `published_at`; later ones keep it."""
    document = await current_document(article)
    async with in_transaction():
        await write_edition(article, PUBLISHED, article.version, document)
        article.status = "published"
        article.published_version = article.version
        article.published_at = article.published_at or datetime.now(UTC)
        await article.save(update_fields=["status", "published_version", "published_at"])
