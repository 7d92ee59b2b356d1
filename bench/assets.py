"""The asset benchmark, run by hand (never in CI): `.venv/bin/python -m bench.assets [--quick] [--store file|s3|both]`.

Serves a fresh SQLite database with `cms serve --workers 1`, once per media store (a local directory; an
S3-compatible server, the one `.ci/swift.sh start` prints, CMS_TEST_S3_*), and measures for each:
- upload throughput (MB/s) of a 20 MB JPEG, and how much the worker's peak RSS grew during it;
- the first (cold) variant of a 24-megapixel JPEG, at several widths and formats (each one a new variant), and the
  same request again;
- a 200 MB file uploaded and then downloaded whole (streamed): throughput and the worker's peak RSS above its RSS;
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
import uuid
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from bench import machine, servers, wrk

CLIENT_HEADERS = {"Accept-Encoding": "gzip"}
BIG_FILE = 200 * 1024 * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="5 s wrk runs instead of 15 s")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--store", choices=("file", "s3", "both"), default="both")
    options = parser.parse_args()
    settings = wrk.Settings("5s" if options.quick else "15s", options.connections, 2)
    wrk.require_wrk()
    stores = ["file", "s3"] if options.store == "both" else [options.store]
    if "s3" in stores and not os.environ.get("CMS_TEST_S3_ENDPOINT_URL"):
        sys.exit("no S3 server: run `.ci/swift.sh start` and export what it prints, or pass --store file")
    with tempfile.TemporaryDirectory(prefix="cms-bench-assets-") as tmp:
        folder = Path(tmp)
        log("making the test images")
        images = {"upload": noise_jpeg(4000, 3200, quality=98), "photo": photo_jpeg(6000, 4000)}  # ~20 MB, 24 Mpx
        results = {store: run(folder / store, settings, store, images) for store in stores}
        baseline = run_bare(folder / stores[0], settings)
        lines = report(results, len(images["photo"]), baseline, settings)
    print("\n".join(lines))


def store_env(store: str, folder: Path) -> dict[str, str]:
    if store == "file":
        return {"CMS_MEDIA_DIR": str(folder / "media")}
    return {
        "CMS_MEDIA_DIR": str(folder / "media"),
        "CMS_MEDIA_URL": f"s3://{os.environ['CMS_TEST_S3_BUCKET']}/bench-{uuid.uuid4().hex[:12]}",
        "CMS_S3_ENDPOINT_URL": os.environ["CMS_TEST_S3_ENDPOINT_URL"],
        "AWS_ACCESS_KEY_ID": os.environ["CMS_TEST_S3_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": os.environ["CMS_TEST_S3_SECRET_ACCESS_KEY"],
    }


def run(folder: Path, settings: wrk.Settings, store: str, images: dict[str, bytes]) -> dict[str, Any]:
    folder.mkdir(parents=True)
    env = {
        "CMS_DATABASE_URL": f"sqlite://{folder / 'cms.sqlite3'}",
        "CMS_MAX_ASSET_BYTES": str(BIG_FILE + 1024 * 1024),
        "CMS_ACCESS_LOG": "false",
        **store_env(store, folder),
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
    port = servers.free_port()
    command = servers.cms_command(port, 1)
    script = wrk.write_script(folder)
    log(f"== store: {store}")
    with servers.running("cms serve", command, port, 1, "/readyz", env, folder / "cms.log") as server:
        worker = (server.workers() or [server.process.pid])[0]
        with httpx.Client(base_url=server.url, headers=auth, timeout=300) as client:
            upload = measure_upload(client, worker, images["upload"])
            asset = client.post("/api/v1/assets", files={"file": ("photo.jpg", images["photo"])}).raise_for_status()
            url = asset.json()["url"]
            cold = measure_cold_variants(client, url)
            cached_path = f"{url}?w=1280&fm=webp"
            capture(client, cached_path, folder / "capture")
            article_path = publish_article(client, asset.json()["id"])
            big = measure_big_file(client, worker, folder)
        log("wrk: cached variant")
        wrk.warm_up(server.url + cached_path, settings, script, CLIENT_HEADERS)
        ours = wrk.run(server.url + cached_path, settings, script, CLIENT_HEADERS)
        log("wrk: cached article")
        wrk.warm_up(server.url + article_path, settings, script, CLIENT_HEADERS)
        article = wrk.run(server.url + article_path, settings, script, CLIENT_HEADERS)
    return {"upload": upload, "cold": cold, "big": big, "ours": ours, "article": article, "path": cached_path}


def run_bare(folder: Path, settings: wrk.Settings) -> wrk.Result:
    script = wrk.write_script(folder)
    bare_port = servers.free_port()
    bare_env = {"BENCH_BARE_CAPTURE": str(folder / "capture")}
    meta = json.loads((folder / "capture" / "response.json").read_text())
    bare_command = servers.bare_command(bare_port, 1)
    with servers.running("bare app", bare_command, bare_port, 1, meta["path"], bare_env, folder / "bare.log") as bare:
        log("wrk: bare Starlette")
        wrk.warm_up(bare.url + meta["path"], settings, script, CLIENT_HEADERS)
        return wrk.run(bare.url + meta["path"], settings, script, CLIENT_HEADERS)


def reset_peak(pid: int) -> bool:
    """Start the peak RSS (VmHWM) anew (Linux: `5` to clear_refs); False where that is not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def measure_big_file(client: httpx.Client, worker: int, folder: Path) -> dict[str, float]:
    """A 200 MB file (a PDF: stored as it is, never decoded) up, then down whole, streamed by the client."""
    path = folder / "big.pdf"
    with path.open("wb") as file:
        file.write(b"%PDF-1.7\n")
        chunk = random.Random(200).randbytes(1024 * 1024)
        for _ in range(BIG_FILE // len(chunk)):
            file.write(chunk)
    log("uploading 200 MB")
    rss_before, _ = peak_rss_mb(worker)
    reset_peak(worker)
    started = time.perf_counter()
    with path.open("rb") as file:
        uploaded = client.post("/api/v1/assets", files={"file": ("big.pdf", file, "application/pdf")})
    up_seconds = time.perf_counter() - started
    uploaded.raise_for_status()
    _, up_peak = peak_rss_mb(worker)
    path.unlink()
    log("downloading 200 MB")
    rss_mid, _ = peak_rss_mb(worker)
    reset_peak(worker)
    received = 0
    started = time.perf_counter()
    with client.stream("GET", uploaded.json()["url"]) as response:
        response.raise_for_status()
        for part in response.iter_raw():
            received += len(part)
    down_seconds = time.perf_counter() - started
    _, down_peak = peak_rss_mb(worker)
    assert received == BIG_FILE + len(b"%PDF-1.7\n"), received
    return {
        "mb": received / 1e6,
        "up_seconds": up_seconds,
        "down_seconds": down_seconds,
        "up_peak_over_rss": up_peak - rss_before,
        "down_peak_over_rss": down_peak - rss_mid,
        "rss_before": rss_before,
    }


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
    if reset_peak(worker):
        peak_before = rss_before
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


def summary(result: dict[str, Any]) -> dict[str, str]:
    """One store's figures as the table shows them."""
    up, big = result["upload"], result["big"]
    return {
        "upload of a 20 MB JPEG (sniff + hash + decode at 1/8 + BlurHash + store)": f"{up['seconds'] * 1000:.0f} ms",
        "upload throughput": f"{up['mb'] / up['seconds']:.0f} MB/s",
        "worker RSS before": f"{up['rss_before']:.0f} MB",
        "worker peak RSS during the upload, above RSS before": f"{up['peak_over_rss']:.1f} MB",
        "200 MB file: upload throughput": f"{big['mb'] / big['up_seconds']:.0f} MB/s",
        "200 MB file: peak RSS during its upload, above RSS before": f"{big['up_peak_over_rss']:.1f} MB",
        "200 MB file: download throughput (streamed whole)": f"{big['mb'] / big['down_seconds']:.0f} MB/s",
        "200 MB file: peak RSS during its download, above RSS before": f"{big['down_peak_over_rss']:.1f} MB",
    }


def report(results: dict[str, dict[str, Any]], photo_bytes: int, bare: wrk.Result, settings: wrk.Settings) -> list[str]:
    stores = list(results)
    summaries = {store: summary(results[store]) for store in stores}
    lines = [
        f"Command: `{shlex.join(['.venv/bin/python', '-m', 'bench.assets', *sys.argv[1:]])}`; "
        f"wrk {settings.duration}, {settings.connections} connections, {settings.threads} threads; one worker.",
        "",
        "| machine |  |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in machine.describe().items()),
        "",
        "| | " + " | ".join(stores) + " |",
        "|---|" + "---|" * len(stores),
        *(f"| {name} | " + " | ".join(summaries[s][name] for s in stores) + " |" for name in summaries[stores[0]]),
        "",
        f"Cold variants of a 24-megapixel JPEG (6000 x 4000, {photo_bytes / 1e6:.1f} MB), each the first request",
        "for that variant, then the same request again, in ms:",
        "",
        "| variant | " + " | ".join(f"{store} first | {store} again" for store in stores) + " |",
        "|---|" + "---|---|" * len(stores),
    ]
    for index, (query, *_) in enumerate(results[stores[0]]["cold"]):
        cells = [f"{results[s]['cold'][index][1]:.0f} | {results[s]['cold'][index][2]:.1f}" for s in stores]
        lines.append(f"| `?{query}` | " + " | ".join(cells) + " |")
    lines += ["", "| cached (`?w=1280&fm=webp`) | requests/s | p50 ms | p99 ms | errors |", "|---|---|---|---|---|"]
    for store in stores:
        for name, got in (
            (f"variant, {store}", results[store]["ours"]),
            (f"article, {store}", results[store]["article"]),
        ):
            lines.append(
                f"| {name} | {got.requests_per_second:,.0f} | {got.p50_ms:.2f} | {got.p99_ms:.2f} | {got.errors} |"
            )
    lines.append(
        f"| bare Starlette, the variant's bytes | {bare.requests_per_second:,.0f} | {bare.p50_ms:.2f}"
        f" | {bare.p99_ms:.2f} | {bare.errors} |"
    )
    for store in stores:
        ratio = results[store]["ours"].requests_per_second / bare.requests_per_second
        lines.append(f"| variant / bare, {store} | x{ratio:.2f} | | | |")
    return lines


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
