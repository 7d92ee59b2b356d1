"""Settings, read only from CMS_* environment variables.

`Settings.from_env(mapping)` is a pure function of the mapping, so tests build settings from a dict.
Every variable is listed in `VARIABLES`; tests/test_readme.py checks that the README's table names them all.
"""

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import TypeAdapter, ValidationError

from cms.core.article import Locale
from cms.core.assets import DEFAULT_IMAGE_QUALITIES, DEFAULT_IMAGE_WIDTHS
from cms.core.numbers import whole_number

DEFAULT_DATABASE_URL = "sqlite://data/cms.sqlite3"
DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql")
DATABASE_URL_EXAMPLE = "postgres://cms:PASSWORD@db.internal:5432/cms or sqlite:///var/lib/cms/cms.sqlite3"

# What browsers and our clients send cross-origin: the CORS-safelisted names (needed anyway when their values are not
# safelisted, e.g. `Content-Type: application/json`), a token, conditional requests, `fetch(..., {cache})` headers,
# an event stream's reconnection, a merge asked for (`Prefer: merge`), a byte range and our request id.
DEFAULT_CORS_ALLOW_HEADERS = (
    "Accept", "Accept-Language", "Authorization", "Cache-Control", "Content-Language", "Content-Type", "If-Match",
    "If-Modified-Since", "If-None-Match", "If-Range", "Last-Event-ID", "Pragma", "Prefer", "Range", "X-Request-ID",
)  # fmt: skip

VARIABLES: dict[str, str] = {
    "CMS_DATABASE_URL": f"Tortoise URL of the database (default `{DEFAULT_DATABASE_URL}`, relative to the cwd)",
    "CMS_DATABASE_REPLICA_URL": "A read replica of the database for delivery reads (default empty: the primary)",
    "CMS_DEFAULT_LOCALE": "Locale used when a request names none (default `en`)",
    "CMS_CORS_ORIGINS": "Comma-separated origins allowed by CORS, `*` for any (default empty: no CORS headers)",
    "CMS_CORS_ALLOW_HEADERS": "Comma-separated request headers a cross-origin request may send, `*` for any "
    f"(default `{','.join(DEFAULT_CORS_ALLOW_HEADERS)}`)",
    "CMS_MAX_BODY_BYTES": "Largest request body accepted (default 2097152, 2 MiB)",
    "CMS_CACHE_MAX_AGE": "`max-age` of delivery responses, in seconds (default 60)",
    "CMS_CACHE_STALE_WHILE_REVALIDATE": "`stale-while-revalidate` of delivery responses, in seconds (default 300)",
    "CMS_CACHE_STALE_IF_ERROR": "`stale-if-error` of delivery responses, in seconds: how long a CDN may serve its "
    "copy while the service answers errors (default 86400)",
    "CMS_ACCESS_LOG": "`false` turns off the access log: one JSON line per request on stdout (default `true`)",
    "CMS_CACHE_MAX_BYTES": "Memory each worker may use to keep published articles ready to serve (default 67108864)",
    "CMS_SESSION_IDLE_MINUTES": "Minutes a signed-in session of the editor's page (/admin) lasts unused (default 720)",
    "CMS_MEDIA_DIR": "Directory of uploaded files and their image variants (default `data/media`, relative to the cwd)",
    "CMS_MEDIA_URL": "Where uploaded files and variants live: `file:PATH` (default `file:` + CMS_MEDIA_DIR) or "
    "`s3://BUCKET/PREFIX`, an S3-compatible object store (docs/deployment.md)",
    "CMS_S3_ENDPOINT_URL": "URL of an S3-compatible store that is not AWS S3, e.g. `http://minio:9000` "
    "(default empty: AWS); credentials come from the standard AWS variables or credential chain",
    "CMS_S3_REGION": "Region of the bucket (default empty: AWS_REGION, the AWS configuration, else `us-east-1`)",
    "CMS_MAX_ASSET_BYTES": "Largest upload accepted (default 20971520, 20 MiB)",
    "CMS_MAX_IMAGE_PIXELS": (
        "Largest image accepted, in pixels (width x height), checked before decoding (default 40000000)"
    ),
    "CMS_IMAGE_WIDTHS": "Comma-separated widths (and heights, `?h=`) that image variants may have "
    "(default `320,640,960,1280,1920,2560`)",
    "CMS_IMAGE_QUALITIES": "Comma-separated qualities (1-100) that lossy image variants may have, `?q=` "
    "(default `50,75,90`)",
    "CMS_IMAGE_JOBS": "Image variants each worker makes at once; more requests answer 503 (default 2)",
    "CMS_EVENT_KEEPALIVE_SECONDS": "Seconds between keep-alive comments on an event stream (default 15)",
    "CMS_EVENT_STREAM_MAX_SECONDS": "Close each event stream after this long; clients reconnect (default 0: never)",
    "CMS_WEBHOOK_ALLOW_PRIVATE": "`true` lets webhooks target private and loopback addresses (default false)",
    "CMS_EVENT_RETENTION_DAYS": "Days the event log keeps events for the feed, streams and webhooks (default 30)",
    "CMS_REQUEST_HEAD_TIMEOUT_SECONDS": "Seconds a client has to send a request line and headers; then the "
    "connection is closed (default 10)",
    "CMS_FORWARDED_ALLOW_IPS": "Comma-separated addresses or networks of the reverse proxies whose `X-Forwarded-For` "
    "and `X-Forwarded-Proto` are believed, `*` for any (default `127.0.0.1,::1`)",
}

MAX_IMAGE_WIDTH = 10_000

_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # a header name (RFC 9110 §5.1)


class ConfigError(ValueError):
    pass


def _int(env: Mapping[str, str], name: str, default: int, minimum: int, maximum: int = 2**31 - 1) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()):  # int() would also take '1_000', '+5' and other scripts' digits
        raise ConfigError(f"{name} has value {raw!r}: not an integer (e.g. {name}={default})")
    digits = raw.lstrip("0") or "0"
    value = int(digits) if len(digits) <= len(str(maximum)) else maximum + 1  # no 4300-digit ValueError
    if value < minimum:
        raise ConfigError(f"{name} has value {raw!r}: it must be at least {minimum}")
    if value > maximum:
        raise ConfigError(f"{name} has value {raw!r}: it must be at most {maximum}")
    return value


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in ("true", "false", "1", "0"):
        raise ConfigError(f"{name} has value {raw!r}: not a boolean (use {name}=true or {name}=false)")
    return raw in ("true", "1")


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    database_replica_url: str | None = None
    default_locale: str = "en"
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    cors_allow_headers: tuple[str, ...] = DEFAULT_CORS_ALLOW_HEADERS
    max_body_bytes: int = 2 * 1024 * 1024
    cache_max_age: int = 60
    cache_stale_while_revalidate: int = 300
    cache_stale_if_error: int = 86400
    cache_max_bytes: int = 64 * 1024 * 1024
    access_log: bool = True
    session_idle_minutes: int = 720
    media_dir: str = "data/media"
    media_url: str = ""
    """`s3://BUCKET/PREFIX`; empty: the directory media_dir (see `media`)."""
    s3_endpoint_url: str = ""
    s3_region: str = ""
    max_asset_bytes: int = 20 * 1024 * 1024
    max_image_pixels: int = 40_000_000
    image_widths: tuple[int, ...] = DEFAULT_IMAGE_WIDTHS
    image_qualities: tuple[int, ...] = DEFAULT_IMAGE_QUALITIES
    image_jobs: int = 2
    event_retention_days: int = 30
    event_keepalive_seconds: float = 15
    event_stream_max_seconds: float = 0
    webhook_allow_private: bool = False
    forwarded_allow_ips: tuple[str, ...] = ("127.0.0.1", "::1")
    request_head_timeout_seconds: int = 10

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> "Settings":
        env = os.environ if env is None else env
        locale = env.get("CMS_DEFAULT_LOCALE", "").strip() or "en"
        if not _is_locale(locale):
            raise ConfigError(f"CMS_DEFAULT_LOCALE has value {locale!r}: use a language tag such as 'en' or 'pt-BR'")
        return cls(
            database_url=_database_url(env, "CMS_DATABASE_URL") or DEFAULT_DATABASE_URL,
            database_replica_url=_database_url(env, "CMS_DATABASE_REPLICA_URL"),
            default_locale=locale,
            cors_origins=_origins(env),
            cors_allow_headers=_header_names(env),
            max_body_bytes=_int(env, "CMS_MAX_BODY_BYTES", cls.max_body_bytes, 1024),
            cache_max_age=_int(env, "CMS_CACHE_MAX_AGE", cls.cache_max_age, 0),
            cache_stale_while_revalidate=_int(
                env, "CMS_CACHE_STALE_WHILE_REVALIDATE", cls.cache_stale_while_revalidate, 0
            ),
            cache_stale_if_error=_int(env, "CMS_CACHE_STALE_IF_ERROR", cls.cache_stale_if_error, 0),
            cache_max_bytes=_int(env, "CMS_CACHE_MAX_BYTES", cls.cache_max_bytes, 0),
            access_log=_bool(env, "CMS_ACCESS_LOG", cls.access_log),
            session_idle_minutes=_int(env, "CMS_SESSION_IDLE_MINUTES", cls.session_idle_minutes, 1),
            **_media(env, env.get("CMS_MEDIA_DIR", "").strip() or cls.media_dir),
            s3_endpoint_url=_s3_endpoint(env),
            s3_region=_s3_region(env),
            max_asset_bytes=_int(env, "CMS_MAX_ASSET_BYTES", cls.max_asset_bytes, 1024),
            max_image_pixels=_int(env, "CMS_MAX_IMAGE_PIXELS", cls.max_image_pixels, 1),
            image_widths=_numbers(env, "CMS_IMAGE_WIDTHS", DEFAULT_IMAGE_WIDTHS, MAX_IMAGE_WIDTH),
            image_qualities=_numbers(env, "CMS_IMAGE_QUALITIES", DEFAULT_IMAGE_QUALITIES, 100),
            image_jobs=_int(env, "CMS_IMAGE_JOBS", cls.image_jobs, 1),
            event_retention_days=_int(env, "CMS_EVENT_RETENTION_DAYS", cls.event_retention_days, 1, 36500),
            event_keepalive_seconds=_int(env, "CMS_EVENT_KEEPALIVE_SECONDS", 15, 1),
            event_stream_max_seconds=_int(env, "CMS_EVENT_STREAM_MAX_SECONDS", 0, 0),
            webhook_allow_private=_bool(env, "CMS_WEBHOOK_ALLOW_PRIVATE", False),
            forwarded_allow_ips=_proxies(env) or cls.forwarded_allow_ips,
            request_head_timeout_seconds=_int(
                env, "CMS_REQUEST_HEAD_TIMEOUT_SECONDS", cls.request_head_timeout_seconds, 1, 3600
            ),
        )

    @property
    def media(self) -> str:
        """The media store's URL: `file:PATH` or `s3://BUCKET/PREFIX`."""
        return self.media_url or f"file:{self.media_dir}"

    def check_paths(self) -> None:
        """The places on disk the settings name exist: a SQLite file's directory is never made up from a typo.

        Only the default's `data/` is created when missing (the quick start relies on it); the rest is the
        filesystem's, so this is separate from the pure `from_env`.
        """
        for name, url in (
            ("CMS_DATABASE_URL", self.database_url),
            ("CMS_DATABASE_REPLICA_URL", self.database_replica_url),
        ):
            if url is None or url == DEFAULT_DATABASE_URL or not is_sqlite(url):
                continue
            problem = _sqlite_file_problem(sqlite_path(url))
            if problem:
                raise ConfigError(f"{name} has value {masked(name, url)!r}: {problem}")

    def in_force(self) -> dict[str, str]:
        """Every CMS_* variable with the value in force, as it would be written, passwords and secrets masked."""
        value = {"CMS_MEDIA_URL": self.media}
        return {
            name: masked(name, _written(value.get(name, getattr(self, name.removeprefix("CMS_").lower()))))
            for name in VARIABLES
        }


def _written(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, tuple):
        return ",".join(str(part) for part in value)
    return str(value)


_SECRET_NAME = re.compile(r"SECRET|PASSWORD|TOKEN|_KEY\b|_KEY_")
_URL_PASSWORD = re.compile(r"(://[^/@:?#]*:)[^/@?#]*@")
_QUERY_PASSWORD = re.compile(r"([?&]password=)[^&#]*", flags=re.IGNORECASE)


def masked(name: str, value: str) -> str:
    """What may be shown of a setting: 'postgres://cms:s3cret@db/cms' -> 'postgres://cms:***@db/cms'; a secret's
    value (a variable named for a secret, password, token or key) -> '***'."""
    if value and _SECRET_NAME.search(name.removeprefix("CMS_")):
        return "***"
    return _QUERY_PASSWORD.sub(r"\1***", _URL_PASSWORD.sub(r"\1***@", value))


def is_sqlite(database_url: str) -> bool:
    return database_url.startswith("sqlite:")


def sqlite_path(database_url: str) -> Path:
    """'sqlite://data/cms.sqlite3' -> data/cms.sqlite3; 'sqlite:///abs/x.sqlite3' -> /abs/x.sqlite3."""
    path = database_url.removeprefix("sqlite://").split("?", 1)[0]
    return Path(path)


SQLITE_HEADER = b"SQLite format 3\x00"


def _sqlite_file_problem(path: Path) -> str | None:
    """Why SQLite could not use `path`, found before it is opened (Tortoise hangs on some of these)."""
    if not path.parent.is_dir():
        return f"the directory {str(path.parent)!r} does not exist (create it, or fix the path)"
    if path.is_dir():
        return f"{str(path)!r} is a directory: name a file in it"
    if path.is_file() and path.stat().st_size:
        with path.open("rb") as file:
            if file.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                return f"{str(path)!r} is not a SQLite database"
    return None


def database_address(database_url: str) -> str:
    """Where a database is, for a message: 'postgres://u:p@db:6432/cms' -> 'db:6432'; a SQLite URL -> its file."""
    if is_sqlite(database_url):
        return str(sqlite_path(database_url))
    parts = urlsplit(database_url)
    return f"{parts.hostname or 'localhost'}:{parts.port or 5432}"


def _database_url(env: Mapping[str, str], name: str) -> str | None:
    raw = env.get(name, "").strip()
    if not raw:
        return None
    problem = _database_url_problem(raw)
    if problem:
        raise ConfigError(f"{name} has value {masked(name, raw)!r}: {problem} (e.g. {name}={DATABASE_URL_EXAMPLE})")
    return raw


def _database_url_problem(url: str) -> str | None:
    """What makes `url` unusable before anything connects, or None."""
    scheme, separator, rest = url.partition("://")
    if not separator:
        return "not a database URL"
    if scheme not in DATABASE_SCHEMES:
        return f"{scheme!r} is not a supported database: use sqlite:// or postgres://"
    if scheme == "sqlite":
        return None if rest.split("?", 1)[0] else "it names no file"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "its host or port cannot be read: use HOST:PORT with a port from 1 to 65535"
    if port == 0:
        return "its port must be from 1 to 65535"
    if not parts.path.strip("/"):
        return "it names no database: end it with /DATABASE"
    return None


_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_PREFIX = re.compile(r"[A-Za-z0-9._/-]*")
MEDIA_URL_EXAMPLE = "CMS_MEDIA_URL=file:/var/lib/cms/media or CMS_MEDIA_URL=s3://my-bucket/cms"


def _media(env: Mapping[str, str], media_dir: str) -> dict[str, str]:
    """media_dir and media_url from CMS_MEDIA_URL (which wins) and CMS_MEDIA_DIR."""
    raw = env.get("CMS_MEDIA_URL", "").strip()
    if not raw:
        return {"media_dir": media_dir}
    if raw.startswith("file:"):
        if not raw.removeprefix("file:"):
            raise ConfigError(f"CMS_MEDIA_URL has value {raw!r}: file: needs a directory (e.g. {MEDIA_URL_EXAMPLE})")
        return {"media_dir": raw.removeprefix("file:")}
    if raw.startswith("s3://"):
        bucket, _, prefix = raw.removeprefix("s3://").partition("/")
        if not _BUCKET.fullmatch(bucket):
            raise ConfigError(
                f"CMS_MEDIA_URL has value {raw!r}: {bucket!r} is not a bucket name (3 to 63 lowercase letters,"
                " digits, dots and hyphens)"
            )
        if not _PREFIX.fullmatch(prefix) or "//" in prefix or ".." in prefix:
            raise ConfigError(
                f"CMS_MEDIA_URL has value {raw!r}: the prefix after the bucket may have letters, digits, '.', '_',"
                " '-' and single '/' only"
            )
        return {"media_dir": media_dir, "media_url": raw}
    raise ConfigError(
        f"CMS_MEDIA_URL has value {raw!r}: use file:PATH or s3://BUCKET/PREFIX (e.g. {MEDIA_URL_EXAMPLE})"
    )


def _s3_endpoint(env: Mapping[str, str]) -> str:
    raw = env.get("CMS_S3_ENDPOINT_URL", "").strip()
    if not raw:
        return ""
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - reading it checks it
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.username:
        raise ConfigError(
            f"CMS_S3_ENDPOINT_URL has value {masked('CMS_S3_ENDPOINT_URL', raw)!r}: use http(s)://HOST[:PORT]"
            " without credentials (e.g. CMS_S3_ENDPOINT_URL=http://minio:9000)"
        )
    return raw


def _s3_region(env: Mapping[str, str]) -> str:
    raw = env.get("CMS_S3_REGION", "").strip()
    if raw and not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,62}", raw):
        raise ConfigError(f"CMS_S3_REGION has value {raw!r}: use a region name such as us-east-1, auto or eu-central-1")
    return raw


_ORIGIN = re.compile(r"https?://[^/?#@\s]+")  # scheme://host[:port], as a browser sends it in `Origin`


def _origins(env: Mapping[str, str]) -> tuple[str, ...]:
    raw = env.get("CMS_CORS_ORIGINS", "").strip()
    origins = tuple(origin.strip() for origin in raw.split(",") if origin.strip())
    if not all(origin == "*" or _ORIGIN.fullmatch(origin) for origin in origins):
        raise ConfigError(
            f"CMS_CORS_ORIGINS has value {raw!r}: use comma-separated origins, scheme://host[:port] without a path,"
            " or `*` for any (e.g. CMS_CORS_ORIGINS=https://www.example.org,http://localhost:3000)"
        )
    return origins


def _header_names(env: Mapping[str, str]) -> tuple[str, ...]:
    raw = env.get("CMS_CORS_ALLOW_HEADERS", "").strip()
    if not raw:
        return DEFAULT_CORS_ALLOW_HEADERS
    names = tuple(name.strip() for name in raw.split(",") if name.strip())
    if not all(name == "*" or _TOKEN.fullmatch(name) for name in names):
        raise ConfigError(
            f"CMS_CORS_ALLOW_HEADERS has value {raw!r}: use comma-separated header names, or `*` for any"
            " (e.g. CMS_CORS_ALLOW_HEADERS=Authorization,Content-Type,Cache-Control)"
        )
    return names


def _proxies(env: Mapping[str, str]) -> tuple[str, ...]:
    raw = env.get("CMS_FORWARDED_ALLOW_IPS", "").strip()
    proxies = tuple(part.strip() for part in raw.split(",") if part.strip())
    for proxy in proxies:
        try:
            if proxy != "*":
                ipaddress.ip_network(proxy, strict=False)  # an address is a network of one
        except ValueError:
            raise ConfigError(
                f"CMS_FORWARDED_ALLOW_IPS has value {raw!r}: use comma-separated IP addresses or networks, or `*`"
                " for any (e.g. CMS_FORWARDED_ALLOW_IPS=10.0.0.0/8,127.0.0.1)"
            ) from None
    return proxies


def _numbers(env: Mapping[str, str], name: str, default: tuple[int, ...], maximum: int) -> tuple[int, ...]:
    """'640, 320,640' -> (320, 640): a set of whole numbers from 1 to `maximum`, sorted."""
    raw = env.get(name, "").strip()
    if not raw:
        return default
    numbers = [whole_number(part.strip(), maximum) for part in raw.split(",")]
    if not all(numbers):
        raise ConfigError(
            f"{name} has value {raw!r}: use comma-separated whole numbers from 1 to {maximum}"
            f" (e.g. {name}={','.join(map(str, default))})"
        )
    return tuple(sorted({number for number in numbers if number}))


def _is_locale(value: str) -> bool:
    try:
        TypeAdapter(Locale).validate_python(value)
    except ValidationError:
        return False
    return True
