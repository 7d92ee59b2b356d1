"""The events benchmark, run by hand (never in CI): `.venv/bin/python -m bench.events [--quick] [--database D]`.

Against a real `cms serve --workers 2` on 127.0.0.1, on SQLite and on PostgreSQL (a fresh database, dropped after):
- **latency**: the time from a publish's commit to its arrival on 100 open event streams (`GET /api/v1/events`,
  spread over both workers) and at a webhook receiver (a real Starlette app under uvicorn, in its own process,
  verifying every delivery with the official `standardwebhooks` package), p50 / p99 over many publishes;
- **webhook throughput**: a backlog of deliveries (published while the server was stopped, to several
  subscriptions) drained by the two workers' dispatchers once the server starts: deliveries/s at the receiver.

"Commit" is the event's `timestamp` in the log, which the server takes (wall clock) just before it writes the event
rows and commits, so each latency also holds the rest of the write transaction and its commit: it is an upper
bound. Arrivals are wall-clock times too (`time.time()`, in the bench for streams, in the receiver for webhooks),
on the same machine: one clock. Prints Markdown for docs/performance.md. See bench/README.md.
"""

import argparse
import asyncio
import contextlib
import dataclasses
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bench import machine, servers
from cms.core.article import ArticleInput
from cms.services import drafts, publishing, tokens, webhooks
from cms.storage import db

LOCALE = "en"
POSTGRES = "postgres://postgres@127.0.0.1:5432"
ARRIVAL_TIMEOUT = 5.0
"""How long one publish's event may take to reach every stream and the receiver before it counts as missed."""
DRAIN_TIMEOUT = 120.0
QUICK = {"publishes": 20, "streams": 100, "backlog": 100}
FULL = {"publishes": 80, "streams": 100, "backlog": 300}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.events", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--postgres", default=POSTGRES, help=f"a PostgreSQL server on 127.0.0.1 ({POSTGRES})")
    parser.add_argument("--publishes", type=int, help="publishes timed, one after another (80)")
    parser.add_argument("--streams", type=int, help="event streams open during the latency run (100)")
    parser.add_argument("--backlog", type=int, help="publishes queued while the server is stopped (300)")
    parser.add_argument("--subscriptions", type=int, default=4, help="subscriptions the backlog goes to (4)")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers (2)")
    parser.add_argument("--quick", action="store_true", help="20 publishes, a backlog of 100: 2 minutes")
    parser.add_argument("--result-to", help=argparse.SUPPRESS)  # a child run's Result, as JSON
    options = parser.parse_args(argv)
    for key, value in (QUICK if options.quick else FULL).items():
        if getattr(options, key) is None:
            setattr(options, key, value)
    if not options.postgres.startswith("postgres://postgres@127.0.0.1:"):
        parser.error("--postgres must be a server on 127.0.0.1, as postgres://postgres@127.0.0.1:PORT")
    return options


def main(argv: list[str] | None = None) -> None:
    options = parse_args(argv)
    if options.result_to:  # one database, in this process: Tortoise keeps one dialect per process
        with (
            tempfile.TemporaryDirectory(prefix="cms-bench-events-") as tmp,
            database(options.database, options, Path(tmp)) as url,
        ):
            result = run(options.database, url, Path(tmp), options)
        Path(options.result_to).write_text(json.dumps(dataclasses.asdict(result)))
        return
    kinds = ("sqlite", "postgres") if options.database == "both" else (options.database,)
    results = [run_apart(kind, argv if argv is not None else sys.argv[1:]) for kind in kinds]
    print(markdown(results, options))


def run_apart(kind: str, argv: list[str]) -> "Result":
    """One database's run in a child process; its Result comes back as JSON."""
    log(f"== {kind}")
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        options = [arg for arg in argv if not arg.startswith("--database")]
        options = [arg for n, arg in enumerate(options) if n == 0 or options[n - 1] != "--database"]
        command = [sys.executable, "-m", "bench.events", *options, "--database", kind, "--result-to", out.name]
        subprocess.run(command, cwd=servers.ROOT, check=True, timeout=1800)
        data = json.loads(Path(out.name).read_text())
    return Result(
        kind=data["kind"],
        latency=Latency(**data["latency"]),
        throughput=Throughput(**data["throughput"]),
        load=tuple(data["load"]),
    )


@contextlib.contextmanager
def database(kind: str, options: argparse.Namespace, folder: Path) -> Iterator[str]:
    """A fresh database: a SQLite file in `folder`, or a new PostgreSQL database dropped afterwards."""
    if kind == "sqlite":
        yield f"sqlite://{folder / 'cms.sqlite3'}"
        return
    name = f"cms_bench_{uuid.uuid4().hex[:12]}"
    admin = "postgresql://" + options.postgres.split("://", 1)[1].rstrip("/") + "/postgres"
    asyncio.run(_admin(admin, f'CREATE DATABASE "{name}"'))
    try:
        yield f"{options.postgres.rstrip('/')}/{name}"
    finally:
        asyncio.run(_admin(admin, f'DROP DATABASE "{name}" WITH (FORCE)'))
        log(f"dropped the database {name}")


async def _admin(dsn: str, sql: str) -> None:
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


# The receiver: a separate process, so that its clock readings do not wait for the bench's own work.


def receiver_app() -> Starlette:
    """`uvicorn --factory bench.events:receiver_app`: POST /hook/{n} verified with the n-th secret of
    BENCH_RECEIVER_SECRETS (JSON list); one JSON line per delivery appended to BENCH_RECEIVER_LOG."""
    from standardwebhooks import Webhook

    verifiers = [Webhook(secret) for secret in json.loads(os.environ["BENCH_RECEIVER_SECRETS"])]
    output = open(os.environ["BENCH_RECEIVER_LOG"], "a", buffering=1)  # noqa: SIM115 (open while the app runs)

    async def hook(request: Request) -> Response:
        body = await request.body()
        at = time.time()
        try:
            event = verifiers[int(request.path_params["n"])].verify(body, dict(request.headers))
            ok = True
        except Exception:  # a bad signature is a finding, reported in the table
            event, ok = {}, False
        line = {"n": request.path_params["n"], "id": request.headers.get("webhook-id"), "at": at, "ok": ok}
        line |= {"timestamp": event.get("timestamp"), "slug": event.get("data", {}).get("slug")}
        output.write(json.dumps(line) + "\n")
        return Response(status_code=204 if ok else 400)

    async def ready(request: Request) -> Response:
        return Response(status_code=200)

    return Starlette(routes=[Route("/hook/{n:int}", hook, methods=["POST"]), Route("/ready", ready)])


@contextlib.contextmanager
def receiving(folder: Path, port: int, secrets: list[str], name: str) -> Iterator[Path]:
    """The receiver under uvicorn on 127.0.0.1:`port`, one process; yields the file it appends deliveries to."""
    received = folder / f"{name}.jsonl"
    received.touch()
    command = [
        sys.executable, "-m", "uvicorn", "--factory", "bench.events:receiver_app", "--host", servers.HOST,
        "--port", str(port), "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    env = {"BENCH_RECEIVER_SECRETS": json.dumps(secrets), "BENCH_RECEIVER_LOG": str(received)}
    with servers.running(name, command, port, 0, "/ready", env, folder / f"{name}.log"):
        yield received


def read_received(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.endswith("}")]


# One database's run.


@dataclass
class Latency:
    """Seconds from each event's timestamp to its arrival, per (publish, stream) and per publish at the receiver."""

    streams: list[float] = field(default_factory=list)
    webhook: list[float] = field(default_factory=list)
    responses: list[float] = field(default_factory=list)
    """From the event's timestamp to the publish's response arriving at the bench."""
    missed_streams: int = 0
    missed_webhooks: int = 0
    bad_signatures: int = 0
    per_worker: list[int] = field(default_factory=list)
    """Open streams per worker process, read from /proc while they were open."""


@dataclass
class Throughput:
    deliveries: int
    received: int
    seconds: float
    """From the first delivery's arrival to the last one's."""
    duplicates: int
    bad_signatures: int

    @property
    def rate(self) -> float:
        return (self.received - 1) / self.seconds if self.seconds > 0 else 0.0


@dataclass
class Result:
    kind: str
    latency: Latency
    throughput: Throughput
    load: tuple[str, str]
    """The machine's 1-minute load average before and after the run: the bench shares the CPUs it measures."""


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def run(kind: str, url: str, folder: Path, options: argparse.Namespace) -> Result:
    load = load_average()
    hooks = f"http://{servers.HOST}:{servers.free_port()}"
    hook_port = int(hooks.rsplit(":", 1)[1])
    log(f"preparing {options.publishes + options.backlog} drafts and a subscription")
    admin, first_secret = asyncio.run(prepare(url, options.publishes + options.backlog, hooks))
    env = {"CMS_DATABASE_URL": url, "CMS_WEBHOOK_ALLOW_PRIVATE": "true"}
    port = servers.free_port()
    command = servers.cms_command(port, options.workers)
    with (
        receiving(folder, hook_port, [first_secret], "receiver") as received,
        servers.running("cms serve", command, port, options.workers, "/readyz", env, folder / "cms.log") as server,
    ):
        log(f"latency: {options.publishes} publishes, {options.streams} streams open")
        latency = asyncio.run(measure_latency(server, admin, options, received))
    log(f"throughput: {options.backlog} publishes for {options.subscriptions} subscriptions, the server stopped")
    secrets = asyncio.run(
        queue_backlog(url, hooks, options.publishes, options.backlog, options.subscriptions, first_secret)
    )
    deliveries = options.backlog * options.subscriptions
    port = servers.free_port()
    command = servers.cms_command(port, options.workers)
    with (
        receiving(folder, hook_port, secrets, "drain") as received,
        servers.running("cms serve", command, port, options.workers, "/readyz", env, folder / "cms2.log"),
    ):
        throughput = asyncio.run(measure_drain(received, deliveries))
    return Result(kind, latency, throughput, (load, load_average()))


async def prepare(url: str, articles: int, hooks: str) -> tuple[dict[str, str], str]:
    """Migrate; an admin token; drafts `bench-0`, `bench-1`…; one subscription to article.published."""
    await db.migrate(url)
    async with db.database(url):
        _, secret = await tokens.create("bench", ["write", "preview", "admin"])
        for n in range(articles):
            await drafts.create(ArticleInput(title=f"Bench {n}"), LOCALE)
        hook = await _subscribe(f"{hooks}/hook/0")
    return {"Authorization": f"Bearer {secret}"}, hook


async def _subscribe(url: str) -> str:
    new = webhooks.NewWebhook(url=url, events=["article.published"])
    return (await webhooks.create(new, allow_private=True, resolve=webhooks.system_resolve)).secret


async def queue_backlog(url: str, hooks: str, start: int, count: int, subscriptions: int, first: str) -> list[str]:
    """With the server stopped: more subscriptions, then `count` publishes, each queueing one delivery to each."""
    async with db.database(url):
        secrets = [first] + [await _subscribe(f"{hooks}/hook/{n}") for n in range(1, subscriptions)]
        for n in range(start, start + count):
            await publishing.publish(f"bench-{n}", LOCALE, if_match=None)
    return secrets


class Stream:
    """One open GET /api/v1/events, read from a bare socket: parsing 100 streams in one process with a full HTTP
    client would measure the client. `arrived[slug]` is when its article.published came in (time.time())."""

    def __init__(self, counts: dict[str, int], complete: dict[str, asyncio.Event], total: int) -> None:
        self.arrived: dict[str, float] = {}
        self.timestamps: dict[str, float] = {}
        self.opened = asyncio.Event()
        self._counts, self._complete, self._total = counts, complete, total

    async def follow(self, host: str, port: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(f"GET /api/v1/events HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200 "):
                raise RuntimeError(f"GET /api/v1/events answered {head[:40]!r}")
            if b"transfer-encoding: chunked" not in head.lower():
                raise RuntimeError("the event stream is not chunked")
            self.opened.set()
            buffer = b""
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await reader.readexactly(size + 2)
                buffer += chunk[:-2]
                while b"\r\n\r\n" in buffer:
                    message, buffer = buffer.split(b"\r\n\r\n", 1)
                    at = time.time()
                    for line in message.split(b"\r\n"):
                        if line.startswith(b"data: "):
                            self._arrive(at, orjson.loads(line[6:]))
        finally:
            writer.close()

    def _arrive(self, at: float, event: dict[str, Any]) -> None:
        if event.get("type") != "article.published":
            return
        slug = event["data"]["slug"]
        self.arrived[slug] = at
        self.timestamps[slug] = _epoch(event["timestamp"])
        self._counts[slug] = self._counts.get(slug, 0) + 1
        if self._counts[slug] >= self._total:
            self._complete.setdefault(slug, asyncio.Event()).set()


def _epoch(timestamp: str) -> float:
    return datetime.fromisoformat(timestamp).timestamp()


async def measure_latency(
    server: servers.Server, admin: dict[str, str], options: argparse.Namespace, received: Path
) -> Latency:
    counts: dict[str, int] = {}
    complete: dict[str, asyncio.Event] = {}
    streams = [Stream(counts, complete, options.streams) for _ in range(options.streams)]
    port = int(server.url.rsplit(":", 1)[1])
    result = Latency()
    tasks = [asyncio.create_task(stream.follow(servers.HOST, port)) for stream in streams]
    try:
        await asyncio.wait_for(asyncio.gather(*(stream.opened.wait() for stream in streams)), 30)
        await asyncio.sleep(1.0)  # every stream has subscribed to its worker's follower
        result.per_worker = streams_per_worker(server)
        log(f"streams per worker: {result.per_worker}")
        await _publish_each(server.url, admin, options.publishes, streams, complete, received, result)
        result.bad_signatures = sum(not line["ok"] for line in read_received(received))
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return result


async def _publish_each(
    url: str,
    admin: dict[str, str],
    publishes: int,
    streams: list[Stream],
    complete: dict[str, asyncio.Event],
    received: Path,
    result: Latency,
) -> None:
    """One publish at a time, each on a new connection (so on either worker), at random gaps (so at any phase of
    the SQLite poll); wait until every stream and the receiver have it, or ARRIVAL_TIMEOUT."""
    pause = random.Random(9)
    limits = httpx.Limits(max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=10, headers=admin) as http:
        for n in range(publishes):
            slug = f"bench-{n}"
            event = complete.setdefault(slug, asyncio.Event())
            response = await http.post(f"/api/v1/articles/{slug}/publish")
            answered = time.time()
            response.raise_for_status()
            arrival = await _webhook_arrival(received, slug)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), ARRIVAL_TIMEOUT)
            timestamps = {s.timestamps[slug] for s in streams if slug in s.timestamps}
            committed = arrival["timestamp"] if arrival else (timestamps.pop() if timestamps else None)
            if committed is None:
                result.missed_streams += len(streams)
                result.missed_webhooks += 1
                continue
            result.responses.append(answered - committed)
            result.streams += [s.arrived[slug] - committed for s in streams if slug in s.arrived]
            result.missed_streams += sum(slug not in s.arrived for s in streams)
            if arrival is None:
                result.missed_webhooks += 1
            else:
                result.webhook.append(arrival["at"] - committed)
            await asyncio.sleep(pause.uniform(0.05, 0.3))


async def _webhook_arrival(received: Path, slug: str) -> dict[str, Any] | None:
    """The receiver's line for `slug`, its event timestamp as a number; waits up to ARRIVAL_TIMEOUT."""
    deadline = time.monotonic() + ARRIVAL_TIMEOUT
    while time.monotonic() < deadline:
        for line in read_received(received):
            if line["slug"] == slug:
                return line | {"timestamp": _epoch(line["timestamp"])}
        await asyncio.sleep(0.005)
    return None


async def measure_drain(received: Path, deliveries: int) -> Throughput:
    """Wait until `deliveries` arrived (or DRAIN_TIMEOUT); first arrival to last."""
    deadline = time.monotonic() + DRAIN_TIMEOUT
    lines = read_received(received)
    while len(lines) < deliveries and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        lines = read_received(received)
    await asyncio.sleep(1.5)  # anything sent twice would come now
    lines = read_received(received)
    times = sorted(line["at"] for line in lines)
    unique = {(line["n"], line["id"]) for line in lines}
    return Throughput(
        deliveries=deliveries,
        received=len(unique),
        seconds=times[-1] - times[0] if times else 0.0,
        duplicates=len(lines) - len(unique),
        bad_signatures=sum(not line["ok"] for line in lines),
    )


def streams_per_worker(server: servers.Server) -> list[int]:
    """Established connections to the server's port held by each worker process (Linux /proc)."""
    port = int(server.url.rsplit(":", 1)[1])
    inodes = set()
    for row in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = row.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == "01":
            inodes.add(fields[9])
    counts = []
    for pid in server.workers():
        held = 0
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    target = os.readlink(f"/proc/{pid}/fd/{fd}")
                    held += target.startswith("socket:[") and target[8:-1] in inodes
        counts.append(held)
    return counts


# The report.


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile, in ms."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))] * 1000


def markdown(results: list[Result], options: argparse.Namespace) -> str:
    lines = [
        f"Command: `{shlex.join(['.venv/bin/python', '-m', 'bench.events', *sys.argv[1:]])}`; "
        f"`cms serve --workers {options.workers}` on 127.0.0.1; {options.streams} streams; "
        f"{options.publishes} publishes timed one at a time; a backlog of {options.backlog} publishes "
        f"x {options.subscriptions} subscriptions.",
        "",
        "| machine |  |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in machine.describe().items() if name != "wrk"),
        "",
        "Latency from a publish's commit (the event's `timestamp`) to its arrival, in ms:",
        "",
        "| database | arrival | samples | p50 | p99 | max | missed | target p99 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        target = "1000" if result.kind == "sqlite" else "100"
        latency = result.latency
        rows = (
            ("100 event streams" if options.streams == 100 else f"{options.streams} event streams", latency.streams,
             latency.missed_streams),
            ("webhook receiver", latency.webhook, latency.missed_webhooks),
            ("the publish's response (for reference)", latency.responses, 0),
        )  # fmt: skip
        for name, values, missed in rows:
            if not values:
                lines.append(f"| {result.kind} | {name} | 0 | | | | {missed} | |")
                continue
            p99 = percentile(values, 0.99)
            verdict = "" if name.startswith("the publish") else (" ok" if p99 < float(target) else " **missed**")
            lines.append(
                f"| {result.kind} | {name} | {len(values)} | {percentile(values, 0.5):.1f} | {p99:.1f}"
                f" | {max(values) * 1000:.1f} | {missed} | {target if verdict else ''}{verdict} |"
            )
    lines += [
        "",
        "| database | streams per worker | bad signatures (latency run) | load average before / after |",
        "|---|---|---|---|",
        *(
            f"| {r.kind} | {' / '.join(map(str, r.latency.per_worker))} | {r.latency.bad_signatures}"
            f" | {r.load[0]} / {r.load[1]} |"
            for r in results
        ),
        "",
        "Webhook throughput: a backlog queued while the server was stopped, drained once it starts:",
        "",
        "| database | deliveries queued | received | seconds, first to last | deliveries/s | duplicates"
        " | bad signatures |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {r.kind} | {r.throughput.deliveries} | {r.throughput.received} | {r.throughput.seconds:.2f}"
            f" | {r.throughput.rate:,.0f} | {r.throughput.duplicates} | {r.throughput.bad_signatures} |"
            for r in results
        ),
    ]
    return "\n".join(lines) + "\n"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
