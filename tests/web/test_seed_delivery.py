"""The seed article, loaded by `cms seed`, served word for word (the issue's definition of done)."""

from pathlib import Path

from cms.services.seeding import DEFAULT_SEED_DIR, seed

SEED_SLUG = "ketamine-and-depression-how-it-may-help-you"
ORIGINAL = DEFAULT_SEED_DIR / "original" / "000_ee82c9d151e20ceb.txt"


def _article_words(original: Path) -> list[str]:
    """The seed's words after line 1 (the site name) and the title line."""
    lines = original.read_text(encoding="utf-8").splitlines()
    body = [line for line in lines[1:] if line.strip()][1:]
    return " ".join(body).split()


async def test_seed_article_is_served_with_its_sections_in_order(client):
    await seed(DEFAULT_SEED_DIR, default_locale="en")

    response = await client.get(f"/api/v1/articles/{SEED_SLUG}")

    assert response.status_code == 200
    article = response.json()
    assert article["title"] == "Ketamine And Depression: How It May Help You"
    assert [(s["anchor"], s["heading"], len(s["blocks"])) for s in article["sections"]] == [
        ("intro", None, 1),
        ("what-exactly-is-ketamine", "What Exactly Is Ketamine?", 2),
        (
            "what-is-the-difference-in-ketamine-versus-anti-depressants",
            "What Is The Difference In Ketamine Versus Anti-Depressants?",
            2,
        ),
        ("how-is-ketamine-infusion-therapy-administered", "How Is Ketamine Infusion Therapy Administered?", 3),
    ]  # fmt: skip
    assert {block["type"] for s in article["sections"] for block in s["blocks"]} == {"paragraph"}


async def test_seed_article_text_equals_the_original_word_for_word(client):
    await seed(DEFAULT_SEED_DIR, default_locale="en")

    article = (await client.get(f"/api/v1/articles/{SEED_SLUG}")).json()

    words = []
    for section in article["sections"]:
        if section["heading"]:
            words += section["heading"].split()
        for block in section["blocks"]:
            words += "".join(span["text"] for span in block["spans"]).split()
    assert words == _article_words(ORIGINAL)


async def test_site_is_named_by_the_seed(client):
    await seed(DEFAULT_SEED_DIR, default_locale="en")

    response = await client.get("/api/v1/site")

    assert response.json() == {"name": "The Magic of Massage Therapy", "default_locale": "en", "locales": ["en"]}
