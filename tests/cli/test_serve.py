"""`cms serve` as a real uvicorn process with two workers: the README's quick start, end to end."""

import os
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="runs on its own SQLite file")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_served_seed_article_answers_from_a_two_worker_server(tmp_path):
    env = {**os.environ, "CMS_DATABASE_URL": f"sqlite://{tmp_path / 'cms.sqlite3'}"}
    subprocess.run([sys.executable, "-m", "cms", "seed"], env=env, check=True, capture_output=True, timeout=120)
    port = _free_port()
    log = tmp_path / "server.log"
    with (
        log.open("w") as output,
        subprocess.Popen(
            [sys.executable, "-m", "cms", "serve", "--port", str(port), "--workers", "2"],
            env=env, stdout=output, stderr=subprocess.STDOUT,
        ) as server,
    ):  # fmt: skip
        try:
            response = _get_when_up(
                f"http://127.0.0.1:{port}/api/v1/articles/ketamine-and-depression-how-it-may-help-you"
            )

            assert response.status_code == 200, log.read_text()
            assert [s["heading"] for s in response.json()["sections"]] == [
                None,
                "What Exactly Is Ketamine?",
                "What Is The Difference In Ketamine Versus Anti-Depressants?",
                "How Is Ketamine Infusion Therapy Administered?",
            ]
            assert httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200
        finally:
            server.terminate()
            assert server.wait(timeout=30) == 0, log.read_text()


def _get_when_up(url: str, timeout: float = 30) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(url)
        except httpx.ConnectError:
            assert time.monotonic() < deadline, f"the server did not start within {timeout} s"
            time.sleep(0.2)
