"""The document's `paths`, made from the operations (cms.web.operations): each with every status it answers and
the headers of each; tests/openapi/test_conformance.py checks them against real responses. The /admin pages are
not operations: they are HTML forms for people (a session cookie and a CSRF field), not an API a client should be
generated for."""

from collections.abc import Sequence
from typing import Any

from cms.web.openapi.headers import with_headers
from cms.web.operations import Operation


def paths(operations: Sequence[Operation]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for operation in operations:
        merged.setdefault(operation.path, {})[operation.method.lower()] = described(operation)
    return merged


def described(operation: Operation) -> dict[str, Any]:
    """The OpenAPI operation object."""
    scopes = "` or `".join(operation.scopes)
    described: dict[str, Any] = {
        "operationId": operation.id,
        "tags": [operation.tag],
        "summary": operation.summary,
        "description": f"Needs a token with the `{scopes}` scope." if scopes else operation.summary + ".",
        "security": list(operation.security),
        "parameters": list(operation.parameters),
        "responses": with_headers(operation),
    }
    if operation.body is not None:
        described["requestBody"] = operation.body
    return described
