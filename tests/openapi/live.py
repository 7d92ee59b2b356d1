"""A real `cms serve` holding the seed, for the generated clients; and the tools they need, or a skip."""

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.process import Server, serve

JS = Path(__file__).parents[1] / "js"
SEED_SLUG = "ketamine-and-depression-how-it-may-help-you"
SEED_TITLE = "Ketamine And Depression: How It May Help You"


def require_node() -> None:
    """Skip without `npm ci --prefix tests/js`; fail instead when CMS_TEST_REQUIRE_NODE=1 (CI sets it)."""
    if (JS / "node_modules" / ".bin" / "tsc").is_file() and shutil.which("node"):
        return
    reason = "the TypeScript tools are not installed: run `npm ci --prefix tests/js`"
    if os.environ.get("CMS_TEST_REQUIRE_NODE") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def run(command: list[str], cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The finished command; a failure shows its output."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(command)} exited with {done.returncode}:\n{output}"
    return done


def seeded_server(database_url: str, log: Path) -> Iterator[Server]:
    env = {"CMS_DATABASE_URL": database_url}
    subprocess.run([sys.executable, "-m", "cms", "seed"], env={**os.environ, **env}, check=True, capture_output=True)
    with serve(database_url, log, workers=2) as server:
        yield server
