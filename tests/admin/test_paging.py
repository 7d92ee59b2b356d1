"""The "Articles" table and the "Revisions" page in pages: every entry once, by the links a browser follows."""

import html
import re
from datetime import UTC, datetime

import httpx
import pytest

from cms.storage.models import DRAFT, Edition
from cms.web.admin import editor
from tests.admin.test_editor import form_of, new_article

_TITLE = re.compile(r'<td><a href="/admin/articles/[^"]+/edit">([^<]*)</a>')
_VERSION = re.compile(r"<h2>Version (\d+)")


def link(page: httpx.Response, text: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)">{text}</a>', page.text)
    return html.unescape(found.group(1)) if found else None


async def every_page(client: httpx.AsyncClient, url: str, more: str, pattern: re.Pattern[str]) -> list[list[str]]:
    """What each page lists, following the `more` link from `url` to the last page."""
    pages: list[list[str]] = []
    next_url: str | None = url
    while next_url is not None:
        answer = await client.get(next_url)
        assert answer.status_code == 200, answer.text
        pages.append(pattern.findall(answer.text))
        next_url = link(answer, more)
    return pages


async def saved_versions(client: httpx.AsyncClient, url: str, count: int) -> None:
    """`count` more saves of the article whose editor is at `url`."""
    for n in range(count):
        page = await client.get(url)
        assert (await client.post(url, data=form_of(page, title=f"Take {n}", action="save"))).status_code == 303


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(editor, "ARTICLES_PER_PAGE", 2)
    monkeypatch.setattr(editor, "REVISIONS_PER_PAGE", 2)


async def test_the_articles_table_lists_every_article_once_across_its_pages(client, signed_in, small_pages):
    for title in ("One", "Two", "Three", "Four", "Five"):
        await new_article(client, title=title)

    pages = await every_page(client, "/admin", "Next page", _TITLE)

    assert pages == [["Five", "Four"], ["Three", "Two"], ["One"]]


async def test_articles_changed_at_the_same_moment_are_each_listed_once(client, signed_in, small_pages):
    for title in ("One", "Two", "Three", "Four", "Five"):
        await new_article(client, title=title)
    await Edition.filter(stage=DRAFT).update(updated_at=datetime(2026, 11, 30, 12, 0, tzinfo=UTC))  # an import's

    pages = await every_page(client, "/admin", "Next page", _TITLE)

    assert pages == [["Five", "Four"], ["Three", "Two"], ["One"]]  # the newest row first among equal times


async def test_the_next_page_of_a_search_keeps_to_the_search(client, signed_in, small_pages):
    for title in ("Apple one", "Pear", "Apple two", "Apple three", "Pear two"):
        await new_article(client, title=title)

    pages = await every_page(client, "/admin?q=apple", "Next page", _TITLE)

    assert pages == [["Apple three", "Apple two"], ["Apple one"]]


async def test_a_later_page_of_articles_links_back_to_the_first(client, signed_in, small_pages):
    for title in ("One", "Two", "Four"):
        await new_article(client, title=title)
    first = await client.get("/admin", params={"q": "o"})

    second = await client.get(link(first, "Next page"))

    assert (link(first, "First page"), link(second, "First page"), link(second, "Next page")) == (
        None,
        "/admin?q=o",
        None,
    )


async def test_a_cursor_the_articles_page_did_not_make_answers_400(client, signed_in):
    for cursor in ("", "x", "!!", "WzFd", "WyJub3QgYSB0aW1lIiwxXQ", "WyIyMDI2LTAxLTAxVDAwOjAwOjAwKzAwOjAwIiwxZTMwXQ"):
        answer = await client.get("/admin", params={"cursor": cursor})

        assert (cursor, answer.status_code) == (cursor, 400)
        assert f"the page link's cursor {cursor!r} is not one this page made" in html.unescape(answer.text)


async def test_the_revisions_page_lists_every_version_once_across_its_pages(client, signed_in, small_pages):
    url = await new_article(client, title="Hello", slug="hello")
    await saved_versions(client, url, 4)

    pages = await every_page(client, "/admin/articles/hello/revisions", "Older revisions", _VERSION)

    assert pages == [["5", "4"], ["3", "2"], ["1"]]


async def test_an_older_page_of_revisions_links_to_the_newest_and_can_restore(client, signed_in, small_pages):
    url = await new_article(client, title="Hello", slug="hello")
    await saved_versions(client, url, 2)
    newest = await client.get("/admin/articles/hello/revisions")

    older = await client.get(link(newest, "Older revisions"))

    assert link(older, "Newest revisions") == "/admin/articles/hello/revisions"
    assert '<ol class="revisions" reversed start="1">' in older.text
    assert '<form method="post" action="/admin/articles/hello/revisions/1/restore">' in older.text


async def test_a_cursor_the_revisions_page_did_not_make_answers_400(client, signed_in):
    await new_article(client, title="Hello", slug="hello")

    for cursor in ("", "abc", "0", "-1", "1.5", "99999999999999999999"):
        answer = await client.get("/admin/articles/hello/revisions", params={"cursor": cursor})

        assert (cursor, answer.status_code) == (cursor, 400)
        assert f"the page link's cursor {cursor!r} is not one this page made" in html.unescape(answer.text)


async def test_the_revisions_page_costs_as_many_queries_for_six_revisions_as_for_one(client, signed_in, query_log):
    await new_article(client, title="Short", slug="short")
    await saved_versions(client, await new_article(client, title="Long", slug="long"), 5)

    one = await query_log.count(client, "/admin/articles/short/revisions")
    six = await query_log.count(client, "/admin/articles/long/revisions")

    assert six == one
