"""The response headers of every operation, and the `503` of every one that asks the database.

Added to each operation's responses by what a response is (its status, whether its route caches, whether it
returns a draft), because the same header means the same thing on every route: a generated client reads `ETag`,
`Location` or `Retry-After` by name, and tests/openapi/conformance.py checks that every header marked required
is sent.
"""

from typing import Any

from cms.web.openapi.parts import problem
from cms.web.operations import Operation

REF = "#/components/headers/"


def _header(description: str, required: bool = True) -> dict[str, Any]:
    return {"description": description, "required": required, "schema": {"type": "string"}}


HEADERS = {
    "X-Request-ID": _header(
        "The request's id: the client's own `X-Request-ID` when it sent a printable one of at most 128 characters, "
        "else a new one. Every log line of the request names it."
    ),
    "ETag": _header("The strong ETag of this representation (of the draft, for editing routes)."),
    "Cache-Control": _header("`public, max-age=…, stale-while-revalidate=…, stale-if-error=…` for shared caches."),
    "Vary": _header(
        "`Accept-Encoding` where the body may be gzipped (with its own ETag); not on previews or files.", required=False
    ),
    "Surrogate-Key": _header(
        "Space-separated cache tags a CDN can purge by (docs/frontend.md); on published articles, sections and "
        "listings, not on previews or files.",
        required=False,
    ),
    "Last-Modified": _header("When the article was last published.", required=False),
    "Location": _header("The URL of what was made, or where the resource is now."),
    "Retry-After": _header("Seconds to wait before trying again."),
    "Preference-Applied": _header(
        "`merge` when the write was merged with what was saved since its If-Match (`Prefer: merge`, RFC 7240).",
        required=False,
    ),
    "WWW-Authenticate": _header("`Bearer`, with the reason when a token was sent."),
}

UNAVAILABLE = problem(
    "The database does not answer (down, restarting or full): nothing changed; retry after `Retry-After` seconds."
)


def with_headers(operation: Operation) -> dict[str, Any]:
    """The operation's responses, each with its headers, and a `503` when it asks the database; by status."""
    responses = dict(operation.responses)
    if operation.asks_database:
        responses.setdefault("503", UNAVAILABLE)
    cached = "304" in responses
    # Response objects are shared between operations (`BAD_QUERY`…): each gets its own copy here.
    return {
        status: response | {"headers": {name: {"$ref": REF + name} for name in _names(status, cached, operation)}}
        for status, response in sorted(responses.items())
    }


def _names(status: str, cached: bool, operation: Operation) -> list[str]:
    """The headers a response of `operation` with `status` carries, besides what its body says."""
    names = ["X-Request-ID"]
    if status in ("200", "206") and cached:
        names += ["ETag", "Cache-Control", "Vary", "Surrogate-Key", "Last-Modified"]
    elif status == "304":
        names += ["ETag", "Cache-Control", "Vary", "Surrogate-Key"]
    elif (status in ("200", "201") and operation.returns_draft) or status == "412":
        names.append("ETag")
    if status in ("201", "301", "308"):
        names.append("Location")
    if status in ("200", "201", "204") and operation.merges:
        names.append("Preference-Applied")
    if status in ("429", "503"):
        names.append("Retry-After")
    if status == "401":
        names.append("WWW-Authenticate")
    return names
