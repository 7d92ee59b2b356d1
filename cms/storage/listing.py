"""The published listing: summaries newest first, or search hits best first, by keyset cursor; and the drafts'
catalogue that the editor's page lists.

Search runs on FTS5 (SQLite) or a weighted tsvector (PostgreSQL), both made by migration 0004_search;
docs/search.md says how each ranks and why.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q

from cms.core.listing_query import Search, listing_cursor, listing_position, search_cursor, search_position
from cms.storage.db import delivery_connection
from cms.storage.models import DRAFT, PUBLISHED, Edition
from cms.storage.models import Section as SectionRow


@dataclass(frozen=True)
class Page:
    items: list[dict[str, Any]]
    """Summaries in the JSON format's field order (sections only when asked), ready for orjson."""
    next_cursor: str | None


async def published_summaries(
    locale: str,
    limit: int,
    cursor: str | None,
    with_sections: bool,
    tag: str | None = None,
    search: Search | None = None,
) -> Page:
    """One query for the page, one more for the sections when they are asked for, at any depth."""
    if search is not None:
        return await _search_page(search, locale, tag, limit, cursor, with_sections)
    return await _newest_page(locale, tag, limit, cursor, with_sections)


async def _newest_page(locale: str, tag: str | None, limit: int, cursor: str | None, with_sections: bool) -> Page:
    """Newest first, by keyset (published_at, id): an index walk on article (locale, status, published_at, id),
    so no page costs more than the first. Only the summary's columns are read, never the snapshot or the text."""
    after = listing_position(cursor) if cursor is not None else None
    connection, p = _connection()
    sql = (
        f"SELECT {_COLUMNS} FROM edition e JOIN article a ON a.id = e.article_id"
        f" WHERE {_filters(p, locale, tag)} AND a.status = '{PUBLISHED}'"
        f"{_after(p, after, 'a.published_at', 'a.id')}"
        f" ORDER BY a.published_at DESC, a.id DESC LIMIT {p(limit + 1)}"
    )
    rows = await connection.execute_query_dict(sql, p.values)
    last = rows[limit - 1] if len(rows) > limit else None
    next_cursor = listing_cursor(_moment(last["a_published_at"]), last["a_id"]) if last else None
    return Page(await _summaries(rows[:limit], with_sections), next_cursor)


async def _search_page(
    search: Search, locale: str, tag: str | None, limit: int, cursor: str | None, with_sections: bool
) -> Page:
    """Best first, by keyset (rank, article id).

    A rank depends on the edition and the words only, never on the other articles, so a cursor keeps its
    place while articles are published or removed meanwhile.
    """
    after = search_position(cursor, search.key) if cursor is not None else None
    connection, p = _connection()
    build = _sqlite_search if connection.capabilities.dialect == "sqlite" else _postgres_search
    sql, values = build(p, search, locale, tag, after, limit + 1)
    rows = await connection.execute_query_dict(sql, values)
    last = rows[limit - 1] if len(rows) > limit else None
    next_cursor = search_cursor(search, last["rank"], last["a_id"]) if last else None
    return Page(await _summaries(rows[:limit], with_sections), next_cursor)


def _connection() -> tuple[BaseDBAsyncClient, "_Placeholders"]:
    """Where delivery reads (the replica, if any), and a placeholder collector in its dialect."""
    connection = delivery_connection() or connections.get("default")
    return connection, _Placeholders(connection.capabilities.dialect)


class _Placeholders:
    """Collects the values of a raw query and names their placeholders: '?' on SQLite, '$n' on PostgreSQL."""

    def __init__(self, dialect: str) -> None:
        self.numbered = dialect != "sqlite"
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}" if self.numbered else "?"


_COLUMNS = (
    "e.id, e.article_id, e.stage, e.version, e.title, e.summary, e.tags, e.author, e.updated_at,"
    " a.id AS a_id, a.uid AS a_uid, a.slug AS a_slug, a.locale AS a_locale, a.status AS a_status,"
    " a.published_at AS a_published_at"
)


def _filters(p: _Placeholders, locale: str, tag: str | None) -> str:
    sql = f"e.stage = '{PUBLISHED}' AND a.locale = {p(locale)}"
    if tag is not None:
        sql += f" AND EXISTS (SELECT 1 FROM edition_tag t WHERE t.edition_id = e.id AND t.tag = {p(tag)})"
    return sql


def _after(p: _Placeholders, after: tuple[Any, int] | None, rank: str, article_id: str) -> str:
    """The keyset condition as a row value: both databases walk an index from it, where the equivalent
    `rank < x OR (rank = x AND id < y)` made SQLite scan every row before the cursor."""
    if after is None:
        return ""
    return f" AND ({rank}, {article_id}) < ({p(after[0])}, {p(after[1])})"


def _sqlite_search(
    p: _Placeholders, search: Search, locale: str, tag: str | None, after: tuple[float, int] | None, limit: int
) -> tuple[str, list[Any]]:
    # bm25() would rank by the whole index's statistics, which change with every publish and would move a
    # cursor's place. The rank is 10 when every word is in the title, plus 1 when every word is in the summary:
    # three lookups in the FTS index, never a read of the articles' text, so a word that every article holds
    # still costs milliseconds (docs/search.md).
    words = search.fts5_match()
    sql = (
        f"WITH matched AS MATERIALIZED ({_fts_hits(p, words)}),"
        f" in_title AS MATERIALIZED ({_fts_hits(p, words, 'title')}),"
        f" in_summary AS MATERIALIZED ({_fts_hits(p, words, 'summary')}),"
        " ranked AS (SELECT edition_id, 10 * (edition_id IN in_title) + (edition_id IN in_summary) AS rank"
        " FROM matched)"
        f" SELECT {_COLUMNS}, r.rank FROM ranked r JOIN edition e ON e.id = r.edition_id"
        f" JOIN article a ON a.id = e.article_id WHERE {_filters(p, locale, tag)}{_after(p, after, 'r.rank', 'a.id')}"
        f" ORDER BY r.rank DESC, a.id DESC LIMIT {p(limit)}"
    )
    return sql, p.values


def _fts_hits(p: _Placeholders, words: str, column: str | None = None) -> str:
    """The editions holding every word (in one column, with an FTS5 column filter), answered from the index alone."""
    match = f"{{{column}}} : ({words})" if column else words
    return f"SELECT rowid AS edition_id FROM edition_fts WHERE edition_fts MATCH {p(match)}"


def _postgres_search(
    p: _Placeholders, search: Search, locale: str, tag: str | None, after: tuple[float, int] | None, limit: int
) -> tuple[str, list[Any]]:
    # ts_rank without normalisation reads only the edition's own vector. 'published' is a literal, not a
    # parameter, so the planner can always use the partial GIN index.
    sql = (
        f"SELECT * FROM (SELECT {_COLUMNS}, ts_rank(e.search, query) AS rank FROM edition e"
        f" JOIN article a ON a.id = e.article_id, to_tsquery('cms_search', {p(search.pg_tsquery())}) query"
        f" WHERE e.search @@ query AND {_filters(p, locale, tag)}) ranked"
        f" WHERE true{_after(p, after, 'rank', 'a_id')} ORDER BY rank DESC, a_id DESC LIMIT {p(limit)}"
    )
    return sql, p.values


async def _summaries(rows: list[dict[str, Any]], with_sections: bool) -> list[dict[str, Any]]:
    """Plain dicts, not models: the rows were validated when written, and a page is built on every request."""
    items = [_summary(row) for row in rows]
    if with_sections and rows:
        by_edition: dict[int, list[dict[str, Any]]] = {row["id"]: [] for row in rows}
        sections = SectionRow.filter(edition_id__in=list(by_edition)).using_db(delivery_connection())
        for edition_id, uid, anchor, heading, blocks in await sections.order_by("edition_id", "position").values_list(
            "edition_id", "uid", "anchor", "heading", "blocks"
        ):
            by_edition[edition_id].append({"id": uid, "anchor": anchor, "heading": heading, "blocks": blocks})
        for item, row in zip(items, rows, strict=True):
            item["sections"] = by_edition[row["id"]]
    return items


def _summary(row: dict[str, Any]) -> dict[str, Any]:
    """A row of `_COLUMNS` as the JSON format's summary; SQLite gives text where PostgreSQL gives values."""
    tags = row["tags"]
    return {
        "id": row["a_uid"],
        "slug": row["a_slug"],
        "locale": row["a_locale"],
        "title": row["title"],
        "summary": row["summary"],
        "tags": orjson.loads(tags) if isinstance(tags, str | bytes) else tags,
        "author": row["author"],
        "status": row["a_status"],
        "version": row["version"],
        "published_at": _moment(row["a_published_at"]),
        "updated_at": _moment(row["updated_at"]),
    }


def _moment(value: datetime | str) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class DraftEntry:
    """An article as the editor's page lists it: the draft's title, the status, when the draft last changed."""

    slug: str
    locale: str
    title: str
    status: str
    updated_at: datetime
    version: int
    published_version: int | None
    """The version delivery serves; lower than `version` when the draft changed since it was published."""


@dataclass(frozen=True)
class DraftPage:
    entries: list[DraftEntry]
    more_after: tuple[datetime, int] | None
    """The keyset position of the last entry when more entries follow it."""


async def drafts(title_contains: str, limit: int, after: tuple[datetime, int] | None) -> DraftPage:
    """Most recently changed first, by keyset on (updated_at, edition id), from `after` on; only the titles that
    contain `title_contains` (any case) when it is not empty."""
    query = Edition.filter(stage=DRAFT).select_related("article")
    if title_contains:
        query = query.filter(title__icontains=title_contains)
    if after is not None:
        moment, edition_id = after
        query = query.filter(Q(updated_at__lt=moment) | Q(updated_at=moment, id__lt=edition_id))
    rows = await query.order_by("-updated_at", "-id").limit(limit + 1)
    last = rows[limit - 1] if len(rows) > limit else None
    entries = [
        DraftEntry(
            e.article.slug, e.article.locale, e.title, e.article.status, e.updated_at, e.article.version,
            e.article.published_version,
        )
        for e in rows[:limit]
    ]  # fmt: skip
    return DraftPage(entries, (last.updated_at, last.id) if last else None)
