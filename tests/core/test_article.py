"""ArticleInput: the body of a create or replace; to_document: ids and anchors; slug_for."""

from datetime import datetime, timedelta, timezone
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from cms.core.article import ArticleInput, Document, served_article, slug_for, to_document
from cms.core.blocks import error_list
from cms.core.slugs import ANCHOR_MAX_LENGTH, is_slug


def validate(body: Any) -> ArticleInput:
    return ArticleInput.model_validate_json(orjson.dumps(body))


def errors_of(body: Any) -> list[dict[str, str]]:
    with pytest.raises(ValidationError) as info:
        validate(body)
    return error_list(info.value)


# --- the title ---


def test_a_title_alone_is_a_valid_article():
    article = validate({"title": "Ketamine And Depression"})

    assert article.model_dump() == {
        "title": "Ketamine And Depression",
        "slug": None,
        "locale": None,
        "summary": None,
        "tags": [],
        "author": None,
        "sections": [],
    }


def test_the_title_is_trimmed():
    assert validate({"title": "  Ketamine \n"}).title == "Ketamine"


def test_a_title_of_300_characters_after_trimming_is_accepted():
    assert validate({"title": "   " + "a" * 300 + "   "}).title == "a" * 300


def test_a_title_over_300_characters_is_refused():
    assert errors_of({"title": "a" * 301}) == [
        {"path": "title", "message": "String should have at most 300 characters"}
    ]


def test_a_blank_title_is_refused():
    assert errors_of({"title": " \t\n "}) == [{"path": "title", "message": "String should have at least 1 character"}]


def test_an_empty_title_is_refused():
    assert errors_of({"title": ""}) == [{"path": "title", "message": "String should have at least 1 character"}]


def test_a_missing_title_is_refused():
    assert errors_of({"sections": []}) == [{"path": "title", "message": "Field required"}]


def test_a_title_that_is_not_a_string_is_refused():
    assert errors_of({"title": 42}) == [{"path": "title", "message": "Input should be a valid string"}]


def test_nul_in_the_title_is_refused():
    assert errors_of({"title": "a\x00"}) == [
        {"path": "title", "message": "text must not contain the NUL character (\\u0000)"}
    ]


# --- the other fields ---


def test_a_full_article_input_is_accepted():
    body = {
        "title": "Ketamine And Depression",
        "slug": "ketamine-and-depression",
        "locale": "pt-BR",
        "summary": "How it may help.",
        "tags": ["health", "mental health"],
        "author": "Dr. Smith",
        "sections": [
            {
                "id": "s1",
                "anchor": "intro",
                "heading": None,
                "blocks": [{"id": "b1", "type": "paragraph", "spans": "x"}],
            },
            {"heading": "What Exactly Is Ketamine?", "blocks": []},
        ],
    }

    article = validate(body)

    assert article.model_dump() == {
        **body,
        "sections": [
            {
                "id": "s1",
                "anchor": "intro",
                "heading": None,
                "blocks": [{"id": "b1", "type": "paragraph", "spans": [{"text": "x", "marks": [], "href": None}]}],
            },
            {"id": None, "anchor": None, "heading": "What Exactly Is Ketamine?", "blocks": []},
        ],
    }


def test_an_unknown_top_level_field_is_refused():
    assert errors_of({"title": "T", "body": "x"}) == [{"path": "body", "message": "Extra inputs are not permitted"}]


def test_an_unknown_section_field_is_refused():
    errors = errors_of({"title": "T", "sections": [{"blocks": []}, {"title": "x"}]})

    assert errors == [{"path": "sections/1/title", "message": "Extra inputs are not permitted"}]


def test_a_body_that_is_not_an_object_is_refused():
    assert errors_of(["title"]) == [{"path": "", "message": "Input should be an object"}]


def test_malformed_json_is_a_json_invalid_error():
    with pytest.raises(ValidationError) as info:
        ArticleInput.model_validate_json(b'{"title": ')

    assert [e["type"] for e in info.value.errors()] == ["json_invalid"]


def test_the_read_only_fields_are_accepted_and_ignored():
    body = {
        "id": "1b0d",
        "title": "T",
        "status": "published",
        "version": 3,
        "published_at": "2026-11-24T10:00:00Z",
        "updated_at": "2026-11-24T10:00:00Z",
    }

    article = validate(body)

    assert article.model_dump() == {
        "title": "T",
        "slug": None,
        "locale": None,
        "summary": None,
        "tags": [],
        "author": None,
        "sections": [],
    }


def test_read_only_fields_of_any_shape_are_ignored():
    article = validate({"title": "T", "id": None, "status": ["x"], "version": {"n": 1}, "updated_at": 3.5})

    assert "status" not in article.model_dump()


def test_a_fetched_article_can_be_sent_back():
    fetched = {
        "id": "1b0d",
        "slug": "ketamine",
        "locale": "en",
        "title": "Ketamine",
        "summary": None,
        "tags": [],
        "author": None,
        "status": "published",
        "version": 3,
        "published_at": "2026-11-24T10:00:00Z",
        "updated_at": "2026-11-24T10:00:00Z",
        "sections": [
            {
                "id": "s1",
                "anchor": "intro",
                "heading": None,
                "blocks": [{"id": "b1", "type": "paragraph", "spans": [{"text": "x", "marks": [], "href": None}]}],
            }
        ],
    }

    document = to_document(validate(fetched))

    assert document.model_dump() == {
        "title": "Ketamine",
        "summary": None,
        "tags": [],
        "author": None,
        "sections": fetched["sections"],
    }


@pytest.mark.parametrize("slug", ["Hello World", "hello--world", "-hello", "héllo", "a" * 121, ""])
def test_a_bad_slug_is_refused_saying_what_a_slug_is(slug):
    errors = errors_of({"title": "T", "slug": slug})

    shown = repr(slug if len(slug) <= 60 else slug[:60] + "…")
    assert errors == [
        {
            "path": "slug",
            "message": f"slug {shown} is not valid: use 1-120 characters of lowercase a-z, 0-9 and single hyphens"
            " (e.g. 'hello-world')",
        }
    ]


def test_a_slug_that_is_not_a_string_is_refused():
    assert errors_of({"title": "T", "slug": 3}) == [{"path": "slug", "message": "Input should be a valid string"}]


@pytest.mark.parametrize("locale", ["en", "pt-BR", "zh-Hant", "es-419"])
def test_common_locales_are_accepted(locale):
    assert validate({"title": "T", "locale": locale}).locale == locale


@pytest.mark.parametrize("locale", ["EN", "english", "en_US", "e", "", "en-"])
def test_a_bad_locale_is_refused_with_examples(locale):
    errors = errors_of({"title": "T", "locale": locale})

    assert errors == [
        {
            "path": "locale",
            "message": f"locale {locale!r} is not valid: use a language tag such as 'en', 'pt-BR' or 'zh-Hant'",
        }
    ]


def test_a_bad_tag_is_refused():
    errors = errors_of({"title": "T", "tags": ["ok", "a,b"]})

    assert errors == [
        {"path": "tags/1", "message": "tag 'a,b' is not valid: use 1-50 characters, no commas or control characters"}
    ]


def test_duplicate_tags_are_refused():
    errors = errors_of({"title": "T", "tags": ["health", "mind", "health"]})

    assert errors == [{"path": "tags", "message": "tags must be unique: ['health'] repeat"}]


def test_more_than_30_tags_are_refused():
    errors = errors_of({"title": "T", "tags": [f"t{n}" for n in range(31)]})

    assert errors == [{"path": "tags", "message": "List should have at most 30 items after validation, not 31"}]


def test_an_over_long_summary_is_refused():
    errors = errors_of({"title": "T", "summary": "s" * 1_001})

    assert errors == [{"path": "summary", "message": "String should have at most 1000 characters"}]


def test_a_blank_section_heading_is_refused():
    errors = errors_of({"title": "T", "sections": [{"heading": "  "}]})

    assert errors == [{"path": "sections/0/heading", "message": "String should have at least 1 character"}]


def test_the_section_heading_is_trimmed():
    assert validate({"title": "T", "sections": [{"heading": " Dosage "}]}).sections[0].heading == "Dosage"


def test_a_bad_anchor_is_refused_saying_what_an_anchor_is():
    errors = errors_of({"title": "T", "sections": [{"anchor": "What Is It"}]})

    assert errors == [
        {
            "path": "sections/0/anchor",
            "message": "anchor 'What Is It' is not valid: use 1-80 characters of lowercase a-z, 0-9 and single"
            " hyphens (e.g. 'what-is-ketamine')",
        }
    ]


def test_an_anchor_over_80_characters_is_refused():
    errors = errors_of({"title": "T", "sections": [{"anchor": "a" * 81}]})

    assert errors == [
        {
            "path": "sections/0/anchor",
            "message": "anchor 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…' is not valid: use 1-80"
            " characters of lowercase a-z, 0-9 and single hyphens (e.g. 'what-is-ketamine')",
        }
    ]


def test_duplicate_anchors_are_refused():
    errors = errors_of({"title": "T", "sections": [{"anchor": "dosage"}, {"anchor": "other"}, {"anchor": "dosage"}]})

    assert errors == [
        {"path": "sections", "message": "section anchors must be unique within the article: ['dosage'] repeat"}
    ]


def test_duplicate_section_ids_are_refused():
    errors = errors_of({"title": "T", "sections": [{"id": "s"}, {"id": "s"}]})

    assert errors == [
        {"path": "sections", "message": "section and block ids must be unique within the article: ['s'] repeat"}
    ]


def test_duplicate_block_ids_across_sections_are_refused():
    divider = {"id": "b", "type": "divider"}

    errors = errors_of({"title": "T", "sections": [{"blocks": [divider]}, {"blocks": [divider]}]})

    assert errors == [
        {"path": "sections", "message": "section and block ids must be unique within the article: ['b'] repeat"}
    ]


def test_a_block_id_equal_to_a_section_id_is_refused():
    errors = errors_of({"title": "T", "sections": [{"id": "x", "blocks": [{"id": "x", "type": "divider"}]}]})

    assert errors == [
        {"path": "sections", "message": "section and block ids must be unique within the article: ['x'] repeat"}
    ]


def test_errors_in_several_places_are_all_reported_in_order():
    errors = errors_of(
        {
            "title": "",
            "slug": "ok",
            "sections": [{"blocks": [{"type": "heading", "level": 9, "spans": "x"}, {"type": "divider", "x": 1}]}],
        }
    )

    assert errors == [
        {"path": "title", "message": "String should have at least 1 character"},
        {"path": "sections/0/blocks/0/level", "message": "Input should be less than or equal to 6"},
        {"path": "sections/0/blocks/1/x", "message": "Extra inputs are not permitted"},
    ]


# --- to_document and slug_for ---


def test_to_document_keeps_given_ids_and_anchors():
    article = validate(
        {
            "title": "T",
            "sections": [
                {"id": "s1", "anchor": "start", "heading": "Dosage", "blocks": [{"id": "b1", "type": "divider"}]}
            ],
        }
    )

    document = to_document(article)

    assert document.model_dump()["sections"] == [
        {"id": "s1", "anchor": "start", "heading": "Dosage", "blocks": [{"id": "b1", "type": "divider"}]}
    ]


def test_to_document_assigns_missing_ids():
    article = validate({"title": "T", "sections": [{"blocks": [{"type": "divider"}, {"id": "b", "type": "divider"}]}]})

    section = to_document(article).sections[0]

    assert len(section.id) == 16
    assert [block.id for block in section.blocks][1] == "b"
    assert len({section.id, *(block.id for block in section.blocks)}) == 3


def test_to_document_names_a_leading_section_without_heading_intro():
    article = validate({"title": "T", "sections": [{"blocks": []}, {"heading": "What Exactly Is Ketamine?"}]})

    assert [s.anchor for s in to_document(article).sections] == ["intro", "what-exactly-is-ketamine"]


def test_to_document_makes_repeated_headings_unique():
    article = validate(
        {"title": "T", "sections": [{"heading": "Dosage"}, {"heading": "Dosage"}, {"heading": "dosage"}]}
    )

    assert [s.anchor for s in to_document(article).sections] == ["dosage", "dosage-2", "dosage-3"]


def test_to_document_handles_repeated_long_headings():
    heading = " ".join(["word"] * 40)
    article = validate({"title": "T", "sections": [{"heading": heading}, {"heading": heading}]})

    anchors = [s.anchor for s in to_document(article).sections]

    assert anchors == ["-".join(["word"] * 16), "-".join(["word"] * 15) + "-wor-2"]


def test_to_document_keeps_the_article_fields():
    article = validate({"title": "T", "summary": "S", "tags": ["a"], "author": "A", "slug": "s", "locale": "en"})

    assert to_document(article).model_dump() == {
        "title": "T",
        "summary": "S",
        "tags": ["a"],
        "author": "A",
        "sections": [],
    }


def test_slug_for_keeps_the_given_slug():
    assert slug_for(validate({"title": "Ketamine", "slug": "my-slug"})) == "my-slug"


def test_slug_for_derives_the_slug_from_the_title():
    article = validate({"title": "Ketamine And Depression: How It May Help You"})

    assert slug_for(article) == "ketamine-and-depression-how-it-may-help-you"


def test_slug_for_a_title_without_ascii_letters_is_article():
    assert slug_for(validate({"title": "日本語"})) == "article"


# --- any JSON value ---

TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=20)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=20,
)
INTERESTING = st.sampled_from(
    [
        "",
        " ",
        "x",
        "Dosage",
        "a\x00b",
        "a" * 301,
        "https://example.com/a.png",
        "http://example.com",
        "javascript:alert(1)",
        "/path",
        "#frag",
        "bullet",
        "number",
        "info",
        "<p onclick='x'>a<script>b</script></p>",
        "dosage",
        "intro",
        "b1",
    ]
)
VALUE = st.one_of(INTERESTING, st.integers(min_value=-1, max_value=8), st.booleans(), st.none(), JSON)
SPANS = st.one_of(
    INTERESTING,
    st.lists(
        st.fixed_dictionaries(
            {"text": st.one_of(INTERESTING, VALUE)},
            optional={
                "marks": st.lists(st.sampled_from(["strong", "em", "code", "underline", "strike", "bold"]), max_size=3),
                "href": VALUE,
            },
        ),
        max_size=3,
    ),
)
BLOCK_FIELDS = {
    "id": st.one_of(st.sampled_from(["b1", "b2", "s1"]), VALUE),
    "spans": SPANS,
    "level": VALUE,
    "style": VALUE,
    "items": st.lists(st.fixed_dictionaries({"spans": SPANS}, optional={"items": VALUE}), max_size=3) | VALUE,
    "cite": VALUE,
    "code": VALUE,
    "language": VALUE,
    "asset_id": VALUE,
    "src": VALUE,
    "alt": VALUE,
    "caption": VALUE,
    "width": VALUE,
    "height": VALUE,
    "url": VALUE,
    "title": VALUE,
    "tone": VALUE,
    "rows": st.lists(st.lists(SPANS, max_size=3), max_size=3) | VALUE,
    "header_row": VALUE,
    "html": VALUE,
    "extra": VALUE,
}
BLOCK_TYPES = ["paragraph", "heading", "list", "quote", "code", "image", "embed", "callout", "divider", "table", "html"]
BLOCK = st.one_of(
    st.fixed_dictionaries({"type": st.sampled_from([*BLOCK_TYPES, "video"])}, optional=BLOCK_FIELDS),
    st.fixed_dictionaries({}, optional=BLOCK_FIELDS),
    VALUE,
)
SECTION = st.fixed_dictionaries(
    {},
    optional={
        "id": st.one_of(st.sampled_from(["s1", "b1"]), VALUE),
        "anchor": st.one_of(st.sampled_from(["intro", "dosage", "Bad Anchor"]), VALUE),
        "heading": VALUE,
        "blocks": st.lists(BLOCK, max_size=4),
    },
)
ARTICLE = st.fixed_dictionaries(
    {"title": st.one_of(INTERESTING, VALUE)},
    optional={
        "slug": VALUE,
        "locale": st.one_of(st.sampled_from(["en", "pt-BR", "EN"]), VALUE),
        "summary": VALUE,
        "tags": st.lists(st.sampled_from(["a", "b", "a,b"]), max_size=3) | VALUE,
        "author": VALUE,
        "sections": st.lists(SECTION, max_size=4),
        "status": VALUE,
        "version": VALUE,
        "unknown": VALUE,
    },
)


def check_any_input(value: Any) -> None:
    try:
        article = ArticleInput.model_validate_json(orjson.dumps(value))
    except ValidationError as exc:
        errors = error_list(exc)
        assert errors
        assert all(isinstance(e["path"], str) and isinstance(e["message"], str) and e["message"] for e in errors)
        return
    document = to_document(article)
    anchors = [section.anchor for section in document.sections]
    ids = [s.id for s in document.sections] + [b.id for s in document.sections for b in s.blocks]
    assert len(set(anchors)) == len(anchors)
    assert all(is_slug(anchor) and len(anchor) <= ANCHOR_MAX_LENGTH for anchor in anchors)
    assert len(set(ids)) == len(ids)


@settings(max_examples=300, deadline=None)
@given(JSON)
@example(None)
@example([])
@example("title")
@example({"title": None})
def test_any_json_value_validates_or_gives_errors_with_paths(value):
    check_any_input(value)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ARTICLE)
@example({"title": "T", "sections": [{"heading": " ".join(["word"] * 40)}, {"heading": " ".join(["word"] * 40)}]})
@example({"title": "T", "sections": [{"blocks": [{"type": "embed", "url": "https://[::1/"}]}]})
@example({"title": "T", "sections": [{"blocks": [{"type": "list", "style": "bullet", "items": [{"spans": "x"}]}]}]})
def test_any_article_shaped_value_validates_or_gives_errors_with_paths(value):
    check_any_input(value)


# Mostly valid articles, so that the property also reaches to_document with blocks of every type.
NAME = st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)
GOOD_SPANS = st.one_of(
    NAME,
    st.lists(
        st.fixed_dictionaries(
            {"text": NAME},
            optional={
                "marks": st.lists(st.sampled_from(["strong", "em", "code", "underline", "strike"]), unique=True),
                "href": st.sampled_from(["/x", "#y", "https://example.com", "mailto:a@b.c", "javascript:x"]),
            },
        ),
        min_size=1,
        max_size=3,
    ),
)
LIST_ITEMS = st.recursive(
    st.lists(st.fixed_dictionaries({"spans": GOOD_SPANS}), min_size=1, max_size=2),
    lambda children: st.lists(st.fixed_dictionaries({"spans": GOOD_SPANS, "items": children}), min_size=1, max_size=2),
    max_leaves=8,
)
URL = st.sampled_from(["https://example.com/a.png", "https://cdn.example.com/v?x=1", "http://example.com/a.png"])
REQUIRED: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "paragraph": {"spans": GOOD_SPANS},
    "heading": {"level": st.integers(min_value=2, max_value=7), "spans": GOOD_SPANS},
    "list": {"style": st.sampled_from(["bullet", "number"]), "items": LIST_ITEMS},
    "quote": {"spans": GOOD_SPANS},
    "code": {"code": NAME},
    "image": {"alt": st.text(max_size=10)},
    "embed": {"url": URL},
    "callout": {"tone": st.sampled_from(["info", "tip", "warning"]), "spans": GOOD_SPANS},
    "divider": {},
    "table": {"rows": st.lists(st.lists(st.one_of(st.just(""), GOOD_SPANS), min_size=1, max_size=3), min_size=1)},
    "html": {"html": st.sampled_from(["<p>a</p>", "<script>x</script>", '<a href="javascript:x">y</a>', ""])},
}
OPTIONAL: dict[str, dict[str, st.SearchStrategy[Any]]] = {
    "quote": {"cite": NAME},
    "code": {"language": st.sampled_from(["python", "c++", "bad lang"])},
    "image": {
        "asset_id": st.sampled_from(["a1" * 16, "a2" * 16]),
        "src": URL,
        "caption": NAME,
        "width": st.integers(0, 9),
    },
    "embed": {"title": NAME},
    "table": {"header_row": st.booleans()},
}
PLAUSIBLE_BLOCK = st.sampled_from(BLOCK_TYPES).flatmap(
    lambda kind: st.fixed_dictionaries(
        {"type": st.just(kind), **REQUIRED[kind]},
        optional={"id": st.sampled_from(["b1", "b2", "b3", "s1"]), **OPTIONAL.get(kind, {})},
    )
)
PLAUSIBLE_ARTICLE = st.fixed_dictionaries(
    {"title": NAME},
    optional={
        "slug": st.sampled_from(["ketamine", "Bad Slug"]),
        "tags": st.lists(st.sampled_from(["a", "b", "c"]), max_size=2),
        "sections": st.lists(
            st.fixed_dictionaries(
                {"blocks": st.lists(PLAUSIBLE_BLOCK, max_size=4)},
                optional={
                    "id": st.sampled_from(["s1", "s2"]),
                    "anchor": st.sampled_from(["intro", "dosage", "section-2"]),
                    "heading": st.one_of(NAME, st.sampled_from(["Dosage", "Intro", "日本語", " ".join(["word"] * 40)])),
                },
            ),
            max_size=5,
        ),
    },
)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(PLAUSIBLE_ARTICLE)
def test_any_plausible_article_validates_or_gives_errors_with_paths(value):
    check_any_input(value)


def test_served_article_puts_identity_content_and_state_in_the_order_clients_read():
    document = Document(title="Hello", summary=None, tags=["a"], author="Ann", sections=[])
    published = datetime(2026, 11, 30, 9, 0, tzinfo=timezone(timedelta(hours=2)))

    article = served_article(
        ("id-1", "hello", "en"), document, status="published", version=3, published_at=published,
        updated_at=published,
    )  # fmt: skip

    assert article.model_dump(mode="json") == {
        "id": "id-1", "slug": "hello", "locale": "en", "title": "Hello", "summary": None, "tags": ["a"],
        "author": "Ann", "status": "published", "version": 3, "published_at": "2026-11-30T07:00:00Z",
        "updated_at": "2026-11-30T07:00:00Z", "sections": [],
    }  # fmt: skip
