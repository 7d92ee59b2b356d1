"""Instructions per request, counted by valgrind's callgrind: `.venv/bin/python -m bench.instructions`.

wrk's requests/s move with whatever else the machine does; the instructions a worker executes for one request do
not, so this compares the cost of the seed GET and its 304 when the machine is busy, or between commits
(`--revision REV`, checked out into a temporary worktree and served with this checkout's virtualenv). Each server
runs as one process under `valgrind --tool=callgrind` with instrumentation off; after a warm-up, instrumentation is
switched on for `--requests` keep-alive requests of one kind, then off, and the count is dumped. The bare Starlette
app of bench/bare_app.py, serving the bytes captured from ours under uvicorn with uvloop and httptools and no
access log, is the baseline of the same run. Markdown on stdout, for docs/performance.md. Needs valgrind.
"""

import argparse
import contextlib
import http.client
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench import delivery, machine, servers

SEED = "/api/v1/articles/ketamine-and-depression-how-it-may-help-you"
KINDS = ("seed GET", "seed 304")
COMMAND = ".venv/bin/python -m bench.instructions"
IDLE_SECONDS = 10


@dataclass
class Contender:
    name: str
    command: Callable[[int], list[str]]
    """The server's command line, given its port (one process: uvicorn with one worker serves in-process)."""
    env: dict[str, str]
    source: Path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.instructions", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=1000, help="measured requests of each kind (1000)")
    parser.add_argument("--revision", action="append", default=[], help="also measure `cms serve` at this commit")
    options = parser.parse_args(argv)
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is needed: apt-get install -y valgrind")
    with tempfile.TemporaryDirectory(prefix="cms-instructions-") as tmp:
        folder = Path(tmp)
        sources = {"this checkout": servers.ROOT}
        with contextlib.ExitStack() as stack:
            for revision in options.revision:
                sources[revision] = stack.enter_context(_worktree(revision, folder / f"src-{len(sources)}"))
            counts = {
                contender.name: _measure(contender, folder, options.requests)
                for contender in _contenders(sources, folder)
            }
    print(_report(counts, options.requests))


def _contenders(sources: dict[str, Path], folder: Path) -> Iterator[Contender]:
    """Ours at each source, with the access log on (the default) and off; the bare app, once ours has been seen."""
    for label, source in sources.items():
        database = folder / f"{abs(hash(label))}.sqlite3"
        env = {"CMS_DATABASE_URL": f"sqlite://{database}", "PYTHONPATH": str(source)}
        subprocess.run([sys.executable, "-m", "cms", "seed"], cwd=source, env={**os.environ, **env}, check=True)
        for log in ("true", "false"):
            name = f"cms serve ({label}, CMS_ACCESS_LOG={log})"
            yield Contender(name, _cms_command, {**env, "CMS_ACCESS_LOG": log}, source)
    capture = {"BENCH_BARE_CAPTURE": str(folder / "capture")}
    yield Contender("bare Starlette", _bare_command, capture, servers.ROOT)


def _cms_command(port: int) -> list[str]:
    return servers.cms_command(port, workers=1)


def _bare_command(port: int) -> list[str]:
    return servers.bare_command(port, workers=1)


@contextlib.contextmanager
def _worktree(revision: str, path: Path) -> Iterator[Path]:
    subprocess.run(["git", "worktree", "add", "--detach", "-q", str(path), revision], cwd=servers.ROOT, check=True)
    try:
        yield path
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(path)], cwd=servers.ROOT, check=False)


def _measure(contender: Contender, folder: Path, requests: int) -> dict[str, int]:
    port = servers.free_port()
    command = contender.command(port)
    out = folder / f"callgrind-{port}"
    out.mkdir()
    log = (out / "server.log").open("wb")
    process = subprocess.Popen(
        ["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}/out.%p", *command],
        cwd=contender.source, env={**os.environ, **contender.env}, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_for(port, process)
        etag = _etag(port, folder)
        _requests(port, 300, None)  # warm-up: caches filled, code paths taken once
        _requests(port, 300, etag)
        # Timers run whether requests come or not (uvicorn's 0.1 s tick; ours: the event log's poll on SQLite, the
        # webhook dispatcher's): their instructions per second, measured idle, are taken off each window's count.
        idle, idle_seconds = _window(process.pid, out, "idle", lambda: time.sleep(IDLE_SECONDS))
        per_second = idle / idle_seconds
        counts = {}
        for kind, conditional in zip(KINDS, (None, etag), strict=True):
            count, seconds = _window(process.pid, out, kind, lambda c=conditional: _requests(port, requests, c))
            counts[kind] = round(count - per_second * seconds)
            print(
                f"{contender.name}, {kind}: {count:,} instructions in {seconds:.1f} s, less {per_second:,.0f}/s idle",
                file=sys.stderr,
            )
        return counts
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=120)
        log.close()


def _window(pid: int, out: Path, name: str, action: Callable[[], None]) -> tuple[int, float]:
    """The instructions the server executed while `action` ran, and for how many seconds it ran."""
    _control(pid, "--zero")
    _control(pid, "--instr=on")
    started = time.monotonic()
    action()
    seconds = time.monotonic() - started
    _control(pid, "--instr=off")
    hint = name.replace(" ", "-")
    _control(pid, f"--dump={hint}")
    return _dumped(out, hint), seconds


def _wait_for(port: int, process: subprocess.Popen[bytes], timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited early")
        with contextlib.suppress(OSError):
            connection = http.client.HTTPConnection(servers.HOST, port, timeout=5)
            connection.request("GET", SEED)
            if connection.getresponse().status == 200:
                return
        time.sleep(0.5)
    raise RuntimeError(f"no answer on port {port} within {timeout} s")


def _etag(port: int, folder: Path) -> str:
    """The seed's ETag at this server; the first server's bytes are captured for the bare app, which comes last."""
    with httpx.Client(base_url=f"http://{servers.HOST}:{port}", headers=delivery.CLIENT_HEADERS) as client:
        if not (folder / "capture").exists():
            return delivery.capture(client, SEED, folder / "capture") or ""
        return client.get(SEED).headers.get("etag", "")


def _requests(port: int, count: int, etag: str | None) -> None:
    """`count` GETs on one kept-alive connection, one at a time, each read whole."""
    connection = http.client.HTTPConnection(servers.HOST, port, timeout=120)
    headers = {**delivery.CLIENT_HEADERS, **({"If-None-Match": etag} if etag else {})}
    expected = 304 if etag else 200
    for _ in range(count):
        connection.request("GET", SEED, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != expected:
            raise RuntimeError(f"GET {SEED} answered {response.status}, not {expected}")
    connection.close()


def _control(pid: int, command: str) -> None:
    """callgrind_control waits until the process has taken the command (uvicorn wakes every 0.1 s)."""
    subprocess.run(["callgrind_control", command, str(pid)], check=True, capture_output=True, timeout=120)


def _dumped(out: Path, hint: str) -> int:
    for path in out.glob("out.*"):
        text = path.read_text(errors="replace")
        if f"Trigger: Client Request: {hint}" in text or f"Trigger: dump {hint}" in text:
            totals = re.search(r"^totals: (\d+)", text, re.MULTILINE) or re.search(r"^summary: (\d+)", text, re.M)
            if totals is not None:
                return int(totals.group(1))
    raise RuntimeError(f"no callgrind dump named {hint} in {out}")


def _report(counts: dict[str, dict[str, int]], requests: int) -> str:
    bare = counts["bare Starlette"]
    described = machine.describe()
    lines = [
        f"Command: `{COMMAND} {shlex.join(sys.argv[1:])}` (code {described.get('code', '?')}, {requests} requests "
        "of each kind)",
        "",
        "| server | " + " | ".join(f"{kind}: instructions/request | / bare" for kind in KINDS) + " |",
        "|---|" + "---|---|" * len(KINDS),
    ]
    for name, kinds in counts.items():
        cells = [f"{kinds[kind] / requests:,.0f} | x{kinds[kind] / bare[kind]:.2f}" for kind in KINDS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
