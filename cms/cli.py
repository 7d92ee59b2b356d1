"""The `cms` command: serve, migrate, seed, settings, export, import, token create, user create/list/disable."""

import asyncio
import contextlib
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TypeVar

import typer
import uvicorn
import uvicorn.config
from pydantic import ValidationError
from rich.console import Console
from rich.progress import DownloadColumn, Progress, TaskID, TransferSpeedColumn

from cms.config import ConfigError, Settings, database_address, masked
from cms.core.blocks import error_list
from cms.core.errors import CMSError, InvalidContent
from cms.logs import log_config
from cms.services import backup, database, media, seeding, tokens, transfer, users

EXIT_SETTING = 2
"""A setting cannot work: one line on stderr names it (also typer's status for a wrong option)."""
EXIT_UNREACHABLE = 3
"""The database named by CMS_DATABASE_URL (or the media store of CMS_MEDIA_URL) cannot be reached: it may come back,
so a supervisor may retry."""

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="A small, strict headless CMS.\n\n"
    "Settings are CMS_* environment variables, documented in README.md (section Configuration); "
    "`cms settings` prints the ones in force. "
    f"Exit status {EXIT_SETTING}: a setting is wrong (one line names it); "
    f"{EXIT_UNREACHABLE}: the database or the media store cannot be reached.",
)
token_app = typer.Typer(no_args_is_help=True, help="Manage API tokens.")
app.add_typer(token_app, name="token")
user_app = typer.Typer(no_args_is_help=True, help="Manage the people who sign in to the editor's page (/admin).")
app.add_typer(user_app, name="user")
err = Console(stderr=True, soft_wrap=True)  # no hard wrapping: lines stay greppable in logs

T = TypeVar("T")


def _settings() -> Settings:
    try:
        settings = Settings.from_env()
        settings.check_paths()
    except ConfigError as exc:
        err.print(f"[red]configuration error:[/] {exc}")
        raise typer.Exit(EXIT_SETTING) from None
    return settings


@contextlib.contextmanager
def _database_errors(settings: Settings) -> Iterator[None]:
    """A database that refuses the URL or cannot be reached is one line naming CMS_DATABASE_URL, not a traceback."""
    try:
        yield
    except database.DRIVER_ERRORS as exc:
        url = f"CMS_DATABASE_URL={masked('CMS_DATABASE_URL', settings.database_url)}"
        if database.is_refused(exc):
            err.print(f"[red]configuration error:[/] {url}: the database refused it: {_innermost(exc)}")
            raise typer.Exit(EXIT_SETTING) from None
        if database.is_unavailable(exc):
            where = database_address(settings.database_url)
            err.print(
                f"[red]database unreachable:[/] {url}: {where} cannot be reached ({_innermost(exc)});"
                " start the database, or fix CMS_DATABASE_URL"
            )
            raise typer.Exit(EXIT_UNREACHABLE) from None
        raise


def _innermost(exc: BaseException) -> str:
    """The driver's own words, from the end of the chain of causes (Tortoise's wrappers say less)."""
    words = str(exc) or type(exc).__name__
    while (exc := exc.__cause__ or exc.__context__) is not None:  # type: ignore[assignment]
        words = str(exc) or words
    return words


def _check_media(settings: Settings) -> None:
    """A media store that cannot be reached, or refuses its bucket or credentials, is one line, not a traceback."""
    store = media.settings_store(settings)

    async def check() -> None:
        try:
            await store.check()
        finally:
            await store.close()

    endpoint = settings.s3_endpoint_url
    name = f"CMS_MEDIA_URL={settings.media}" + (f" at CMS_S3_ENDPOINT_URL={endpoint}" if endpoint else "")
    try:
        asyncio.run(check())
    except media.StoreRefused as exc:
        err.print(f"[red]configuration error:[/] {name}: {exc}")
        raise typer.Exit(EXIT_SETTING) from None
    except CMSError:  # Busy: no answer, or a 5xx one
        err.print(
            f"[red]media store unreachable:[/] {name}: it cannot be reached; start the store, or fix the settings"
        )
        raise typer.Exit(EXIT_UNREACHABLE) from None


async def _closing(store: media.MediaStore, work: Awaitable[T]) -> T:
    """`work`, then the store's client closed in the same event loop (an S3 store holds connections)."""
    try:
        return await work
    finally:
        await store.close()


def _migrate(settings: Settings) -> None:
    with _database_errors(settings):
        database.run_migrations(settings.database_url)


def _run(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    """Migrate, open the database, run `work`, close: every command sees an up-to-date schema."""

    async def main() -> T:
        await database.migrate(settings.database_url)
        async with database.database(settings.database_url):
            return await work()

    with _database_errors(settings):
        return asyncio.run(main())


class HttpServer(StrEnum):
    uvicorn = "uvicorn"
    granian = "granian"


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes.")] = 1,
    server: Annotated[
        HttpServer, typer.Option(help="uvicorn, or granian (pip install 'cms[granian]'): docs/performance.md")
    ] = HttpServer.uvicorn,
) -> None:
    """Serve the API (migrating first, once, before the workers start)."""
    settings = _settings()
    _check_media(settings)
    _migrate(settings)
    _prepare_metrics_dir()
    if server is HttpServer.granian:
        _serve_with_granian(host, port, workers, settings.request_head_timeout_seconds)
        return
    uvicorn.run(
        "cms.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        timeout_graceful_shutdown=10,
        # uvicorn restarts a worker that misses a 5 s ping; one still importing and migrating on a busy two-core
        # machine can miss it and be killed in a loop. A hung worker is still replaced, after 20 s.
        timeout_worker_healthcheck=20,
        http="cms.web.http.protocol:BoundedHttpToolsProtocol",  # bounds each request head's size and time
        access_log=False,  # ours is one JSON line per request (cms/web/http/observe.py), CMS_ACCESS_LOG=false for none
        proxy_headers=False,  # the app reads them itself, from CMS_FORWARDED_ALLOW_IPS (cms/web/app.py)
        log_config=log_config(),
    )


def _serve_with_granian(host: str, port: int, workers: int, head_timeout_seconds: int) -> None:
    """The same app under Granian (a Rust HTTP server): faster on the hot path, an optional dependency."""
    try:
        from granian.constants import Interfaces, Loops
        from granian.http import HTTP1Settings
        from granian.server import Server
    except ImportError:
        err.print("[red]granian is not installed:[/] pip install 'cms[granian]' (or serve with --server uvicorn)")
        raise typer.Exit(2) from None
    Server(
        "cms.web.app:create_app",
        factory=True,
        interface=Interfaces.ASGI,
        address=host,
        port=port,
        workers=workers,
        loop=Loops.uvloop,
        log_access=False,  # ours is the JSON line per request
        log_dictconfig=log_config(),
        workers_kill_timeout=10,  # as uvicorn's graceful shutdown: requests in flight get 10 s
        http1_settings=HTTP1Settings(header_read_timeout=head_timeout_seconds * 1000),  # Granian's own, in ms
    ).serve()


def _prepare_metrics_dir() -> None:
    """Workers share their Prometheus samples through files; a fresh folder, so no old worker's count lingers."""
    folder = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="cms-metrics-"))
    folder.mkdir(parents=True, exist_ok=True)
    for samples in folder.glob("*.db"):
        samples.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)


@app.command()
def migrate() -> None:
    """Apply pending database migrations."""
    settings = _settings()
    _migrate(settings)
    err.print(f"migrations applied to {masked('CMS_DATABASE_URL', settings.database_url)}")


@app.command("settings")
def settings_command() -> None:
    """Print every CMS_* setting in force, one NAME=value a line, with passwords and secrets masked."""
    for name, value in _settings().in_force().items():
        print(f"{name}={value}")


@app.command()
def seed(
    directory: Annotated[
        Path | None, typer.Argument(help="A content_seed-like folder (default: the project's).")
    ] = None,
) -> None:
    """Load content_seed/ (site name and articles) and publish it; a second run changes nothing."""
    settings = _settings()
    folder = directory or seeding.DEFAULT_SEED_DIR
    if not (folder / "site.toml").is_file():
        err.print(f"[red]{folder} has no site.toml:[/] pass a folder laid out like content_seed/ (cms seed PATH)")
        raise typer.Exit(2)
    report = _run(settings, lambda: seeding.seed(folder, settings.default_locale))
    for label, slugs in (("created", report.created), ("updated", report.updated), ("unchanged", report.unchanged)):
        for slug in slugs:
            err.print(f"{label}: {slug}")


@app.command("export")
def export_command(
    out: Annotated[
        Path | None, typer.Option("--out", help="The archive to write (.tar, or .tar.gz to compress it).")
    ] = None,
    articles: Annotated[
        bool, typer.Option("--articles", help="Only the articles, as JSON Lines (to stdout unless --out).")
    ] = False,
    include_secrets: Annotated[
        bool, typer.Option("--include-secrets", help="Add password hashes, token hashes and webhook secrets.")
    ] = False,
) -> None:
    """Back up the whole site into one archive (--out FILE), or export the articles as JSON Lines (--articles)."""
    settings = _settings()
    if articles:
        _export_articles(settings, out)
        return
    if out is None:
        err.print("[red]say where to write the archive:[/] cms export --out site.tar.gz (or --articles for JSON Lines)")
        raise typer.Exit(2)
    store = backup.media_store(settings)
    with _progress() as progress:
        try:
            manifest = _run(
                settings,
                lambda: _closing(
                    store, backup.export_archive(out, store, settings.default_locale, include_secrets, progress)
                ),
            )
        except (CMSError, OSError) as exc:
            err.print(f"[red]not exported:[/] {exc}")
            raise typer.Exit(1) from None
    counts = ", ".join(f"{count} {name}" for name, count in manifest.counts.items())
    secrets = "with" if include_secrets else "without"
    err.print(f"exported {counts} to {out} ({secrets} secrets)")


def _export_articles(settings: Settings, out: Path | None) -> None:
    if out is None:
        count = _run(settings, lambda: transfer.export_articles(sys.stdout.buffer))
    else:
        with out.open("wb") as stream:
            count = _run(settings, lambda: transfer.export_articles(stream))
    err.print(f"exported {count} article(s)")


class _Bar:
    """`backup.Progress` as a rich progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def start(self, label: str, total: int) -> None:
        if self.task is not None:
            self.progress.remove_task(self.task)
        self.task = self.progress.add_task(label, total=total)

    def advance(self, done: int) -> None:
        if self.task is not None:
            self.progress.advance(self.task, done)


@contextlib.contextmanager
def _progress() -> Iterator[_Bar]:
    columns = (*Progress.get_default_columns(), DownloadColumn(), TransferSpeedColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        yield _Bar(progress)


@app.command("import")
def import_command(
    path: Annotated[
        Path,
        typer.Argument(help="A backup archive, a Markdown file, a folder of them, or an articles export (.jsonl)."),
    ],
    publish: Annotated[bool, typer.Option("--publish", help="Publish the Markdown articles it creates.")] = False,
    merge: Annotated[
        bool, typer.Option("--merge", help="Restore an archive into a database that holds content already.")
    ] = False,
) -> None:
    """Restore a backup archive, import Markdown files as drafts, or restore an articles export as it was exported."""
    settings = _settings()
    if not path.exists():
        err.print(
            f"[red]{path} does not exist:[/] pass an archive, a Markdown file, a folder of them, or a .jsonl export"
        )
        raise typer.Exit(2)
    if path.is_file() and backup.is_archive(path):
        _restore(settings, path, merge)
        return
    failures = _run(settings, lambda: _import(path, publish, settings.default_locale))
    if failures:
        raise typer.Exit(1)


def _restore(settings: Settings, path: Path, merge: bool) -> None:
    store = backup.media_store(settings)
    with _progress() as progress:
        try:
            restored = _run(
                settings, lambda: _closing(store, backup.restore(path, store, settings.default_locale, merge, progress))
            )
        except (CMSError, ValidationError) as exc:
            err.print(f"[red]not imported:[/] {_reason(exc)}")
            raise typer.Exit(1) from None
    for line in (*restored.notes, *(f"not imported: {conflict}" for conflict in restored.conflicts)):
        err.print(line)
    counts = ", ".join(f"{count} {name}" for name, count in restored.counts.items() if name != "site")
    err.print(
        f"restored {counts} from {path}" + (f"; {len(restored.conflicts)} not imported" if restored.conflicts else "")
    )
    if restored.conflicts:
        raise typer.Exit(1)


async def _import(path: Path, publish: bool, default_locale: str) -> int:
    """Each item in its own transaction; a bad one is reported and the others still land. Returns the failures."""
    is_export = path.is_file() and path.suffix in (".jsonl", ".ndjson")
    if is_export:
        items = [line for line in path.read_bytes().splitlines() if line.strip()]
    else:
        items = sorted(path.glob("**/*.md")) if path.is_dir() else [path]
    failures = 0
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task(f"importing {path}", total=len(items))
        for number, item in enumerate(items, start=1):
            where = f"{path}:{number}" if is_export else str(item)
            try:
                if isinstance(item, Path):
                    slug = await transfer.import_markdown(item.read_text(encoding="utf-8"), default_locale, publish)
                else:
                    slug = await transfer.restore(item)
                err.print(f"imported: {slug} ({where})")
            except (ValidationError, CMSError, UnicodeDecodeError) as exc:
                failures += 1
                err.print(f"[red]not imported:[/] {where}: {_reason(exc)}")
            progress.advance(task)
    err.print(f"{len(items) - failures} imported, {failures} failed")
    return failures


def _reason(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{e['path'] or '(body)'}: {e['message']}" for e in error_list(exc))
    if isinstance(exc, InvalidContent):
        return "; ".join(f"{e.path}: {e.message}" for e in exc.errors)
    return str(exc)


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Option("--name", help="Who or what uses the token, e.g. 'website-build'.")],
    scope: Annotated[list[str], typer.Option("--scope", help="preview, write or admin; repeat the flag for several.")],
) -> None:
    """Create a token. The secret is printed once, alone on the last line of stdout."""
    settings = _settings()
    try:
        token, secret = _run(settings, lambda: tokens.create(name, scope))
    except InvalidContent as exc:
        err.print(f"[red]{_reason(exc)}[/] (e.g. cms token create --name website --scope preview)")
        raise typer.Exit(2) from None
    err.print(f"token {token.name!r} ({token.id}) with scopes {', '.join(token.scopes)}; the secret is shown once:")
    print(secret)


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Option("--email", help="The address the person signs in with.")],
    role: Annotated[str, typer.Option("--role", help="editor (write and preview) or admin (everything).")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin instead of generating one.")
    ] = False,
) -> None:
    """Create a person. A generated password is printed once, alone on the last line of stdout."""
    settings = _settings()
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    try:
        user, secret = _run(settings, lambda: users.create(email, role, password))
    except (InvalidContent, CMSError) as exc:
        err.print(f"[red]{_reason(exc)}[/] (e.g. cms user create --email ada@example.org --role editor)")
        raise typer.Exit(2) from None
    err.print(f"user {user.email!r} with role {user.role}; sign in at /admin")
    if password is None:
        err.print("the password is shown once:")
        print(secret)


@user_app.command("password")
def user_password(
    email: Annotated[str, typer.Option("--email", help="The person whose password is set.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin instead of generating one.")
    ] = False,
) -> None:
    """Set a new password (after a restore without secrets, or a forgotten one); the person's sessions end. A
    generated password is printed once, alone on the last line of stdout."""
    settings = _settings()
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    try:
        user, secret = _run(settings, lambda: users.set_password(email, password))
    except (InvalidContent, CMSError) as exc:
        err.print(f"[red]{_reason(exc)}[/] (e.g. cms user password --email ada@example.org)")
        raise typer.Exit(2) from None
    err.print(f"user {user.email!r} has a new password; their sessions have ended")
    if user.disabled:
        err.print(f"they are disabled: cms user enable --email {user.email} lets them sign in")
    if password is None:
        err.print("the password is shown once:")
        print(secret)


@user_app.command("list")
def user_list() -> None:
    """Every person: email, role, and whether they are disabled."""
    settings = _settings()
    for user in _run(settings, users.everyone):
        print(f"{user.email}\t{user.role}\t{'disabled' if user.disabled else 'active'}")


@user_app.command("disable")
def user_disable(email: Annotated[str, typer.Option("--email", help="The person to disable.")]) -> None:
    """The person can no longer sign in; their sessions end at once."""
    settings = _settings()
    try:
        user = _run(settings, lambda: users.disable(email))
    except CMSError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    err.print(f"user {user.email!r} is disabled and signed out")


@user_app.command("enable")
def user_enable(email: Annotated[str, typer.Option("--email", help="The person to enable.")]) -> None:
    """A disabled person can sign in again, with the password they had."""
    settings = _settings()
    try:
        user = _run(settings, lambda: users.enable(email))
    except CMSError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    err.print(f"user {user.email!r} is enabled and can sign in")


def main() -> None:
    app()
