"""Templates of the editor's page, the navigation, and the headers every page carries."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from cms.core.errors import InvalidContent
from cms.services.sessions import Session

HERE = Path(__file__).parent
_ENV = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))

# Pages are never cached or framed; scripts and styles only from /admin/static (no inline script anywhere).
HEADERS = {
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'self'; img-src * data:; frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str
    scope: str


# One line per page: a page another issue adds (Webhooks, say) is one more item here and one template.
NAV = (
    NavItem("Articles", "/admin", "write"),
    NavItem("New article", "/admin/articles/new", "write"),
    NavItem("Tokens", "/admin/tokens", "admin"),
    NavItem("Webhooks", "/admin/webhooks", "admin"),
    NavItem("Users", "/admin/users", "admin"),
)


def page(request: Request, template: str, session: Session | None, status: int = 200, **context: Any) -> HTMLResponse:
    nav = [
        {"label": item.label, "href": item.href, "current": request.url.path == item.href}
        for item in NAV
        if session is not None and item.scope in session.user.scopes
    ]
    context.setdefault("errors", {})
    csrf = session.csrf_token if session else ""
    html = _ENV.get_template(template).render(session=session, csrf=csrf, nav=nav, **context)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def error_page(request: Request, session: Session | None, status: int, heading: str, message: str) -> HTMLResponse:
    return page(request, "error.html", session, status, heading=heading, message=message)


def reasons(exc: Exception) -> str:
    """What a refused form is told: each message of an InvalidContent, or the error's own text."""
    if isinstance(exc, InvalidContent):
        return "; ".join(error.message for error in exc.errors)
    return str(exc)
