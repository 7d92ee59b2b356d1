"""What the figures were measured on: they mean little without the machine and the versions."""

import os
import platform
import re
import sqlite3
import subprocess
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def describe() -> dict[str, str]:
    return {
        "CPUs (nproc)": str(os.cpu_count()),
        "CPU model": _cpu_model(),
        "RAM": _ram(),
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "wrk": _wrk_version(),
        "uvicorn / starlette / tortoise-orm": " / ".join(version(p) for p in ("uvicorn", "starlette", "tortoise-orm")),
        "code": _code_version(),
    }


def _cpu_model() -> str:
    match = re.search(r"^model name\s*:\s*(.+)$", _read("/proc/cpuinfo"), re.MULTILINE)
    return match.group(1).strip() if match else platform.processor() or "unknown"


def _ram() -> str:
    match = re.search(r"^MemTotal:\s*(\d+) kB", _read("/proc/meminfo"), re.MULTILINE)
    return f"{int(match.group(1)) / 1024**2:.1f} GiB" if match else "unknown"


def _wrk_version() -> str:
    try:
        result = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=10)
    except OSError:
        return "not installed"
    return (result.stdout or result.stderr).split(" Copyright")[0].strip()


def _code_version() -> str:
    """The commit measured, '-dirty' when the working tree had uncommitted changes (read-only git commands)."""
    try:
        result = subprocess.run(
            ["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True, timeout=10
        )
    except OSError:
        return "unknown (no git)"
    return result.stdout.strip() or "unknown (not a git checkout)"


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""
