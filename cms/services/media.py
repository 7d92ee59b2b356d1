"""Where asset bytes live: the store that CMS_MEDIA_URL names, for the app and the CLI to open.

`file:PATH` is a local directory (LocalMediaStore); `s3://BUCKET/PREFIX` an S3-compatible object store
(S3MediaStore), at CMS_S3_ENDPOINT_URL when it is not AWS's, with credentials from the standard AWS variables.
"""

from pathlib import Path

from cms.config import Settings
from cms.storage.media import LocalMediaStore, MediaStore, StoreRefused

__all__ = ["LocalMediaStore", "MediaStore", "StoreRefused", "open_store", "settings_store"]


def settings_store(settings: Settings) -> MediaStore:
    """The store the settings name (CMS_MEDIA_URL, CMS_S3_*), its temporary files in CMS_MEDIA_DIR/.tmp."""
    return open_store(
        settings.media,
        settings.s3_endpoint_url or None,
        settings.s3_region or None,
        Path(settings.media_dir) / ".tmp",
    )


def open_store(
    media_url: str, endpoint_url: str | None = None, region: str | None = None, temporary: Path | None = None
) -> MediaStore:
    """The store of a media URL that the settings validated (`file:PATH` or `s3://BUCKET/PREFIX`).

    An S3 store keeps the files being uploaded or made in `temporary` (a local directory) until they are sent.
    """
    if media_url.startswith("s3://"):
        from cms.storage.s3 import S3MediaStore

        bucket, _, prefix = media_url.removeprefix("s3://").partition("/")
        prefix = prefix.strip("/")
        return S3MediaStore(bucket, f"{prefix}/" if prefix else "", endpoint_url, region, temporary)
    return LocalMediaStore(Path(media_url.removeprefix("file:")))
