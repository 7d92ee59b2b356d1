"""/api/v1/site, /api/v1/schema and /docs (the document itself: tests/openapi)."""

from cms.core.blocks import BLOCK_TYPES
from cms.services.seeding import set_site_name


async def test_site_names_the_site_and_the_locales_in_use(client, publish):
    await set_site_name("The Magic of Massage Therapy")
    await publish(title="Hallo", locale="de")

    response = await client.get("/api/v1/site")

    assert response.status_code == 200
    assert response.json() == {"name": "The Magic of Massage Therapy", "default_locale": "en", "locales": ["de", "en"]}


async def test_site_without_a_seed_has_no_name_and_the_default_locale(client):
    response = await client.get("/api/v1/site")

    assert response.json() == {"name": None, "default_locale": "en", "locales": ["en"]}


async def test_schema_is_json_schema_2020_12_with_every_block_type_by_name(client):
    response = await client.get("/api/v1/schema")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/schema+json"
    schema = response.json()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["additionalProperties"] is False
    type_names = {model.model_fields["type"].annotation.__args__[0] for model in BLOCK_TYPES}
    assert type_names == {
        "paragraph", "heading", "list", "quote", "code", "image", "embed", "callout", "divider", "table", "html",
    }  # fmt: skip
    assert type_names <= set(schema["$defs"])
    assert schema["$defs"]["heading"]["properties"]["level"] == {
        "maximum": 6,
        "minimum": 3,
        "title": "Level",
        "type": "integer",
    }


async def test_docs_page_loads_its_assets_from_this_server(client):
    page = await client.get("/docs")
    script = await client.get("/docs/assets/swagger-ui-bundle.js")

    assert page.status_code == 200
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert 'src="/docs/assets/swagger-ui-bundle.js"' in page.text
    assert "https://" not in page.text
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
