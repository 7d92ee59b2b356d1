"""The editor's "Upload image": stored by the service behind `POST /api/v1/assets`, inserted into the Body as Markdown.

With JavaScript the page sends the file (and the CSRF token and alt text) asking for JSON, and inserts the
Markdown at the cursor. Without it, the "Upload image" button posts the whole editor form here as multipart: the
page comes back with what was typed and the image's Markdown at the end of the Body, not saved yet.
"""

from dataclasses import asdict, replace

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from cms.core.assets import IMAGE_TYPES, Asset
from cms.core.errors import InvalidContent, Moved, NotFound, TooLarge, UnsupportedType
from cms.services.assets import Assets
from cms.services.sessions import Session
from cms.web.admin.editor import Draft, editor_page, locale_of
from cms.web.admin.render import reasons
from cms.web.admin.session import KEPT_FIELDS, check_csrf, signed_in, wants_json
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


def _fields(request: Request) -> dict[str, int]:
    body: int = request.app.state.settings.max_body_bytes
    short = ("csrf", "title", "slug", "tags", "author", "etag", "their_etag", "action", "publish_at")
    return {name: _SHORT for name in short} | {"summary": body, "body": body, "alt": ALT_MAX}


def _editor_path(request: Request) -> str:
    """The editor the upload came from: where the text typed goes back after signing in again."""
    if "slug" not in request.path_params:
        return "/admin/articles/new"
    return request.app.url_path_for("article-edit", slug=request.path_params["slug"])


def _typed(form: uploads.UploadForm) -> Draft:
    """The editor's fields the upload carried, as typed."""
    return Draft.from_form({name: form.text(name) or "" for name in KEPT_FIELDS if name != "action_url"})


async def _typed_text(request: Request) -> dict[str, str]:
    """Signed out: what the editor's form held, read from the upload as it streams in (the file is not kept)."""
    async with uploads.received(request.app.state.assets, _fields(request)) as form:
        await uploads.read(request, form)
        return {"action_url": _editor_path(request), **asdict(_typed(form))}


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
    markdown = image_markdown(asset, alt)
    if script:
        return json_response({"markdown": markdown, "asset": asset.model_dump(mode="json")}, 201 if created else 200)
    draft = replace(draft, body=draft.body.rstrip("\n") + ("\n\n" if draft.body.strip() else "") + markdown + "\n")
    notice = "Uploaded: the image is at the end of the Body, not saved yet. Press Save to keep it."
    return await _again(request, session, draft, 201, notice=notice)


async def _again(request: Request, session: Session, draft: Draft, status: int, **extra: str) -> Response:
    """The editor as it was, with what was typed (the article may have been renamed or deleted meanwhile)."""
    slug, locale = request.path_params.get("slug"), locale_of(request)
    try:
        return await editor_page(request, session, draft, slug=slug, locale=locale, status=status, **extra)
    except (NotFound, Moved):
        return await editor_page(request, session, draft, slug=None, locale=locale, status=status, **extra)


routes = [
    Route("/admin/articles/new/upload", upload_image, methods=["POST"]),
    Route("/admin/articles/{slug}/upload", upload_image, methods=["POST"], name="article-upload"),
]
