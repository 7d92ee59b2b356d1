"""`cms seed` loads and publishes content_seed/; a second run changes nothing."""

import shutil

from cms.services.seeding import DEFAULT_SEED_DIR, seed
from cms.storage.models import Article, Revision, Section

SEED_SLUG = "ketamine-and-depression-how-it-may-help-you"


async def _state():
    article = await Article.get(slug=SEED_SLUG)
    sections = await Section.all().order_by("id").values_list("id", "uid", "blocks")
    return (article.version, article.published_version, article.published_at, await Revision.all().count(), sections)


async def test_seed_creates_and_publishes_the_seed_article(client):
    report = await seed(DEFAULT_SEED_DIR, default_locale="en")

    article = await Article.get(slug=SEED_SLUG)
    assert (report.created, report.updated, report.unchanged) == ([SEED_SLUG], [], [])
    assert (article.status, article.version, article.published_version) == ("published", 1, 1)


async def test_seeding_twice_changes_nothing(client):
    await seed(DEFAULT_SEED_DIR, default_locale="en")
    before = await _state()

    report = await seed(DEFAULT_SEED_DIR, default_locale="en")

    assert (report.created, report.updated, report.unchanged) == ([], [], [SEED_SLUG])
    assert await _state() == before


async def test_an_edited_seed_file_makes_a_new_revision_and_republishes(client, tmp_path):
    folder = tmp_path / "seed"
    shutil.copytree(DEFAULT_SEED_DIR, folder)
    await seed(folder, default_locale="en")
    markdown = folder / "articles" / f"{SEED_SLUG}.md"
    markdown.write_text(markdown.read_text() + "\nOne more paragraph.\n")

    report = await seed(folder, default_locale="en")

    article = await Article.get(slug=SEED_SLUG)
    assert report.updated == [SEED_SLUG]
    assert (article.version, article.published_version) == (2, 2)
