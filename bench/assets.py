"""The asset benchmark, run by hand (never in CI): `.venv/bin/python -m bench.assets [--quick]`.

Serves a fresh SQLite database and media directory with `cms serve --workers 1` and measures:
- upload throughput (MB/s) of a 20 MB JPEG, and how much the worker's peak RSS grew during it;
- the first (cold) variant of a 24-megapixel JPEG, at several widths and formats (each one a new variant);
- cached variants' requests/s with wrk, next to a bare Starlette app answering the same bytes, in the same run.
Prints Markdown for docs/performance.md.
"""

import argparse
import io
import json
import os
import random
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from PIL import Image

from bench import machine, servers, wrk

CLIENT_HEADERS = {"Accept-Encoding": "gzip"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="5 s wrk runs instead of 15 s")
    parser.add_argument("--connections", type=int, default=64)
    options = parser.parse_args()
    settings = wrk.Settings("5s" if options.quick else "15s", options.connections, 2)
    wrk.require_wrk()
    with tempfile.TemporaryDirectory(prefix="cms-bench-assets-") as tmp:
        folder = Path(tmp)
        lines = run(folder, settings)
    print("\n".join(lines))


def run(folder: Path, settings: wrk.Settings) -> list[str]:
    env = {
        "CMS_DATABASE_URL": f"sqlite://{folder / 'cms.sqlite3'}",
        "CMS_MEDIA_DIR": str(folder / "media"),
        "CMS_MAX_ASSET_BYTES": str(64 * 1024 * 1024),
        "CMS_ACCESS_LOG": "false",
    }
    subprocess.run(
        [sys.executable, "-m", "cms", "migrate"], env=_env(env), check=True, capture_output=True, cwd=servers.ROOT
    )
    created = subprocess.run(
        [sys.executable, "-m", "cms", "token", "create", "--name", "bench", "--scope", "write"],
        env=_env(env),
        check=True,
        capture_output=True,
        text=True,
        cwd=servers.ROOT,
    )
    auth = {"Authorization": f"Bearer {created.stdout.strip().splitlines()[-1]}"}
    log("making the test images")
    upload_jpeg = noise_jpeg(4000, 3200, quality=98)  # ~20 MB: noise barely compresses
    photo = photo_jpeg(6000, 4000)  # 24 megapixels
    port = servers.free_port()
    command = servers.cms_command(port, 1)
    script = wrk.write_script(folder)
    with servers.running("cms serve", command, port, 1, "/readyz", env, folder / "cms.log") as server:
        worker = (server.workers() or [server.process.pid])[0]
        with httpx.Client(base_url=server.url, headers=auth, timeout=120) as client:
            upload = measure_upload(client, worker, upload_jpeg)
            asset = client.post("/api/v1/assets", files={"file": ("photo.jpg", photo)}).raise_for_status().json()
            cold = measure_cold_variants(client, asset["url"])
            cached_path = f"{asset['url']}?w=1280&fm=webp"
            capture(client, cached_path, folder / "capture")
            article_path = publish_article(client, asset["id"])
        log("wrk: cached variant")
        wrk.warm_up(server.url + cached_path, settings, script, CLIENT_HEADERS)
        ours = wrk.run(server.url + cached_path, settings, script, CLIENT_HEADERS)
        log("wrk: cached article")
        wrk.warm_up(server.url + article_path, settings, script, CLIENT_HEADERS)
        article = wrk.run(server.url + article_path, settings, script, CLIENT_HEADERS)
    bare_port = servers.free_port()
    bare_env = {"BENCH_BARE_CAPTURE": str(folder / "capture")}
    meta = json.loads((folder / "capture" / "response.json").read_text())
    bare_command = servers.bare_command(bare_port, 1)
    with servers.running("bare app", bare_command, bare_port, 1, meta["path"], bare_env, folder / "bare.log") as bare:
        log("wrk: bare Starlette")
        wrk.warm_up(bare.url + cached_path, settings, script, CLIENT_HEADERS)
        baseline = wrk.run(bare.url + cached_path, settings, script, CLIENT_HEADERS)
    return report(upload, len(photo), cold, ours, article, baseline, settings)


def _env(extra: dict[str, str]) -> dict[str, str]:
    return {**os.environ, **extra}


def noise_jpeg(width: int, height: int, quality: int) -> bytes:
    pixels = random.Random(10).randbytes(width * height * 3)
    out = io.BytesIO()
    Image.frombytes("RGB", (width, height), pixels).save(out, "JPEG", quality=quality)
    return out.getvalue()


def photo_jpeg(width: int, height: int) -> bytes:
    """A photo-like JPEG: smooth gradients with some grain, about what a camera's file compresses to."""
    small = Image.frombytes("RGB", (60, 40), random.Random(24).randbytes(60 * 40 * 3))
    image = small.resize((width, height), Image.Resampling.BICUBIC)
    grain = Image.effect_noise((width, height), 12).convert("RGB")
    out = io.BytesIO()
    Image.blend(image, grain, 0.08).save(out, "JPEG", quality=90)
    return out.getvalue()


def peak_rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process, in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def measure_upload(client: httpx.Client, worker: int, data: bytes) -> dict[str, float]:
    log(f"uploading {len(data) / 1e6:.1f} MB")
    client.post("/api/v1/assets", files={"file": ("warm.jpg", noise_jpeg(64, 64, 90))}).raise_for_status()
    rss_before, peak_before = peak_rss_mb(worker)
    started = time.perf_counter()
    response = client.post("/api/v1/assets", files={"file": ("big.jpg", data)})
    seconds = time.perf_counter() - started
    response.raise_for_status()
    rss_after, peak_after = peak_rss_mb(worker)
    return {
        "mb": len(data) / 1e6,
        "seconds": seconds,
        "rss_before": rss_before,
        "peak_growth": max(peak_after, rss_before) - max(peak_before, rss_before),
        "peak_over_rss": peak_after - rss_before,
        "rss_after": rss_after,
    }


def measure_cold_variants(client: httpx.Client, url: str) -> list[tuple[str, float, float, int]]:
    results = []
    for query in ("w=640&fm=webp", "w=1280&fm=webp", "w=1920&fm=jpeg", "w=640&fm=avif", "w=320&h=320&fit=cover"):
        started = time.perf_counter()
        response = client.get(f"{url}?{query}")
        seconds = time.perf_counter() - started
        response.raise_for_status()
        again = time.perf_counter()
        client.get(f"{url}?{query}").raise_for_status()
        results.append((query, seconds * 1000, (time.perf_counter() - again) * 1000, len(response.content)))
        log(f"cold {query}: {seconds * 1000:.0f} ms")
    return results


def publish_article(client: httpx.Client, asset_id: str) -> str:
    """A published article of a few paragraphs and the photo, as delivery serves it (JSON): the other cached path."""
    paragraphs = [{"type": "paragraph", "spans": "Words about the picture. " * 20} for _ in range(6)]
    blocks = [*paragraphs, {"type": "image", "asset_id": asset_id, "alt": "A photo"}]
    article = {"title": "A Photo", "sections": [{"heading": "The photo", "blocks": blocks}]}
    client.post("/api/v1/articles", json=article).raise_for_status()
    client.post("/api/v1/articles/a-photo/publish").raise_for_status()
    return "/api/v1/articles/a-photo"


def capture(client: httpx.Client, path: str, folder: Path) -> None:
    """The variant's bytes and headers, for the bare app (which ignores the query string)."""
    response = client.get(path)
    response.raise_for_status()
    folder.mkdir()
    (folder / "body").write_bytes(response.content)
    headers = {name: response.headers[name] for name in ("content-type", "etag", "cache-control")}
    (folder / "response.json").write_text(json.dumps({"path": path.split("?", 1)[0], "headers": headers}))


def report(
    upload: dict[str, float],
    photo_bytes: int,
    cold: list[tuple[str, float, float, int]],
    ours: wrk.Result,
    article: wrk.Result,
    bare: wrk.Result,
    settings: wrk.Settings,
) -> list[str]:
    lines = [
        f"Command: `{shlex.join(['.venv/bin/python', '-m', 'bench.assets', *sys.argv[1:]])}`; "
        f"wrk {settings.duration}, {settings.connections} connections, {settings.threads} threads; one worker.",
        "",
        "| machine |  |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in machine.describe().items()),
        "",
        "| upload of a 20 MB JPEG | |",
        "|---|---|",
        f"| size | {upload['mb']:.1f} MB |",
        f"| time (request to answer, sniff + hash + decode at 1/8 + BlurHash) | {upload['seconds'] * 1000:.0f} ms |",
        f"| throughput | {upload['mb'] / upload['seconds']:.0f} MB/s |",
        f"| worker RSS before | {upload['rss_before']:.0f} MB |",
        f"| worker peak RSS during the upload, above RSS before | {upload['peak_over_rss']:.1f} MB |",
        "",
        f"Cold variants of a 24-megapixel JPEG (6000 x 4000, {photo_bytes / 1e6:.1f} MB), each the first request",
        "for that variant, then the same request again (served from disk):",
        "",
        "| variant | first request ms | second request ms | bytes |",
        "|---|---|---|---|",
        *(f"| `?{query}` | {first:.0f} | {second:.1f} | {size:,} |" for query, first, second, size in cold),
        "",
        "| cached variant (`?w=1280&fm=webp`) | requests/s | p50 ms | p99 ms | errors |",
        "|---|---|---|---|---|",
        f"| cms serve | {ours.requests_per_second:,.0f} | {ours.p50_ms:.2f} | {ours.p99_ms:.2f} | {ours.errors} |",
        f"| cms serve, a cached article (JSON, {article.bytes_per_response:,.0f} bytes) |"
        f" {article.requests_per_second:,.0f} | {article.p50_ms:.2f} | {article.p99_ms:.2f} | {article.errors} |",
        f"| bare Starlette, the variant's bytes | {bare.requests_per_second:,.0f} | {bare.p50_ms:.2f}"
        f" | {bare.p99_ms:.2f} | {bare.errors} |",
        f"| variant / bare | x{ours.requests_per_second / bare.requests_per_second:.2f} | | | |",
        f"| variant / article | x{ours.requests_per_second / article.requests_per_second:.2f} | | | |",
    ]
    return lines


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
