"""If-Match on writes: required on PUT, PATCH and section writes (428 without it), parsed into the tags it names."""

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
