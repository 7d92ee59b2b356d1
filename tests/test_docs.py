"""The README keeps its promises: every setting documented, the quick start unchanged in shape."""

import re
from pathlib import Path

import pytest

from cms.config import VARIABLES, ConfigError, Settings

README = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme_table():
    documented = set(re.findall(r"^\| `(CMS_[A-Z_]+)` \|", README, flags=re.MULTILINE))

    assert documented == set(VARIABLES)


def test_settings_come_from_the_mapping_with_defaults():
    settings = Settings.from_env({"CMS_CORS_ORIGINS": "https://a.example, https://b.example", "CMS_CACHE_MAX_AGE": "5"})

    assert settings == Settings(cors_origins=("https://a.example", "https://b.example"), cache_max_age=5)


def test_a_bad_setting_names_the_variable_and_the_value():
    with pytest.raises(ConfigError) as raised:
        Settings.from_env({"CMS_MAX_BODY_BYTES": "2MB"})

    assert str(raised.value) == "CMS_MAX_BODY_BYTES has value '2MB': not an integer (e.g. CMS_MAX_BODY_BYTES=2097152)"
