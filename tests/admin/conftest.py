"""Fixtures of the editor's page: people created through the service, signed in through the page itself."""

import re
from collections.abc import Awaitable, Callable

import httpx
import pytest

from cms.services import users

PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')

SignIn = Callable[..., Awaitable[httpx.Response]]


def csrf_of(page: httpx.Response) -> str:
    found = _CSRF.search(page.text)
    assert found, page.text
    return found.group(1)


@pytest.fixture
def person(client: httpx.AsyncClient) -> Callable[..., Awaitable[str]]:
    """`await person("editor")` -> the email of a new person with that role and the password PASSWORD."""

    async def make(role: str = "editor", email: str | None = None) -> str:
        created, _ = await users.create(email or f"{role}@example.org", role, PASSWORD)
        return created.email

    return make


@pytest.fixture
def sign_in(client: httpx.AsyncClient) -> SignIn:
    """Sign in through the page as a browser would: the form's CSRF token, then the POST. Returns the answer."""

    async def sign_in(email: str, password: str = PASSWORD, **extra: str) -> httpx.Response:
        form = await client.get("/admin/sign-in")
        data = {"csrf": csrf_of(form), "email": email, "password": password, **extra}
        return await client.post("/admin/sign-in", data=data)

    return sign_in


@pytest.fixture
async def signed_in(person: Callable[..., Awaitable[str]], sign_in: SignIn) -> str:
    """An editor, signed in on `client`; returns the email."""
    email = await person("editor")
    answer = await sign_in(email)
    assert answer.status_code == 303, answer.text
    return email
