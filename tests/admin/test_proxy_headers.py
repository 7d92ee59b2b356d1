"""Behind a reverse proxy that terminates TLS: its X-Forwarded-Proto is believed from CMS_FORWARDED_ALLOW_IPS only."""

import httpx
import pytest
from asgi_lifespan import LifespanManager

from cms.config import ConfigError, Settings
from cms.services import users
from cms.web.app import create_app
from tests.admin.conftest import PASSWORD, csrf_of


async def _cookie_through_a_proxy_at(address: str, database_url: str) -> str:
    """Sign in over http from `address`, as a proxy that terminated TLS forwards it; the session cookie set."""
    app = create_app(Settings(database_url=database_url, forwarded_allow_ips=("10.0.0.0/8",)))
    transport = httpx.ASGITransport(app=app, client=(address, 4711))
    proxied = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
    async with LifespanManager(app), httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        email = (await users.create("editor@example.org", "editor", PASSWORD))[0].email
        form = await http.get("/admin/sign-in", headers=proxied)
        data = {"csrf": csrf_of(form), "email": email, "password": PASSWORD}
        # The browser speaks https to the proxy, so it sends back even a `Secure` cookie; httpx on http would not.
        cookies = "; ".join(f"{name}={value}" for name, value in form.cookies.items())
        http.cookies.clear()
        answer = await http.post("/admin/sign-in", data=data, headers=proxied | {"Cookie": cookies})
    assert answer.status_code == 303, answer.text
    return next(c for c in answer.headers.get_list("set-cookie") if c.startswith("cms_session="))


async def test_the_session_cookie_is_secure_behind_a_trusted_proxy_that_terminates_tls(database_url):
    cookie = await _cookie_through_a_proxy_at("10.1.2.3", database_url)

    assert "; secure" in cookie.lower()


async def test_x_forwarded_proto_from_an_untrusted_address_is_ignored(database_url):
    cookie = await _cookie_through_a_proxy_at("192.0.2.1", database_url)

    assert "; secure" not in cookie.lower()


def test_trusted_proxies_default_to_this_host_only():
    assert Settings.from_env({}).forwarded_allow_ips == ("127.0.0.1", "::1")


def test_cms_forwarded_allow_ips_takes_addresses_networks_or_a_star():
    env = {"CMS_FORWARDED_ALLOW_IPS": " 10.0.0.0/8, 192.168.1.5 ,fd00::/8"}

    assert Settings.from_env(env).forwarded_allow_ips == ("10.0.0.0/8", "192.168.1.5", "fd00::/8")
    assert Settings.from_env({"CMS_FORWARDED_ALLOW_IPS": "*"}).forwarded_allow_ips == ("*",)


def test_cms_forwarded_allow_ips_refuses_what_is_not_an_address():
    with pytest.raises(ConfigError, match=r"CMS_FORWARDED_ALLOW_IPS has value 'proxy\.internal': use comma-separated"):
        Settings.from_env({"CMS_FORWARDED_ALLOW_IPS": "proxy.internal"})
