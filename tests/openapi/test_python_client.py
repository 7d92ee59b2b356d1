"""openapi-python-client generates a client from the live document with zero warnings, and that client parses every
response it gets from a real server: the seed, the listing, `fields=`, Portable Text and a problem."""

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.openapi.live import SEED_SLUG, SEED_TITLE, run, seeded_server
from tests.server.process import Server

CONFIG = Path(__file__).parent / "python-client.yaml"


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    yield from seeded_server(database_url, tmp_path / "server.log")


@pytest.fixture
def generated(server: Server, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(the generator's output, the package name) of a client generated into tmp_path and importable."""
    done = run(
        [
            "openapi-python-client",
            "generate",
            "--url",
            f"{server.url}/openapi.json",
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "cms_api_client"),
            "--config",
            str(CONFIG),
        ]
    )
    sys.path.insert(0, str(tmp_path))
    yield done.stdout + done.stderr, "cms_api_client"
    sys.path.remove(str(tmp_path))
    for name in [name for name in sys.modules if name.split(".")[0] == "cms_api_client"]:
        del sys.modules[name]


def _module(package: str, name: str) -> ModuleType:
    return importlib.import_module(f"{package}.{name}")


def test_generated_client_has_no_warnings_and_parses_every_response(server: Server, generated: Any) -> None:
    output, package = generated
    client = _module(package, "client").Client(base_url=server.url)
    models = _module(package, "models")
    get_article = _module(package, "api.delivery.get_article")
    list_articles = _module(package, "api.delivery.list_articles")
    fmt = _module(package, "models.get_article_format").GetArticleFormat

    with client:
        article = get_article.sync_detailed(client=client, slug=SEED_SLUG)
        listing = list_articles.sync_detailed(client=client)
        fields = get_article.sync_detailed(client=client, slug=SEED_SLUG, fields="title,summary")
        portable = get_article.sync_detailed(client=client, slug=SEED_SLUG, format_=fmt.PORTABLE_TEXT)
        missing = get_article.sync_detailed(client=client, slug="no-such-article")

    assert "warning" not in output.lower(), output
    assert (article.status_code, type(article.parsed)) == (200, models.Article)
    assert article.parsed.title == SEED_TITLE
    assert [s.anchor for s in article.parsed.sections][:2] == ["intro", "what-exactly-is-ketamine"]
    assert (listing.status_code, type(listing.parsed)) == (200, models.ArticleSummaryPage)
    assert [item.slug for item in listing.parsed.items] == [SEED_SLUG]
    assert (fields.status_code, type(fields.parsed)) == (200, models.ArticleFields)
    assert (fields.parsed.title, fields.parsed.summary) == (SEED_TITLE, None)
    assert (portable.status_code, type(portable.parsed)) == (200, models.PortableTextArticle)
    assert {node.style for node in portable.parsed.body} == {"h2", "normal"}
    assert (missing.status_code, type(missing.parsed)) == (404, models.Problem)
    assert (missing.parsed.status, missing.parsed.title) == (404, "Not Found")
