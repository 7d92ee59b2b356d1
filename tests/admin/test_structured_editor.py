"""The structured editor over HTTP: every section and block a group of fields, saved losslessly.

The page is read as a browser reads it (tests/admin/page_form.py) and sent back as a browser sends it.
"""

import copy
import re
import uuid
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.admin.page_form import form_dict, form_pairs, send
from tests.web.images import image

Json = dict[str, Any]

EVERY_BLOCK: Json = {
    "title": "Every block",
    "slug": "every-block",
    "summary": "All eleven types.",
    "tags": ["one", "two"],
    "author": "Ada",
    "sections": [
        {
            "id": "s-open", "anchor": "opening", "heading": None,
            "blocks": [
                {"id": "b-p", "type": "paragraph", "spans": [
                    {"text": "Plain "}, {"text": "strong", "marks": ["strong"]}, {"text": " and "},
                    {"text": "both", "marks": ["em", "strong"]}, {"text": " "},
                    {"text": "linked", "marks": ["underline"], "href": "https://example.org/a_b"},
                    {"text": "spli"}, {"text": "t"}, {"text": " code", "marks": ["code", "strike"]},
                ]},
                {"id": "b-h", "type": "heading", "level": 4, "spans": "A sub-heading"},
            ],
        },
        {
            "id": "s-custom", "anchor": "custom-anchor", "heading": "Headings and lists",
            "blocks": [
                {"id": "b-l", "type": "list", "style": "number", "items": [
                    {"spans": "one", "items": [{"spans": [{"text": "nested", "marks": ["em"]}]}]}, {"spans": "two"},
                ]},
                {"id": "b-q", "type": "quote", "spans": "Said once.", "cite": "Somebody"},
                {"id": "b-c", "type": "code", "code": "print('hi')\n\n  indented\n", "language": "python"},
                {"id": "b-i", "type": "image", "src": "https://example.org/cat.png", "alt": "A cat",
                 "caption": "The cat", "width": 640, "height": 480},
                {"id": "b-e", "type": "embed", "url": "https://example.org/video", "title": "The video"},
                {"id": "b-co", "type": "callout", "tone": "warning", "spans": "Careful."},
                {"id": "b-d", "type": "divider"},
                {"id": "b-t", "type": "table", "header_row": True,
                 "rows": [["Name", "Value"], ["a | b", [{"text": "x", "marks": ["strong"]}]], ["", "last"]]},
                {"id": "b-html", "type": "html", "html": "<p>Raw <b>html</b></p>"},
            ],
        },
    ],
}  # fmt: skip


async def create(client: httpx.AsyncClient, editor: dict[str, str], article: Json) -> Json:
    answer = await client.post("/api/v1/articles", json=article, headers=editor)
    assert answer.status_code == 201, answer.text
    return answer.json()


async def draft(client: httpx.AsyncClient, editor: dict[str, str], slug: str) -> Json:
    answer = await client.get(f"/api/v1/articles/{slug}?preview=true", headers=editor)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def versions(client: httpx.AsyncClient, editor: dict[str, str], slug: str) -> int:
    return len((await client.get(f"/api/v1/articles/{slug}/revisions", headers=editor)).json()["items"])


def content(article: Json) -> Json:
    return {name: value for name, value in article.items() if name not in ("updated_at",)}


async def save(client: httpx.AsyncClient, page: httpx.Response, **changes: str) -> httpx.Response:
    fields = form_dict(page)
    missing = [name for name in changes if name not in fields and not name.endswith(".header_row")]
    assert not missing, f"no such fields: {missing}"
    return await client.post(page.url.path, data=fields | {"action": "save"} | changes)


def field_name(page: httpx.Response, block_id: str, attr: str) -> str:
    return f"i{block_id}.{attr}"


@pytest.fixture
async def every_block(client: httpx.AsyncClient, editor: dict[str, str], signed_in: str) -> Json:
    return await create(client, editor, EVERY_BLOCK)


async def test_every_block_saved_unchanged_leaves_the_draft_and_its_version_as_they_were(client, editor, every_block):
    page = await client.get("/admin/articles/every-block/edit")

    answer = await save(client, page)

    assert answer.status_code == 303, answer.text
    assert content(await draft(client, editor, "every-block")) == content(every_block)
    assert await versions(client, editor, "every-block") == 1


async def test_an_anchor_cleared_where_the_heading_makes_the_same_one_is_no_change(client, editor, signed_in):
    article = await create(client, editor, {"title": "Derived", "sections": [{"heading": "Why it helps"}]})
    page = await client.get(f"/admin/articles/{article['slug']}/edit")
    anchor = next(name for name in form_dict(page) if name.endswith(".anchor"))
    assert form_dict(page)[anchor] == "why-it-helps"

    answer = await save(client, page, **{anchor: ""})

    assert (answer.status_code, answer.headers["location"]) == (
        303,
        f"/admin/articles/{article['slug']}/edit?done=unchanged",
    )
    assert content(await draft(client, editor, article["slug"])) == content(article)
    assert await versions(client, editor, article["slug"]) == 1


async def test_a_title_only_save_keeps_custom_anchors(client, editor, every_block):
    page = await client.get("/admin/articles/every-block/edit")

    await save(client, page, title="Every block, renamed")

    saved = await draft(client, editor, "every-block")
    assert [s["anchor"] for s in saved["sections"]] == ["opening", "custom-anchor"]


async def test_a_title_only_save_keeps_the_embed_title(client, editor, every_block):
    page = await client.get("/admin/articles/every-block/edit")

    await save(client, page, title="Every block, renamed")

    embed = (await draft(client, editor, "every-block"))["sections"][1]["blocks"][4]
    assert embed == {"id": "b-e", "type": "embed", "url": "https://example.org/video", "title": "The video"}


async def test_a_title_only_save_keeps_the_width_and_height_of_an_image_by_src(client, editor, every_block):
    page = await client.get("/admin/articles/every-block/edit")

    await save(client, page, title="Every block, renamed")

    picture = (await draft(client, editor, "every-block"))["sections"][1]["blocks"][3]
    assert (picture["width"], picture["height"]) == (640, 480)


async def test_a_title_only_save_keeps_every_section_and_block_id(client, editor, every_block):
    page = await client.get("/admin/articles/every-block/edit")

    await save(client, page, title="Every block, renamed")

    saved = await draft(client, editor, "every-block")
    ids = [(s["id"], [b["id"] for b in s["blocks"]]) for s in saved["sections"]]
    assert ids == [(s["id"], [b["id"] for b in s["blocks"]]) for s in EVERY_BLOCK["sections"]]
    assert saved["version"] == 2


async def test_changing_a_callouts_tone_changes_that_alone(client, editor, every_block):
    page = await client.get("/admin/articles/every-block/edit")

    answer = await save(client, page, **{"ib-co.tone": "tip"})

    assert answer.status_code == 303, answer.text
    expected = copy.deepcopy(every_block)
    expected["sections"][1]["blocks"][5]["tone"] = "tip"
    saved = await draft(client, editor, "every-block")
    assert {**content(saved), "version": 1} == content(expected)
    assert saved["version"] == 2


async def test_each_section_is_a_group_named_by_its_heading_with_its_blocks_named_by_type(client, every_block):
    page = await client.get("/admin/articles/every-block/edit")

    legends = re.findall(r"<legend>([^<]*)</legend>", page.text.split('id="sections"')[1].split("Add section")[0])

    assert legends[:4] == ["Introduction", "Paragraph", "Heading", "Headings and lists"]
    assert legends[4:13] == ["List", "Quote", "Code", "Image", "Embed", "Callout", "Divider", "Table", "HTML"]


async def test_inline_marks_are_written_in_the_notation_explained_beside_the_field(client, every_block):
    page = await client.get("/admin/articles/every-block/edit")

    fields = form_dict(page)

    assert (
        fields["ib-p.spans"] == "Plain **strong** and ***both*** [__linked__](https://example.org/a_b)split`~~ code`~~"
    )
    assert "__underline__" in page.text
    assert fields["ib-l.items"] == "- one\r\n  - *nested*\r\n- two"
    assert fields["ib-t.rows"] == "Name | Value\r\na \\| b | **x**\r\n | last"


async def test_an_unreadable_field_is_shown_with_its_error_and_nothing_is_saved(client, editor, every_block):
    page = await client.get("/admin/articles/every-block/edit")

    answer = await save(client, page, **{"ib-p.spans": "an **open mark"})

    assert answer.status_code == 422
    assert re.search(r'<ul class="field-errors" id="ib-p-spans-errors"><li>\*\* is opened but not closed', answer.text)
    assert 'aria-describedby="f-ib-p-spans-hint ib-p-spans-errors" aria-invalid="true"' in answer.text
    assert await versions(client, editor, "every-block") == 1


async def test_an_invalid_attribute_is_shown_next_to_its_field(client, editor, every_block):
    page = await client.get("/admin/articles/every-block/edit")

    answer = await save(client, page, **{"ib-e.url": "http://not-https.example"})

    assert answer.status_code == 422
    assert re.search(r'id="ib-e-url-errors"><li>.*is not an https URL', answer.text)
    assert await versions(client, editor, "every-block") == 1


async def test_moving_a_block_without_javascript_shows_the_page_again_not_saved(client, editor, every_block):
    page = await client.get("/admin/articles/every-block/edit")

    moved = await client.post(page.url.path, data=form_dict(page) | {"action": "down:ib-p"})
    saved = await client.post(page.url.path, data=form_dict(moved) | {"action": "save"})

    assert moved.status_code == 200
    assert "Not saved yet" in moved.text
    assert [b["id"] for b in (await draft(client, editor, "every-block"))["sections"][0]["blocks"]] == ["b-h", "b-p"]
    assert saved.status_code == 303


async def test_adding_a_table_and_deleting_a_section_without_javascript(client, editor, every_block):
    page = await client.get("/admin/articles/every-block/edit")
    added = await client.post(page.url.path, data=form_dict(page) | {"action": "add:is-open:table"})
    new_key = re.findall(r'name="(n[0-9a-f]+)\.rows"', added.text)[0]
    gone = await client.post(page.url.path, data=form_dict(added) | {"action": "delete-section:is-custom"})

    await client.post(page.url.path, data=form_dict(gone) | {f"{new_key}.rows": "a | b", "action": "save"})

    saved = await draft(client, editor, "every-block")
    A, B = ({"text": letter, "marks": [], "href": None} for letter in "ab")
    assert [s["anchor"] for s in saved["sections"]] == ["opening"]
    table = saved["sections"][0]["blocks"][-1]
    assert (table["type"], table["rows"], table["header_row"]) == ("table", [[[A], [B]]], False)


async def test_paste_markdown_adds_blocks_and_sections_where_chosen(client, editor, every_block):
    page = await client.get("/admin/articles/every-block/edit")
    markdown = "Pasted *words*.\n\n## Pasted part\n\n- x\n"

    pasted = await client.post(
        page.url.path, data=form_dict(page) | {"markdown": markdown, "paste_into": "is-open", "action": "paste"}
    )
    await client.post(page.url.path, data=form_dict(pasted) | {"action": "save"})

    saved = await draft(client, editor, "every-block")
    assert [s["heading"] for s in saved["sections"]] == [None, "Pasted part", "Headings and lists"]
    assert saved["sections"][0]["blocks"][-1]["spans"] == [
        {"text": "Pasted ", "marks": [], "href": None}, {"text": "words", "marks": ["em"], "href": None},
        {"text": ".", "marks": [], "href": None},
    ]  # fmt: skip
    assert saved["sections"][0]["blocks"][0]["id"] == "b-p"


async def test_a_new_article_is_created_from_the_structured_form(client, editor, signed_in):
    page = await client.get("/admin/articles/new")
    section = await client.post("/admin/articles/new", data=form_dict(page) | {"action": "add-section"})
    key = re.findall(r'name="(n[0-9a-f]+)\.heading"', section.text)[0]
    block = await client.post("/admin/articles/new", data=form_dict(section) | {"action": f"add:{key}:paragraph"})
    fields = form_dict(block)
    text = next(name for name in fields if name.endswith(".spans"))

    created = await client.post("/admin/articles/new", data=fields | {"title": "Fresh", text: "Hello **you**"})

    assert created.status_code == 303, created.text
    saved = await draft(client, editor, "fresh")
    assert saved["sections"][0]["blocks"][0]["spans"][1] == {"text": "you", "marks": ["strong"], "href": None}


async def test_an_uploaded_image_kept_by_asset_is_saved_unchanged(client, editor, signed_in):
    uploaded = await client.post("/api/v1/assets", files={"file": ("sq.png", image(8, 6))}, headers=editor)
    asset = uploaded.json()["id"]
    article = {"title": "Pictured", "sections": [{"blocks": [{"type": "image", "asset_id": asset, "alt": "Sq"}]}]}
    created = await create(client, editor, article)
    page = await client.get("/admin/articles/pictured/edit")

    await save(client, page)
    await save(client, page, title="Pictured again")

    saved = await draft(client, editor, "pictured")
    assert saved["sections"] == created["sections"]
    assert saved["version"] == 2


# The property: any valid article, saved unchanged, stays as it was; one field changed changes that alone. -----

text = st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), min_size=1, max_size=6) | (
    st.sampled_from(["*", "**", "_", "__", "~", "`", "[", "]", "(", ")", "\\", "|", "\n", "\r", "\r\n", " ", "- "])
)
words = st.lists(text, min_size=1, max_size=4).map("".join)
marks = st.lists(st.sampled_from(["strong", "em", "code", "underline", "strike"]), unique=True, max_size=3)
hrefs = st.none() | st.sampled_from(["https://example.org/a(b)", "/local_path", "#frag", "mailto:a@example.org"])
span = st.builds(lambda t, m, h: {"text": t, "marks": m, "href": h}, words, marks, hrefs)
spans = st.lists(span, min_size=1, max_size=4)
cell = st.lists(span, max_size=2)
optional = st.none() | words
headings = st.none() | words.map(str.strip).filter(bool)


def list_items(depth: int) -> st.SearchStrategy[list[Json]]:
    item = st.builds(lambda s: {"spans": s}, spans)
    if depth > 1:
        item = st.builds(lambda s, i: {"spans": s, "items": i}, spans, st.just([]) | list_items(depth - 1))
    return st.lists(item, min_size=1, max_size=2)


def block(kind: str, **fields: st.SearchStrategy[Any]) -> st.SearchStrategy[Json]:
    return st.fixed_dictionaries({"type": st.just(kind), **fields})


sizes = st.none() | st.integers(1, 5000)
html = st.sampled_from(["<p>x</p>", "<em>a</em> b", "<table><tr><td>1</td></tr></table>"])
rows = st.lists(st.lists(cell, min_size=1, max_size=3), min_size=1, max_size=3)
blocks = st.one_of(
    block("paragraph", spans=spans),
    block("heading", level=st.integers(3, 6), spans=spans),
    block("list", style=st.sampled_from(["bullet", "number"]), items=list_items(3)),
    block("quote", spans=spans, cite=optional),
    block("code", code=words | st.just(""), language=st.none() | st.sampled_from(["python", "c++"])),
    block("image", src=st.just("https://example.org/i.png"), alt=words | st.just(""), caption=optional,
          width=sizes, height=sizes),
    block("embed", url=st.just("https://example.org/v"), title=optional),
    block("callout", tone=st.sampled_from(["info", "tip", "warning"]), spans=spans),
    block("divider"),
    block("table", rows=rows, header_row=st.booleans()),
    block("html", html=html),
)  # fmt: skip
anchors = st.none() | st.from_regex(r"\A[a-z0-9]{1,8}(-[a-z0-9]{1,4})?\Z")
sections = st.lists(
    st.fixed_dictionaries({"heading": headings, "anchor": anchors, "blocks": st.lists(blocks, max_size=4)}),
    max_size=3,
    unique_by=lambda s: s["anchor"] or object(),
)
tags = st.text(st.characters(exclude_categories=["Cc", "Cs"], exclude_characters=","), min_size=1, max_size=5)
articles = st.fixed_dictionaries(
    {
        "title": words.map(str.strip).filter(bool), "summary": optional,
        "tags": st.lists(tags, unique=True, max_size=3), "author": optional, "sections": sections,
    }
)  # fmt: skip

Plain = {"marks": [], "href": None}


def plain(*texts: str) -> list[Json]:
    return [{"text": text, **Plain} for text in texts]


# For each block type, a change of each attribute: (attribute, text typed into its field, the value it becomes).
# A checkbox typed None is unchecked (not sent).
CHANGES: dict[str, list[tuple[str, str | None, Any]]] = {
    "paragraph": [("spans", "Changed *w*", [*plain("Changed "), {**Plain, "text": "w", "marks": ["em"]}])],
    "heading": [("level", "6", 6), ("spans", "New [a](/x)", [*plain("New "), {**Plain, "text": "a", "href": "/x"}])],
    "list": [
        ("style", "bullet", "bullet"),
        ("items", "- a\n  - b", [{"spans": plain("a"), "items": [{"spans": plain("b"), "items": []}]}]),
    ],
    "quote": [("cite", "Someone", "Someone"), ("spans", "__S__", [{**Plain, "text": "S", "marks": ["underline"]}])],
    "code": [("language", "rust", "rust"), ("code", "x = 1\n", "x = 1\n")],
    "image": [
        ("alt", "New alt", "New alt"), ("caption", "New caption", "New caption"), ("width", "77", 77),
        ("height", "55", 55), ("src", "https://example.org/other.png", "https://example.org/other.png"),
    ],
    "embed": [("title", "New title", "New title"), ("url", "https://example.org/new", "https://example.org/new")],
    "callout": [("tone", "tip", "tip"), ("spans", "~~Gone~~", [{**Plain, "text": "Gone", "marks": ["strike"]}])],
    "table": [("rows", "p | q", [[plain("p"), plain("q")]]), ("header_row", None, False), ("header_row", "on", True)],
    "html": [("html", "<p>changed</p>", "<p>changed</p>")],
}  # fmt: skip
SECTION_CHANGES = [("heading", "Edited heading", "Edited heading"), ("anchor", "zz-edited-anchor", "zz-edited-anchor")]
ARTICLE_CHANGES = [("title", "Edited title", "Edited title"), ("summary", "Edited summary", "Edited summary"),
                   ("tags", "x, y", ["x", "y"]), ("author", "Edited author", "Edited author")]  # fmt: skip


def one_change(before: Json) -> list[tuple[str, str | None, Any, list[Any]]]:
    """Every single-field change that alters `before`: (field name, text typed, new value, where it lands)."""
    found: list[tuple[str, str | None, Any, list[Any]]] = []
    for attr, typed, value in ARTICLE_CHANGES:
        found += [(attr, typed, value, [attr])] if before[attr] != value else []
    for s, section in enumerate(before["sections"]):
        for attr, typed, value in SECTION_CHANGES:
            where = ["sections", s, attr]
            found += [(f"i{section['id']}.{attr}", typed, value, where)] if section[attr] != value else []
        for b, block in enumerate(section["blocks"]):
            for attr, typed, value in CHANGES.get(block["type"], []):
                where = ["sections", s, "blocks", b, attr]
                found += [(f"i{block['id']}.{attr}", typed, value, where)] if block.get(attr) != value else []
    return found


def put(article: Json, where: list[Any], value: Any) -> None:
    *path, last = where
    for step in path:
        article = article[step]
    article[last] = value


@pytest.fixture
async def property_editor(client, editor, signed_in):
    return editor


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(article=articles, data=st.data())
async def test_any_article_saved_unchanged_stays_identical_and_one_changed_field_changes_alone(
    client, property_editor, article, data
):
    editor = property_editor
    article = article | {"slug": f"generated-{uuid.uuid4().hex[:12]}"}  # a failed example leaves its article
    created = await client.post("/api/v1/articles", json=article, headers=editor)
    assert created.status_code == 201, created.text
    before = created.json()
    slug = before["slug"]
    page = await client.get(f"/admin/articles/{slug}/edit")

    unchanged = await send(client, page.url.path, [*form_pairs(page), ("action", "save")])

    assert unchanged.status_code == 303, unchanged.text
    assert content(await draft(client, editor, slug)) == content(before)
    assert await versions(client, editor, slug) == 1

    name, typed, value, where = data.draw(st.sampled_from(one_change(before)))
    pairs = [(n, typed if n == name else v) for n, v in form_pairs(page) if n != name or typed is not None]
    if typed is not None and name not in dict(pairs):  # an unchecked checkbox, now checked
        pairs.append((name, typed))
    changed = await send(client, page.url.path, [*pairs, ("action", "save")])

    assert changed.status_code == 303, changed.text
    expected = copy.deepcopy(before)
    put(expected, where, value)
    after = await draft(client, editor, slug)
    assert {**content(after), "version": 1} == content(expected)
    assert after["version"] == 2
    await client.delete(f"/api/v1/articles/{slug}", headers=editor | {"If-Match": "*"})


async def test_a_save_without_the_layout_field_changes_nothing(client, editor, every_block):
    page = await client.get("/admin/articles/every-block/edit")
    fields = {name: value for name, value in form_dict(page).items() if name != "layout"}

    answer = await client.post(page.url.path, data=fields | {"title": "Renamed", "action": "save"})

    assert answer.status_code == 422
    assert "no &#39;layout&#39; field" in answer.text
    assert content(await draft(client, editor, "every-block")) == content(every_block)
