"""Peak memory of a worker asked for many new variants at once, run by hand: `.venv/bin/python -m bench.variant_memory`.

Serves a fresh SQLite database and media directory with `cms serve --workers 1` (uvicorn), uploads a large image,
then sends 50 concurrent requests, each for a variant not made before, and reads the worker's peak RSS (VmHWM)
before and after. Once for a 40-megapixel JPEG, once for a 40-megapixel PNG with transparency (no draft decoding).
Prints Markdown for docs/performance.md.
"""

import asyncio
import collections
import io
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
from PIL import Image

from bench import servers
from bench.assets import log, peak_rss_mb, photo_jpeg

CONCURRENT = 50
SIZE = (8000, 5000)
"""40 megapixels: the largest image CMS_MAX_IMAGE_PIXELS accepts by default."""


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="cms-bench-variant-memory-") as tmp:
        photo = photo_jpeg(*SIZE)
        png = io.BytesIO()
        Image.open(io.BytesIO(photo)).convert("RGBA").save(png, "PNG", compress_level=1)
        rows = [run(Path(tmp) / "jpeg", "photo.jpg", photo), run(Path(tmp) / "png", "photo.png", png.getvalue())]
    print(f"{CONCURRENT} concurrent requests, each for a new variant of the image; one uvicorn worker.\n")
    print("| image | bytes | worker RSS before | peak RSS during | peak above RSS before | answers |")
    print("|---|---|---|---|---|---|")
    print("\n".join(rows))


def queries() -> list[str]:
    """50 variants that both the old and the bounded scheme accept, none the same file."""
    found = [
        f"w={w}&fm={fm}" + (f"&h={h}" if h else "")
        for w in (320, 640, 960, 1280, 1920, 2560)
        for fm in ("webp", "jpeg", "avif", "png")
        for h in (None, 320)
    ]
    return [*found, "w=640&h=640&fit=cover", "w=960&h=640&fit=cover"][:CONCURRENT]


def run(folder: Path, name: str, data: bytes) -> str:
    folder.mkdir()
    env = {
        "CMS_DATABASE_URL": f"sqlite://{folder / 'cms.sqlite3'}",
        "CMS_MEDIA_DIR": str(folder / "media"),
        "CMS_MAX_ASSET_BYTES": str(256 * 1024 * 1024),
        "CMS_ACCESS_LOG": "false",
    }
    full_env = {**os.environ, **env}
    subprocess.run([sys.executable, "-m", "cms", "migrate"], env=full_env, check=True, cwd=servers.ROOT)
    created = subprocess.run(
        [sys.executable, "-m", "cms", "token", "create", "--name", "bench", "--scope", "write"],
        env=full_env,
        check=True,
        capture_output=True,
        text=True,
        cwd=servers.ROOT,
    )
    auth = {"Authorization": f"Bearer {created.stdout.strip().splitlines()[-1]}"}
    port = servers.free_port()
    with servers.running("cms serve", servers.cms_command(port, 1), port, 1, "/readyz", env, folder / "cms.log") as s:
        worker = (s.workers() or [s.process.pid])[0]
        with httpx.Client(base_url=s.url, headers=auth, timeout=300) as client:
            asset = client.post("/api/v1/assets", files={"file": (name, data)}).raise_for_status().json()
            client.get(asset["url"], params={"w": 320}).raise_for_status()  # Pillow loaded, one variant made
        Path(f"/proc/{worker}/clear_refs").write_text("5")  # the peak RSS starts again from the RSS now
        rss_before, _ = peak_rss_mb(worker)
        log(f"{name}: {CONCURRENT} new variants at once")
        statuses = asyncio.run(_all_at_once(s.url, asset["url"]))
        _, peak = peak_rss_mb(worker)
    answers = ", ".join(f"{count} x {status}" for status, count in sorted(collections.Counter(statuses).items()))
    return (
        f"| {name.split('.')[1].upper()} {SIZE[0]} x {SIZE[1]} | {len(data) / 1e6:.1f} MB | {rss_before:.0f} MB "
        f"| {peak:.0f} MB | {peak - rss_before:.0f} MB | {answers} |"
    )


async def _all_at_once(base: str, url: str) -> list[int]:
    async with httpx.AsyncClient(base_url=base, timeout=300) as client:
        responses = await asyncio.gather(*(client.get(f"{url}?{query}") for query in queries()))
    return [response.status_code for response in responses]


if __name__ == "__main__":
    main()
