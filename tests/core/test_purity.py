"""cms.core stays pure: importing every module of it loads neither the database, the web framework nor the layers
above it, so the schema and the renderers work without a running service."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("tortoise", "starlette", "cms.storage", "cms.services", "cms.web")

SCRIPT = textwrap.dedent(
    """
    import importlib, json, pkgutil, sys

    import cms.core

    imported = ["cms.core"]
    for module in pkgutil.walk_packages(cms.core.__path__, prefix="cms.core."):
        importlib.import_module(module.name)
        imported.append(module.name)
    print(json.dumps({"imported": imported, "loaded": sorted(sys.modules)}))
    """
)


def import_every_core_module() -> dict[str, list[str]]:
    """Import cms.core and every module under it in a fresh interpreter; what was imported and what got loaded."""
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, cwd=PROJECT)
    return json.loads(result.stdout)


def test_importing_every_core_module_loads_no_outer_layer():
    loaded = import_every_core_module()["loaded"]

    assert [name for name in loaded if name.startswith(FORBIDDEN)] == []


def test_the_walk_reaches_the_content_model_modules():
    imported = import_every_core_module()["imported"]

    assert {"cms.core.text", "cms.core.spans", "cms.core.blocks", "cms.core.article", "cms.core.slugs"} <= set(imported)
    assert "cms.core.sanitize" in imported
