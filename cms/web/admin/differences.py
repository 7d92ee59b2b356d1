"""The differences the Revisions page shows: a version against the current draft, by field, section and block
(cms/core/article_diff.py), each long unchanged run of text shortened for the page."""

from dataclasses import replace

from cms.core import article_diff
from cms.core.article import Article, Document
from cms.core.article_diff import Change


def document_of(article: Article) -> Document:
    """The editable content of an article as read, as a revision stores it."""
    return Document.model_validate({name: getattr(article, name) for name in Document.model_fields}, strict=False)


def since(version: Document, current: Document) -> list[Change]:
    """What changed from `version` to `current`, in reading order."""
    return [
        replace(change, pieces=article_diff.trimmed(change.pieces)) for change in article_diff.diff(version, current)
    ]
