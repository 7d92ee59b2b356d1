"""A realistic corpus for the benchmark, written through the services layer like an editor would.

Text is drawn from the seed article's own words, so sizes and word shapes look like real content and some
articles mention 'ketamine' (the search scenario needs hits). Everything is seeded: two runs build the same corpus.
"""

import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tortoise.transactions import in_transaction

from cms.core.article import ArticleInput
from cms.core.slugs import slugify
from cms.services import drafts, publishing, seeding
from cms.storage import db

LOCALE = "en"
HUGE_SLUG = "bench-huge-article"
TAGS = (
    "depression", "anxiety", "ketamine", "therapy", "sleep", "nutrition", "exercise", "research", "clinics",
    "dosing", "safety", "insurance", "mindfulness", "medication", "psychiatry", "neuroscience", "wellness",
    "parenting", "aging", "caregivers", "news", "interviews", "guides", "faq", "science", "policy", "workplace",
    "stress", "trauma", "recovery", "telehealth",
)  # fmt: skip
BATCH = 200  # articles per transaction: one commit per batch instead of several per article


@dataclass
class Corpus:
    slugs: list[str]
    seed_slug: str
    huge_slug: str
    seconds: float


def vocabulary(seed_dir: Path = seeding.DEFAULT_SEED_DIR) -> list[str]:
    """The seed articles' words, lowercased: the generator's only source of text."""
    text = " ".join(path.read_text(encoding="utf-8") for path in (seed_dir / "articles").glob("*.md"))
    return re.findall(r"[a-z][a-z'-]+", text.lower())


class Writer:
    """Sentences, paragraphs and whole articles from a word list, reproducibly."""

    def __init__(self, words: list[str], seed: int = 5) -> None:
        self.words = words
        self.random = random.Random(seed)

    def sentence(self, low: int = 8, high: int = 22) -> str:
        picked = self.random.choices(self.words, k=self.random.randint(low, high))
        return " ".join(picked).capitalize() + "."

    def paragraph(self) -> str:
        return " ".join(self.sentence() for _ in range(self.random.randint(2, 6)))

    def title(self) -> str:
        return " ".join(w.capitalize() for w in self.random.choices(self.words, k=self.random.randint(4, 9)))

    def block(self) -> dict[str, Any]:
        """Mostly paragraphs, as in real articles; some lists, sub-headings and quotes."""
        kind = self.random.choices(("paragraph", "list", "heading", "quote"), weights=(70, 15, 10, 5))[0]
        if kind == "list":
            items = [{"spans": self.sentence(3, 10)} for _ in range(self.random.randint(2, 6))]
            return {"type": "list", "style": self.random.choice(("bullet", "number")), "items": items}
        if kind == "heading":
            return {"type": "heading", "level": 3, "spans": self.sentence(3, 7).rstrip(".")}
        return {"type": kind, "spans": self.paragraph()}

    def section(self, index: int, blocks: int) -> dict[str, Any]:
        heading = None if index == 0 else f"{self.sentence(3, 7).rstrip('.')} {index}"  # unique anchors
        return {"heading": heading, "blocks": [self.block() for _ in range(blocks)]}

    def article(self, number: int) -> ArticleInput:
        title = self.title()
        sections = [self.section(i, self.random.randint(2, 5)) for i in range(self.random.randint(3, 6))]
        return ArticleInput.model_validate(
            {
                "title": title,
                "slug": f"{slugify(title)[:80].strip('-')}-{number}",
                "summary": self.sentence(15, 35),
                "tags": self.random.sample(TAGS, self.random.randint(1, 4)),
                "author": self.random.choice(("Dr. Ana Ruiz", "Sam Lee", "Priya Nair", None)),
                "sections": sections,
            }
        )

    def huge(self, sections: int = 50, blocks: int = 20) -> ArticleInput:
        return ArticleInput.model_validate(
            {
                "title": "Bench: The Huge Article",
                "slug": HUGE_SLUG,
                "summary": self.sentence(),
                "tags": ["guides"],
                "sections": [self.section(i, blocks) for i in range(sections)],
            }
        )


async def build(database_url: str, articles: int, log: Any = print) -> Corpus:
    """Migrate, seed, then create and publish `articles` generated articles and the huge one."""
    started = time.monotonic()
    await db.migrate(database_url)
    async with db.database(database_url):
        report = await seeding.seed(seeding.DEFAULT_SEED_DIR, LOCALE)
        writer = Writer(vocabulary())
        slugs = [*report.created]
        for batch in _batches(range(articles), BATCH):
            slugs += await _publish_all([writer.article(n) for n in batch])
            log(f"  {len(slugs) - len(report.created)}/{articles} articles")
        slugs += await _publish_all([writer.huge()])
    return Corpus(slugs, report.created[0], HUGE_SLUG, time.monotonic() - started)


async def _publish_all(inputs: list[ArticleInput]) -> list[str]:
    """Create and publish each draft, all in one transaction (the services' own transactions nest inside)."""
    slugs = []
    async with in_transaction():
        for article_input in inputs:
            article = await drafts.create(article_input, LOCALE)
            await publishing.publish(article.slug, LOCALE, if_match=None)
            slugs.append(article.slug)
    return slugs


def _batches(numbers: range, size: int) -> Iterator[range]:
    for start in range(0, len(numbers), size):
        yield numbers[start : start + size]
