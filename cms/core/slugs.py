"""Slugs for articles and anchors for sections."""

import re
import unicodedata
from collections.abc import Iterable
from typing import Annotated

from pydantic import StringConstraints

from cms.core.text import explained

SLUG_MAX_LENGTH = 120
ANCHOR_MAX_LENGTH = 80
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=SLUG_MAX_LENGTH),
    explained(
        f"slug {{value}} is not valid: use 1-{SLUG_MAX_LENGTH} characters of lowercase a-z, 0-9 and single hyphens"
        " (e.g. 'hello-world')"
    ),
]
"""Lowercase a-z, 0-9 and single hyphens, 1-120 characters: 'ketamine-and-depression'."""

INTRO_ANCHOR = "intro"

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
_SLUG = re.compile(SLUG_PATTERN)


def slugify(title: str, max_length: int = SLUG_MAX_LENGTH) -> str:
    """'Ketamine And Depression: How It May Help You' -> 'ketamine-and-depression-how-it-may-help-you'.

    Accents are folded ('Café' -> 'cafe'); what has no ASCII form is dropped, so the result may be empty.
    A slug cut to `max_length` is cut at a hyphen when it can be, so words stay whole.
    """
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_ALNUM.sub("-", ascii_text.lower()).strip("-")
    if len(slug) > max_length:
        cut = slug[: max_length + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else cut[:max_length]
        slug = slug[:max_length].strip("-")
    return slug


def is_slug(value: str) -> bool:
    return len(value) <= SLUG_MAX_LENGTH and _SLUG.match(value) is not None


def unique_anchors(headings: Iterable[str | None], given: Iterable[str | None]) -> list[str]:
    """One anchor per section: the given one, else derived from the heading, made unique with '-2', '-3'.

    A leading section without heading is 'intro'; a later one is 'section-<n>' (1-based position).
    Given anchors are kept as they are (the caller has checked that they are unique), so links stay stable
    when a heading is reworded. Derived anchors, suffix included, fit in `ANCHOR_MAX_LENGTH`.
    """
    pairs = list(zip(headings, given, strict=True))
    taken = {anchor for _, anchor in pairs if anchor}
    anchors = []
    for position, (heading, anchor) in enumerate(pairs):
        if anchor:
            anchors.append(anchor)
            continue
        if heading and (base := slugify(heading, max_length=ANCHOR_MAX_LENGTH)):
            pass
        elif position == 0 and not heading:
            base = INTRO_ANCHOR
        else:
            base = f"section-{position + 1}"
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            suffix = f"-{n}"
            candidate = base[: ANCHOR_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        taken.add(candidate)
        anchors.append(candidate)
    return anchors
