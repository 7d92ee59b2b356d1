"""The editor's "Upload image": stored by the service behind `POST /api/v1/assets`, added as an Image block.

With JavaScript the page sends the file (and the CSRF token and alt text) asking for JSON, and adds the Image
block itself. Without it, the "Upload image" button posts the whole editor form here as multipart: the page comes
back with what was typed and an Image block for the upload at the end of the chosen section, not saved yet.
"""

import re
from collections.abc import Iterator, Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cms.core.assets import IMAGE_TYPES, Asset
from cms.core.errors import InvalidContent, Moved, NotFound, TooLarge, UnsupportedType
from cms.services.assets import Assets
from cms.services.sessions import Session
from cms.web.admin.editor import editor_page, locale_of
from cms.web.admin.render import reasons
from cms.web.admin.session import check_csrf, signed_in, wants_json
from cms.web.admin.structured import FIELDS, ArticleForm, SectionForm, form_json, new_block, new_key
from cms.web.api.assets import ALT_MAX
from cms.web.http import uploads
from cms.web.http.problems import status_of
from cms.web.http.responses import json_response

_SHORT = 2_000
"""The longest accepted text of the editor's small fields (title, slug, tags, the CSRF token, ...)."""


def image_markdown(asset: Asset, alt: str) -> str:
    """`![alt](url)` for an image, `[filename](url)` for another file (a PDF is a link, not an image)."""
    text = " ".join(alt.split()).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    if asset.mime in IMAGE_TYPES:
        return f"![{text}](<{asset.url}>)" if " " in asset.url else f"![{text}]({asset.url})"
    return f"[{text or asset.filename}]({asset.url})"


_GROUP_FIELD = re.compile(
    r"^[in][A-Za-z0-9_-]{1,64}\.(id|type|heading|anchor|"
    + "|".join(sorted({f.attr for fields in FIELDS.values() for f in fields}))
    + r")$"
)


class EditorFields(Mapping[str, int]):
    """The editor's fields an upload may carry, each with its longest length: the named ones, and every
    section's and block's field (`<key>.<attribute>`), as long as a body may be."""

    def __init__(self, named: dict[str, int], body: int) -> None:
        self.named, self.body = named, body

    def __getitem__(self, name: str) -> int:
        if name in self.named:
            return self.named[name]
        if _GROUP_FIELD.match(name):
            return self.body
        raise KeyError(name)

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and (name in self.named or _GROUP_FIELD.match(name) is not None)

    def __iter__(self) -> Iterator[str]:
        return iter(self.named)

    def __len__(self) -> int:
        return len(self.named)


def _fields(request: Request) -> EditorFields:
    body: int = request.app.state.settings.max_body_bytes
    short = ("csrf", "title", "slug", "tags", "author", "etag", "their_etag", "action", "publish_at", "layout",
             "paste_into", "image_into")  # fmt: skip
    return EditorFields({name: _SHORT for name in short} | {"summary": body, "markdown": body, "alt": ALT_MAX}, body)


def _editor_path(request: Request) -> str:
    """The editor the upload came from: where the text typed goes back after signing in again."""
    if "slug" not in request.path_params:
        return "/admin/articles/new"
    return request.app.url_path_for("article-edit", slug=request.path_params["slug"])


def _typed(form: uploads.UploadForm) -> ArticleForm:
    """The editor's fields the upload carried, as typed."""
    return ArticleForm.from_pairs((name, form.text(name) or "") for name in form.names())


async def _typed_text(request: Request) -> dict[str, str]:
    """Signed out: what the editor's form held, read from the upload as it streams in (the file is not kept)."""
    async with uploads.received(request.app.state.assets, _fields(request)) as form:
        await uploads.read(request, form)
        return {"action_url": _editor_path(request), "form": form_json(_typed(form))}


def with_image(form: ArticleForm, into: str, asset: Asset, alt: str) -> ArticleForm:
    """The form with an Image block for the asset at the end of section `into` (the last one when not found)."""
    sections = list(form.sections) or [SectionForm(new_key(), "", "", "")]
    at = next((n for n, s in enumerate(sections) if s.key == into), len(sections) - 1)
    image = new_block("image", {"asset_id": asset.id, "alt": alt, "width": asset.width, "height": asset.height})
    sections[at] = SectionForm(sections[at].key, sections[at].id, sections[at].heading, sections[at].anchor,
                               [*sections[at].blocks, image])  # fmt: skip
    return ArticleForm(form.title, form.slug, form.tags, form.summary, form.author, form.etag, sections)


@signed_in("write", streamed=_typed_text)
async def upload_image(request: Request, session: Session) -> Response:
    script = wants_json(request)
    assets: Assets = request.app.state.assets
    async with uploads.received(assets, _fields(request)) as form:
        stopped: InvalidContent | TooLarge | None = None
        try:
            await uploads.read(request, form)
        except (InvalidContent, TooLarge) as exc:  # the fields before the file are read: give them back
            if script:
                raise
            stopped = exc
        draft = _typed(form)
        check_csrf({"csrf": form.text("csrf")}, session.csrf_token)
        alt = form.text("alt") or ""
        try:
            if stopped is not None:
                raise stopped
            if not form.filename:
                raise InvalidContent.at("file", "no file was chosen: choose an image to upload")
            asset, created = await assets.store_upload(form.upload, form.filename, alt or None)
        except (InvalidContent, TooLarge, UnsupportedType) as exc:
            if script:
                raise
            alert = f"The image was not uploaded: {reasons(exc)}. Your text is as it was, not saved yet."
            return await _again(request, session, draft, status_of(exc), alert=alert)
    if script:
        answer = {"markdown": image_markdown(asset, alt), "asset": asset.model_dump(mode="json")}
        return json_response(answer, 201 if created else 200)
    draft = with_image(draft, form.text("image_into") or "", asset, alt)
    notice = "Uploaded: the image is an Image block at the end of the section, not saved yet. Press Save to keep it."
    return await _again(request, session, draft, 201, notice=notice)


async def _again(request: Request, session: Session, draft: ArticleForm, status: int, **extra: Any) -> Response:
    """The editor as it was, with what was typed (the article may have been renamed or deleted meanwhile)."""
    slug, locale = request.path_params.get("slug"), locale_of(request)
    try:
        return await editor_page(
            request, session, draft, slug=slug, locale=locale, status=status, unsaved=True, **extra
        )
    except (NotFound, Moved):
        return await editor_page(
            request, session, draft, slug=None, locale=locale, status=status, unsaved=True, **extra
        )


routes = [
    Route("/admin/articles/new/upload", upload_image, methods=["POST"]),
    Route("/admin/articles/{slug}/upload", upload_image, methods=["POST"], name="article-upload"),
]
