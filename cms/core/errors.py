"""Domain errors, raised by services and turned into problem+json by `cms.web.http.problems`.

CMSError
├── NotFound           no such article, section, revision or token        -> 404
├── Moved              the slug was renamed; carries the new slug          -> 301 (delivery) / 308 (management)
├── Conflict           the slug is already taken in that locale            -> 409
├── MergeConflict      both edits of a merge changed one unit differently  -> 409 (the conflicts listed)
├── StaleDraft         the draft changed since the client read it          -> 412 (the current version in detail)
├── InvalidContent     content that parses but breaks a rule of the model  -> 422 (errors with paths)
├── TooLarge           an upload over CMS_MAX_ASSET_BYTES                  -> 413
├── UnsupportedType    an upload whose bytes are not an accepted type       -> 415
└── Busy               every image worker of this process is busy, or the  -> 503 (Retry-After)
                       media disk is full
"""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cms.core.merge import Conflict as MergeUnit


class CMSError(Exception):
    """Base of every error the service turns into a client-facing status."""


class NotFound(CMSError):
    pass


@dataclass
class Moved(CMSError):
    slug: str
    locale: str


class Conflict(CMSError):
    pass


@dataclass
class MergeConflict(CMSError):
    """A write asked to be merged (`Prefer: merge`) and both sides changed these units differently: nothing saved."""

    conflicts: list["MergeUnit"]
    article_uid: str
    current_version: int
    """The draft the write was merged with: resolve against it (If-Match of its ETag)."""


@dataclass
class StaleDraft(CMSError):
    """The write named a draft version that is no longer the current one; nothing was changed."""

    article_uid: str
    current_version: int


@dataclass
class FieldError:
    path: str
    message: str


@dataclass
class InvalidContent(CMSError):
    errors: list[FieldError] = field(default_factory=list)

    @classmethod
    def at(cls, path: str, message: str) -> "InvalidContent":
        return cls([FieldError(path, message)])


class TooLarge(CMSError):
    pass


class UnsupportedType(CMSError):
    pass


class Busy(CMSError):
    pass
