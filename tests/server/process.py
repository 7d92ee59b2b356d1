"""A real `cms serve` in a subprocess, for behaviour that needs workers, restarts or signals."""

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


@dataclass
class Server:
    url: str
    log: Path
    process: subprocess.Popen[bytes]
    killed: bool = False

    def output(self) -> str:
        return self.log.read_text()

    def kill(self) -> None:
        """SIGKILL the server and its workers at once, as a crash would: no shutdown runs."""
        assert self.process is not None
        for pid in _children(self.process.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.kill()
        self.process.wait(timeout=10)
        self.killed = True


def _children(pid: int) -> list[int]:
    """Every descendant of `pid` (uvicorn's workers and their helpers)."""
    found = []
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        found += [int(child), *_children(int(child))]
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(
    database_url: str,
    log: Path,
    workers: int = 2,
    timeout: float = 30,
    server: str = "uvicorn",
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Iterator[Server]:
    """`cms serve --workers N` on a free port (in `cwd`); yields once /readyz answers; stops it with SIGTERM."""
    port = free_port()
    started_lines = workers if server == "uvicorn" else 0  # uvicorn logs each worker's startup
    env = {**os.environ, "CMS_DATABASE_URL": database_url, **(env or {})}
    command = [sys.executable, "-m", "cms", "serve", "--port", str(port), "--workers", str(workers), "--server", server]
    with (
        log.open("a") as output,
        subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, cwd=cwd) as process,
    ):
        server = Server(f"http://127.0.0.1:{port}", log, process)
        try:
            _wait_until_ready(server, process, timeout, started_lines)
            yield server
        finally:
            if process.poll() is None:
                process.terminate()
            code = process.wait(timeout=30)
        # One worker: uvicorn re-raises the SIGTERM it handled, after its clean shutdown.
        assert server.killed or code in (0, -signal.SIGTERM), f"cms serve exited with {code}:\n{server.output()}"


def _wait_until_ready(server: Server, process: subprocess.Popen[bytes], timeout: float, workers: int) -> None:
    """/readyz answers from one worker; uvicorn logs each worker's startup, so every one of them is counted too
    (a test that cuts the database must not catch a worker still starting)."""
    deadline = time.monotonic() + timeout
    while True:
        assert process.poll() is None, f"cms serve exited early:\n{server.output()}"
        try:
            started = server.output().count("Application startup complete.") >= workers
            if started and httpx.get(f"{server.url}/readyz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"cms serve was not ready within {timeout} s:\n{server.output()}"
        time.sleep(0.2)
