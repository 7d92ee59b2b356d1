"""The pieces an operation's description is made of (cms.web.operations.Operation): parameters, bodies, and
responses (problems with the status each means).

An operation names every status it can answer; a problem response is always `application/problem+json` with the
`Problem` schema. Who may call an operation (`PUBLIC`, `OPTIONAL_TOKEN`, `TOKEN`) is in cms.web.operations.
"""

from typing import Any

from pydantic import TypeAdapter

from cms.core.article import ARTICLE_FIELDS, Locale
from cms.core.render import FORMATS
from cms.core.text import SERVER_ID_PATTERN

REF = "#/components/schemas/"


def param(name: str, where: str, description: str, schema: dict[str, Any], required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema}


SLUG = param("slug", "path", "The article's slug.", {"type": "string"}, required=True)
ANCHOR = param("anchor", "path", "The section's anchor ('intro' for a leading section).", {"type": "string"}, True)
LOCALE = param(
    "locale", "query", "Language tag; the site's default locale when absent.", TypeAdapter(Locale).json_schema()
)
FORMAT = param(
    "format",
    "query",
    "Output format: `json` (default), `portable-text` (JSON whose `body` is Portable Text), `html`, `markdown`, "
    "`text`.",
    {"type": "string", "enum": list(FORMATS), "default": "json"},
)
FIELDS = param(
    "fields",
    "query",
    f"Comma-separated top-level fields of the JSON format ({', '.join(ARTICLE_FIELDS)}); the response then has "
    "those fields only (`ArticleFields`). Not with another `format`.",
    {"type": "string", "pattern": f"^({'|'.join(ARTICLE_FIELDS)})(,({'|'.join(ARTICLE_FIELDS)}))*$"},
)
LIMIT = param("limit", "query", "Page size.", {"type": "integer", "minimum": 1, "maximum": 100, "default": 20})
CURSOR = param(
    "cursor", "query", "The `next_cursor` of the previous page, unchanged.", {"type": "string", "minLength": 1}
)
POSITION = param(
    "cursor",
    "query",
    "The `next_cursor` of the previous page, unchanged: a whole number.",
    {"type": "string", "pattern": r"^0*[1-9][0-9]{0,8}$"},
)
SERVER_ID = {"type": "string", "pattern": SERVER_ID_PATTERN}
"""The schema of an id the server made (a token's, webhook's, delivery's, asset's): 32 hexadecimal digits."""
PREVIEW = param(
    "preview",
    "query",
    "`true` serves the current draft (needs a token with the `preview` scope); never cached.",
    {"type": "boolean"},
)
IF_MATCH = param("If-Match", "header", "The draft's ETag, as the last read or write returned it.", {"type": "string"})
IF_MATCH_REQUIRED = IF_MATCH | {"required": True}
PREFER = param(
    "Prefer",
    "header",
    "`merge` (RFC 7240): when If-Match names an older version of the draft, merge this write with what was saved "
    "since (section by section, block by block) instead of answering 412; the answer then carries "
    "`Preference-Applied: merge`, or is a 409 listing the `conflicts` (docs/api.md). Other preferences are ignored.",
    {"type": "string"},
)


def json_body(ref: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": REF + ref}}}}


def problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": {"$ref": REF + "Problem"}}}}


def any_of(*names: str) -> dict[str, Any]:
    return {"anyOf": [{"$ref": REF + name} for name in names]}


def formatted(json_schema: dict[str, Any], description: str) -> dict[str, Any]:
    """A response in `?format=`: JSON (`json`, `portable-text`) or one of the text formats, as a string."""
    content: dict[str, Any] = {"application/json": {"schema": json_schema}}
    for fmt in FORMATS.values():
        content.setdefault(fmt.media_type, {"schema": {"type": "string"}})
    return {"description": description, "content": content}


BAD_QUERY = problem("An unknown or repeated query parameter, or a bad value: `parameter` names it.")
BAD_BODY = problem("A bad query parameter (`parameter` names it), or a body that is not valid JSON.")
UNAUTHORIZED = problem("No token, or an unknown or revoked one (`WWW-Authenticate: Bearer`).")
BAD_TOKEN = problem("An unknown or revoked token (none at all is fine here).")
FORBIDDEN = problem("The token lacks the scope this route needs.")
NO_ARTICLE = problem("No article has this slug in this locale.")
SLUG_TAKEN = problem("The slug is taken by another article in this locale: nothing changed.")
STALE = problem("If-Match does not name the draft's current ETag: nothing changed; `ETag` is the current one.")
TOO_LARGE = problem("The body is larger than CMS_MAX_BODY_BYTES.")
UNSUPPORTED = problem("The body's content type is not accepted here.")
INVALID = problem("The content is not valid: `errors` lists each field's path and message.")
NEEDS_IF_MATCH = problem("No If-Match header: `header` names it.")
MERGE_CONFLICT = problem(
    "`Prefer: merge` and both this write and a save since its If-Match changed one unit differently: `type` ends "
    "with `/merge-conflict`, `conflicts` lists each unit's path and its base, theirs and mine values; nothing changed."
)
SLUG_TAKEN_OR_MERGE_CONFLICT = problem(
    "The slug is taken by another article in this locale; or, with `Prefer: merge`, both this write and a save since "
    "its If-Match changed one unit differently (`type` ends with `/merge-conflict`, `conflicts` lists them). "
    "Nothing changed."
)
NOT_MODIFIED = {"description": "If-None-Match names the current ETag (or If-Modified-Since is not older): no body."}
MOVED = {"description": "The slug was renamed: `Location` is the new URL, query string kept."}
MOVED_PERMANENTLY = {"description": "The slug was renamed: repeat the request at `Location` (method and body kept)."}
NO_CONTENT = {"description": "Done; no body."}
CACHED_READ = {"304": NOT_MODIFIED, "400": BAD_QUERY}
"""The statuses of a public read with an ETag, besides what it finds."""


def request_body(ref: str, media_types: tuple[str, ...] = ("application/json",)) -> dict[str, Any]:
    return {"required": True, "content": {kind: {"schema": {"$ref": REF + ref}} for kind in media_types}}


def write_errors(
    *, slug: bool = True, body: bool = True, if_match: str = "", conflict: bool = False, merges: bool = False
) -> dict[str, Any]:
    """The statuses of an authenticated write: `if_match` is "required", "optional" or "" (not read); `conflict`: a
    slug may be taken; `merges`: it takes `Prefer: merge`."""
    errors: dict[str, Any] = {"400": BAD_BODY if body else BAD_QUERY, "401": UNAUTHORIZED, "403": FORBIDDEN}
    if slug:
        errors |= {"308": MOVED_PERMANENTLY, "404": NO_ARTICLE}
    if body:
        errors |= {"413": TOO_LARGE, "415": UNSUPPORTED, "422": INVALID}
    if if_match:
        errors["412"] = STALE
    if if_match == "required":
        errors["428"] = NEEDS_IF_MATCH
    if conflict or merges:
        errors["409"] = (
            SLUG_TAKEN_OR_MERGE_CONFLICT if conflict and merges else SLUG_TAKEN if conflict else MERGE_CONFLICT
        )
    return errors
