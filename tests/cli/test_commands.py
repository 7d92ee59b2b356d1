"""The `cms` command, run as a user runs it: a subprocess with CMS_* variables."""

import os
import subprocess
import sys

import pytest

from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="runs on its own SQLite file; the PG suite covers the services")


def cms(*args: str, database: str, cwd=None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CMS_DATABASE_URL": database}
    return subprocess.run(
        [sys.executable, "-m", "cms", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


def test_migrate_creates_the_database_file_and_its_folder(tmp_path):
    database = tmp_path / "nested" / "cms.sqlite3"

    result = cms("migrate", database=f"sqlite://{database}")

    assert result.returncode == 0, result.stderr
    assert database.is_file()


def test_seed_twice_reports_created_then_unchanged(tmp_path):
    database = f"sqlite://{tmp_path / 'cms.sqlite3'}"

    first = cms("seed", database=database, cwd=tmp_path)
    second = cms("seed", database=database, cwd=tmp_path)

    assert first.returncode == 0, first.stderr
    assert "created: ketamine-and-depression-how-it-may-help-you" in first.stderr
    assert second.returncode == 0, second.stderr
    assert "unchanged: ketamine-and-depression-how-it-may-help-you" in second.stderr


def test_seed_of_a_folder_without_site_toml_fails_with_the_fix(tmp_path):
    result = cms("seed", str(tmp_path), database=f"sqlite://{tmp_path / 'cms.sqlite3'}")

    assert result.returncode == 2
    assert "has no site.toml" in result.stderr


def test_token_create_prints_the_secret_alone_on_the_last_line(tmp_path):
    result = cms(
        "token", "create", "--name", "site", "--scope", "write", "--scope", "preview",
        database=f"sqlite://{tmp_path / 'cms.sqlite3'}",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    last_line = result.stdout.splitlines()[-1]
    assert last_line.startswith("cms_")
    assert len(last_line) > 40
    assert "preview, write" in result.stderr


def test_token_create_with_an_unknown_scope_fails(tmp_path):
    result = cms("token", "create", "--name", "x", "--scope", "root", database=f"sqlite://{tmp_path / 'cms.sqlite3'}")

    assert result.returncode == 2
    assert "use one or more of preview, write, admin" in result.stderr
    assert result.stdout == ""


def test_bad_configuration_names_the_variable(tmp_path):
    env = {**os.environ, "CMS_DATABASE_URL": f"sqlite://{tmp_path / 'x.sqlite3'}", "CMS_MAX_BODY_BYTES": "lots"}

    result = subprocess.run([sys.executable, "-m", "cms", "migrate"], capture_output=True, text=True, env=env)

    assert result.returncode == 2
    assert "CMS_MAX_BODY_BYTES has value 'lots'" in result.stderr
