"""Reading a multipart/form-data upload as it streams in: the file part goes to an Upload, named text fields are kept.

Shared by `POST /api/v1/assets` (fields `file` and `alt`) and the editor's "Upload image" (which also sends the
editor's own fields, so that a page without JavaScript keeps what was typed).
"""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, MultipartState, parse_options_header
from starlette.requests import Request

from cms.core.errors import InvalidContent, TooLarge
from cms.services.assets import Assets, Upload
from cms.web.http import bodies
from cms.web.http.problems import Problem

FORM_OVERHEAD = 16 * 1024
"""What a multipart body may carry beyond the file and the text fields: boundaries and part headers."""


class UploadForm:
    """The parts of an upload as python-multipart finds them: `file` goes to the Upload, text fields are kept.

    `fields` maps each accepted text field to its longest length in characters; any other field is refused (422).
    """

    def __init__(self, upload: Upload, fields: Mapping[str, int]) -> None:
        self.upload = upload
        self.fields = fields
        self.filename: str | None = None
        self._texts: dict[str, bytearray] = {}
        self._part: str | None = None
        self._header_name = b""
        self._header_value = b""
        self._disposition = b""

    def on_part_begin(self) -> None:
        self._disposition = b""

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def on_header_end(self) -> None:
        if self._header_name.lower() == b"content-disposition":
            self._disposition = self._header_value
        self._header_name = self._header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        name = options.get(b"name", b"").decode("utf-8", "replace")
        if name == "file" and self.filename is None:
            self.filename = options.get(b"filename", b"").decode("utf-8", "replace")
        elif name in self.fields and name not in self._texts:
            self._texts[name] = bytearray()
        elif name == "file" or name in self.fields:
            raise InvalidContent.at(name, f"the field {name!r} is given more than once: give it once")
        else:
            known = " and ".join(repr(known) for known in ("file", *self.fields))
            raise InvalidContent.at(name, f"unknown field {name!r}: send the multipart fields {known}")
        self._part = name

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self._part == "file":
            self.upload.write(data[start:end])
        elif self._part is not None:
            text = self._texts[self._part]
            text += data[start:end]
            if len(text) > self.fields[self._part] * 4:
                raise self._too_long(self._part)

    def names(self) -> list[str]:
        """The text fields sent, in their order."""
        return list(self._texts)

    def text(self, name: str) -> str | None:
        """The field as sent (None when it was not), checked: UTF-8, no longer than allowed, without NUL."""
        raw = self._texts.get(name)
        if raw is None:
            return None
        try:
            value = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidContent.at(name, f"the field {name!r} is not valid UTF-8") from None
        if len(value) > self.fields[name] or "\x00" in value:
            raise self._too_long(name)
        return value

    def _too_long(self, name: str) -> InvalidContent:
        what = "the alt text" if name == "alt" else f"the field {name!r}"
        return InvalidContent.at(name, f"{what} must be at most {self.fields[name]} characters, without NUL")

    def callbacks(self) -> dict[str, object]:
        return {
            "on_part_begin": self.on_part_begin,
            "on_header_field": self.on_header_field,
            "on_header_value": self.on_header_value,
            "on_header_end": self.on_header_end,
            "on_headers_finished": self.on_headers_finished,
            "on_part_data": self.on_part_data,
        }


def too_large(limit: int) -> TooLarge:
    return TooLarge(f"the upload is larger than the limit of {limit} bytes (CMS_MAX_ASSET_BYTES)")


@asynccontextmanager
async def received(assets: Assets, fields: Mapping[str, int]) -> AsyncIterator[UploadForm]:
    """A form to `read` into; its spooled file is removed on leaving, unless it was stored meanwhile."""
    upload = assets.upload()
    try:
        yield UploadForm(upload, fields)
    finally:
        upload.discard()


async def read(request: Request, form: UploadForm) -> None:
    """The whole body into `form`, refused with 413 as soon as it passes the limit (400 when it is not multipart).

    When it stops early, `form` keeps the text fields that came before: a page can give them back to the person.
    """
    boundary = _boundary(request)
    limit = form.upload.limit + FORM_OVERHEAD + 4 * sum(form.fields.values())
    parser = MultipartParser(boundary, form.callbacks())  # type: ignore[arg-type]
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > limit:
                raise too_large(form.upload.limit)
            parser.write(chunk)
        parser.finalize()
    except FormParserError as exc:
        raise Problem(400, f"the body is not valid multipart/form-data: {exc}") from None
    if parser.state != MultipartState.END:
        raise Problem(400, "the multipart/form-data body ends before its closing boundary: send it whole")


def _boundary(request: Request) -> bytes:
    bodies.require_media_type(request, ("multipart/form-data",))
    _, options = parse_options_header(request.headers["content-type"])
    boundary = options.get(b"boundary", b"")
    if not boundary or len(boundary) > 70:
        raise Problem(400, "the multipart/form-data content type needs a boundary of 1 to 70 characters")
    return boundary
