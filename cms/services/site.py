"""The site as delivery describes it: its name and the locales clients can ask for."""

from cms.storage import queries


async def describe(default_locale: str) -> tuple[str, list[str]]:
    """('The Magic of Massage Therapy', ['en', …]): every locale with a published article, the default one always."""
    return await queries.site_name(), sorted({default_locale, *await queries.published_locales()})
