"""Running wrk and reading its figures.

wrk's own summary is made for people; a Lua `done()` hook prints the same figures as one JSON line that we parse
(requests/s, p50, p99 in microseconds, errors), and `--latency` keeps the human distribution in the raw output.
"""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

REPORT_MARK = "BENCH-JSON "  # the Lua below writes it
DONE_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write("BENCH-JSON ", string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p99_us": %d, "max_us": %d,'
    .. ' "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(99), latency.max,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
"""


@dataclass
class Settings:
    duration: str
    connections: int
    threads: int


@dataclass
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    bytes_per_response: float
    timeouts: int
    """requests wrk gave up on after 5 s: their latency is not in p50 / p99"""
    errors: int
    """socket errors and statuses >= 400"""
    raw: str


def require_wrk() -> str:
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk (or build it from github.com/wg/wrk)")
    return path


def write_script(folder: Path) -> Path:
    path = folder / "report.lua"
    path.write_text(DONE_SCRIPT)
    return path


def run(url: str, settings: Settings, script: Path, headers: dict[str, str]) -> Result:
    return parse(_wrk(url, settings, script, headers))


def warm_up(url: str, settings: Settings, script: Path, headers: dict[str, str]) -> None:
    """A short run whose figures are dropped: the first requests fill caches and open connections."""
    _wrk(url, Settings("1s", settings.connections, settings.threads), script, headers)


def _wrk(url: str, settings: Settings, script: Path, headers: dict[str, str]) -> str:
    """wrk's output; its own `--timeout` and ours bound it in time."""
    command = [
        require_wrk(), "--latency", "--timeout", "5s", "-s", str(script),
        "-t", str(settings.threads), "-c", str(settings.connections), "-d", settings.duration,
    ]  # fmt: skip
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    timeout = _seconds(settings.duration) + 60
    return subprocess.run([*command, url], capture_output=True, text=True, check=True, timeout=timeout).stdout


def parse(output: str) -> Result:
    """wrk's output -> Result, from the line our `done()` hook printed."""
    line = next((line for line in output.splitlines() if line.startswith(REPORT_MARK)), None)
    if line is None:
        raise RuntimeError(f"wrk printed no {REPORT_MARK.strip()} line (was the Lua script loaded?):\n{output}")
    figures = json.loads(line.removeprefix(REPORT_MARK))
    requests = figures["requests"]
    errors = sum(figures[key] for key in ("connect", "read", "write", "status"))
    return Result(
        requests_per_second=requests / (figures["duration_us"] / 1e6),
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        bytes_per_response=figures["bytes"] / requests if requests else 0.0,
        timeouts=figures["timeout"],
        errors=errors,
        raw=output,
    )


def _seconds(duration: str) -> float:
    """'10s' -> 10, '2m' -> 120, '1h' -> 3600, '15' -> 15 (wrk's own units)."""
    units = {"s": 1, "m": 60, "h": 3600}
    if duration[-1:] in units:
        return float(duration[:-1]) * units[duration[-1]]
    return float(duration)
