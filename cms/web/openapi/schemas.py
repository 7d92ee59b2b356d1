"""The `components.schemas` of the OpenAPI document, generated from the models the code validates and serialises with.

Four generations, each named so that no two schemas share a title (a client generator makes one class per title):
- what responses carry (serialisation; every field is written, so every field is required: `model_dump()` never
  leaves one out), with blocks always carrying their `id` (the server assigns one before anything is stored);
- what requests carry (validation); where a model differs from its served form, `Input` is added to its name
  (`Paragraph` is served, `ParagraphInput` accepted);
- problems and the standard Portable Text nodes (cms.web.schemas);
- the Portable Text custom types (`PortableTextCallout`, …), made from the block models as the renderer writes them:
  `_type` and `_key` instead of `type` and `id`, and fields without a value left out rather than null.
Then the shapes that only select from those: summaries, `fields=` selections, the Portable Text article and section.
"""

import copy
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode, models_json_schema

from cms.core.article import Article, ArticleInput, Section, SectionInput
from cms.core.assets import Asset, AssetPage
from cms.core.blocks import BLOCK_TYPES, Heading, List, Paragraph, Quote
from cms.services.publishing import Publication
from cms.services.revisions import RevisionDetail, RevisionPage
from cms.services.webhooks import CreatedWebhook, DeliveryInfo, DeliveryPage, NewWebhook, WebhookList, WebhookPatch
from cms.web.openapi.parts import REF
from cms.web.schemas import (
    ChangesPage,
    CreatedToken,
    NewSection,
    NewToken,
    PortableTextBlock,
    Problem,
    PublishRequest,
    SiteInfo,
    StreamEvent,
    TokenList,
)

SERVED: list[type[BaseModel]] = [
    Article,
    Section,
    Publication,
    RevisionPage,
    RevisionDetail,
    TokenList,
    CreatedToken,
    WebhookList,
    CreatedWebhook,
    DeliveryInfo,
    DeliveryPage,
    Asset,
    AssetPage,
    ChangesPage,
    StreamEvent,
    SiteInfo,
]
ACCEPTED: list[type[BaseModel]] = [
    ArticleInput,
    SectionInput,
    NewSection,
    PublishRequest,
    NewToken,
    NewWebhook,
    WebhookPatch,
]
TEXT_BLOCKS = (Paragraph, Heading, List, Quote)
CUSTOM_TYPES = [block for block in BLOCK_TYPES if block not in TEXT_BLOCKS]


class _Served(GenerateJsonSchema):
    """Serialisation as the API does it: `model_dump()` writes every field, with or without a default."""

    def field_is_required(self, field: Any, total: bool) -> bool:
        return self.mode == "serialization" or super().field_is_required(field, total)


def _generate(
    models: list[type[BaseModel]], mode: JsonSchemaMode, template: str, generator: type[GenerateJsonSchema]
) -> dict[str, Any]:
    _, top = models_json_schema([(model, mode) for model in models], ref_template=template, schema_generator=generator)
    definitions: dict[str, Any] = top.get("$defs", {})
    return definitions


def _renamed(node: Any, names: dict[str, str]) -> Any:
    """Every `$ref` and discriminator mapping that names a renamed schema, renamed."""
    if isinstance(node, dict):
        return {key: _renamed(value, names) for key, value in node.items()}
    if isinstance(node, list):
        return [_renamed(value, names) for value in node]
    if isinstance(node, str) and node.startswith(REF) and node.removeprefix(REF) in names:
        return REF + names[node.removeprefix(REF)]
    return node


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """{"anyOf": [X, {"type": "null"}], "default": null} -> X (with the rest of the keys but the default)."""
    options = [option for option in schema.get("anyOf", []) if option != {"type": "null"}]
    if len(options) == len(schema.get("anyOf", [])):
        return schema
    rest = {key: value for key, value in schema.items() if key not in ("anyOf", "default")}
    return (options[0] if len(options) == 1 else {"anyOf": options}) | rest


def _served_blocks(schemas: dict[str, Any]) -> None:
    """A stored block always has its id: `to_document` assigns one to every block that comes without."""
    for block in BLOCK_TYPES:
        schema = schemas[block.__name__]
        schema["properties"]["id"] = _without_null(schema["properties"]["id"])


def _without_null_defaults(node: Any) -> Any:
    """Drop `"default": null` where null is not allowed (a field that is left out rather than null when unset)."""
    if isinstance(node, list):
        return [_without_null_defaults(value) for value in node]
    if not isinstance(node, dict):
        return node
    nullable = {"type": "null"} in node.get("anyOf", []) or node.get("type") == "null"
    return {
        key: _without_null_defaults(value)
        for key, value in node.items()
        if not (key == "default" and value is None and not nullable)
    }


def _portable_text_custom_types(served: dict[str, Any]) -> dict[str, Any]:
    """The custom `_type`s as `portable_text._block` writes them: `_type`, `_key`, the block's fields but none null."""
    generated = _generate(CUSTOM_TYPES, "serialization", REF + "{model}", _Served)
    names = {name: "PortableText" + name for name in generated}
    names["Span"] = "PortableTextCustomSpan"
    schemas = {}
    for name, schema in _renamed(generated, names).items():
        properties = {key: _without_null(value) for key, value in schema["properties"].items()}
        required = [key for key in schema["required"] if properties[key] == schema["properties"][key]]
        if name in {block.__name__ for block in CUSTOM_TYPES}:
            type_name = properties.pop("type")["const"]
            del properties["id"]
            properties = {
                "_type": {"type": "string", "const": type_name},
                "_key": {"type": "string", "description": "The block's id, unique within the body."},
                **properties,
            }
            required = ["_type", "_key", *(key for key in required if key not in ("id", "type"))]
            schema["description"] = f"The `{type_name}` block as a custom type: " + served[name].get(
                "description", "its fields beside `_type` and `_key`."
            )
        schemas[names[name]] = schema | {"properties": properties, "required": required}
    schemas["PortableTextCustomSpan"]["description"] = "A span in a custom type's fields: `href` only on a link."
    return schemas


def _derived(schemas: dict[str, Any]) -> dict[str, Any]:
    """Shapes that select from the served article: the summary, a `fields=` selection, the Portable Text forms."""
    article = schemas["Article"]
    summary = copy.deepcopy(article)
    del summary["properties"]["sections"]
    summary["required"] = [name for name in summary["required"] if name != "sections"]
    summary["description"] = "An article in the listing: every field but `sections`."
    selection = copy.deepcopy(article) | {
        "required": [],
        "description": "The fields `?fields=` asked for, and only those: any field may be absent, so every one is "
        "optional here. Without `fields=`, a listing item is an `ArticleSummary` and an article an `Article`.",
    }
    nodes = [PortableTextBlock.__name__, *("PortableText" + block.__name__ for block in CUSTOM_TYPES)]
    mapping = {"block": REF + PortableTextBlock.__name__} | {
        block.model_fields["type"].annotation.__args__[0]: REF + "PortableText" + block.__name__  # type: ignore[union-attr]
        for block in CUSTOM_TYPES
    }
    body = {
        "type": "array",
        "description": "Portable Text: each section's heading (style `h2`) and blocks, in order.",
        "items": {"$ref": REF + "PortableTextNode"},
    }

    def with_body(source: dict[str, Any], drop: str, description: str) -> dict[str, Any]:
        shape = copy.deepcopy(source)
        del shape["properties"][drop]
        shape["properties"]["body"] = body
        shape["required"] = [name for name in shape["required"] if name != drop] + ["body"]
        return shape | {"description": description}

    def page(items: str, description: str) -> dict[str, Any]:
        return {
            "type": "object",
            "description": description + " Pass `next_cursor` back as `?cursor=` for the next page (null on the last).",
            "properties": {
                "items": {"type": "array", "items": {"$ref": REF + items}},
                "next_cursor": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            },
            "required": ["items", "next_cursor"],
            "additionalProperties": False,
        }

    patch = copy.deepcopy(schemas["ArticleInput"])
    patch["properties"] = {
        name: {"anyOf": [value, {"type": "null"}]} if name in ("tags", "sections") else value
        for name, value in patch["properties"].items()
    }
    patch |= {
        "required": [],
        "description": "A JSON Merge Patch (RFC 7396) of the draft: the fields to change; null removes an optional "
        "one. The result must be a valid `ArticleInput`.",
    }
    return {
        "ArticlePatch": patch,
        "ArticleSummary": summary,
        "ArticleSummaryPage": page("ArticleSummary", "A page of the listing without `fields=`."),
        "ArticleFields": selection,
        "ArticleFieldsPage": page("ArticleFields", "A page of the listing with `fields=`."),
        "PortableTextNode": {
            "description": "A standard block (text) or one of the custom types, told apart by `_type`.",
            "oneOf": [{"$ref": REF + name} for name in nodes],
            "discriminator": {"propertyName": "_type", "mapping": mapping},
        },
        "PortableTextArticle": with_body(
            article, "sections", "An article as `?format=portable-text` serves it: `body` instead of `sections`."
        ),
        "PortableTextSection": with_body(
            schemas["Section"], "blocks", "A section as `?format=portable-text` serves it: `body` instead of `blocks`."
        ),
    }


def component_schemas() -> dict[str, Any]:
    served = _generate(SERVED, "serialization", REF + "{model}", _Served)
    _served_blocks(served)
    accepted = _generate(ACCEPTED, "validation", REF + "{model}", GenerateJsonSchema)
    own = _generate([Problem, PortableTextBlock], "validation", REF + "{model}", GenerateJsonSchema)
    inputs = {name: name + "Input" for name in accepted if name in served or name in own}
    schemas = served | own
    for name, schema in _renamed(accepted, inputs).items():
        schemas[inputs.get(name, name)] = schema
    schemas |= _portable_text_custom_types(served)
    schemas |= _derived(schemas)
    return {name: _without_null_defaults(schema) | {"title": name} for name, schema in sorted(schemas.items())}
