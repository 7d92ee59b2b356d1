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


def test_migrate_creates_the_database_file(tmp_path):
    database = tmp_path / "cms.sqlite3"

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


def test_export_then_import_into_a_new_database_restores_everything(tmp_path):
    source, target = f"sqlite://{tmp_path / 'a.sqlite3'}", f"sqlite://{tmp_path / 'b.sqlite3'}"
    cms("seed", database=source)
    exported = tmp_path / "export.jsonl"

    out = cms("export", "--articles", "--out", str(exported), database=source)
    imported = cms("import", str(exported), database=target)
    again = cms("export", "--articles", database=target)

    assert out.returncode == 0, out.stderr
    assert "exported 1 article(s)" in out.stderr
    assert imported.returncode == 0, imported.stderr
    assert "1 imported, 0 failed" in imported.stderr
    assert again.stdout.encode() == exported.read_bytes()


def test_import_of_a_markdown_folder_reports_each_file_and_fails_on_a_bad_one(tmp_path):
    folder = tmp_path / "posts"
    folder.mkdir()
    (folder / "good.md").write_text("---\ntitle: Good Post\n---\nText.\n")
    (folder / "bad.md").write_text("---\nweight: 3\n---\n# Bad\n")

    result = cms("import", str(folder), "--publish", database=f"sqlite://{tmp_path / 'cms.sqlite3'}")

    assert result.returncode == 1
    assert "imported: good-post" in result.stderr
    assert "not imported:" in result.stderr and "front_matter/weight" in result.stderr
    assert "1 imported, 1 failed" in result.stderr


def test_import_of_a_missing_path_fails_with_the_fix(tmp_path):
    result = cms("import", str(tmp_path / "nope"), database=f"sqlite://{tmp_path / 'cms.sqlite3'}")

    assert result.returncode == 2
    assert "does not exist" in result.stderr
