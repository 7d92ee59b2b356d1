"""The media store in an S3-compatible object store (AWS S3, R2, MinIO, Ceph, Swift's s3api), with aiobotocore.

Objects are named `<prefix><key>`; the bucket stays private (the app serves every file itself). Uploads stream from
the local temporary file: one PUT up to MULTIPART_THRESHOLD, a multipart upload of PART_SIZE parts above it. Reads
are ranged GETs streamed in chunks, so a reader holds one chunk whatever the file's size. Content addressing makes
`put` idempotent: a key that exists holds these very bytes, so it is not sent again (a HEAD first), and two hosts
writing the same key at once write the same bytes (S3 keeps one object; no `If-None-Match: *` is needed, which
some servers lack).

Credentials come from the standard AWS variables or credential chain (botocore's). An unreachable store, or one
answering 5xx, raises Busy; one refusing the bucket or the credentials raises StoreRefused.
"""

import base64
import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, BinaryIO, cast

from aiobotocore.session import get_session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

from cms.core.errors import Busy
from cms.storage.media import CHUNK, StoreRefused, checked_key

MULTIPART_THRESHOLD = 16 * 1024 * 1024
PART_SIZE = 8 * 1024 * 1024
"""Memory per upload above the threshold: one part (S3's smallest part is 5 MiB)."""
DEFAULT_REGION = "us-east-1"
_GONE = {"404", "NoSuchKey", "NotFound"}
UNREACHABLE = "the media store cannot be reached: retry in a moment"
REFUSED = "the media store refused the request (its bucket or credentials): retry in a moment"
log = logging.getLogger(__name__)


def _client_config() -> Config:
    # Path-style addressing and checksums only when required: what every S3-compatible server understands (newer
    # botocore would otherwise send aws-chunked bodies and CRC checksums that Swift's s3api and older MinIO refuse).
    return Config(
        signature_version="s3v4",
        s3={"addressing_style": "path"},
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
        connect_timeout=2,
        read_timeout=20,
        retries={"mode": "standard", "max_attempts": 2},
    )


def _content_md5(params: dict[str, Any], **_: Any) -> None:
    """DeleteObjects needs Content-MD5 on some servers (Swift's s3api); botocore >= 1.36 no longer sends it."""
    body = params.get("body")
    if isinstance(body, bytes) and "Content-MD5" not in params["headers"]:
        params["headers"]["Content-MD5"] = base64.b64encode(hashlib.md5(body).digest()).decode()


class S3MediaStore:
    """One per worker: the client is opened on first use, in the worker's event loop, and closed by `close`."""

    checks_are_cheap = False

    def __init__(
        self,
        bucket: str,
        prefix: str = "",
        endpoint_url: str | None = None,
        region: str | None = None,
        temporary: str | Path | None = None,
        credentials: dict[str, str] | None = None,
    ) -> None:
        self.bucket, self.prefix = bucket, prefix
        self.endpoint_url, self.region = endpoint_url, region
        self.temporary = Path(temporary or Path(tempfile.gettempdir()) / "cms-media")
        self._credentials = credentials or {}
        self._stack: contextlib.AsyncExitStack | None = None
        self._client: Any = None

    async def _s3(self) -> Any:
        if self._client is None:
            session = get_session()
            region = self.region or session.get_config_variable("region") or DEFAULT_REGION
            stack = contextlib.AsyncExitStack()
            self._client = await stack.enter_async_context(
                session.create_client(
                    "s3",
                    endpoint_url=self.endpoint_url,
                    region_name=region,
                    config=_client_config(),
                    **self._credentials,
                )
            )
            self._client.meta.events.register("before-call.s3.DeleteObjects", _content_md5)
            self._stack = stack
        return self._client

    async def close(self) -> None:
        if self._stack is not None:
            await self._stack.aclose()
        self._stack = self._client = None

    def _name(self, key: str) -> str:
        return self.prefix + checked_key(key)

    def spool(self) -> BinaryIO:
        self.temporary.mkdir(parents=True, exist_ok=True)
        return cast(BinaryIO, tempfile.NamedTemporaryFile(dir=self.temporary, delete=False))  # closed by the caller

    async def put(self, key: str, source: Path) -> None:
        try:
            if await self.exists(key):
                return  # the same key is the same bytes: stored already, by this host or another
            with _unavailable(self):
                s3 = await self._s3()
                size = source.stat().st_size
                if size <= MULTIPART_THRESHOLD:
                    with open(source, "rb") as body:
                        await s3.put_object(Bucket=self.bucket, Key=self._name(key), Body=body, ContentLength=size)
                else:
                    await self._put_in_parts(s3, self._name(key), source)
        finally:
            source.unlink(missing_ok=True)

    async def _put_in_parts(self, s3: Any, name: str, source: Path) -> None:
        upload = await s3.create_multipart_upload(Bucket=self.bucket, Key=name)
        uid, parts = upload["UploadId"], []
        try:
            with open(source, "rb") as file:
                while part := file.read(PART_SIZE):
                    number = len(parts) + 1
                    sent = await s3.upload_part(
                        Bucket=self.bucket, Key=name, UploadId=uid, PartNumber=number, Body=part
                    )
                    parts.append({"PartNumber": number, "ETag": sent["ETag"]})
            await s3.complete_multipart_upload(
                Bucket=self.bucket, Key=name, UploadId=uid, MultipartUpload={"Parts": parts}
            )
        except BaseException:
            with contextlib.suppress(Exception):
                await s3.abort_multipart_upload(Bucket=self.bucket, Key=name, UploadId=uid)
            raise

    async def size(self, key: str) -> int:
        with _unavailable(self):
            s3 = await self._s3()
            try:
                head = await s3.head_object(Bucket=self.bucket, Key=self._name(key))
            except ClientError as exc:
                if _code(exc) in _GONE:
                    raise FileNotFoundError(key) from None
                raise
            return int(head["ContentLength"])

    async def read(self, key: str, start: int, length: int) -> AsyncIterator[bytes]:
        if length <= 0:
            return
        with _unavailable(self):
            s3 = await self._s3()
            try:
                got = await s3.get_object(
                    Bucket=self.bucket, Key=self._name(key), Range=f"bytes={start}-{start + length - 1}"
                )
            except ClientError as exc:
                if _code(exc) in _GONE:
                    raise FileNotFoundError(key) from None
                raise
            async with got["Body"] as body:
                async for chunk in body.iter_chunks(CHUNK):
                    yield chunk

    @contextlib.asynccontextmanager
    async def local(self, key: str) -> AsyncIterator[Path]:
        size = await self.size(key)
        copy = self.spool()
        try:
            with copy:
                async for chunk in self.read(key, 0, size):
                    copy.write(chunk)
            yield Path(copy.name)
        finally:
            os.unlink(copy.name)

    async def delete(self, prefix: str) -> None:
        name = self._name(prefix)
        with _unavailable(self):
            s3 = await self._s3()
            paginator = s3.get_paginator("list_objects_v2")
            async for page in paginator.paginate(Bucket=self.bucket, Prefix=name):
                names = [item["Key"] for item in page.get("Contents", [])]
                names = [found for found in names if found == name or found.startswith(name + "/")]
                if names:
                    await s3.delete_objects(
                        Bucket=self.bucket, Delete={"Objects": [{"Key": found} for found in names], "Quiet": True}
                    )

    async def exists(self, key: str) -> bool:
        try:
            await self.size(key)
        except FileNotFoundError:
            return False
        return True

    async def check(self) -> None:
        with _unavailable(self):
            s3 = await self._s3()
            try:
                await s3.head_bucket(Bucket=self.bucket)
            except ClientError as exc:
                status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
                if status >= 500:
                    raise
                if _code(exc) in _GONE:
                    raise StoreRefused(f"the bucket {self.bucket!r} does not exist") from None
                raise StoreRefused(f"the store refused the credentials for the bucket ({_code(exc)})") from None
            except NoCredentialsError:
                missing = "no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile"
                raise StoreRefused(missing) from None


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


@contextlib.contextmanager
def _unavailable(store: S3MediaStore) -> Any:
    """Connection failures, timeouts and 5xx answers are an outage: Busy (503, retry later), never a 500.

    A store that answers but refuses us while we run (its bucket deleted, the credentials revoked or gone) is a
    setting for the operator to fix, which `cms serve` checks at start: the client gets the same 503, and the log one
    line saying what the store answered.
    """
    try:
        yield
    except NoCredentialsError:
        log.error("the media store's credentials are gone: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
        raise Busy(REFUSED) from None
    except BotoCoreError:
        raise Busy(UNREACHABLE) from None
    except ClientError as exc:
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        if status >= 500 or status == 0:
            raise Busy(f"the media store answered {status or 'nothing'}: retry in a moment") from None
        log.error("the media store refused a request for bucket %r: %s %s", store.bucket, status, _code(exc))
        raise Busy(REFUSED) from None
    except OSError as exc:  # the connection reset under a streamed body
        if isinstance(exc, FileNotFoundError):
            raise
        raise Busy(UNREACHABLE) from None
