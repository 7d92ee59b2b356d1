"""Full-text search over published editions: FTS5 on SQLite, a weighted tsvector with a GIN index on PostgreSQL.

Raw SQL because neither object is a Tortoise field; see docs/search.md for why each piece is shaped as it is.
Each statement runs alone: on SQLite `execute_script` would COMMIT the migration's transaction first.
"""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

SQLITE_UP = [
    # The content table is a view of the published editions only, so that drafts are never indexed and the
    # FTS5 'rebuild' and 'integrity-check' commands agree with the triggers below.
    "CREATE VIEW edition_published AS SELECT id, title, summary, body_text FROM edition WHERE stage = 'published'",
    "CREATE VIRTUAL TABLE edition_fts USING fts5(title, summary, body_text, content='edition_published',"
    " content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER edition_fts_insert AFTER INSERT ON edition WHEN new.stage = 'published' BEGIN"
    " INSERT INTO edition_fts(rowid, title, summary, body_text) VALUES (new.id, new.title, new.summary, new.body_text);"
    " END",
    "CREATE TRIGGER edition_fts_delete AFTER DELETE ON edition WHEN old.stage = 'published' BEGIN"
    " INSERT INTO edition_fts(edition_fts, rowid, title, summary, body_text)"
    " VALUES ('delete', old.id, old.title, old.summary, old.body_text);"
    " END",
    # Only the indexed columns: rewriting an edition's snapshot does not touch the index.
    "CREATE TRIGGER edition_fts_update AFTER UPDATE OF stage, title, summary, body_text ON edition BEGIN"
    " INSERT INTO edition_fts(edition_fts, rowid, title, summary, body_text)"
    " SELECT 'delete', old.id, old.title, old.summary, old.body_text WHERE old.stage = 'published';"
    " INSERT INTO edition_fts(rowid, title, summary, body_text)"
    " SELECT new.id, new.title, new.summary, new.body_text WHERE new.stage = 'published';"
    " END",
    "INSERT INTO edition_fts(edition_fts) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER edition_fts_update",
    "DROP TRIGGER edition_fts_delete",
    "DROP TRIGGER edition_fts_insert",
    "DROP TABLE edition_fts",
    "DROP VIEW edition_published",
]

UNACCENTED_WORDS = (
    "ALTER TEXT SEARCH CONFIGURATION cms_search"
    " ALTER MAPPING FOR word, numword, hword, numhword, hword_part, hword_numpart WITH unaccent, simple"
)
POSTGRES_UP = [
    "CREATE TEXT SEARCH CONFIGURATION cms_search (COPY = simple)",
    "ALTER TABLE edition ADD COLUMN search tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('cms_search', coalesce(title, '')), 'A')"
    " || setweight(to_tsvector('cms_search', coalesce(summary, '')), 'B')"
    " || setweight(to_tsvector('cms_search', coalesce(body_text, '')), 'C')) STORED",
    # Partial: searches only ever ask for published editions, and drafts are rewritten on every save.
    "CREATE INDEX edition_search_gin ON edition USING GIN (search) WHERE stage = 'published'",
]
POSTGRES_DOWN = [
    "DROP INDEX edition_search_gin",
    "ALTER TABLE edition DROP COLUMN search",
    "DROP TEXT SEARCH CONFIGURATION cms_search",
]


async def _run(client: Any, statements: list[str]) -> None:
    for statement in statements:
        await client.execute_query(statement)


async def _unaccent_available(client: Any) -> bool:
    """PostgreSQL ships unaccent in contrib (Debian packages, the official images); some installs lack it."""
    _, rows = await client.execute_query("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'")
    return bool(rows)


async def forward(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    if client.capabilities.dialect == "sqlite":
        await _run(client, SQLITE_UP)
        return
    statements = list(POSTGRES_UP)
    if await _unaccent_available(client):
        # Before the column: its generated values are computed with the configuration as it is then.
        statements[1:1] = ["CREATE EXTENSION IF NOT EXISTS unaccent", UNACCENTED_WORDS]
    await _run(client, statements)


async def backward(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    # The unaccent extension stays: other objects may use it, and it costs nothing.
    await _run(client, SQLITE_DOWN if client.capabilities.dialect == "sqlite" else POSTGRES_DOWN)


class Migration(migrations.Migration):
    dependencies = [("models", "0003_delivery_snapshots")]

    initial = False

    operations = [ops.RunPython(forward, backward)]
