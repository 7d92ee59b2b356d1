"""Query parameters, parsed strictly: an unknown name, a repeated one or a bad value answers 400 naming it.

Nothing is clamped silently: `limit=500` is an error, not 100.
"""

from collections.abc import Collection

from pydantic import TypeAdapter, ValidationError
from starlette.requests import Request

from cms.core.article import Locale
from cms.core.numbers import whole_number
from cms.core.render import FORMATS, Format
from cms.web.problems import bad_parameter

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


def limit(params: dict[str, str], default: int = 20, maximum: int = 100) -> int:
    raw = params.get("limit")
    if raw is None:
        return default
    number = whole_number(raw, maximum)
    if not number:
        shown = raw if len(raw) <= 20 else raw[:20] + "…"
        raise bad_parameter("limit", f"limit {shown!r} is out of range: use a whole number from 1 to {maximum}")
    return number
