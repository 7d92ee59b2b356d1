"""One Pydantic model per block type, joined in the `Block` union discriminated by `type`.

Every model forbids unknown fields and runs in strict mode, so `"level": "3"` or `"header_row": 1` are refused
rather than coerced. A bad block gets errors from its own type only (the discriminator picks the model).
"""

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from cms.core.assets import AssetId
from cms.core.sanitize import sanitize_html
from cms.core.spans import CellSpans, Spans
from cms.core.text import Id, text

LIST_MAX_DEPTH = 4
URL_MAX_LENGTH = 2048


def _https_url(url: str) -> str:
    try:
        parts = urlsplit(url)
        valid = parts.scheme == "https" and bool(parts.hostname)
    except ValueError:  # a malformed host, such as 'https://[::1/'
        valid = False
    if not valid or "\\" in url or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        raise ValueError(f"{url!r} is not an https URL: use 'https://host/path'")
    return url


def asset_url(asset_id: str) -> str:
    """An uploaded asset's short URL, which redirects to its `url`; for `image` blocks the server has not filled."""
    return f"/api/v1/assets/{asset_id}"


ASSET_URL_PATTERN = r"^/api/v1/assets/[0-9a-f]{32}/[A-Za-z0-9._-]{1,120}$"


HttpsUrl = Annotated[str, Field(max_length=URL_MAX_LENGTH), AfterValidator(_https_url)]
Dimension = Annotated[int, Field(ge=1, le=100_000)]


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    id: Id | None = None
    """Kept when given (unique within the article), assigned by the server when absent."""


class Paragraph(_Block):
    type: Literal["paragraph"]
    spans: Spans


class Heading(_Block):
    """A heading inside a section; level 2 is the section's own heading, so blocks use 3 to 6."""

    type: Literal["heading"]
    level: Annotated[int, Field(ge=3, le=6)]
    spans: Spans


class ListItem(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    spans: Spans
    items: Annotated[list["ListItem"], Field(max_length=1_000)] = []


def _depth(items: list[ListItem]) -> int:
    return 1 + max((_depth(item.items) for item in items if item.items), default=0)


class List(_Block):
    type: Literal["list"]
    style: Literal["bullet", "number"]
    items: Annotated[list[ListItem], Field(min_length=1, max_length=1_000)]

    @model_validator(mode="after")
    def _nesting(self) -> "List":
        if (depth := _depth(self.items)) > LIST_MAX_DEPTH:
            raise ValueError(f"lists nest at most {LIST_MAX_DEPTH} levels deep, this one {depth}")
        return self


class Quote(_Block):
    type: Literal["quote"]
    spans: Spans
    cite: text(300, min_length=1) | None = None  # type: ignore[valid-type]


class Code(_Block):
    type: Literal["code"]
    code: text(100_000)  # type: ignore[valid-type]
    language: Annotated[str, Field(pattern=r"^[A-Za-z0-9_+#.-]{1,40}$")] | None = None


class Image(_Block):
    """An uploaded asset (`asset_id`) or an external image (`src`, https), never both; `alt` may be empty.

    For an asset the server sets `width`, `height`, `placeholder` (a BlurHash) and `url` from the upload, whatever
    the input says, so a client can send back what it fetched.
    """

    type: Literal["image"]
    asset_id: AssetId | None = None
    src: HttpsUrl | None = None
    alt: text(1_000)  # type: ignore[valid-type]
    caption: text(1_000, min_length=1) | None = None  # type: ignore[valid-type]
    width: Dimension | None = None
    height: Dimension | None = None
    placeholder: Annotated[str, Field(pattern=r"^[0-9A-Za-z#$%*+,\-.:;=?@\[\]^_{|}~]{6,100}$")] | None = None
    url: Annotated[str, Field(pattern=ASSET_URL_PATTERN)] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> "Image":
        if (self.asset_id is None) == (self.src is None):
            raise ValueError("an image needs exactly one of 'asset_id' or 'src'")
        if self.src is not None and self.url is not None:
            raise ValueError("'url' is set by the server for uploaded images ('asset_id'): give 'src' alone")
        return self


class Embed(_Block):
    type: Literal["embed"]
    url: HttpsUrl
    title: text(300, min_length=1) | None = None  # type: ignore[valid-type]


class Callout(_Block):
    type: Literal["callout"]
    tone: Literal["info", "tip", "warning"]
    spans: Spans


class Divider(_Block):
    type: Literal["divider"]


class Table(_Block):
    type: Literal["table"]
    rows: Annotated[
        list[Annotated[list[CellSpans], Field(min_length=1, max_length=50)]], Field(min_length=1, max_length=500)
    ]
    header_row: bool = False


def _not_emptied(html: str) -> str:
    if not html.strip():
        raise ValueError("nothing is left of this html after sanitising: use the allowed tags (see docs/api.md)")
    return html


class Html(_Block):
    """Raw HTML, cleaned by the allow-list in `cms.core.sanitize` as it is validated, so only clean HTML is stored."""

    type: Literal["html"]
    html: Annotated[text(100_000, min_length=1), AfterValidator(sanitize_html), AfterValidator(_not_emptied)]  # type: ignore[valid-type]


Block = Annotated[
    Paragraph | Heading | List | Quote | Code | Image | Embed | Callout | Divider | Table | Html,
    Field(discriminator="type"),
]
BLOCK_TYPES: tuple[type[_Block], ...] = (
    Paragraph,
    Heading,
    List,
    Quote,
    Code,
    Image,
    Embed,
    Callout,
    Divider,
    Table,
    Html,
)
BLOCK_LABELS = {
    "paragraph": "Paragraph", "heading": "Heading", "list": "List", "quote": "Quote", "code": "Code",
    "image": "Image", "embed": "Embed", "callout": "Callout", "divider": "Divider", "table": "Table", "html": "HTML",
}  # fmt: skip
"""Each block type as people read it, in BLOCK_TYPES' order: the editor's groups and the Revisions page's changes."""


def error_path(loc: tuple[int | str, ...]) -> str:
    """('sections', 1, 'blocks', 0, 'heading', 'level') -> 'sections/1/blocks/0/level'.

    Pydantic puts the union tag after the block's index; clients know the block by its index, not by its type.
    """
    parts: list[str] = []
    for i, part in enumerate(loc):
        if i >= 2 and loc[i - 2] == "blocks" and isinstance(loc[i - 1], int) and isinstance(part, str):
            continue
        parts.append(str(part))
    return "/".join(parts)


def error_list(exc: ValidationError) -> list[dict[str, str]]:
    """Pydantic's errors as [{"path": "sections/1/blocks/0/level", "message": "…"}], in Pydantic's order."""
    return [
        {"path": error_path(e["loc"]), "message": e["msg"].removeprefix("Value error, ")}
        for e in exc.errors(include_url=False)
    ]
