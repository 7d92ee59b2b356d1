"""Does Granian serve our app faster than uvicorn? Run by hand: `.venv/bin/python -m bench.granian [--quick]`.

The same app (`cms.web.app:create_app`, its defaults: JSON access log on), the same worker count, the seed
article and its 304, driven by wrk. The two servers take turns, twice each, so that a busy moment of the machine
does not land on one of them only; the median of each is reported. Needs `pip install granian` (not a
dependency of the project) and wrk.
"""

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench import machine, servers, wrk

SEED = "/api/v1/articles/ketamine-and-depression-how-it-may-help-you"
HEADERS = {"Accept-Encoding": "gzip"}


def granian_command(port: int, workers: int) -> list[str]:
    return [
        str(Path(sys.executable).parent / "granian"), "--interface", "asgi", "--factory", "--loop", "uvloop",
        "--host", servers.HOST, "--port", str(port), "--workers", str(workers), "cms.web.app:create_app",
    ]  # fmt: skip


@contextlib.contextmanager
def serving(name: str, folder: Path, workers: int) -> Iterator[servers.Server]:
    port = servers.free_port()
    command = servers.cms_command(port, workers) if name == "uvicorn" else granian_command(port, workers)
    env = {"CMS_DATABASE_URL": f"sqlite://{folder / 'cms.sqlite3'}"}
    log = folder / f"{name}.log"
    # granian logs no "Application startup complete": one answer from each worker's port is enough to start
    ready_workers = workers if name == "uvicorn" else 0
    with servers.running(name, command, port, ready_workers, "/readyz", env, log) as server:
        yield server


def measure(name: str, folder: Path, options: argparse.Namespace, script: Path) -> tuple[float, float]:
    settings = wrk.Settings(options.duration, options.connections, options.threads)
    with serving(name, folder, options.workers) as server:
        etag = httpx.get(server.url + SEED, headers=HEADERS).raise_for_status().headers["etag"]
        results = []
        for headers in (HEADERS, {**HEADERS, "If-None-Match": etag}):
            wrk.warm_up(server.url + SEED, settings, script, headers)
            server.wait_idle()
            results.append(wrk.run(server.url + SEED, settings, script, headers).requests_per_second)
            server.wait_idle()
    print(f"{name}: GET {results[0]:,.0f}/s, 304 {results[1]:,.0f}/s", file=sys.stderr, flush=True)
    return results[0], results[1]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.granian", description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="3 s runs, one round")
    options = parser.parse_args(argv)
    if options.quick:
        options.duration, options.rounds = "3s", 1
    wrk.require_wrk()
    with tempfile.TemporaryDirectory(prefix="cms-granian-") as tmp:
        folder = Path(tmp)
        env = {"CMS_DATABASE_URL": f"sqlite://{folder / 'cms.sqlite3'}"}
        subprocess.run([sys.executable, "-m", "cms", "seed"], env={**os.environ, **env}, check=True)
        script = wrk.write_script(folder)
        runs: dict[str, list[tuple[float, float]]] = {"uvicorn": [], "granian": []}
        for _ in range(options.rounds):
            for name in runs:
                runs[name].append(measure(name, folder, options, script))
    print(f"Command: `.venv/bin/python -m bench.granian {' '.join(sys.argv[1:])}`\n")
    print("| machine | |\n|---|---|\n" + "\n".join(f"| {k} | {v} |" for k, v in machine.describe().items()) + "\n")
    print("| server | seed GET requests/s (median) | seed 304 requests/s (median) |\n|---|---|---|")
    medians = {name: tuple(statistics.median(r[i] for r in results) for i in (0, 1)) for name, results in runs.items()}
    for name, (get, not_modified) in medians.items():
        print(f"| {name} | {get:,.0f} | {not_modified:,.0f} |")
    ratio = [medians["granian"][i] / medians["uvicorn"][i] for i in (0, 1)]
    print(f"\ngranian / uvicorn: GET x{ratio[0]:.2f}, 304 x{ratio[1]:.2f}")


if __name__ == "__main__":
    main()
