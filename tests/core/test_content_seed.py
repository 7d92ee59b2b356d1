"""Fidelity of the seed content: the original text, its Markdown version and the site settings agree."""

import tomllib
from pathlib import Path

from cms.core.markdown_in import parse_markdown
from cms.core.seed_text import parse_seed_text
from cms.core.slugs import slugify
from cms.core.spans import plain_text

CONTENT_SEED = Path(__file__).parents[2] / "content_seed"
ORIGINAL = CONTENT_SEED / "original" / "000_ee82c9d151e20ceb.txt"
ARTICLE = CONTENT_SEED / "articles" / "ketamine-and-depression-how-it-may-help-you.md"

TITLE = "Ketamine And Depression: How It May Help You"
HEADINGS = [
    None,
    "What Exactly Is Ketamine?",
    "What Is The Difference In Ketamine Versus Anti-Depressants?",
    "How Is Ketamine Infusion Therapy Administered?",
]


def test_original_names_the_site_and_the_article() -> None:
    seed = parse_seed_text(ORIGINAL.read_text(encoding="utf-8"))

    assert (seed.site_name, seed.article.title) == ("The Magic of Massage Therapy", TITLE)


def test_original_has_an_intro_then_the_three_questions_in_order() -> None:
    article = parse_seed_text(ORIGINAL.read_text(encoding="utf-8")).article

    assert [section.heading for section in article.sections] == HEADINGS


def test_original_sections_hold_1_2_2_and_3_paragraphs() -> None:
    article = parse_seed_text(ORIGINAL.read_text(encoding="utf-8")).article

    assert [[block.type for block in section.blocks] for section in article.sections] == [
        ["paragraph"],
        ["paragraph"] * 2,
        ["paragraph"] * 2,
        ["paragraph"] * 3,
    ]


def test_original_article_text_is_kept_word_for_word() -> None:
    source = ORIGINAL.read_text(encoding="utf-8")
    article = parse_seed_text(source).article
    article_part = source.split("\n", 1)[1]

    texts = [article.title]
    for section in article.sections:
        texts.append(section.heading or "")
        texts += [plain_text(block.spans) for block in section.blocks if block.type == "paragraph"]

    assert " ".join(texts).split() == article_part.split()


def test_markdown_article_has_exactly_the_sections_of_the_original() -> None:
    original = parse_seed_text(ORIGINAL.read_text(encoding="utf-8")).article

    article = parse_markdown(ARTICLE.read_text(encoding="utf-8"))

    assert article.title == original.title
    assert article.sections == original.sections


def test_markdown_article_front_matter_gives_slug_locale_and_tags() -> None:
    article = parse_markdown(ARTICLE.read_text(encoding="utf-8"))

    assert (article.slug, article.locale, article.tags) == (slugify(TITLE), "en", ["depression", "ketamine"])
    assert ARTICLE.stem == article.slug


def test_site_settings_name_the_site_of_the_original_in_english() -> None:
    site = tomllib.loads((CONTENT_SEED / "site.toml").read_text(encoding="utf-8"))

    assert site == {"name": parse_seed_text(ORIGINAL.read_text(encoding="utf-8")).site_name}


def test_every_seed_article_parses_and_is_named_after_its_slug() -> None:
    paths = sorted(CONTENT_SEED.glob("articles/*.md"))

    slugs = [parse_markdown(path.read_text(encoding="utf-8")).slug for path in paths]

    assert slugs == [path.stem for path in paths]
