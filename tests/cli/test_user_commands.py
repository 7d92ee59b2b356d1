"""`cms user create / password / list / disable / enable`, run as a user runs them."""

import os
import subprocess
import sys

import pytest

from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="runs on its own SQLite file; the PG suite covers the services")


def cms(*args: str, database: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CMS_DATABASE_URL": database}
    command = [sys.executable, "-m", "cms", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, input=stdin, timeout=120)


def test_user_create_prints_a_generated_password_alone_on_the_last_line(tmp_path):
    database = f"sqlite://{tmp_path / 'cms.sqlite3'}"

    result = cms("user", "create", "--email", "Ada@Example.org", "--role", "admin", database=database)

    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()[-1]) == 24
    assert "user 'ada@example.org' with role admin; sign in at /admin" in result.stderr


def test_user_create_reads_the_password_from_stdin_and_prints_none(tmp_path):
    database = f"sqlite://{tmp_path / 'cms.sqlite3'}"

    result = cms(
        "user", "create", "--email", "ed@example.org", "--role", "editor", "--password-stdin",
        database=database, stdin="a long enough password\n",
    )  # fmt: skip

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""


def test_user_create_with_an_unknown_role_fails_with_the_fix(tmp_path):
    database = f"sqlite://{tmp_path / 'cms.sqlite3'}"

    result = cms("user", "create", "--email", "ed@example.org", "--role", "boss", database=database)

    assert result.returncode == 2
    assert "role 'boss' is not valid: use one of editor, admin" in result.stderr


def test_user_list_and_disable(tmp_path):
    database = f"sqlite://{tmp_path / 'cms.sqlite3'}"
    cms("user", "create", "--email", "ed@example.org", "--role", "editor", database=database)

    disabled = cms("user", "disable", "--email", "ed@example.org", database=database)
    listed = cms("user", "list", database=database)

    assert disabled.returncode == 0, disabled.stderr
    assert listed.stdout == "ed@example.org\teditor\tdisabled\n"


def test_user_enable_undoes_disable(tmp_path):
    database = f"sqlite://{tmp_path / 'cms.sqlite3'}"
    cms("user", "create", "--email", "ed@example.org", "--role", "editor", database=database)
    cms("user", "disable", "--email", "ed@example.org", database=database)

    enabled = cms("user", "enable", "--email", "ed@example.org", database=database)
    listed = cms("user", "list", database=database)
    nobody = cms("user", "enable", "--email", "nobody@example.org", database=database)

    assert (enabled.returncode, enabled.stderr) == (0, "user 'ed@example.org' is enabled and can sign in\n")
    assert listed.stdout == "ed@example.org\teditor\tactive\n"
    assert (nobody.returncode, nobody.stderr) == (2, "no user has email 'nobody@example.org': see 'cms user list'\n")


def test_user_password_for_a_disabled_person_says_how_to_enable_them(tmp_path):
    database = f"sqlite://{tmp_path / 'cms.sqlite3'}"
    cms("user", "create", "--email", "ed@example.org", "--role", "editor", database=database)
    cms("user", "disable", "--email", "ed@example.org", database=database)

    result = cms("user", "password", "--email", "ed@example.org", database=database)

    assert result.returncode == 0, result.stderr
    assert "they are disabled: cms user enable --email ed@example.org lets them sign in\n" in result.stderr


def test_user_password_prints_a_generated_password_alone_on_the_last_line(tmp_path):
    database = f"sqlite://{tmp_path / 'cms.sqlite3'}"
    cms("user", "create", "--email", "ed@example.org", "--role", "editor", database=database)

    result = cms("user", "password", "--email", "Ed@Example.org", database=database)

    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()[-1]) == 24
    assert result.stderr == (
        "user 'ed@example.org' has a new password; their sessions have ended\nthe password is shown once:\n"
    )


@pytest.mark.parametrize(
    ("email", "stdin", "message"),
    [
        ("nobody@example.org", None, "no user has email 'nobody@example.org': see 'cms user list'"),
        ("ed@example.org", "too short\n", "password: the password is too short (9 characters): use at least 12"),
    ],
)
def test_user_password_for_nobody_or_too_short_fails_with_the_fix(tmp_path, email, stdin, message):
    database = f"sqlite://{tmp_path / 'cms.sqlite3'}"
    cms("user", "create", "--email", "ed@example.org", "--role", "editor", database=database)
    args = ("--password-stdin",) if stdin else ()

    result = cms("user", "password", "--email", email, *args, database=database, stdin=stdin)

    assert (result.returncode, result.stdout) == (2, "")
    assert message in result.stderr
