"""Creating and replacing drafts. Every write that changes the draft stores a new revision (version + 1)."""

import uuid
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from cms.core.article import ArticleInput, Document, slug_for, to_document
from cms.core.errors import Conflict
from cms.storage.models import DRAFT, Article, Edition, Revision, Section


async def create(article: ArticleInput, default_locale: str, token_name: str | None = None) -> Article:
    """A new draft (version 1). The slug is the one given, else derived from the title; 409 when taken."""
    locale = article.locale or default_locale
    slug = slug_for(article)
    document = to_document(article)
    try:
        async with in_transaction():
            row = await Article.create(uid=uuid.uuid4().hex, locale=locale, slug=slug, status="draft", version=1)
            await write_edition(row, DRAFT, 1, document)
            await Revision.create(
                article=row, version=1, token_name=token_name, title=document.title, document=document.model_dump()
            )
    except IntegrityError:
        raise Conflict(f"slug {slug!r} is already taken in locale {locale!r}: choose another 'slug'") from None
    return row


async def write_edition(article: Article, stage: str, version: int, document: Document) -> Edition:
    """Replace the `stage` edition of the article by `document`: one row, then its sections in one insert."""
    await Edition.filter(article_id=article.id, stage=stage).delete()
    edition = await Edition.create(
        article=article,
        stage=stage,
        version=version,
        title=document.title,
        summary=document.summary,
        tags=document.tags,
        author=document.author,
        updated_at=datetime.now(UTC),
    )
    await Section.bulk_create(
        [
            Section(
                edition=edition,
                position=position,
                uid=section.id,
                anchor=section.anchor,
                heading=section.heading,
                blocks=[block.model_dump(mode="json") for block in section.blocks],
            )
            for position, section in enumerate(document.sections)
        ]
    )
    return edition


async def current_document(article: Article) -> Document:
    revision = await Revision.get(article_id=article.id, version=article.version)
    return Document.model_validate(revision.document, strict=False)


async def replace(article: Article, new: ArticleInput, token_name: str | None = None) -> Article:
    """Replace the draft by `new`: version + 1, a new revision. Delivery keeps serving the published edition."""
    document = to_document(new)
    async with in_transaction():
        article.version += 1
        await article.save(update_fields=["version"])
        await write_edition(article, DRAFT, article.version, document)
        await Revision.create(
            article=article,
            version=article.version,
            token_name=token_name,
            title=document.title,
            document=document.model_dump(),
        )
    return article
