"""Settings a person got wrong stop every `cms` command with one line naming them, never a traceback."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cms.config import VARIABLES, masked
from tests.conftest import PG_URL
from tests.server.process import free_port

EXAMPLE = "(e.g. CMS_DATABASE_URL=postgres://cms:PASSWORD@db.internal:5432/cms or sqlite:///var/lib/cms/cms.sqlite3)"


def cms(*args: str, cwd: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    """`cms ARGS` in `cwd` with only the given CMS_* variables set."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("CMS_")} | settings
    return subprocess.run(
        [sys.executable, "-m", "cms", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


@pytest.mark.parametrize(
    ("name", "value", "what"),
    [
        ("CMS_DATABASE_URL", "notaurl", f"not a database URL {EXAMPLE}"),
        ("CMS_DATABASE_URL", "mysqlx://foo", f"'mysqlx' is not a supported database: use sqlite:// or postgres:// {EXAMPLE}"),  # noqa: E501
        ("CMS_DATABASE_URL", "postgres://db.internal:port/cms", f"its host or port cannot be read: use HOST:PORT with a port from 1 to 65535 {EXAMPLE}"),  # noqa: E501
        ("CMS_DATABASE_URL", "postgres://db.internal:5432", f"it names no database: end it with /DATABASE {EXAMPLE}"),
        ("CMS_DATABASE_URL", "sqlite://", f"it names no file {EXAMPLE}"),
        ("CMS_DATABASE_REPLICA_URL", "replica", "not a database URL (e.g. CMS_DATABASE_REPLICA_URL=postgres://cms:PASSWORD@db.internal:5432/cms or sqlite:///var/lib/cms/cms.sqlite3)"),  # noqa: E501
        ("CMS_MAX_BODY_BYTES", "2MB", "not an integer (e.g. CMS_MAX_BODY_BYTES=2097152)"),
        ("CMS_IMAGE_JOBS", "1_000", "not an integer (e.g. CMS_IMAGE_JOBS=2)"),
        ("CMS_CACHE_MAX_AGE", "9" * 5000, "it must be at most 2147483647"),
        ("CMS_EVENT_RETENTION_DAYS", "1000000", "it must be at most 36500"),
        ("CMS_SESSION_IDLE_MINUTES", "0", "it must be at least 1"),
        ("CMS_ACCESS_LOG", "sometimes", "not a boolean (use CMS_ACCESS_LOG=true or CMS_ACCESS_LOG=false)"),
        ("CMS_CORS_ORIGINS", "www.example.org", "use comma-separated origins, scheme://host[:port] without a path, or `*` for any (e.g. CMS_CORS_ORIGINS=https://www.example.org,http://localhost:3000)"),  # noqa: E501
        ("CMS_IMAGE_WIDTHS", "small,large", "use comma-separated whole numbers from 1 to 10000 (e.g. CMS_IMAGE_WIDTHS=320,640,960,1280,1920,2560)"),  # noqa: E501
        ("CMS_DEFAULT_LOCALE", "english!", "use a language tag such as 'en' or 'pt-BR'"),
        ("CMS_MEDIA_URL", "/var/media", "use file:PATH or s3://BUCKET/PREFIX (e.g. CMS_MEDIA_URL=file:/var/lib/cms/media or CMS_MEDIA_URL=s3://my-bucket/cms)"),  # noqa: E501
        ("CMS_MEDIA_URL", "file:", "file: needs a directory (e.g. CMS_MEDIA_URL=file:/var/lib/cms/media or CMS_MEDIA_URL=s3://my-bucket/cms)"),
        ("CMS_MEDIA_URL", "s3://My_Bucket/cms", "'My_Bucket' is not a bucket name (3 to 63 lowercase letters, digits, dots and hyphens)"),  # noqa: E501
        ("CMS_MEDIA_URL", "s3://media/../cms", "the prefix after the bucket may have letters, digits, '.', '_', '-' and single '/' only"),  # noqa: E501
        ("CMS_S3_ENDPOINT_URL", "minio:9000", "use http(s)://HOST[:PORT] without credentials (e.g. CMS_S3_ENDPOINT_URL=http://minio:9000)"),
        ("CMS_S3_REGION", "US East", "use a region name such as us-east-1, auto or eu-central-1"),
    ],
    ids=lambda value: value[:40] if isinstance(value, str) else None,
)  # fmt: skip
def test_a_malformed_setting_is_one_line_naming_it_and_exit_2(tmp_path, name, value, what):
    result = cms("migrate", cwd=tmp_path, **{name: value})

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == f"configuration error: {name} has value {value!r}: {what}\n"
    assert list(tmp_path.iterdir()) == []  # not even the default data/


def test_a_sqlite_file_in_a_missing_directory_is_refused_and_the_directory_not_made(tmp_path):
    missing = tmp_path / "missing" / "dir"

    result = cms("migrate", cwd=tmp_path, CMS_DATABASE_URL=f"sqlite://{missing}/cms.sqlite3")

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"configuration error: CMS_DATABASE_URL has value 'sqlite://{missing}/cms.sqlite3': "
        f"the directory '{missing}' does not exist (create it, or fix the path)\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_the_default_database_is_made_in_data_under_the_working_directory(tmp_path):
    result = cms("migrate", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "cms.sqlite3").is_file()


@pytest.mark.parametrize(
    "command",
    [["serve"], ["seed"], ["export"], ["import", "."], ["token", "create", "--name", "n", "--scope", "write"],
     ["user", "list"], ["settings"]],
    ids=lambda command: " ".join(command),
)  # fmt: skip
def test_every_command_stops_on_a_malformed_setting(tmp_path, command):
    result = cms(*command, cwd=tmp_path, CMS_DATABASE_URL="mysqlx://foo")

    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"configuration error: CMS_DATABASE_URL has value 'mysqlx://foo': 'mysqlx' is not a supported database:"
        f" use sqlite:// or postgres:// {EXAMPLE}"
    ]


@pytest.mark.parametrize("command", [["migrate"], ["seed"], ["serve"]], ids=" ".join)
def test_an_unreachable_database_is_one_line_naming_it_with_the_password_masked_and_exit_3(tmp_path, command):
    port = free_port()  # nothing listens there

    result = cms(*command, cwd=tmp_path, CMS_DATABASE_URL=f"postgres://cms:s3cret@127.0.0.1:{port}/cms")

    assert (result.returncode, result.stdout) == (3, "")
    assert result.stderr == (
        f"database unreachable: CMS_DATABASE_URL=postgres://cms:***@127.0.0.1:{port}/cms: 127.0.0.1:{port} cannot be"
        f" reached ([Errno 111] Connect call failed ('127.0.0.1', {port}));"
        " start the database, or fix CMS_DATABASE_URL\n"
    )


def test_cms_media_dir_alone_still_names_the_media_directory(tmp_path):
    result = cms("settings", cwd=tmp_path, CMS_MEDIA_DIR="/srv/media")

    assert "CMS_MEDIA_URL=file:/srv/media" in result.stdout.splitlines()


def test_serve_refuses_to_start_with_one_line_and_exit_3_when_the_media_store_cannot_be_reached(tmp_path):
    port = free_port()  # nothing listens there
    endpoint = f"http://127.0.0.1:{port}"
    aws = {"AWS_ACCESS_KEY_ID": "cms:tester", "AWS_SECRET_ACCESS_KEY": "secret"}

    result = cms("serve", cwd=tmp_path, CMS_MEDIA_URL="s3://media/cms", CMS_S3_ENDPOINT_URL=endpoint, **aws)

    assert (result.returncode, result.stdout) == (3, "")
    assert result.stderr == (
        f"media store unreachable: CMS_MEDIA_URL=s3://media/cms at CMS_S3_ENDPOINT_URL={endpoint}: it cannot be"
        " reached; start the store, or fix the settings\n"
    )


def test_a_file_that_is_not_a_sqlite_database_is_a_setting_error(tmp_path):
    (tmp_path / "notes.txt").write_text("not a database, " * 100)

    result = cms("migrate", cwd=tmp_path, CMS_DATABASE_URL=f"sqlite://{tmp_path}/notes.txt")

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"configuration error: CMS_DATABASE_URL has value 'sqlite://{tmp_path}/notes.txt':"
        f" '{tmp_path}/notes.txt' is not a SQLite database\n"
    )


@pytest.mark.skipif(not PG_URL, reason="needs a PostgreSQL server to refuse a database it does not have")
def test_a_postgres_database_that_does_not_exist_is_a_setting_error(tmp_path):
    url = PG_URL.split("?", 1)[0].rsplit("/", 1)[0] + "/no_such_database_here"

    result = cms("migrate", cwd=tmp_path, CMS_DATABASE_URL=url)

    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        f"configuration error: CMS_DATABASE_URL={masked('CMS_DATABASE_URL', url)}: the database refused it:"
        ' database "no_such_database_here" does not exist\n'
    )


def test_cms_settings_prints_every_setting_in_force_with_passwords_masked(tmp_path):
    result = cms(
        "settings",
        cwd=tmp_path,
        CMS_DATABASE_URL="postgres://cms:s3cret@db.internal:5432/cms?password=s3cret&maxsize=10",
        CMS_DATABASE_REPLICA_URL="postgres://reader:an0ther@replica.internal:5432/cms",
        CMS_MAX_BODY_BYTES="4096",
    )

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split("=", 1)[0] for line in lines] == list(VARIABLES)
    assert lines[:3] == [
        "CMS_DATABASE_URL=postgres://cms:***@db.internal:5432/cms?password=***&maxsize=10",
        "CMS_DATABASE_REPLICA_URL=postgres://reader:***@replica.internal:5432/cms",
        "CMS_DEFAULT_LOCALE=en",
    ]
    assert "CMS_MAX_BODY_BYTES=4096" in lines
    assert "CMS_IMAGE_WIDTHS=320,640,960,1280,1920,2560" in lines
    assert "CMS_WEBHOOK_ALLOW_PRIVATE=false" in lines
    assert "CMS_MEDIA_URL=file:data/media" in lines
    assert "s3cret" not in result.stdout and "an0ther" not in result.stdout


def test_a_setting_named_for_a_secret_is_shown_masked_whole():
    assert masked("CMS_S3_SECRET_KEY", "wJalrXUtnFEMI") == "***"
    assert masked("CMS_SMTP_PASSWORD", "hunter2") == "***"
    assert masked("CMS_S3_SECRET_KEY", "") == ""
    assert masked("CMS_MAX_BODY_BYTES", "4096") == "4096"


def test_cms_help_says_where_the_settings_are_documented(tmp_path):
    result = cms("--help", cwd=tmp_path)

    assert result.returncode == 0
    help_text = " ".join(result.stdout.split())
    assert "Settings are CMS_* environment variables, documented in README.md (section Configuration);" in help_text
    assert "`cms settings` prints the ones in force." in help_text
