"""The README keeps its promises: every setting documented, the quick start unchanged in shape; the docs stand alone."""

import re
from pathlib import Path

import pytest

from cms.config import VARIABLES, ConfigError, Settings

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme_table():
    documented = set(re.findall(r"^\| `(CMS_[A-Z0-9_]+)` \|", README, flags=re.MULTILINE))

    assert documented == set(VARIABLES)


def test_settings_come_from_the_mapping_with_defaults():
    settings = Settings.from_env({"CMS_CORS_ORIGINS": "https://a.example, https://b.example", "CMS_CACHE_MAX_AGE": "5"})

    assert settings == Settings(cors_origins=("https://a.example", "https://b.example"), cache_max_age=5)


def test_a_bad_setting_names_the_variable_and_the_value():
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({"CMS_MAX_BODY_BYTES": "2MB"})

    assert str(raised.value) == "CMS_MAX_BODY_BYTES has value '2MB': not an integer (e.g. CMS_MAX_BODY_BYTES=2097152)"


ROOT = Path(__file__).parents[1]
NOT_OURS = {"node_modules", "__pycache__", "data", "build", "dist"}
"""Folders of a checkout that the project did not write (installed packages, a database made by running it, what
tests generate); hidden folders are tools' (git, caches, the venv) but for .ci."""
OUTSIDE = (b"../shared", b"SPEC.md", b"SPEC \xc2\xa7", b"STACK.md", b"STYLE.md")
"""Documents a clone of the project does not have: what users need from them is restated in docs/."""


def test_no_doc_or_docstring_points_to_a_document_outside_the_repository():
    files = [
        path
        for path in ROOT.rglob("*")
        if path.is_file()
        and path != Path(__file__)
        and not any(
            part in NOT_OURS or (part.startswith(".") and part != ".ci") for part in path.relative_to(ROOT).parent.parts
        )
    ]
    found = [
        f"{path.relative_to(ROOT)}: {name.decode()}" for path in files for name in OUTSIDE if name in path.read_bytes()
    ]

    assert len(files) > 100
    assert found == []
