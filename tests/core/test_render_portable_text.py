from datetime import UTC, datetime
from typing import Any

import orjson

from cms.core.article import Article
from cms.core.render import portable_text
from tests.core.builders import published


def article(*blocks: dict[str, Any], heading: str | None = None) -> Article:
    return published(
        [{"id": "s1", "anchor": "intro", "heading": heading, "blocks": list(blocks)}],
        tags=["health"],
        author="Ann",
        version=3,
        updated_at=datetime(2026, 11, 24, 11, tzinfo=UTC),
    )


def body(*blocks: dict[str, Any]) -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = orjson.loads(portable_text.article(article(*blocks)))["body"]
    return result


def test_article_carries_its_fields_and_a_body() -> None:
    rendered = orjson.loads(portable_text.article(article()))

    assert rendered == {
        "id": "a1",
        "slug": "ketamine",
        "locale": "en",
        "title": "Ketamine",
        "summary": None,
        "tags": ["health"],
        "author": "Ann",
        "status": "published",
        "version": 3,
        "published_at": "2026-11-24T10:00:00Z",
        "updated_at": "2026-11-24T11:00:00Z",
        "body": [],
    }


def test_section_alone_carries_its_id_anchor_heading_and_an_h2_keyed_by_its_id() -> None:
    section = article({"id": "b1", "type": "divider"}, heading="Why").sections[0]

    assert orjson.loads(portable_text.section(section)) == {
        "id": "s1",
        "anchor": "intro",
        "heading": "Why",
        "body": [
            {
                "_type": "block",
                "_key": "s1",
                "style": "h2",
                "children": [{"_type": "span", "_key": "s1.0", "text": "Why", "marks": []}],
                "markDefs": [],
            },
            {"_type": "divider", "_key": "b1"},
        ],
    }


def test_paragraph_marks_are_decorators_and_links_are_mark_definitions() -> None:
    spans = [{"text": "gone", "marks": ["strike", "em"]}, {"text": "here", "marks": ["strong"], "href": "/x"}]

    assert body({"id": "b1", "type": "paragraph", "spans": spans}) == [
        {
            "_type": "block",
            "_key": "b1",
            "style": "normal",
            "children": [
                {"_type": "span", "_key": "b1.0", "text": "gone", "marks": ["strike-through", "em"]},
                {"_type": "span", "_key": "b1.1", "text": "here", "marks": ["strong", "b1.link1"]},
            ],
            "markDefs": [{"_type": "link", "_key": "b1.link1", "href": "/x"}],
        }
    ]


def test_heading_and_quote_are_styles_and_quote_keeps_its_cite() -> None:
    blocks = body(
        {"id": "b1", "type": "heading", "level": 4, "spans": "Sub"},
        {"id": "b2", "type": "quote", "spans": "Be kind.", "cite": "Ann"},
    )

    assert [(block["_key"], block["style"], block.get("cite")) for block in blocks] == [
        ("b1", "h4", None),
        ("b2", "blockquote", "Ann"),
    ]


def test_quote_is_a_blockquote_block_with_its_cite_beside_the_standard_fields() -> None:
    spans = [{"text": "Be ", "marks": []}, {"text": "kind", "marks": ["em"], "href": "/k"}]

    blocks = body(
        {"id": "b1", "type": "quote", "spans": spans, "cite": "Ann"}, {"id": "b2", "type": "quote", "spans": "Hi"}
    )

    assert blocks == [
        {
            "_type": "block",
            "_key": "b1",
            "style": "blockquote",
            "children": [
                {"_type": "span", "_key": "b1.0", "text": "Be ", "marks": []},
                {"_type": "span", "_key": "b1.1", "text": "kind", "marks": ["em", "b1.link1"]},
            ],
            "markDefs": [{"_type": "link", "_key": "b1.link1", "href": "/k"}],
            "cite": "Ann",
        },
        {
            "_type": "block",
            "_key": "b2",
            "style": "blockquote",
            "children": [{"_type": "span", "_key": "b2.0", "text": "Hi", "marks": []}],
            "markDefs": [],
        },
    ]


def test_list_is_one_block_per_item_with_list_item_and_level() -> None:
    items = [{"spans": "one", "items": [{"spans": "one.a"}]}, {"spans": "two"}]

    blocks = body({"id": "b1", "type": "list", "style": "number", "items": items})

    assert [(b["_key"], b["style"], b["listItem"], b["level"], b["children"][0]["text"]) for b in blocks] == [
        ("b1.0", "normal", "number", 1, "one"),
        ("b1.1", "normal", "number", 2, "one.a"),
        ("b1.2", "normal", "number", 1, "two"),
    ]


def test_other_blocks_are_custom_types_carrying_their_fields() -> None:
    blocks = body(
        {
            "id": "b1",
            "type": "image",
            "asset_id": "f00dcafef00dcafef00dcafef00dcafe",
            "alt": "A cat",
            "width": 640,
            "height": 480,
        },
        {"id": "b2", "type": "code", "code": "x = 1", "language": "python"},
        {"id": "b3", "type": "embed", "url": "https://youtu.be/x"},
        {"id": "b4", "type": "callout", "tone": "tip", "spans": "Try"},
        {"id": "b5", "type": "table", "header_row": True, "rows": [["A"]]},
        {"id": "b6", "type": "html", "html": "<p>Hi</p>"},
    )

    assert blocks == [
        {
            "_type": "image",
            "_key": "b1",
            "asset_id": "f00dcafef00dcafef00dcafef00dcafe",
            "alt": "A cat",
            "width": 640,
            "height": 480,
        },
        {"_type": "code", "_key": "b2", "code": "x = 1", "language": "python"},
        {"_type": "embed", "_key": "b3", "url": "https://youtu.be/x"},
        {"_type": "callout", "_key": "b4", "tone": "tip", "spans": [{"text": "Try", "marks": []}]},
        {"_type": "table", "_key": "b5", "rows": [[[{"text": "A", "marks": []}]]], "header_row": True},
        {"_type": "html", "_key": "b6", "html": "<p>Hi</p>"},
    ]


def test_keys_are_unique_even_when_ids_look_like_derived_keys() -> None:
    blocks = body(
        {"id": "b1", "type": "list", "style": "bullet", "items": [{"spans": "a"}, {"spans": "b"}]},
        {"id": "b1-0", "type": "paragraph", "spans": "c"},
    )

    keys = [block["_key"] for block in blocks]
    assert len(set(keys)) == len(keys) == 3
