"""`cms seed`: load content_seed/ (the site's name and its articles) and publish it. A second run changes nothing."""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cms.core.article import Document, slug_for, to_document
from cms.core.markdown_in import parse_markdown
from cms.services import drafts, publishing
from cms.storage import articles, site

DEFAULT_SEED_DIR = Path(__file__).resolve().parents[2] / "content_seed"
SEED_TOKEN_NAME = "cms seed"  # recorded on the revisions the seed makes


@dataclass
class SeedReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


async def seed(directory: Path, default_locale: str) -> SeedReport:
    """Set the site's name from site.toml, then create or update and publish every articles/*.md."""
    settings = tomllib.loads((directory / "site.toml").read_text(encoding="utf-8"))
    await set_site_name(settings["name"])
    report = SeedReport()
    for path in sorted((directory / "articles").glob("*.md")):
        article_input = parse_markdown(path.read_text(encoding="utf-8"))
        locale, slug = article_input.locale or default_locale, slug_for(article_input)
        existing = await articles.at(slug, locale)
        if existing is None:
            await drafts.create(article_input, default_locale, token_name=SEED_TOKEN_NAME)
            report.created.append(slug)
        elif _content(await drafts.current_document(existing)) != _content(to_document(article_input)):
            await drafts.save(existing, existing.version, article_input, token_name=SEED_TOKEN_NAME)
            report.updated.append(slug)
        elif existing.published_version == existing.version:
            report.unchanged.append(slug)
            continue
        await publishing.publish(slug, locale, if_match=None)
    return report


async def set_site_name(name: str) -> None:
    await site.set_name(name)


def _content(document: Document) -> Any:
    """The document without its generated ids: what decides whether the seed changed."""
    data = document.model_dump(mode="json")
    for section in data["sections"]:
        del section["id"]
        for block in section["blocks"]:
            del block["id"]
    return data
