"""Query and path parameters, parsed strictly: an unknown name, a repeated one or a bad value answers 400 naming it.

Every route parses its numbers and ids here, by shape and size, before anything reaches a service or a column:
`limit`, `position` (a numeric keyset cursor), `version` (a revision number in the path) and `server_id` (a
token's, webhook's or delivery's id in the path). Nothing is clamped silently: `limit=500` is an error, not 100.
"""

from collections.abc import Collection, Mapping

from pydantic import TypeAdapter, ValidationError
from starlette.requests import HTTPConnection, Request

from cms.core.article import Locale
from cms.core.errors import NotFound
from cms.core.numbers import MAX_VERSION, whole_number
from cms.core.render import FORMATS, Format
from cms.core.text import is_server_id
from cms.web.http.problems import bad_parameter

_LOCALE = TypeAdapter(Locale)


def query(request: Request, allowed: Collection[str]) -> dict[str, str]:
    """The query parameters as a dict, after refusing unknown and repeated ones."""
    if not request.scope["query_string"]:
        return {}
    params = request.query_params
    for name in params:
        if name not in allowed:
            takes = ", ".join(sorted(allowed)) or "no parameters"
            raise bad_parameter(name, f"unknown query parameter {name!r}: this route takes {takes}")
        if len(params.getlist(name)) > 1:
            raise bad_parameter(name, f"query parameter {name!r} is given more than once: give it once")
    return dict(params)


def locale(params: dict[str, str], default: str) -> str:
    if "locale" not in params:
        return default  # checked once, by the settings
    value = params["locale"]
    try:
        return _LOCALE.validate_python(value)
    except ValidationError:
        raise bad_parameter("locale", f"locale {value!r} is not a language tag: use e.g. 'en' or 'pt-BR'") from None


def output_format(params: dict[str, str]) -> Format:
    name = params.get("format", "json")
    if name not in FORMATS:
        raise bad_parameter("format", f"format {name!r} is not known: use one of {', '.join(FORMATS)}")
    return FORMATS[name]


def fields(params: dict[str, str], known: Collection[str], default: Collection[str]) -> set[str]:
    """`fields=title,sections` -> {'title', 'sections'}; only with the JSON format, whose shape it selects."""
    if "fields" not in params:
        return set(default)
    if params.get("format", "json") != "json":
        raise bad_parameter("fields", "fields selects parts of the JSON format only: drop 'fields' or 'format'")
    names = params["fields"].split(",")
    unknown = [name for name in names if name not in known]
    if unknown or not params["fields"]:
        raise bad_parameter(
            "fields",
            f"fields {unknown or [params['fields']]} are not known: use a comma-separated list of {', '.join(known)}",
        )
    return set(names)


def shown(raw: str) -> str:
    """A client's value as quoted back in a message: cut at 40 characters, so a huge one is not echoed whole."""
    return repr(raw if len(raw) <= 40 else raw[:40] + "…")


def positive_number(raw: str, maximum: int = MAX_VERSION) -> int | None:
    """'42' -> 42; None unless ASCII digits from 1 to `maximum` (leading zeros allowed, any length refused cheaply).

    The one parse of a client's number for every route: `cms.core.numbers.whole_number` with 0 refused, since
    every number a client sends (a page size, a version, a row position) starts at 1.
    """
    return whole_number(raw, maximum) or None


def limit(params: dict[str, str], default: int = 20, maximum: int = 100) -> int:
    raw = params.get("limit")
    if raw is None:
        return default
    if (number := positive_number(raw, maximum)) is None:
        raise bad_parameter("limit", f"limit {shown(raw)} is out of range: use a whole number from 1 to {maximum}")
    return number


def position(params: Mapping[str, str], name: str = "cursor") -> int | None:
    """A numeric keyset cursor (a revision's version, a delivery's row), as a `next_cursor` gave it; None if absent."""
    raw = params.get(name)
    if raw is None:
        return None
    if (number := positive_number(raw)) is None:
        raise bad_parameter(name, f"{name} {shown(raw)} is not one this API returned: pass next_cursor unchanged")
    return number


def version(connection: HTTPConnection, name: str = "n") -> int:
    """A revision number in the path: 1, 2, …"""
    raw: str = connection.path_params[name]
    if (number := positive_number(raw)) is None:
        raise bad_parameter(name, f"revision {shown(raw)} is not a version number: use 1, 2, …")
    return number


def server_id(connection: HTTPConnection, name: str, what: str) -> str:
    """An id the server made (a token's, webhook's, delivery's) in the path: any other shape names nothing, 404."""
    raw: str = connection.path_params[name]
    if not is_server_id(raw):
        raise NotFound(f"no {what} has id {shown(raw)}: ids are 32 hexadecimal digits, as this API gave them")
    return raw
