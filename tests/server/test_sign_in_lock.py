"""The sign-in lock against a real two-worker server: guesses racing in two processes are counted as one."""

import asyncio
import re

import httpx
import pytest

from cms.services import users
from cms.storage import db
from tests.server.process import serve

PASSWORD = "correct horse battery staple"
GUESSES = 30


@pytest.fixture
async def email(database_url):
    """Made through the service, with no app in this process."""
    async with db.database(database_url):
        created, _ = await users.create("editor@example.org", "editor", PASSWORD)
        return created.email


async def test_thirty_wrong_passwords_sent_at_once_to_two_workers_get_five_checked(email, database_url, tmp_path):
    with serve(database_url, tmp_path / "server.log", workers=2) as server:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            form = await http.get("/admin/sign-in")
            csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
            assert csrf, form.text
            guess = {"csrf": csrf.group(1), "email": email, "password": "wrong password!"}

            answers = await asyncio.gather(*(http.post("/admin/sign-in", data=guess) for _ in range(GUESSES)))

    checked = [a for a in answers if a.status_code == 200]
    refused = [a for a in answers if a.status_code == 429]
    assert (len(checked), len(refused)) == (5, GUESSES - 5), server.output()
    assert all("The email or the password is wrong." in a.text for a in checked)
    assert all(890 <= int(a.headers["retry-after"]) <= 901 for a in refused)
