"""Redocly CLI lints the document with its recommended rules: 0 errors, and no warning but those
tests/js/.redocly.lint-ignore.yaml lists with their reasons."""

import orjson

from cms.web.api.index import OPERATIONS
from cms.web.openapi.document import build_openapi
from tests.openapi.live import JS, require_node, run


def test_redocly_finds_no_error_and_no_unlisted_warning() -> None:
    require_node()
    (JS / "build").mkdir(exist_ok=True)
    (JS / "build" / "openapi.json").write_bytes(orjson.dumps(build_openapi(OPERATIONS), option=orjson.OPT_INDENT_2))

    linted = run(["node_modules/.bin/redocly", "lint", "build/openapi.json", "--format=json"], cwd=JS)

    report = orjson.loads(linted.stdout)
    assert report["problems"] == []
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 5}
