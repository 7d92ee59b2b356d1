"""A media disk that is full: uploads and new variants answer 503 with Retry-After, and leave no file behind.

The disk is real: a 1 MiB tmpfs mounted for each test (root only; skipped, saying so, where mounting is not allowed).
"""

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cms.config import Settings
from tests.web.images import image

DISK_BYTES = 1024 * 1024
TOO_BIG_FOR_THE_DISK = image(1000, 800, "PNG", compress_level=0)  # about 2.4 MB, under CMS_MAX_ASSET_BYTES


@pytest.fixture
def disk(tmp_path: Path) -> Iterator[Path]:
    """A tmpfs of DISK_BYTES, unmounted afterwards."""
    mount = tmp_path / "disk"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES}", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"a small filesystem cannot be mounted here (needs root): {mounted.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


@pytest.fixture
def settings(database_url: str, disk: Path) -> Settings:
    return Settings(database_url=database_url, media_dir=str(disk / "media"))


def files_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def fill(disk: Path) -> None:
    """Every free byte of the disk taken by a file outside the media directory."""
    with open(disk / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError:  # ENOSPC: the disk is full
            pass


async def test_an_upload_larger_than_the_free_space_answers_503_with_retry_after(
    client: httpx.AsyncClient, editor: dict[str, str]
):
    response = await client.post("/api/v1/assets", files={"file": ("big.png", TOO_BIG_FOR_THE_DISK)}, headers=editor)

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "1"
    assert response.json()["detail"] == "the media disk is full: retry once space has been freed"


async def test_an_upload_on_a_full_disk_leaves_no_file_in_the_media_directory(
    client: httpx.AsyncClient, editor: dict[str, str], settings: Settings
):
    await client.post("/api/v1/assets", files={"file": ("big.png", TOO_BIG_FOR_THE_DISK)}, headers=editor)

    assert files_under(Path(settings.media_dir)) == []
    listed = await client.get("/api/v1/assets", headers=editor)
    assert listed.json()["items"] == []


async def test_a_new_variant_on_a_full_disk_answers_503_and_leaves_no_file(
    client: httpx.AsyncClient, editor: dict[str, str], settings: Settings, disk: Path
):
    uploaded = await client.post("/api/v1/assets", files={"file": ("a.png", image(800, 600))}, headers=editor)
    asset: dict[str, Any] = uploaded.json()
    fill(disk)

    response = await client.get(asset["url"], params={"w": 320, "fm": "png"})

    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert files_under(Path(settings.media_dir)) == [f"{asset['sha256'][:2]}/{asset['sha256']}/original"]
