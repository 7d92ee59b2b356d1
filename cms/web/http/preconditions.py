"""If-Match on writes: required on PUT, PATCH and section writes (428 without it), parsed into the tags it names;
and `Prefer: merge` (RFC 7240), which turns a stale If-Match into the base of a merge."""

import re

from starlette.requests import Request

from cms.web.http.problems import Problem


def if_match(request: Request, required: bool) -> list[str] | None:
    """'"a.3", W/"a.2"' -> ['a.3', 'W/a.2']; '*' -> ['*']. Weak tags never match: writes need strong comparison."""
    header = request.headers.get("if-match")
    if header is None:
        if required:
            raise Problem(
                428,
                "this write needs an If-Match header with the draft's ETag (from GET ?preview=true or the last write)",
                header="If-Match",
            )
        return None
    tags = []
    for raw in header.split(","):
        tag = raw.strip()
        weak = tag.startswith("W/")
        tag = tag.removeprefix("W/")
        if len(tag) >= 2 and tag[0] == tag[-1] == '"':
            tag = tag[1:-1]
        tags.append(f"W/{tag}" if weak else tag)
    return tags


# One preference of a Prefer header: anything up to a comma that is not inside a quoted string.
_PREFERENCE = re.compile(r'(?:[^,"]|"(?:[^"\\]|\\.)*")+')
MERGE = "merge"
PREFERENCE_APPLIED = "Preference-Applied"


def preferences(request: Request) -> set[str]:
    """The names of the preferences in every Prefer header, lower-cased (RFC 7240: `token [= word] *(; param)`).

    'respond-async, wait=10' -> {'respond-async', 'wait'}; 'handling=lenient; x="a,b", Merge' -> {'handling', 'merge'}.
    """
    names = set()
    for header in request.headers.getlist("prefer"):
        for preference in _PREFERENCE.findall(header):
            name = re.split(r"[=;]", preference, maxsplit=1)[0].strip().lower()
            if name:
                names.add(name)
    return names


def prefers_merge(request: Request) -> bool:
    return MERGE in preferences(request)
