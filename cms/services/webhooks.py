"""Webhooks (docs/events.md): subscriptions, Standard Webhooks signatures, and the dispatcher each worker runs.

A delivery is queued in the write transaction of its event (cms/storage/webhooks.py). The dispatcher claims due
deliveries under a lease, resolves the target's host, refuses private addresses (unless allowed), connects to the
address it checked (the Host header and TLS SNI keep the name), and records the attempt; an attempt has
SEND_TIMEOUT in all, well within the lease. Failures are retried after about 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and
10 h (±10 % jitter, or the receiver's Retry-After), then the delivery is `failed`. `410 Gone` disables the
subscription, and so do 5 days of failures. While a subscription is disabled its pending deliveries are held (the
claim skips them); they resume where they were when it is enabled. A redelivery starts a new series of attempts,
and never takes the lease of an attempt in flight: it is claimed once that attempt is recorded.
"""

import asyncio
import base64
import hashlib
import hmac
import logging
import random
import secrets
import socket
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Annotated, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field

import cms
from cms.core.addresses import is_public
from cms.core.errors import InvalidContent, NotFound
from cms.core.events import TYPES, Event
from cms.core.text import is_server_id
from cms.metrics import WEBHOOK_DELIVERIES, WEBHOOK_QUEUE
from cms.services.event_log import wait
from cms.storage import webhooks as store
from cms.storage.db import forget_read_only_sessions

log = logging.getLogger(__name__)

RETRY_SCHEDULE = (5, 300, 1800, 7200, 18000, 36000, 36000)
"""Seconds before each retry; after the last one fails, the delivery is `failed`."""
JITTER = 0.1
SEND_TIMEOUT = 15.0
"""Seconds an attempt may take in all: resolving the host, connecting, sending and reading the answer."""
MAX_ANSWER_BYTES = 64 * 1024
"""How much of a receiver's answer is read (and dropped): a huge answer costs a worker no more memory than this."""
LEASE_TIMEOUTS = 4
"""A lease lasts this many send timeouts (60 s): a batch's attempts run side by side and each ends within one, which
leaves the rest to record them before another worker may claim them. A worker killed mid-send leaves its
deliveries to others when the lease ends."""
DISABLE_AFTER = timedelta(days=5)
BATCH = 16
POLL_INTERVAL = 1.0
USER_AGENT = f"cms-webhooks/{cms.__version__}"

EventType = Literal[
    "article.updated", "article.published", "article.unpublished", "article.deleted", "asset.created", "asset.deleted"
]
assert set(EventType.__args__) == set(TYPES)  # type: ignore[attr-defined]

Resolve = Callable[[str, int], Awaitable[list[str]]]
"""host, port -> the addresses it resolves to."""


async def system_resolve(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class NewWebhook(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    url: Annotated[str, Field(min_length=1, max_length=2000)]
    """An http(s) URL on a public address."""
    events: Annotated[list[EventType], Field(min_length=1)]
    """The event types to receive (docs/events.md)."""


class WebhookPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    url: Annotated[str, Field(min_length=1, max_length=2000)] | None = None
    events: Annotated[list[EventType], Field(min_length=1)] | None = None
    enabled: bool | None = None
    """`true` turns a disabled subscription back on."""


class WebhookInfo(BaseModel):
    id: str
    url: str
    events: list[str]
    enabled: bool
    created_at: datetime


class CreatedWebhook(WebhookInfo):
    secret: str
    """`whsec_` + base64 of 32 random bytes: shown in this response only."""


class WebhookList(BaseModel):
    items: list[WebhookInfo]


class AttemptInfo(BaseModel):
    at: datetime
    status_code: int | None
    error: str | None
    duration_ms: int


class DeliveryInfo(BaseModel):
    id: str
    event_id: str
    type: str
    status: Literal["pending", "succeeded", "failed"]
    attempts: list[AttemptInfo]
    next_attempt_at: datetime | None


class DeliveryPage(BaseModel):
    """Newest first; pass `next_cursor` back as `?cursor=` for older ones (null on the last page)."""

    items: list[DeliveryInfo]
    next_cursor: str | None


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The Standard Webhooks signature: 'v1,' + base64 HMAC-SHA256 of '{id}.{timestamp}.{body}'."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


async def check_target(url: str, allow_private: bool, resolve: Resolve) -> tuple[httpx.URL, str]:
    """The URL and the address to connect to; InvalidContent at `url` when it is not a public http(s) target."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise InvalidContent.at(
            "url", f"url {url!r} is not a URL ({exc}): use e.g. 'https://example.com/hook'"
        ) from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise InvalidContent.at("url", f"url {url!r} is not an http or https URL: use e.g. 'https://example.com/hook'")
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        addresses = await resolve(parsed.host, port)
    except (OSError, UnicodeError) as exc:
        raise InvalidContent.at("url", f"the host of {url!r} does not resolve ({exc})") from None
    if not addresses:
        raise InvalidContent.at("url", f"the host of {url!r} does not resolve")
    refused = [address for address in addresses if not is_public(address)]
    if refused and not allow_private:
        raise InvalidContent.at(
            "url",
            f"the host of {url!r} resolves to {refused[0]}, a private, loopback, link-local, shared or reserved"
            " address or an IPv6 form of one: webhooks go to public addresses only"
            " (CMS_WEBHOOK_ALLOW_PRIVATE=true allows these)",
        )
    return parsed, addresses[0]


def _info(subscription: store.Subscription) -> WebhookInfo:
    return WebhookInfo(
        id=subscription.uid,
        url=subscription.url,
        events=subscription.events,
        enabled=subscription.enabled,
        created_at=subscription.created_at,
    )


async def create(new: NewWebhook, allow_private: bool, resolve: Resolve) -> CreatedWebhook:
    await check_target(new.url, allow_private, resolve)
    secret = new_secret()
    created = await store.create_subscription(new.url, sorted(set(new.events)), secret)
    return CreatedWebhook(**_info(created).model_dump(), secret=secret)


async def list_all() -> WebhookList:
    return WebhookList(items=[_info(subscription) for subscription in await store.subscriptions()])


async def _find(uid: str) -> store.Subscription:
    found = await store.subscription(uid) if is_server_id(uid) else None
    if found is None:
        raise NotFound(f"no webhook has id {uid!r}")
    return found


async def update(uid: str, patch: WebhookPatch, allow_private: bool, resolve: Resolve) -> WebhookInfo:
    """Change what the patch gives; enabling a disabled subscription gives it 5 more days of failures."""
    found = await _find(uid)
    if patch.url is not None:
        await check_target(patch.url, allow_private, resolve)
    events = sorted(set(patch.events)) if patch.events is not None else None
    return _info(await store.update_subscription(found.id, patch.url, events, patch.enabled))


async def delete(uid: str) -> None:
    await store.delete_subscription((await _find(uid)).id)


async def deliveries(uid: str, limit: int, before: int | None) -> DeliveryPage:
    found = await _find(uid)
    rows = await store.deliveries_with_attempts(found.id, limit + 1, before)
    items = [DeliveryInfo.model_validate(delivery) for delivery in rows[:limit]]
    more = len(rows) > limit
    return DeliveryPage(items=items, next_cursor=str(await store.delivery_position(items[-1].id)) if more else None)


async def redeliver(uid: str, delivery_uid: str, now: datetime | None = None) -> DeliveryInfo:
    """Queue one more attempt of this delivery, same `webhook-id` (the event's id): a new series of attempts
    (retried after 5 s, 5 min, … if it fails), claimed once no attempt of it is in flight."""
    found = await _find(uid)
    delivery_id = await store.delivery_of(found.id, delivery_uid) if is_server_id(delivery_uid) else None
    if delivery_id is None:
        raise NotFound(f"webhook {uid!r} has no delivery {delivery_uid!r}")
    await store.restart(delivery_id, now or datetime.now(UTC))
    (redelivered,) = await store.deliveries_with_attempts(found.id, 1, delivery_id + 1)
    return DeliveryInfo.model_validate(redelivered)


class Dispatcher:
    """Sends due deliveries, in every worker; woken by each new event, else every POLL_INTERVAL."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        resolve: Resolve = system_resolve,
        allow_private: bool = False,
        send_timeout: float = SEND_TIMEOUT,
    ) -> None:
        self.client = client
        self.send_timeout = send_timeout
        """Seconds an attempt may take in all (the lease follows it); slower counts as a failed attempt."""
        self.resolve = resolve
        self.allow_private = allow_private
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Look for due deliveries now rather than at the next poll (a redelivery was just asked for, say)."""
        self._wake.set()

    def on_events(self, events: list[Event]) -> None:
        """A subscriber of the worker's follower: new events may have queued deliveries."""
        self.wake()

    def on_reset(self) -> None:
        self.wake()

    async def run(self, stop: asyncio.Event) -> None:
        failing = False
        while not stop.is_set():
            self._wake.clear()
            try:
                sent = await self.deliver_due(datetime.now(UTC))
                failing = False
            except Exception as exc:
                if not failing:
                    log.warning("webhook deliveries cannot be read (%s); retrying", f"{type(exc).__name__}: {exc}")
                failing, sent = True, 0
                await forget_read_only_sessions(exc)
            if sent < BATCH:
                await wait(stop, POLL_INTERVAL, self._wake)

    @property
    def lease(self) -> timedelta:
        """How long claimed deliveries are this worker's: comfortably longer than their attempts can take."""
        return timedelta(seconds=LEASE_TIMEOUTS * self.send_timeout)

    async def deliver_due(self, now: datetime) -> int:
        """Claim and send what is due at `now`, then record every attempt at once; returns how many were sent."""
        claimed = await store.claim(now, self.lease, BATCH)
        if claimed:
            attempts = await asyncio.gather(*(self._attempt(delivery, now) for delivery in claimed))
            await store.record_attempts(attempts)
            for attempt in attempts:
                WEBHOOK_DELIVERIES.labels(_outcome(attempt)).inc()
        WEBHOOK_QUEUE.set(await store.pending_count())
        return len(claimed)

    async def _attempt(self, delivery: store.Claimed, at: datetime) -> store.Attempt:
        """Send once, at `at` as far as retries and failures are counted (the signature carries the real time)."""
        started = time.perf_counter()
        status_code, error, retry_after = await self._send(delivery, datetime.now(UTC))
        duration_ms = round((time.perf_counter() - started) * 1000)
        succeeded = status_code is not None and 200 <= status_code < 300
        gone = status_code == 410
        failing_for = at - delivery.failing_since if delivery.failing_since else timedelta(0)
        disable = gone or (not succeeded and failing_for >= DISABLE_AFTER)
        next_attempt_at = None
        if not succeeded and not disable and delivery.attempts < len(RETRY_SCHEDULE):
            delay = retry_after if retry_after is not None else _jittered(RETRY_SCHEDULE[delivery.attempts])
            next_attempt_at = at + timedelta(seconds=delay)
        return store.Attempt(delivery, at, status_code, error, duration_ms, next_attempt_at, succeeded, disable)

    async def _send(self, delivery: store.Claimed, at: datetime) -> tuple[int | None, str | None, float | None]:
        """One attempt, within `send_timeout` in all (a receiver dripping its answer is cut off too)."""
        try:
            async with asyncio.timeout(self.send_timeout):
                return await self._post(delivery, at)
        except TimeoutError:
            return None, f"no answer within {self.send_timeout:g} s", None

    async def _post(self, delivery: store.Claimed, at: datetime) -> tuple[int | None, str | None, float | None]:
        try:
            url, address = await check_target(delivery.url, self.allow_private, self.resolve)
        except InvalidContent as exc:
            return None, exc.errors[0].message, None
        timestamp = int(at.timestamp())
        body = delivery.body.encode()
        headers = {
            "webhook-id": delivery.event_id,
            "webhook-timestamp": str(timestamp),
            "webhook-signature": sign(delivery.secret, delivery.event_id, timestamp, body),
            "content-type": "application/json",
            "user-agent": USER_AGENT,
            "host": url.netloc.decode("ascii"),
        }
        pinned = url.copy_with(host=address)  # connect to the address that was checked, not a second lookup
        extensions = {"sni_hostname": url.host} if url.scheme == "https" else {}
        try:
            async with self.client.stream(
                "POST", pinned, content=body, headers=headers, extensions=extensions, timeout=self.send_timeout,
                follow_redirects=False,
            ) as response:  # fmt: skip
                await _read_at_most(response, MAX_ANSWER_BYTES)
        except httpx.TimeoutException:
            return None, f"no answer within {self.send_timeout:g} s", None
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}"[:500], None
        return response.status_code, None, _retry_after(response)


async def _read_at_most(response: httpx.Response, limit: int) -> None:
    """Read the answer's body up to `limit` bytes as they came (never decompressed), and drop it: only the
    status and the headers count. Leaving the rest unread closes the connection."""
    read = 0
    async for chunk in response.aiter_raw():
        read += len(chunk)
        if read >= limit:
            return


def _outcome(attempt: store.Attempt) -> str:
    if attempt.succeeded:
        return "succeeded"
    return "disabled" if attempt.disable else ("retry" if attempt.next_attempt_at else "failed")


def _jittered(seconds: float) -> float:
    return seconds * random.uniform(1 - JITTER, 1 + JITTER)


def _retry_after(response: httpx.Response) -> float | None:
    """Retry-After in seconds (a number or an HTTP date), bounded to 1 s .. 10 h; None when absent or unreadable."""
    if response.is_success or (raw := response.headers.get("retry-after")) is None:
        return None
    raw = raw.strip()
    try:
        seconds = float(int(raw)) if raw.isdigit() else (parsedate_to_datetime(raw) - datetime.now(UTC)).total_seconds()
    except (TypeError, ValueError, OverflowError):
        return None
    return min(max(seconds, 1.0), float(RETRY_SCHEDULE[-1]))
