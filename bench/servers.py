"""Starting and stopping the servers under test, and reading their workers' memory.

Both run under uvicorn with the same worker count on 127.0.0.1. The bare app runs as a fast deployment would:
uvloop, httptools, no access log. `cms serve` runs with the defaults its users get (its JSON access log on), and
once more with `CMS_ACCESS_LOG=false`, so the price of the log is measured rather than hidden in the baseline.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def workers(self) -> list[int]:
        """The uvicorn worker processes (the children, less multiprocessing's resource tracker)."""
        return [pid for pid in _children(self.process.pid) if b"resource_tracker" not in _cmdline(pid)]

    def rss_mb(self) -> dict[int, float]:
        return {pid: _rss_kb(pid) / 1024 for pid in self.workers()}

    def wait_idle(self, timeout: float = 120, quiet: float = 0.5) -> bool:
        """Wait until no worker burns CPU for `quiet` seconds; False if they were still busy after `timeout`.

        When wrk stops, requests it gave up on may still be queued in a worker. Asking /healthz is not enough:
        the kernel hands a new connection to whichever worker is free, so a busy one goes unnoticed.
        """
        deadline = time.monotonic() + timeout
        before = _cpu_seconds(self.workers())
        while time.monotonic() < deadline:
            time.sleep(quiet)
            now = _cpu_seconds(self.workers())
            if all(now.get(pid, 0) - seconds < 0.1 * quiet for pid, seconds in before.items()):
                return True
            before = now
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def cms_command(port: int, workers: int) -> list[str]:
    return [sys.executable, "-m", "cms", "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]


def bare_command(port: int, workers: int) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--host", HOST, "--port", str(port),
        "--workers", str(workers), "--timeout-graceful-shutdown", "10",
        "--loop", "uvloop", "--http", "httptools", "--no-access-log",
    ]  # fmt: skip


@contextlib.contextmanager
def running(
    name: str,
    command: list[str],
    port: int,
    workers: int,
    ready_path: str,
    env: dict[str, str],
    log: Path,
    timeout: float = 60,
) -> Iterator[Server]:
    """Start `command`, yield once every worker has started and `ready_path` answers 200; stop it with SIGTERM."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT
        )
        server = Server(name, f"http://{HOST}:{port}", process, log)
        try:
            _wait_until_ready(server, workers, ready_path, timeout)
            yield server
        finally:
            _stop(process)


def _wait_until_ready(server: Server, workers: int, path: str, timeout: float) -> None:
    """One answer proves one worker ready; uvicorn logs each worker's startup, so count those lines too."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited early:\n{server.log.read_text(errors='replace')[-3000:]}")
        started = server.log.read_text(errors="replace").count("Application startup complete")
        with contextlib.suppress(httpx.TransportError):
            if started >= workers and httpx.get(server.url + path, timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{server.name} was not ready within {timeout} s:\n{server.log.read_text(errors='replace')}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, as a process manager would; SIGKILL only if it has not exited 30 s later."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def _children(pid: int) -> list[int]:
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in children.read_text().split()] if children.exists() else []


def _cmdline(pid: int) -> bytes:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    return b""


def _cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU time of each process, from /proc/<pid>/stat (fields 14 and 15, in clock ticks)."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return seconds


def _rss_kb(pid: int) -> int:
    """VmRSS from /proc/<pid>/status, in kB (Linux only; 0 when the process is gone)."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0
