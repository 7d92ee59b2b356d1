"""Editions: the draft and the published content of each article. Written inside the services' transactions."""

from dataclasses import dataclass
from datetime import UTC, datetime

import orjson

from cms.core.article import Document
from cms.core.blocks import Image
from cms.core.render import text
from cms.storage.assets import record_uses
from cms.storage.models import DRAFT, PUBLISHED, Edition, EditionTag, Section

__all__ = ["DRAFT", "PUBLISHED", "EditionRecord", "delete_edition", "editions_of", "rename_published", "write_edition"]


@dataclass(frozen=True)
class EditionRecord:
    version: int
    updated_at: datetime
    snapshot: bytes | None
    """The published article as delivery serves it (JSON); None for a draft."""


async def write_edition(
    article_id: int,
    stage: str,
    version: int,
    document: Document,
    snapshot: bytes | None = None,
    updated_at: datetime | None = None,
) -> datetime:
    """Replace the `stage` edition of the article by `document`: the row, its tags, its sections in one insert.
    Returns its `updated_at`.

    `snapshot` is the published article serialised as delivery serves it (JSON), so a delivery GET is one lookup.
    """
    await Edition.filter(article_id=article_id, stage=stage).delete()
    edition = await Edition.create(
        article_id=article_id,
        stage=stage,
        version=version,
        title=document.title,
        summary=document.summary,
        tags=document.tags,
        author=document.author,
        updated_at=updated_at or datetime.now(UTC),
        body_text="\n\n".join(text.section(section).decode() for section in document.sections),
        snapshot=snapshot.decode() if snapshot is not None else None,
    )
    await EditionTag.bulk_create([EditionTag(edition_id=edition.id, tag=tag) for tag in document.tags])
    await Section.bulk_create(
        [
            Section(
                edition_id=edition.id,
                position=position,
                uid=section.id,
                anchor=section.anchor,
                heading=section.heading,
                blocks=[block.model_dump(mode="json") for block in section.blocks],
            )
            for position, section in enumerate(document.sections)
        ]
    )
    shown = {block.asset_id for section in document.sections for block in section.blocks if isinstance(block, Image)}
    await record_uses(edition.id, {uid for uid in shown if uid is not None})
    return edition.updated_at


async def rename_published(article_id: int, slug: str) -> int | None:
    """After a slug change: the published snapshot carries the new slug. Returns the published version, if any."""
    edition = await Edition.get_or_none(article_id=article_id, stage=PUBLISHED)
    if edition is None or edition.snapshot is None:
        return None
    snapshot = orjson.loads(edition.snapshot)
    snapshot["slug"] = slug
    await Edition.filter(id=edition.id).update(snapshot=orjson.dumps(snapshot).decode())
    return int(edition.version)


async def delete_edition(article_id: int, stage: str) -> None:
    await Edition.filter(article_id=article_id, stage=stage).delete()


async def editions_of(article_id: int) -> dict[str, EditionRecord]:
    """The article's editions by stage (DRAFT, and PUBLISHED when it is published)."""
    return {
        edition.stage: EditionRecord(
            edition.version, edition.updated_at, edition.snapshot.encode() if edition.snapshot is not None else None
        )
        for edition in await Edition.filter(article_id=article_id)
    }
