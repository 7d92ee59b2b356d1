"""JSON Schema of the content model, with every block type under `$defs` by its type name ('paragraph', …)."""

from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from cms.core.article import ArticleInput
from cms.core.blocks import BLOCK_TYPES

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

_BLOCK_NAMES = {model.__name__: model.model_fields["type"].annotation.__args__[0] for model in BLOCK_TYPES}  # type: ignore[union-attr]


def _rename(node: Any, prefix: str) -> Any:
    """Rewrite every $ref (and discriminator mapping) from a block's class name to its type name."""
    if isinstance(node, dict):
        return {key: _rename(value, prefix) for key, value in node.items()}
    if isinstance(node, list):
        return [_rename(value, prefix) for value in node]
    if isinstance(node, str) and node.startswith(prefix):
        name = node.removeprefix(prefix)
        return prefix + _BLOCK_NAMES.get(name, name)
    return node


def component_schemas(
    models: list[tuple[type[BaseModel], JsonSchemaMode]], ref_prefix: str
) -> tuple[dict[Any, dict[str, Any]], dict[str, Any]]:
    """`models_json_schema` with block definitions named by type: (schema per model, shared definitions)."""
    per_model, top = models_json_schema(models, ref_template=ref_prefix + "{model}")
    definitions = {_BLOCK_NAMES.get(name, name): schema for name, schema in top.get("$defs", {}).items()}
    return _rename(per_model, ref_prefix), _rename(definitions, ref_prefix)


def article_input_schema() -> dict[str, Any]:
    """The document served at /api/v1/schema: one JSON Schema (2020-12) for the article input."""
    _, definitions = component_schemas([(ArticleInput, "validation")], "#/$defs/")
    root = definitions.pop("ArticleInput")
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": "/api/v1/schema", **root, "$defs": definitions}
