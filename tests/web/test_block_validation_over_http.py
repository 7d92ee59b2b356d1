"""Every block type, invalid in each way, answers 422 with the field's exact path through the write API."""

import pytest

INVALID_BLOCKS = [
    ({"type": "paragraph"}, "spans"),
    ({"type": "paragraph", "spans": []}, "spans"),
    ({"type": "paragraph", "spans": [{"text": "x", "marks": ["blink"]}]}, "spans/0/marks/0"),
    ({"type": "paragraph", "spans": [{"text": "x", "href": "javascript:alert(1)"}]}, "spans/0/href"),
    ({"type": "paragraph", "spans": "x", "style": "bold"}, "style"),
    ({"type": "heading", "level": 2, "spans": "x"}, "level"),
    ({"type": "heading", "level": 7, "spans": "x"}, "level"),
    ({"type": "heading", "level": "3", "spans": "x"}, "level"),
    ({"type": "list", "style": "dotted", "items": [{"spans": "x"}]}, "style"),
    ({"type": "list", "style": "bullet", "items": []}, "items"),
    ({"type": "list", "style": "bullet", "items": [{"spans": "x", "checked": True}]}, "items/0/checked"),
    ({"type": "quote"}, "spans"),
    ({"type": "quote", "spans": "x", "cite": ""}, "cite"),
    ({"type": "code"}, "code"),
    ({"type": "code", "code": "x", "language": "c c"}, "language"),
    ({"type": "image", "alt": "x"}, ""),
    ({"type": "image", "src": "http://example.com/a.png", "alt": "x"}, "src"),
    ({"type": "image", "src": "https://example.com/a.png"}, "alt"),
    ({"type": "image", "src": "https://example.com/a.png", "alt": "x", "width": 0}, "width"),
    ({"type": "embed", "url": "javascript:alert(1)"}, "url"),
    ({"type": "embed"}, "url"),
    ({"type": "callout", "tone": "danger", "spans": "x"}, "tone"),
    ({"type": "divider", "spans": "x"}, "spans"),
    ({"type": "table", "rows": []}, "rows"),
    ({"type": "table", "rows": [["x"]], "header_row": 1}, "header_row"),
    ({"type": "html"}, "html"),
    ({"type": "html", "html": "<script>alert(1)</script>"}, "html"),
    ({"type": "marquee"}, ""),
    ({"spans": "x"}, ""),
]


@pytest.mark.parametrize(("block", "path"), INVALID_BLOCKS)
async def test_an_invalid_block_answers_422_with_its_path(client, editor, block, path):
    body = {"title": "Blocks", "sections": [{"blocks": [{"type": "divider"}]}, {"heading": "Two", "blocks": [block]}]}

    response = await client.post("/api/v1/articles", json=body, headers=editor)

    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    expected = "sections/1/blocks/0" + (f"/{path}" if path else "")
    assert [error["path"] for error in response.json()["errors"]] == [expected]
    assert (await client.get("/api/v1/articles/blocks?preview=true", headers=editor)).status_code == 404
