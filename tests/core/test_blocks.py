"""Every block type, valid and invalid, validated inside an article so the paths are the ones clients see."""

from typing import Any

import orjson
import pytest
from pydantic import TypeAdapter, ValidationError

from cms.core.article import ArticleInput
from cms.core.blocks import BLOCK_TYPES, Block, error_list, error_path

TYPES = "'paragraph', 'heading', 'list', 'quote', 'code', 'image', 'embed', 'callout', 'divider', 'table', 'html'"
SPAN = {"text": "Dosage", "marks": [], "href": None}


def article_with(block: Any, *, section: int = 0) -> dict[str, Any]:
    """An article whose section `section` holds `block` alone (earlier sections are empty)."""
    sections: list[dict[str, Any]] = [{"blocks": []} for _ in range(section)]
    return {"title": "Blocks", "sections": [*sections, {"blocks": [block]}]}


def accepted(block: dict[str, Any]) -> dict[str, Any]:
    article = ArticleInput.model_validate_json(orjson.dumps(article_with(block)))
    return article.sections[0].blocks[0].model_dump()


def errors_of(block: Any, *, section: int = 0) -> list[dict[str, str]]:
    with pytest.raises(ValidationError) as info:
        ArticleInput.model_validate_json(orjson.dumps(article_with(block, section=section)))
    return error_list(info.value)


def error(path: str, message: str, *, section: int = 0) -> list[dict[str, str]]:
    return [{"path": f"sections/{section}/blocks/0{path}", "message": message}]


# --- the union and the paths ---


def test_error_path_drops_the_union_tag():
    assert error_path(("sections", 1, "blocks", 0, "heading", "level")) == "sections/1/blocks/0/level"


def test_error_path_drops_the_tag_of_a_block_level_error():
    assert error_path(("sections", 0, "blocks", 3, "image")) == "sections/0/blocks/3"


def test_error_path_keeps_paths_without_a_block():
    assert error_path(("sections", 2, "heading")) == "sections/2/heading"


def test_error_path_keeps_a_field_named_like_a_tag_outside_blocks():
    assert error_path(("sections", 0, "blocks", 1, "list", "items", 0, "items", 2, "spans")) == (
        "sections/0/blocks/1/items/0/items/2/spans"
    )


def test_error_path_of_the_whole_body_is_empty():
    assert error_path(()) == ""


def test_a_heading_level_2_is_refused_with_its_path():
    errors = errors_of({"type": "heading", "level": 2, "spans": "Dosage"}, section=1)

    assert errors == error("/level", "Input should be greater than or equal to 3", section=1)


def test_an_unknown_block_type_is_refused_naming_the_known_ones():
    errors = errors_of({"type": "video", "url": "https://example.com"})

    assert errors == error("", f"Input tag 'video' found using 'type' does not match any of the expected tags: {TYPES}")


def test_a_block_without_type_is_refused():
    errors = errors_of({"spans": "Dosage"})

    assert errors == error("", "Unable to extract tag using discriminator 'type'")


def test_a_block_whose_type_is_not_a_string_is_refused():
    errors = errors_of({"type": 3})

    assert errors == error("", f"Input tag '3' found using 'type' does not match any of the expected tags: {TYPES}")


def test_a_block_that_is_not_an_object_is_refused():
    errors = errors_of("Dosage")

    assert errors == error("", "Input should be an object")


def test_a_bad_block_gets_errors_from_its_own_type_only():
    errors = errors_of({"type": "paragraph", "spans": "x", "level": 3})

    assert errors == error("/level", "Extra inputs are not permitted")


def test_block_ids_are_kept():
    block = accepted({"id": "b-1", "type": "divider"})

    assert block == {"id": "b-1", "type": "divider"}


@pytest.mark.parametrize("block_id", ["", "has space", "a/b", "x" * 65])
def test_a_malformed_block_id_is_refused(block_id):
    errors = errors_of({"id": block_id, "type": "divider"})

    assert errors == error("/id", "String should match pattern '^[A-Za-z0-9_-]{1,64}$'")


def test_every_block_type_is_in_the_union():
    names = [model.model_fields["type"].annotation.__args__[0] for model in BLOCK_TYPES]

    assert names == [
        "paragraph",
        "heading",
        "list",
        "quote",
        "code",
        "image",
        "embed",
        "callout",
        "divider",
        "table",
        "html",
    ]


def test_the_block_schema_is_a_discriminated_union_by_type():
    schema = TypeAdapter(Block).json_schema()

    assert schema["discriminator"]["propertyName"] == "type"
    assert sorted(schema["discriminator"]["mapping"]) == sorted(
        ["paragraph", "heading", "list", "quote", "code", "image", "embed", "callout", "divider", "table", "html"]
    )


# --- paragraph ---


def test_a_minimal_paragraph_is_accepted():
    assert accepted({"type": "paragraph", "spans": "Dosage"}) == {"id": None, "type": "paragraph", "spans": [SPAN]}


def test_a_full_paragraph_is_accepted():
    spans = [{"text": "Dosage", "marks": ["strong"], "href": None}, {"text": " link", "marks": [], "href": "/x"}]

    block = accepted({"id": "p1", "type": "paragraph", "spans": spans})

    assert block == {"id": "p1", "type": "paragraph", "spans": spans}


def test_a_paragraph_without_spans_is_refused():
    assert errors_of({"type": "paragraph"}) == error("/spans", "Field required")


def test_an_unknown_paragraph_field_is_refused():
    errors = errors_of({"type": "paragraph", "spans": "x", "style": "lead"})

    assert errors == error("/style", "Extra inputs are not permitted")


# --- heading ---


def test_a_minimal_heading_is_accepted():
    block = accepted({"type": "heading", "level": 3, "spans": "Dosage"})

    assert block == {"id": None, "type": "heading", "level": 3, "spans": [SPAN]}


def test_a_full_heading_is_accepted():
    block = accepted({"id": "h", "type": "heading", "level": 6, "spans": [{"text": "Dosage", "marks": ["em"]}]})

    assert block == {
        "id": "h",
        "type": "heading",
        "level": 6,
        "spans": [{"text": "Dosage", "marks": ["em"], "href": None}],
    }


def test_a_heading_level_7_is_refused():
    errors = errors_of({"type": "heading", "level": 7, "spans": "x"})

    assert errors == error("/level", "Input should be less than or equal to 6")


def test_a_heading_level_given_as_a_string_is_refused():
    errors = errors_of({"type": "heading", "level": "3", "spans": "x"})

    assert errors == error("/level", "Input should be a valid integer")


def test_a_heading_level_given_as_a_float_is_refused():
    errors = errors_of({"type": "heading", "level": 3.0, "spans": "x"})

    assert errors == error("/level", "Input should be a valid integer")


def test_a_heading_level_given_as_a_bool_is_refused():
    errors = errors_of({"type": "heading", "level": True, "spans": "x"})

    assert errors == error("/level", "Input should be a valid integer")


def test_a_heading_without_level_is_refused():
    assert errors_of({"type": "heading", "spans": "x"}) == error("/level", "Field required")


def test_a_heading_without_spans_is_refused():
    assert errors_of({"type": "heading", "level": 3}) == error("/spans", "Field required")


def test_an_unknown_heading_field_is_refused():
    errors = errors_of({"type": "heading", "level": 3, "spans": "x", "anchor": "a"})

    assert errors == error("/anchor", "Extra inputs are not permitted")


# --- list ---


def nested(depth: int) -> dict[str, Any]:
    item: dict[str, Any] = {"spans": f"level {depth}"}
    for level in range(depth - 1, 0, -1):
        item = {"spans": f"level {level}", "items": [item]}
    return item


def test_a_minimal_list_is_accepted():
    block = accepted({"type": "list", "style": "bullet", "items": [{"spans": "Dosage"}]})

    assert block == {"id": None, "type": "list", "style": "bullet", "items": [{"spans": [SPAN], "items": []}]}


def test_a_full_numbered_list_is_accepted():
    block = accepted(
        {"id": "l", "type": "list", "style": "number", "items": [{"spans": "Dosage", "items": [{"spans": "Dosage"}]}]}
    )

    assert block == {
        "id": "l",
        "type": "list",
        "style": "number",
        "items": [{"spans": [SPAN], "items": [{"spans": [SPAN], "items": []}]}],
    }


def test_a_list_nested_4_deep_is_accepted():
    block = accepted({"type": "list", "style": "bullet", "items": [nested(4)]})

    assert block["items"][0]["items"][0]["items"][0]["items"][0]["spans"][0]["text"] == "level 4"


def test_a_list_nested_5_deep_is_refused():
    errors = errors_of({"type": "list", "style": "bullet", "items": [{"spans": "x"}, nested(5)]})

    assert errors == error("", "lists nest at most 4 levels deep, this one 5")


def test_a_list_without_items_is_refused():
    errors = errors_of({"type": "list", "style": "bullet", "items": []})

    assert errors == error("/items", "List should have at least 1 item after validation, not 0")


def test_a_list_item_without_spans_is_refused():
    errors = errors_of({"type": "list", "style": "bullet", "items": [{"spans": "x"}, {"items": []}]})

    assert errors == error("/items/1/spans", "Field required")


def test_a_list_with_an_unknown_style_is_refused():
    errors = errors_of({"type": "list", "style": "roman", "items": [{"spans": "x"}]})

    assert errors == error("/style", "Input should be 'bullet' or 'number'")


def test_a_list_without_style_is_refused():
    assert errors_of({"type": "list", "items": [{"spans": "x"}]}) == error("/style", "Field required")


def test_an_unknown_field_in_a_nested_list_item_is_refused():
    errors = errors_of(
        {"type": "list", "style": "bullet", "items": [{"spans": "x", "items": [{"spans": "y", "n": 1}]}]}
    )

    assert errors == error("/items/0/items/0/n", "Extra inputs are not permitted")


def test_list_items_that_are_not_a_list_are_refused():
    errors = errors_of({"type": "list", "style": "bullet", "items": {"spans": "x"}})

    assert errors == error("/items", "Input should be a valid array")


# --- quote ---


def test_a_minimal_quote_is_accepted():
    assert accepted({"type": "quote", "spans": "Dosage"}) == {
        "id": None,
        "type": "quote",
        "spans": [SPAN],
        "cite": None,
    }


def test_a_full_quote_is_accepted():
    block = accepted({"id": "q", "type": "quote", "spans": "Dosage", "cite": "Dr. Smith"})

    assert block == {"id": "q", "type": "quote", "spans": [SPAN], "cite": "Dr. Smith"}


def test_a_quote_without_spans_is_refused():
    assert errors_of({"type": "quote", "cite": "x"}) == error("/spans", "Field required")


def test_an_over_long_cite_is_refused():
    errors = errors_of({"type": "quote", "spans": "x", "cite": "c" * 301})

    assert errors == error("/cite", "String should have at most 300 characters")


def test_an_empty_cite_is_refused():
    errors = errors_of({"type": "quote", "spans": "x", "cite": ""})

    assert errors == error("/cite", "String should have at least 1 character")


def test_a_cite_that_is_not_a_string_is_refused():
    errors = errors_of({"type": "quote", "spans": "x", "cite": ["Dr. Smith"]})

    assert errors == error("/cite", "Input should be a valid string")


# --- code ---


def test_a_minimal_code_block_is_accepted():
    assert accepted({"type": "code", "code": "print(1)"}) == {
        "id": None,
        "type": "code",
        "code": "print(1)",
        "language": None,
    }


def test_an_empty_code_block_is_accepted():
    assert accepted({"type": "code", "code": ""})["code"] == ""


@pytest.mark.parametrize("language", ["python", "c++", "c#", "objective-c", "f_sharp", "vue.js", "x" * 40])
def test_a_code_block_with_a_language_is_accepted(language):
    block = accepted({"id": "c", "type": "code", "code": "  indented\n\ttabs <kept>", "language": language})

    assert block == {"id": "c", "type": "code", "code": "  indented\n\ttabs <kept>", "language": language}


@pytest.mark.parametrize("language", ["", "c c", "py\n", "<script>", "x" * 41])
def test_a_bad_code_language_is_refused(language):
    errors = errors_of({"type": "code", "code": "x", "language": language})

    assert errors == error("/language", "String should match pattern '^[A-Za-z0-9_+#.-]{1,40}$'")


def test_a_code_block_without_code_is_refused():
    assert errors_of({"type": "code", "language": "python"}) == error("/code", "Field required")


def test_over_long_code_is_refused():
    errors = errors_of({"type": "code", "code": "x" * 100_001})

    assert errors == error("/code", "String should have at most 100000 characters")


def test_nul_in_code_is_refused():
    errors = errors_of({"type": "code", "code": "a\x00"})

    assert errors == error("/code", "text must not contain the NUL character (\\u0000)")


# --- image ---


def test_a_minimal_asset_image_is_accepted():
    block = accepted({"type": "image", "asset_id": "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", "alt": ""})

    assert block == {
        "id": None,
        "type": "image",
        "asset_id": "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1",
        "src": None,
        "alt": "",
        "caption": None,
        "width": None,
        "height": None,
        "placeholder": None,
        "url": None,
    }


def test_a_full_external_image_is_accepted():
    block = accepted(
        {
            "id": "i",
            "type": "image",
            "src": "https://cdn.example.com/a.png",
            "alt": "A massage table",
            "caption": "Our studio",
            "width": 800,
            "height": 600,
        }
    )

    assert block == {
        "id": "i",
        "type": "image",
        "asset_id": None,
        "src": "https://cdn.example.com/a.png",
        "alt": "A massage table",
        "caption": "Our studio",
        "width": 800,
        "height": 600,
        "placeholder": None,
        "url": None,
    }


def test_an_image_with_both_asset_id_and_src_is_refused():
    errors = errors_of(
        {"type": "image", "asset_id": "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", "src": "https://example.com/a.png", "alt": ""}
    )

    assert errors == error("", "an image needs exactly one of 'asset_id' or 'src'")


def test_an_image_with_neither_asset_id_nor_src_is_refused():
    errors = errors_of({"type": "image", "alt": "x"})

    assert errors == error("", "an image needs exactly one of 'asset_id' or 'src'")


def test_an_image_without_alt_is_refused():
    errors = errors_of({"type": "image", "asset_id": "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"})

    assert errors == error("/alt", "Field required")


@pytest.mark.parametrize(
    "src",
    [
        "http://example.com/a.png",
        "//example.com/a.png",
        "/a.png",
        "javascript:alert(1)",
        "data:image/png;base64,AAAA",
        "https://",
        "https:///a.png",
        "https://[::1/a.png",
        "https://example.com/a b.png",
        "https://example.com/a\x00.png",
        "https://example.com/a\x01.png",
        "https://example.com\\@evil.com/a.png",
    ],
)
def test_an_image_src_that_is_not_https_is_refused(src):
    errors = errors_of({"type": "image", "src": src, "alt": ""})

    assert errors == error("/src", f"{src!r} is not an https URL: use 'https://host/path'")


@pytest.mark.parametrize("size", [0, -1, 100_001])
def test_an_image_size_out_of_range_is_refused(size):
    errors = errors_of({"type": "image", "asset_id": "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", "alt": "", "width": size})

    message = (
        "Input should be greater than or equal to 1" if size < 1 else "Input should be less than or equal to 100000"
    )
    assert errors == error("/width", message)


def test_an_image_height_given_as_a_string_is_refused():
    errors = errors_of({"type": "image", "asset_id": "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", "alt": "", "height": "600"})

    assert errors == error("/height", "Input should be a valid integer")


def test_an_over_long_alt_is_refused():
    errors = errors_of({"type": "image", "asset_id": "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", "alt": "a" * 1_001})

    assert errors == error("/alt", "String should have at most 1000 characters")


def test_an_unknown_image_field_is_refused():
    errors = errors_of({"type": "image", "asset_id": "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", "alt": "", "title": "x"})

    assert errors == error("/title", "Extra inputs are not permitted")


# --- embed ---


def test_a_minimal_embed_is_accepted():
    block = accepted({"type": "embed", "url": "https://www.youtube.com/watch?v=x"})

    assert block == {"id": None, "type": "embed", "url": "https://www.youtube.com/watch?v=x", "title": None}


def test_a_full_embed_is_accepted():
    block = accepted({"id": "e", "type": "embed", "url": "https://example.com/v", "title": "A video"})

    assert block == {"id": "e", "type": "embed", "url": "https://example.com/v", "title": "A video"}


@pytest.mark.parametrize("url", ["http://example.com/v", "javascript:alert(1)", "example.com/v", ""])
def test_an_embed_url_that_is_not_https_is_refused(url):
    errors = errors_of({"type": "embed", "url": url})

    assert errors == error("/url", f"{url!r} is not an https URL: use 'https://host/path'")


def test_an_over_long_embed_url_is_refused():
    errors = errors_of({"type": "embed", "url": "https://example.com/" + "a" * 2048})

    assert errors == error("/url", "String should have at most 2048 characters")


def test_an_embed_without_url_is_refused():
    assert errors_of({"type": "embed", "title": "x"}) == error("/url", "Field required")


def test_an_over_long_embed_title_is_refused():
    errors = errors_of({"type": "embed", "url": "https://example.com", "title": "t" * 301})

    assert errors == error("/title", "String should have at most 300 characters")


# --- callout ---


@pytest.mark.parametrize("tone", ["info", "tip", "warning"])
def test_a_callout_of_each_tone_is_accepted(tone):
    block = accepted({"id": "c", "type": "callout", "tone": tone, "spans": "Dosage"})

    assert block == {"id": "c", "type": "callout", "tone": tone, "spans": [SPAN]}


def test_a_callout_with_an_unknown_tone_is_refused():
    errors = errors_of({"type": "callout", "tone": "danger", "spans": "x"})

    assert errors == error("/tone", "Input should be 'info', 'tip' or 'warning'")


def test_a_callout_without_tone_is_refused():
    assert errors_of({"type": "callout", "spans": "x"}) == error("/tone", "Field required")


def test_a_callout_without_spans_is_refused():
    assert errors_of({"type": "callout", "tone": "info"}) == error("/spans", "Field required")


# --- divider ---


def test_a_divider_is_accepted():
    assert accepted({"type": "divider"}) == {"id": None, "type": "divider"}


def test_a_divider_with_any_other_field_is_refused():
    errors = errors_of({"type": "divider", "style": "dots"})

    assert errors == error("/style", "Extra inputs are not permitted")


# --- table ---


def test_a_minimal_table_is_accepted():
    block = accepted({"type": "table", "rows": [["Dosage"]]})

    assert block == {"id": None, "type": "table", "rows": [[[SPAN]]], "header_row": False}


def test_a_full_table_is_accepted():
    block = accepted({"id": "t", "type": "table", "rows": [["Dosage", "Dosage"], ["", [SPAN]]], "header_row": True})

    assert block == {"id": "t", "type": "table", "rows": [[[SPAN], [SPAN]], [[], [SPAN]]], "header_row": True}


def test_a_table_without_rows_is_refused():
    assert errors_of({"type": "table"}) == error("/rows", "Field required")


def test_a_table_with_no_rows_is_refused():
    errors = errors_of({"type": "table", "rows": []})

    assert errors == error("/rows", "List should have at least 1 item after validation, not 0")


def test_a_table_with_an_empty_row_is_refused():
    errors = errors_of({"type": "table", "rows": [["x"], []]})

    assert errors == error("/rows/1", "List should have at least 1 item after validation, not 0")


def test_a_table_header_row_given_as_1_is_refused():
    errors = errors_of({"type": "table", "rows": [["x"]], "header_row": 1})

    assert errors == error("/header_row", "Input should be a valid boolean")


def test_a_table_header_row_given_as_a_string_is_refused():
    errors = errors_of({"type": "table", "rows": [["x"]], "header_row": "true"})

    assert errors == error("/header_row", "Input should be a valid boolean")


def test_a_table_cell_that_is_a_number_is_refused():
    errors = errors_of({"type": "table", "rows": [["x", 3]]})

    assert errors == error("/rows/0/1", "Input should be a valid array")


def test_a_table_row_with_too_many_cells_is_refused():
    errors = errors_of({"type": "table", "rows": [["x"] * 51]})

    assert errors == error("/rows/0", "List should have at most 50 items after validation, not 51")


# --- html ---


def test_a_minimal_html_block_is_accepted():
    assert accepted({"type": "html", "html": "<p>Dosage</p>"}) == {"id": None, "type": "html", "html": "<p>Dosage</p>"}


def test_an_empty_html_block_is_refused():
    assert errors_of({"type": "html", "html": ""}) == error("/html", "String should have at least 1 character")


def test_html_that_sanitising_empties_is_refused():
    errors = errors_of({"type": "html", "html": "<script>alert(1)</script>"})

    assert errors == error(
        "/html", "nothing is left of this html after sanitising: use the allowed tags (see docs/api.md)"
    )


def test_an_html_block_without_html_is_refused():
    assert errors_of({"type": "html"}) == error("/html", "Field required")


def test_over_long_html_is_refused():
    errors = errors_of({"type": "html", "html": "a" * 100_001})

    assert errors == error("/html", "String should have at most 100000 characters")


def test_nul_in_html_is_refused():
    errors = errors_of({"type": "html", "html": "<p>\x00</p>"})

    assert errors == error("/html", "text must not contain the NUL character (\\u0000)")


def test_html_is_sanitised_as_it_is_validated():
    block = accepted({"type": "html", "html": '<p onclick="steal()">Hi<script>alert(1)</script></p>'})

    assert block["html"] == "<p>Hi</p>"
