"""The asset table: named reads and writes that return `cms.core.assets.Asset`, never ORM rows.

The writes (`insert`, `delete`) run inside the caller's `cms.services.event_log.transaction()`, like every write.
"""

from dataclasses import dataclass

from tortoise.exceptions import IntegrityError

from cms.core.assets import Asset, asset_url
from cms.core.errors import Conflict, NotFound
from cms.storage.models import Asset as AssetRow
from cms.storage.models import AssetUse


@dataclass(frozen=True)
class NewAsset:
    uid: str
    sha256: str
    mime: str
    bytes: int
    filename: str
    width: int | None
    height: int | None
    placeholder: str | None
    alt: str | None


def to_asset(row: AssetRow) -> Asset:
    return Asset(
        id=row.uid,
        url=asset_url(row.uid, row.filename),
        mime=row.mime,
        bytes=row.bytes,
        sha256=row.sha256,
        width=row.width,
        height=row.height,
        placeholder=row.placeholder,
        alt=row.alt,
        filename=row.filename,
        created_at=row.created_at,
    )


class AlreadyStored(Exception):
    """These bytes are stored already (perhaps by an upload racing this one): the transaction is rolled back."""


async def insert(new: NewAsset) -> Asset:
    """The new asset's row; AlreadyStored when a row has its bytes already."""
    try:
        return to_asset(await AssetRow.create(**new.__dict__))
    except IntegrityError:
        raise AlreadyStored(new.sha256) from None


async def by_sha256(sha256: str) -> Asset | None:
    row = await AssetRow.get_or_none(sha256=sha256)
    return to_asset(row) if row is not None else None


async def by_id(uid: str) -> Asset | None:
    row = await AssetRow.get_or_none(uid=uid)
    return to_asset(row) if row is not None else None


async def by_ids(uids: set[str]) -> dict[str, Asset]:
    return {row.uid: to_asset(row) for row in await AssetRow.filter(uid__in=uids)} if uids else {}


async def page(limit: int, before: int | None) -> tuple[list[Asset], int | None]:
    """Newest first, by keyset on the row number; the second value is the cursor of the next page, if any."""
    query = AssetRow.all() if before is None else AssetRow.filter(id__lt=before)
    rows = await query.order_by("-id").limit(limit + 1)
    return [to_asset(row) for row in rows[:limit]], rows[limit - 1].id if len(rows) > limit else None


async def delete(uid: str) -> None:
    """Remove the asset's row: NotFound when it is gone, Conflict while a current draft or published version shows
    it. The delete is the transaction's first statement, so SQLite takes its write lock at once (a transaction that
    read first could not take it once another writer had committed)."""
    if not await AssetRow.filter(uid=uid).delete():
        raise NotFound(f"no asset has id {uid!r}")
    if await AssetUse.exists(asset_uid=uid):
        raise Conflict(
            f"asset {uid!r} is shown by the current draft or the published version of an article:"
            " remove it from them first"
        )


async def record_uses(edition_id: int, uids: set[str]) -> None:
    """Called as an edition is written (inside its transaction): the assets it shows."""
    await AssetUse.bulk_create([AssetUse(edition_id=edition_id, asset_uid=uid) for uid in sorted(uids)])
