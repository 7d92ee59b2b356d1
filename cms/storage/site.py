"""The site's one row: its name."""

from cms.storage.models import Site


async def set_name(name: str) -> None:
    """Written only when it differs, so that a second `cms seed` changes nothing."""
    site = await Site.first()
    if site is None:
        await Site.create(name=name)
    elif site.name != name:
        site.name = name
        await site.save()
