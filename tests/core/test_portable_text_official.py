"""The official `@portabletext/to-html` renders our body with its default components for every text type.

Needs `npm ci --prefix tests/js`; without it the test is skipped, unless CMS_TEST_REQUIRE_NODE=1 (CI sets it).
"""

import os
import shutil
import subprocess
from pathlib import Path

import orjson
import pytest

from cms.core.render import portable_text
from tests.core.builders import published

JS = Path(__file__).parents[1] / "js"


@pytest.fixture
def node() -> str:
    node = shutil.which("node")
    if (JS / "node_modules").is_dir() and node:
        return node
    reason = "the official renderer is not installed: run `npm ci --prefix tests/js`"
    if os.environ.get("CMS_TEST_REQUIRE_NODE") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def test_official_renderer_renders_every_text_type_without_custom_components(node: str) -> None:
    article = published(
        [
            {
                "id": "s1",
                "anchor": "why",
                "heading": "Why",
                "blocks": [
                    {
                        "id": "p",
                        "type": "paragraph",
                        "spans": [
                            {"text": "a", "marks": ["strong"]},
                            {"text": "b", "marks": ["em"]},
                            {"text": "c", "marks": ["code"]},
                            {"text": "d", "marks": ["underline"]},
                            {"text": "e", "marks": ["strike"]},
                            {"text": "f & g", "href": "https://e.com/?a=1"},
                        ],
                    },
                    {"id": "h", "type": "heading", "level": 3, "spans": "Sub"},
                    {"id": "h6", "type": "heading", "level": 6, "spans": "Deep"},
                    {
                        "id": "l",
                        "type": "list",
                        "style": "bullet",
                        "items": [{"spans": "one", "items": [{"spans": "one.a"}]}, {"spans": "two"}],
                    },
                    {"id": "n", "type": "list", "style": "number", "items": [{"spans": "first"}]},
                    {"id": "q", "type": "quote", "spans": "Be kind.", "cite": "Ann"},
                ],
            }
        ]
    )
    blocks = orjson.loads(portable_text.article(article))["body"]

    result = subprocess.run(
        [node, str(JS / "render.mjs")], input=orjson.dumps(blocks), capture_output=True, check=False, timeout=60
    )

    assert result.stderr == b""
    assert result.returncode == 0
    assert result.stdout.decode() == (
        "<h2>Why</h2>"
        '<p><strong>a</strong><em>b</em><code>c</code><span style="text-decoration:underline">d</span><del>e</del>'
        '<a href="https://e.com/?a=1">f &amp; g</a></p>'
        "<h3>Sub</h3><h6>Deep</h6>"
        "<ul><li>one<ul><li>one.a</li></ul></li><li>two</li></ul>"
        "<ol><li>first</li></ol>"
        "<blockquote>Be kind.</blockquote>"
    )
