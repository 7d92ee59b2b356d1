"""The plain-text seed form -> site name and `ArticleInput`.

The original content came as plain text with no markup, so headings must be recognised by their shape. The
rule in `is_heading` leans on what a heading has and a sentence lacks together (one short line, no closing
punctuation other than '?', Title Case), so that a short lowercase sentence or question stays a paragraph.
Text is kept word for word: the importer splits and joins lines, it never rewrites them. See docs/importing.md.
"""

from dataclasses import dataclass
from typing import Any

from cms.core.article import ArticleInput
from cms.core.errors import FieldError, InvalidContent

HEADING_MAX_CHARS = 120
HEADING_MAX_WORDS = 15
HEADING_CAPITALISED_FROM = 4
"""Words with at least this many letters must start with a capital; shorter ones ('of', 'and') need not."""
_SENTENCE_ENDS = (".", "!", ",", ";", ":", "…")
_FORMAT = "line 1 is the site name, the next non-blank line the article title, then paragraphs separated by blank lines"


@dataclass(frozen=True)
class SeedText:
    site_name: str
    article: ArticleInput


def parse_seed_text(source: str) -> SeedText:
    """'Site\\n\\nTitle\\n\\nIntro.\\n\\nA Heading?\\n\\nText.' -> (None: 'Intro.'), ('A Heading?': 'Text.')."""
    lines = source.removeprefix("\ufeff").splitlines()
    site_name = lines[0].strip() if lines else ""
    if not site_name:
        raise InvalidContent([FieldError(path="site_name", message=f"line 1 is empty: {_FORMAT}")])
    rest = lines[1:]
    title_at = next((i for i, line in enumerate(rest) if line.strip()), None)
    if title_at is None:
        raise InvalidContent(
            [FieldError(path="title", message=f"there is no article title after the site name: {_FORMAT}")]
        )
    sections = _sections(_blocks(rest[title_at + 1 :]))
    return SeedText(site_name, ArticleInput.model_validate({"title": rest[title_at].strip(), "sections": sections}))


def is_heading(block: str) -> bool:
    """'What Exactly Is Ketamine?' -> True; 'Why does it work?' and 'It Works.' -> False.

    A heading is one line of at most HEADING_MAX_CHARS characters and HEADING_MAX_WORDS words, that does not end
    like a sentence clause (. ! , ; : …), whose first letter is a capital, and whose words of
    HEADING_CAPITALISED_FROM or more letters all start with a capital.
    """
    words = block.split()
    if not words or "\n" in block.strip() or len(block) > HEADING_MAX_CHARS or len(words) > HEADING_MAX_WORDS:
        return False
    if block.rstrip().endswith(_SENTENCE_ENDS):
        return False
    lettered = [letters for word in words if (letters := "".join(ch for ch in word if ch.isalpha()))]
    if not lettered or not lettered[0][0].isupper():
        return False
    return all(letters[0].isupper() for letters in lettered if len(letters) >= HEADING_CAPITALISED_FROM)


def _blocks(lines: list[str]) -> list[str]:
    """Blank-line separated blocks, each line stripped and kept on its own line."""
    blocks, current = [], []
    for line in [*lines, ""]:
        if line.strip():
            current.append(line.strip())
        elif current:
            blocks.append("\n".join(current))
            current = []
    return blocks


def _sections(blocks: list[str]) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    for block in blocks:
        if is_heading(block):
            sections.append({"heading": block, "blocks": []})
            continue
        if not sections:
            sections.append({"heading": None, "blocks": []})
        sections[-1]["blocks"].append({"type": "paragraph", "spans": " ".join(block.split("\n"))})
    return sections
