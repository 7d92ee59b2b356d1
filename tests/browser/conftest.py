"""Browser tests: Debian's chromium driven by Playwright against a real `cms serve`, axe-core on every page.

Skipped when /usr/bin/chromium (apt-get install chromium) or tests/js/node_modules/axe-core (npm ci --prefix
tests/js) is missing, unless CMS_TEST_REQUIRE_BROWSER=1, as CI sets it. A failing test leaves a screenshot in
$CMS_TEST_SCREENSHOTS (default: the system's temporary folder), named after the test.
"""

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PG_URL
from tests.server.process import Server, serve

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"
# Pages load only from 127.0.0.1: every other name fails at once (the articles link to example.org images, and a
# slow lookup of one held a page's load event past the test's timeout).
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]  # fmt: skip
PASSWORD = "correct horse battery staple"
EDITOR, ADMIN = "ed@example.org", "ada@example.org"


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: apt-get install chromium"
    if not AXE.exists():
        return f"{AXE} is missing: npm ci --prefix tests/js"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: pip install -e '.[test]'"
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    mine = [item for item in items if here in Path(str(item.fspath)).parents]
    if not mine:
        return
    if PG_URL:
        reason = "runs cms serve on its own SQLite file; the PostgreSQL run covers the page over HTTP"
    elif (reason_missing := _missing()) is None:
        return
    elif os.environ.get("CMS_TEST_REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"CMS_TEST_REQUIRE_BROWSER=1 but {reason_missing}")
    else:
        reason = reason_missing
    for item in mine:
        item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


def _cms(database: str, *args: str, stdin: str | None = None) -> str:
    env = {**os.environ, "CMS_DATABASE_URL": database}
    done = subprocess.run([sys.executable, "-m", "cms", *args], env=env, input=stdin, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("browser")
    database = f"sqlite://{folder / 'cms.sqlite3'}"
    for email, role in ((EDITOR, "editor"), (ADMIN, "admin")):
        _cms(database, "user", "create", "--email", email, "--role", role, "--password-stdin", stdin=PASSWORD)
    env = {"CMS_WEBHOOK_ALLOW_PRIVATE": "true"}  # the Webhooks page's test subscribes a local address
    with serve(database, folder / "server.log", workers=2, env=env) as running:
        yield running


@pytest.fixture(scope="module")
def api(server: Server) -> dict[str, str]:
    """Headers of a token with every scope, for what another program does through the API meanwhile."""
    database = f"sqlite://{server.log.parent / 'cms.sqlite3'}"
    scopes = [arg for scope in ("preview", "write", "admin") for arg in ("--scope", scope)]
    secret = _cms(database, "token", "create", "--name", "another-program", *scopes).splitlines()[-1]
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Any, server: Server, request: pytest.FixtureRequest) -> Iterator[Any]:
    """`new_page()` -> a page in a fresh browser context (its own cookies); screenshots of each on failure."""
    pages: list[Any] = []

    def make() -> Any:
        # bypass_csp: axe-core is injected as an inline script, which the page's CSP rightly refuses.
        context = browser.new_context(base_url=server.url, bypass_csp=True)
        context.set_default_timeout(10_000)
        page = context.new_page()
        pages.append(page)
        return page

    yield make
    failed = request.node.stash.get(_FAILED, False)
    folder = Path(os.environ.get("CMS_TEST_SCREENSHOTS") or tempfile.gettempdir())
    for number, page in enumerate(pages):
        if failed and not page.is_closed():  # a test may close a page itself
            shot = folder / f"{request.node.name}-{number}.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot: {shot}")
        page.context.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now: rule id, impact and how many elements."""
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run()).violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length}))"
    )
    return found
