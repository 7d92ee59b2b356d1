"""openapi-typescript types from the live document; tests/js/client/seed.ts compiles with `tsc --strict` against
them, without casts, and reads the seed, the listing, `fields=`, Portable Text and a problem from a real server."""

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from tests.openapi.live import JS, SEED_SLUG, SEED_TITLE, require_node, run, seeded_server
from tests.server.process import Server


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[Server]:
    require_node()
    yield from seeded_server(database_url, tmp_path / "server.log")


def test_typed_program_compiles_strictly_and_reads_the_seed_from_a_live_server(server: Server) -> None:
    run(["node_modules/.bin/openapi-typescript", f"{server.url}/openapi.json", "-o", "build/schema.d.ts"], cwd=JS)
    run(["node_modules/.bin/tsc", "--project", "client"], cwd=JS)

    program = run(["node", "build/client/client/seed.js", server.url], cwd=JS)

    assert orjson.loads(program.stdout) == {
        "article": {
            "anchors": [
                "intro",
                "what-exactly-is-ketamine",
                "what-is-the-difference-in-ketamine-versus-anti-depressants",
                "how-is-ketamine-infusion-therapy-administered",
            ],
            "blocks": 8,
            "firstWords": ["Mental", "health", "treatment", "is"],
        },
        "listing": {"slugs": [SEED_SLUG], "next_cursor": None},
        "fields": {"keys": ["summary", "title"], "title": SEED_TITLE},
        "portableText": {"nodes": 11, "styles": ["h2", "normal"]},
        "problem": {"status": 404, "title": "Not Found", "problemStatus": 404},
    }
