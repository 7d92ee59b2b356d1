"""`cms serve` as a real uvicorn process with two workers: the README's quick start, end to end."""

import os
import subprocess
import sys

import httpx
import pytest

from tests.conftest import PG_URL
from tests.server.process import serve

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="runs on its own SQLite file")


def test_served_seed_article_answers_from_a_two_worker_server(tmp_path):
    database = f"sqlite://{tmp_path / 'cms.sqlite3'}"
    env = {**os.environ, "CMS_DATABASE_URL": database}
    subprocess.run([sys.executable, "-m", "cms", "seed"], env=env, check=True, capture_output=True, timeout=120)

    with serve(database, tmp_path / "server.log", workers=2) as server:
        response = httpx.get(f"{server.url}/api/v1/articles/ketamine-and-depression-how-it-may-help-you")

    assert response.status_code == 200
    assert [s["heading"] for s in response.json()["sections"]] == [
        None,
        "What Exactly Is Ketamine?",
        "What Is The Difference In Ketamine Versus Anti-Depressants?",
        "How Is Ketamine Infusion Therapy Administered?",
    ]
