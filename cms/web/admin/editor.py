"""The articles and the editor: save with the draft tag the editor started from, and when somebody saved in
between, show both versions and let the person choose. Every change goes through the services the API uses.
"""

import json
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup
from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from cms.core.article import Article, ArticleInput, Document, to_document
from cms.core.blocks import BLOCK_LABELS, error_list
from cms.core.errors import Conflict, InvalidContent, Moved, NotFound, StaleDraft
from cms.core.markdown_in import parse_markdown
from cms.core.merge import Conflict as MergeUnit
from cms.core.numbers import MAX_VERSION, whole_number
from cms.services import catalogue, changes, drafts, publishing, revisions
from cms.services.sessions import Session
from cms.web.admin import differences
from cms.web.admin.render import HEADERS, error_page, page
from cms.web.admin.session import signed_in
from cms.web.admin.structured import (
    FIELDS,
    SPANS_HINT,
    ArticleForm,
    FormErrors,
    SectionForm,
    blocks_of,
    new_block,
)
from cms.web.http import params
from cms.web.http.problems import Problem

ARTICLES_PER_PAGE = 100
REVISIONS_PER_PAGE = 50  # each with its differences from the current draft
STATUS_LABEL = {"draft": "Draft", "published": "Published", "scheduled": "Scheduled"}
DONE = {
    "created": "Created.",
    "save": "Saved.",
    "unchanged": "Nothing had changed: the draft and its version are as they were.",
    "publish": "Published.",
    "schedule": "Scheduled.",
    "unpublish": "Unpublished: the article is a draft again.",
    "restored": "Restored: that version is the draft again, as a new version.",
    "deleted": "Deleted.",
}


_TOP_FIELDS = ("title", "slug", "tags", "summary", "author", "publish_at")


def form_errors(errors: list[dict[str, str]], form: ArticleForm) -> dict[str, list[str]]:
    """Errors by the form field they concern: `sections/1/blocks/0/level` is the level field of that block's group,
    `sections/1/blocks/0` the block's group itself; what no field shows goes to `sections` (above the groups)."""
    by_field: dict[str, list[str]] = {}
    for error in errors:
        parts = error["path"].split("/")
        name = parts[0] if parts[0] in _TOP_FIELDS else "sections"
        if parts[0] == "sections" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(form.sections):
            section = form.sections[int(parts[1])]
            name = f"{section.key}.{parts[2]}" if len(parts) > 2 and parts[2] in ("heading", "anchor") else section.key
            if len(parts) > 3 and parts[2] == "blocks" and parts[3].isdigit() and int(parts[3]) < len(section.blocks):
                block = section.blocks[int(parts[3])]
                attrs = {f.attr for f in block.fields}
                name = f"{block.key}.{parts[4]}" if len(parts) > 4 and parts[4] in attrs else block.key
        elif parts[0] == "front_matter":
            name = "markdown"
        by_field.setdefault(name, []).append(error["message"])
    return by_field


def _invalid(exc: Exception, form: ArticleForm) -> dict[str, list[str]]:
    if isinstance(exc, FormErrors):
        return exc.errors
    if isinstance(exc, ValidationError):
        return form_errors(error_list(exc), form)
    if isinstance(exc, InvalidContent):
        return form_errors([{"path": e.path, "message": e.message} for e in exc.errors], form)
    return {"slug": [str(exc)]}  # Conflict: the slug is taken


def locale_of(request: Request) -> str:
    given = request.query_params.get("locale")
    return params.locale({"locale": given} if given else {}, request.app.state.settings.default_locale)


def edit_url(request: Request, slug: str, locale: str, **query: str) -> str:
    return article_url(request, "edit", slug, locale, **query)


def history_url(request: Request, slug: str, locale: str, **query: str) -> str:
    return article_url(request, "revisions", slug, locale, **query)


def article_url(request: Request, page: str, slug: str, locale: str, version: int | None = None, **query: str) -> str:
    """The link to one of an article's pages (a route named `article-<page>`), its locale in the query when it is
    not the default one: Starlette builds the path from the route, so no link is pieced together by hand."""
    path_params: dict[str, str | int] = {"slug": slug} | ({} if version is None else {"version": version})
    if locale != request.app.state.settings.default_locale:
        query = {"locale": locale, **query}
    path = request.app.url_path_for(f"article-{page}", **path_params)
    return path + (f"?{urlencode(query)}" if query else "")


def _when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else ""


def status_label(status: str, version: int, published_version: int | None) -> str:
    """'Published', or 'Published, with unpublished changes' when the draft is newer than what delivery serves."""
    if status == "published" and published_version is not None and version > published_version:
        return "Published, with unpublished changes"
    return STATUS_LABEL.get(status, status)


def schedule_note(schedule: publishing.Scheduled | None, version: int) -> str:
    """Which version a schedule publishes, and whether the draft (now `version`) changed since it was scheduled."""
    if schedule is None:
        return ""
    when = f"Scheduled for {_when(schedule.at)}: publishes version {schedule.version}"
    if version == schedule.version:
        return f"{when}, the current draft."
    return (
        f"{when}; the draft has changed since (it is version {version} now). Schedule again to publish the"
        " current draft instead."
    )


@signed_in("write")
async def articles(request: Request, session: Session) -> Response:
    q, cursor = request.query_params.get("q", ""), request.query_params.get("cursor")
    default = request.app.state.settings.default_locale
    try:
        listed = await catalogue.drafts(q, ARTICLES_PER_PAGE, cursor)
    except catalogue.BadCursor:
        return error_page(request, session, 400, "No such page", _bad_cursor(cursor))
    rows = [
        {
            "title": entry.title, "locale": entry.locale, "updated_at": entry.updated_at,
            "status_label": status_label(entry.status, entry.version, entry.published_version),
            "edit_url": edit_url(request, entry.slug, entry.locale),
        }
        for entry in listed.entries
    ]  # fmt: skip
    notice = DONE.get(request.query_params.get("done", ""), "")
    return page(
        request, "articles.html", session, articles=rows, q=q, default_locale=default, notice=notice,
        next_url=_articles_url(q, listed.next_cursor) if listed.next_cursor else None,
        first_url=_articles_url(q) if cursor is not None else None,
    )  # fmt: skip


def _articles_url(q: str, cursor: str | None = None) -> str:
    query = {name: value for name, value in (("q", q), ("cursor", cursor)) if value}
    return "/admin" + (f"?{urlencode(query)}" if query else "")


def _bad_cursor(cursor: str | None) -> str:
    return f"the page link's cursor {cursor!r} is not one this page made: start again from the first page"


async def editor_page(
    request: Request,
    session: Session,
    form: ArticleForm,
    *,
    slug: str | None,
    locale: str,
    status: int = 200,
    **extra: Any,
) -> Response:
    """The editor page; for a saved article, its state and the Preview of its saved draft. `unsaved`: the form
    holds changes not saved yet (after arranging without JavaScript, or a refused Save)."""
    context: dict[str, Any] = {
        "is_new": slug is None, "form": form, "form_action": "/admin/articles/new",
        "upload_action": "/admin/articles/new/upload", "fields": FIELDS, "types": BLOCK_LABELS,
        "templates": [replace(new_block(kind), key="__KEY__") for kind in BLOCK_LABELS],
        "new_section": SectionForm("__KEY__", "", "", ""), "spans_hint": SPANS_HINT, "unsaved": status != 200,
        "base_version": _version_of(form.etag) or 0, "errors": {},
    }  # fmt: skip
    if slug is not None:
        current, _ = await drafts.read(slug, locale)
        state = await publishing.state(current.slug, locale)
        schedule = await publishing.scheduled(current.slug, locale)
        context |= {
            "form_action": edit_url(request, current.slug, locale),
            "upload_action": article_url(request, "upload", current.slug, locale),
            "article_id": current.id,
            "events_since": await changes.latest_cursor(),
            "preview_url": article_url(request, "preview", current.slug, locale),
            "revisions_url": history_url(request, current.slug, locale),
            "saved_title": current.title,
            "status_label": status_label(current.status, current.version, state.published_version),
            "schedule_note": schedule_note(schedule, current.version),
            "version": current.version,
            "published_at": _when(current.published_at),
            "scheduled_at": _when(state.scheduled_at),
            "preview": Markup(request.app.state.formats["html"].article(current).decode()),
        }
    return page(request, "editor.html", session, status, **(context | extra))


def _version_of(etag: str) -> int | None:
    return whole_number(etag.rpartition(".")[2], MAX_VERSION)


ARRANGING = ("add-section", "add", "up", "down", "delete-section", "delete-block", "paste")
ARRANGED = "Not saved yet: press Save to keep the changes."


async def _arranged(form: ArticleForm, action: str, fields: Mapping[str, Any]) -> ArticleForm:
    """The form after an arranging button pressed without JavaScript, or after "Paste Markdown"."""
    if action != "paste":
        return form.arranged(action.replace("delete-section:", "delete:").replace("delete-block:", "delete:"))
    source = str(fields.get("markdown", "")).replace("\r\n", "\n")
    into = str(fields.get("paste_into", ""))
    try:
        parsed = parse_markdown('---\ntitle: "pasted"\n---\n' + source)
    except (ValidationError, InvalidContent) as exc:
        found = (
            error_list(exc)
            if isinstance(exc, ValidationError)
            else [{"path": e.path, "message": e.message} for e in exc.errors]
        )
        raise FormErrors(
            {"markdown": [f"{e['path']}: {e['message']}" if e["path"] else e["message"] for e in found]}
        ) from None
    sections = [s.model_dump(mode="json", exclude_none=True) for s in parsed.sections]
    return form.pasted(into, blocks_of(sections))


@signed_in("write")
async def new_article(request: Request, session: Session) -> Response:
    return await editor_page(request, session, ArticleForm(), slug=None, locale=locale_of(request))


@signed_in("write", keeps_text=True)
async def create_article(request: Request, session: Session) -> Response:
    fields = await request.form()
    mine, action = ArticleForm.from_pairs(fields.multi_items()), str(fields.get("action", "save"))
    locale = request.app.state.settings.default_locale
    try:
        if action.partition(":")[0] in ARRANGING:
            arranged = await _arranged(mine, action, fields)
            return await editor_page(
                request, session, arranged, slug=None, locale=locale, status=200, notice=ARRANGED, unsaved=True
            )
        article = await drafts.create(mine.to_input(None), locale, session.user.email)
    except (ValidationError, InvalidContent, Conflict, FormErrors) as exc:
        alert = "The article was not saved: see the errors next to the fields."
        return await editor_page(
            request, session, mine, slug=None, locale=locale, status=422, alert=alert, errors=_invalid(exc, mine)
        )
    return RedirectResponse(edit_url(request, article.slug, article.locale, done="created"), status_code=303)


@signed_in("write")
async def edit_article(request: Request, session: Session) -> Response:
    slug, locale = request.path_params["slug"], locale_of(request)
    try:
        current, tag = await drafts.read(slug, locale)
    except Moved as moved:
        return RedirectResponse(edit_url(request, moved.slug, locale), status_code=303)
    except NotFound as exc:
        return error_page(request, session, 404, "No such article", str(exc))
    notice = DONE.get(request.query_params.get("done", ""), "")
    merged = await _merged_note(current.slug, locale, request.query_params.get("merged", ""), current.version)
    form = ArticleForm.of(current, tag)
    return await editor_page(request, session, form, slug=slug, locale=locale, notice=notice, merged=merged)


def _publish_at(form: FormData) -> datetime:
    raw = str(form.get("publish_at", "")).strip()
    try:
        at = datetime.fromisoformat(raw)
    except ValueError:
        message = (
            f"{raw!r} is not a date and time: choose one, e.g. 2030-01-31T09:00 (UTC)"
            if raw
            else ("choose the date and time to publish at (UTC)")
        )
        raise InvalidContent.at("publish_at", message) from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


async def _base(slug: str, locale: str, etag: str, current: Article) -> Document:
    """The version the form started from (its fields keep that version's values where unchanged)."""
    version = _version_of(etag)
    if version is None or etag.rpartition(".")[0] != current.id or version == current.version:
        return Document.model_validate(current.model_dump(include=set(Document.model_fields)), strict=False)
    try:
        return (await revisions.get(slug, locale, version)).document
    except NotFound:
        return Document.model_validate(current.model_dump(include=set(Document.model_fields)), strict=False)


def _same(new: ArticleInput, base: Document, slug: str) -> bool:
    """True when `new` is the version the form started from (`base`), with the article's slug `slug` as it is."""
    return (new.slug or slug) == slug and to_document(new) == base


def unchanged(new: ArticleInput, current: Article) -> bool:
    """True when saving `new` would store exactly the current draft: then no new version is made. Compared as
    stored, so an anchor left empty where the heading makes the same one is no change."""
    then = Document.model_validate(current.model_dump(include=set(Document.model_fields)), strict=False)
    return _same(new, then, current.slug)


@signed_in("write", keeps_text=True)
async def change_article(request: Request, session: Session) -> Response:
    """Save, Publish, Schedule, Unpublish, Delete, arranging, and saving the choices made on a conflict: the
    editor's buttons."""
    slug, locale = request.path_params["slug"], locale_of(request)
    form = await request.form()
    mine, action, who = ArticleForm.from_pairs(form.multi_items()), str(form.get("action", "save")), session.user.email
    new: ArticleInput | None = None
    try:
        if action.partition(":")[0] in ARRANGING:
            arranged = await _arranged(mine, action, form)
            return await editor_page(
                request, session, arranged, slug=slug, locale=locale, notice=ARRANGED, unsaved=True
            )
        if action == "delete" and form.get("confirm") != "yes":
            current, _ = await drafts.read(slug, locale)
            return page(
                request, "delete.html", session, title=current.title, etag=mine.etag,
                form_action=edit_url(request, slug, locale), cancel_url=edit_url(request, slug, locale),
            )  # fmt: skip
        if action == "delete":
            await publishing.delete(slug, locale, [mine.etag])
            return RedirectResponse("/admin?done=deleted", status_code=303)
        then = str(form.get("then", "")) if action == "resolve" else action
        at = _publish_at(form) if then == "schedule" else None
        current, tag = await drafts.read(slug, locale)
        base = await _base(slug, locale, mine.etag, current)
        new, stale = mine.to_input(base), mine.etag != tag
        edited = not unchanged(new, current) if not stale else not _same(new, base, current.slug)
        if action == "resolve" or (edited and stale):  # somebody saved meanwhile: merged with theirs, or conflicts
            return await _save_merging(request, session, slug, locale, mine, new, then, at)
        if edited and action in ("publish", "schedule"):  # one transaction: saved and published, or neither
            slug = (await publishing.save_and_publish(slug, locale, new, [mine.etag], who, at=at)).slug
        elif edited:
            article = await drafts.replace(slug, locale, new, [mine.etag], who)
            slug, tag = article.slug, drafts.draft_tag(article.id, article.version)
        if stale and not edited and action != "save":  # their changes were never shown on this page
            raise StaleDraft(current.id, current.version)
        if action in ("publish", "schedule") and not edited:
            await publishing.publish(slug, locale, [tag], at=at)
        elif action == "unpublish":
            await publishing.unpublish(slug, locale, [tag])
    except StaleDraft:
        return await _stale(request, session, slug, locale, mine)
    except (ValidationError, InvalidContent, Conflict, FormErrors) as exc:
        alert = "Nothing was changed: see the errors next to the fields."
        return await editor_page(
            request, session, mine, slug=slug, locale=locale, status=422, alert=alert, errors=_invalid(exc, mine)
        )
    except (NotFound, Moved) as exc:
        message = f"The article is gone or was renamed meanwhile ({exc}). Your text is below: copy it."
        return page(request, "error.html", session, 404, heading="Article not found", message=message)
    done = "unchanged" if action == "save" and not edited else action
    return RedirectResponse(edit_url(request, slug, locale, done=done), status_code=303)


async def _save_merging(
    request: Request,
    session: Session,
    slug: str,
    locale: str,
    mine: ArticleForm,
    new: ArticleInput,
    then: str,
    at: datetime | None,
) -> Response:
    """A Save (or Publish, Schedule) from an older version: merged with what others saved meanwhile, or the
    conflicts shown unit by unit with a choice each; with the choices made there (`action=resolve`), saved."""
    form = await request.form()
    base_version = _version_of(mine.etag)
    current, _ = await drafts.read(slug, locale)
    if base_version is None or mine.etag.rpartition(".")[0] != current.id:
        raise StaleDraft(current.id, current.version)
    choices = {
        name.removeprefix("choice:"): str(value)
        for name, value in form.multi_items()
        if name.startswith("choice:") and value in ("mine", "theirs")
    }
    their_version = whole_number(str(form.get("their_version", "")), MAX_VERSION)
    saved = await drafts.save_merging(slug, locale, base_version, new, session.user.email, choices, their_version)
    if isinstance(saved, list):
        # Choices made against the draft still current stand, and travel with the page: a choice can bring out a
        # conflict that the first one hid (an anchor clash, say), and the next Save must not forget it.
        kept = choices if their_version == current.version else {}
        earlier = [
            (path, side, str(form.get(f"label:{path}", path)), str(form.get(f"mine:{path}", "")))
            for path, side in kept.items()
        ]
        return await _conflicts(request, session, slug, locale, mine, new, saved, then, earlier)
    tag = drafts.draft_tag(saved.id, saved.version)
    if then in ("publish", "schedule"):
        await publishing.publish(saved.slug, locale, [tag], at=at)
    elif then == "unpublish":
        await publishing.unpublish(saved.slug, locale, [tag])
    done = then if then in ("publish", "schedule", "unpublish") else "save"
    if choices:  # the page of the saved draft, and below it what the person typed and chose not to keep
        replaced = [
            (str(form.get(f"label:{path}", path)), str(form.get(f"mine:{path}", "")))
            for path, side in choices.items()
            if side == "theirs"
        ]
        return await editor_page(
            request, session, ArticleForm.of(saved, tag), slug=saved.slug, locale=locale, done="resolved",
            notice=f"{DONE[done]} Your choices are saved.", replaced=replaced,
        )  # fmt: skip
    if saved.version == base_version + 1:  # nobody saved meanwhile after all
        return RedirectResponse(edit_url(request, saved.slug, locale, done=done), status_code=303)
    since = str(base_version)
    return RedirectResponse(edit_url(request, saved.slug, locale, done=done, merged=since), status_code=303)


async def _merged_note(slug: str, locale: str, since: str, version: int) -> str:
    """The alert after a Save merged with others' saves: who saved between `since` and the merged `version`."""
    first = whole_number(since, MAX_VERSION)
    if first is None or not 0 < first < version:
        return ""
    names = []
    for number in range(first + 1, min(version, first + 6)):
        try:
            name = (await revisions.get(slug, locale, number)).token_name
        except NotFound:
            continue
        if name and name not in names:
            names.append(name)
    by = " and ".join(names) if names else "somebody else"
    return f"Your changes were merged with the changes {by} saved meanwhile: the draft below has both."


async def _conflicts(
    request: Request,
    session: Session,
    slug: str,
    locale: str,
    mine: ArticleForm,
    new: ArticleInput,
    conflicts: list[MergeUnit],
    then: str,
    earlier: list[tuple[str, str, str, str]],
) -> Response:
    """The conflicts page. `earlier`: the choices already made (path, side, label, the text typed), kept."""
    current, _ = await drafts.read(slug, locale)
    latest = (await revisions.history(slug, locale, 1, None)).items[0]
    who = latest.token_name or "Somebody"
    alert = (
        f"{who} saved this article after you opened it, and changed some of the same things as you. For each of"
        " them, their version is beside yours: choose one, then save. Nothing has been saved yet; your text is"
        " below as you typed it."
    )
    units = differences.conflict_units(conflicts, differences.document_of(current), to_document(new))
    return await editor_page(
        request, session, mine, slug=slug, locale=locale, status=409, alert=alert, conflicts=units,
        their_version=current.version, then=then, their_who=latest.token_name, their_when=_when(latest.created_at),
        earlier_choices=[choice for choice in earlier if choice[0] not in {unit.path for unit in conflicts}],
    )  # fmt: skip


async def _stale(request: Request, session: Session, slug: str, locale: str, mine: ArticleForm) -> Response:
    """A Save naming a version this article never had (or a Publish of an unedited page that is out of date)."""
    alert = (
        "This form did not start from the article's current draft, and somebody's changes since are not on this"
        " page, or the version it names is not one to merge with: nothing was saved or changed. Your text is"
        " below: copy what you need, then reload the page."
    )
    return await editor_page(request, session, mine, slug=slug, locale=locale, status=409, alert=alert)


async def resume(request: Request, session: Session, kept: dict[str, str]) -> Response:
    """After signing in again: the editor with what the ended session's form held, not saved yet."""
    try:
        pairs = [(str(name), str(value)) for name, value in json.loads(kept.get("form", "[]"))]
    except (ValueError, TypeError):
        pairs = []
    form = ArticleForm.from_pairs(pairs)
    path = kept["action_url"]
    notice = "You are signed in again. Your text is as you left it, not saved yet: press Save to keep it."
    if path == "/admin/articles/new":
        return await editor_page(
            request, session, form, slug=None, locale=locale_of(request), notice=notice, unsaved=True
        )
    slug = path.removeprefix("/admin/articles/").partition("/")[0]
    try:
        return await editor_page(
            request, session, form, slug=slug, locale=locale_of(request), notice=notice, unsaved=True
        )
    except (NotFound, Moved):
        return await editor_page(
            request, session, form, slug=None, locale=locale_of(request), notice=notice, unsaved=True
        )


@signed_in("write")
async def preview(request: Request, session: Session) -> Response:
    """The Preview region's content alone: the live Preview fetches it when the draft has a new version."""
    try:
        current, _ = await drafts.read(request.path_params["slug"], locale_of(request))
    except (NotFound, Moved) as exc:
        return error_page(request, session, 404, "No such article", str(exc))
    return HTMLResponse(request.app.state.formats["html"].article(current), headers=HEADERS)


@signed_in("write")
async def history(request: Request, session: Session) -> Response:
    return await _history(request, session)


async def _history(request: Request, session: Session, alert: str = "", status: int = 200) -> Response:
    slug, locale = request.path_params["slug"], locale_of(request)
    cursor = request.query_params.get("cursor")
    try:
        before = params.position(request.query_params)
    except Problem:
        return error_page(request, session, 400, "No such page", _bad_cursor(cursor))
    try:
        current, tag = await drafts.read(slug, locale)
        listed = await revisions.history_with_documents(slug, locale, REVISIONS_PER_PAGE, before)
    except (NotFound, Moved) as exc:
        return error_page(request, session, 404, "No such article", str(exc))
    now = differences.document_of(current)
    items = []
    for item in listed.items:
        items.append(
            {
                "version": item.version, "who": item.token_name, "when": item.created_at,
                "current": item.version == current.version, "changes": differences.since(item.document, now),
                "restore_url": article_url(request, "restore", current.slug, locale, item.version),
            }
        )  # fmt: skip
    return page(
        request, "revisions.html", session, status, title=current.title, revisions=items, etag=tag, alert=alert,
        edit_url=edit_url(request, current.slug, locale),
        older_url=history_url(request, current.slug, locale, cursor=listed.next_cursor) if listed.next_cursor else None,
        newest_url=history_url(request, current.slug, locale) if cursor is not None else None,
    )  # fmt: skip


@signed_in("write")
async def restore(request: Request, session: Session) -> Response:
    slug, locale = request.path_params["slug"], locale_of(request)
    etag = str((await request.form()).get("etag", ""))
    try:
        version = params.version(request, "version")
        article = await revisions.restore(slug, locale, version, [etag], session.user.email)
    except StaleDraft:
        alert = "Somebody saved this article since this page was loaded: look at the revisions again, then restore."
        return await _history(request, session, alert=alert, status=409)
    except (NotFound, Moved) as exc:
        return error_page(request, session, 404, "Not found", str(exc))
    except Problem as exc:
        return error_page(request, session, 404, "Not found", exc.detail)
    return RedirectResponse(edit_url(request, article.slug, locale, done="restored"), status_code=303)


routes = [
    Route("/admin", articles, methods=["GET"]),
    Route("/admin/articles/new", new_article, methods=["GET"]),
    Route("/admin/articles/new", create_article, methods=["POST"]),
    Route("/admin/articles/{slug}/edit", edit_article, methods=["GET"], name="article-edit"),
    Route("/admin/articles/{slug}/edit", change_article, methods=["POST"]),
    Route("/admin/articles/{slug}/preview", preview, methods=["GET"], name="article-preview"),
    Route("/admin/articles/{slug}/revisions", history, methods=["GET"], name="article-revisions"),
    Route("/admin/articles/{slug}/revisions/{version}/restore", restore, methods=["POST"], name="article-restore"),
]
