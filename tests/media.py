"""The media stores the asset tests run against: a local directory, and a real S3-compatible server.

A test module marked `pytestmark = pytest.mark.media_stores` runs each of its tests twice (tests/conftest.py):
`[file]` with CMS_MEDIA_URL=file:…, `[s3]` with CMS_MEDIA_URL=s3://BUCKET/<a prefix of its own> on the server that
`.ci/swift.sh start` prints (CMS_TEST_S3_ENDPOINT_URL, CMS_TEST_S3_BUCKET, CMS_TEST_S3_ACCESS_KEY_ID,
CMS_TEST_S3_SECRET_ACCESS_KEY). Without one, the `[s3]` tests skip with that reason, unless CMS_TEST_REQUIRE_S3=1
(as in CI), which makes the missing server an error.
"""

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiobotocore.session import get_session
from botocore.config import Config

from cms.config import Settings

S3_ENDPOINT = os.environ.get("CMS_TEST_S3_ENDPOINT_URL", "")
S3_BUCKET = os.environ.get("CMS_TEST_S3_BUCKET", "")
S3_MISSING = "no S3-compatible server: run `.ci/swift.sh start` and export what it prints (CMS_TEST_S3_*)"


def require_s3() -> None:
    """Skip (or fail, with CMS_TEST_REQUIRE_S3=1) when no S3 server was given."""
    if S3_ENDPOINT and S3_BUCKET:
        return
    if os.environ.get("CMS_TEST_REQUIRE_S3") == "1":
        raise pytest.UsageError(f"CMS_TEST_REQUIRE_S3=1 but {S3_MISSING}")
    pytest.skip(S3_MISSING)


def s3_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """The standard AWS variables, as an operator sets them: the app finds them through botocore's chain."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", os.environ.get("CMS_TEST_S3_ACCESS_KEY_ID", ""))
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", os.environ.get("CMS_TEST_S3_SECRET_ACCESS_KEY", ""))
    for name in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)


def media_fields(kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Settings fields of a media store of `kind` ('file' or 's3') for one test."""
    media_dir = str(tmp_path / "media")
    if kind == "file":
        return {"media_dir": media_dir}
    require_s3()
    s3_credentials(monkeypatch)
    prefix = f"test-{uuid.uuid4().hex[:16]}"
    return {"media_dir": media_dir, "media_url": f"s3://{S3_BUCKET}/{prefix}", "s3_endpoint_url": S3_ENDPOINT}


@asynccontextmanager
async def s3_client() -> AsyncIterator[Any]:
    config = Config(
        signature_version="s3v4",
        s3={"addressing_style": "path"},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    async with get_session().create_client(
        "s3",
        endpoint_url=S3_ENDPOINT,
        region_name="us-east-1",
        config=config,
        aws_access_key_id=os.environ.get("CMS_TEST_S3_ACCESS_KEY_ID", ""),
        aws_secret_access_key=os.environ.get("CMS_TEST_S3_SECRET_ACCESS_KEY", ""),
    ) as client:
        yield client


async def objects(bucket: str, prefix: str) -> dict[str, dict[str, Any]]:
    """Every object under `prefix/` in the bucket, by name relative to the prefix: its ETag and time."""
    found: dict[str, dict[str, Any]] = {}
    async with s3_client() as s3:
        async for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{prefix}/"):
            for item in page.get("Contents", []):
                found[item["Key"].removeprefix(f"{prefix}/")] = {"etag": item["ETag"], "time": item["LastModified"]}
    return found


async def stored(settings: Settings) -> list[str]:
    """Every file the media store of `settings` holds, and every temporary file it left on local disk."""
    folder = Path(settings.media_dir)
    local = sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())
    if not settings.media.startswith("s3://"):
        return local
    bucket, _, prefix = settings.media.removeprefix("s3://").partition("/")
    return sorted([*local, *await objects(bucket, prefix)])


async def variant_versions(settings: Settings, sha256: str) -> dict[str, Any]:
    """The stored variants of an asset, by name, with what changes when one is written again."""
    if not settings.media.startswith("s3://"):
        folder = Path(settings.media_dir) / sha256[:2] / sha256
        if not folder.is_dir():
            return {}
        return {path.name: os.stat(path).st_mtime_ns for path in folder.iterdir() if path.name != "original"}
    bucket, _, prefix = settings.media.removeprefix("s3://").partition("/")
    found = await objects(bucket, f"{prefix}/{sha256[:2]}/{sha256}")
    return {name: (item["etag"], item["time"]) for name, item in found.items() if name != "original"}
