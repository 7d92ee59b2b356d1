"""Check a real response against the OpenAPI document: its status, its media type and its body (jsonschema 2020-12
against the document's own schema for that status and media type, `$ref`s resolved inside the document)."""

from typing import Any

import httpx
import orjson
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError, best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from cms.web.api.index import OPERATIONS
from cms.web.openapi.document import build_openapi

BASE = "urn:cms:openapi"
DOCUMENT = build_openapi(OPERATIONS)


def pointer(*parts: str) -> str:
    return "".join("/" + part.replace("~", "~0").replace("/", "~1") for part in parts)


def operation(operation_id: str) -> tuple[str, str, dict[str, Any]]:
    """(path template, method, operation) of an operationId."""
    for path, methods in DOCUMENT["paths"].items():
        for method, found in methods.items():
            if found["operationId"] == operation_id:
                return path, method, found
    raise KeyError(f"no operation {operation_id!r} in the document")


def _essence(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()


def _documented_media_type(content: dict[str, Any], content_type: str) -> str | None:
    """The key of `content` the response's Content-Type matches: exactly, or by its essence when the key has none."""
    if content_type in content:
        return content_type
    for key in content:
        if ";" not in key and _essence(key) == _essence(content_type):
            return key
    return None


def mismatches(document: dict[str, Any], path: str, method: str, response: httpx.Response) -> list[str]:
    """Why `response` is not what the document says `method path` answers; [] when it is."""
    responses = document["paths"][path][method]["responses"]
    status = str(response.status_code)
    where = f"{method.upper()} {path} -> {status}"
    if status not in responses:
        return [f"{where}: status not documented (documented: {', '.join(responses)})"]
    missing = [name for name in required_headers(document, responses[status]) if name not in response.headers]
    if missing:
        return [f"{where}: required headers not sent: {', '.join(missing)}"]
    content = responses[status].get("content")
    content_type = response.headers.get("content-type")
    if not response.content and content_type is None:
        return [f"{where}: no body, but the document gives content {list(content)}"] if content else []
    if content is None:
        return [f"{where}: a {content_type} body, but the document gives no content"]
    key = _documented_media_type(content, content_type or "")
    if key is None:
        return [f"{where}: media type {content_type!r} not documented (documented: {', '.join(content)})"]
    essence = _essence(key)
    if essence.endswith("json"):
        body: Any = orjson.loads(response.content)
    elif essence.startswith("text/"):
        body = response.text
    else:
        return []  # bytes: the media type is all there is to check
    schema = pointer("paths", path, method, "responses", status, "content", key, "schema")
    return [f"{where} ({key}): {reason}" for reason in invalid(document, schema, body)]


def required_headers(document: dict[str, Any], response: dict[str, Any]) -> list[str]:
    """The names of the headers a documented response says are always sent (`$ref`s to components resolved)."""
    names = []
    for name, header in response.get("headers", {}).items():
        if "$ref" in header:
            header = document["components"]["headers"][header["$ref"].rsplit("/", 1)[1]]
        if header.get("required"):
            names.append(name)
    return names


def invalid(document: dict[str, Any], schema_pointer: str, value: Any) -> list[str]:
    """Why `value` is not valid against the document's schema at `schema_pointer`; [] when it is."""
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    validator = Draft202012Validator(
        {"$ref": f"{BASE}#{schema_pointer}"}, registry=Registry().with_resource(BASE, resource)
    )
    return [_explained(error) for error in validator.iter_errors(value)]


def _explained(error: ValidationError) -> str:
    """Where and why; for an anyOf/oneOf, why each alternative failed."""
    if error.context:
        alternatives = sorted({e.schema_path[0] for e in error.context})
        return "; ".join(
            f"alternative {n}: " + _explained(best_match(e for e in error.context if e.schema_path[0] == n))
            for n in alternatives
        )
    return f"at {'/'.join(map(str, error.absolute_path)) or '(body)'}: {error.message[:200]}"


class ConformingClient:
    """Sends requests by operationId and asserts that every response conforms to the document."""

    def __init__(self, http: httpx.AsyncClient, document: dict[str, Any] = DOCUMENT) -> None:
        self.http = http
        self.document = document
        self.seen: list[tuple[str, int]] = []

    async def __call__(
        self, operation_id: str, path_params: dict[str, Any] | None = None, **kwargs: Any
    ) -> httpx.Response:
        path, method, _ = operation(operation_id)
        url = path.format(**(path_params or {}))
        response = await self.http.request(method.upper(), url, **kwargs)
        self.seen.append((operation_id, response.status_code))
        problems = mismatches(self.document, path, method, response)
        assert not problems, "\n".join(problems) + f"\nbody: {response.content[:500]!r}"
        return response
