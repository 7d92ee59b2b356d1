"""Export and import of 1 GiB of assets, run by hand: `.venv/bin/python -m bench.backup [--gib 1] [--gzip]`.

Makes a fresh SQLite database and media directory holding the seed and `--gib` GiB of generated assets (64
files of random, incompressible bytes behind a PDF header, stored through the upload service), then times
`cms export --out` and `cms import` into another empty database and media directory, each a subprocess whose peak
RSS is read by GNU time (`/usr/bin/time -f %M`). The target is under 200 MB each.

Baselines from the same run, on the same files: GNU tar writing and reading the media directory (what the
archive's bytes cost without the database and the checks), and the peak RSS of `cms migrate` (the process alone).
Prints Markdown for docs/performance.md.
"""

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import machine
from cms.services import database
from cms.services.assets import Assets
from cms.services.media import LocalMediaStore

FILES = 64
CHUNK = 1 << 20
PDF_HEAD = b"%PDF-1.4\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gib", type=float, default=1.0, help="GiB of assets (default 1)")
    parser.add_argument("--gzip", action="store_true", help="write .tar.gz instead of .tar")
    args = parser.parse_args()
    total = int(args.gib * (1 << 30))
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="cms-bench-backup-") as tmp:
        folder = Path(tmp)
        source, target = _site(folder / "source"), _site(folder / "target")
        archive = folder / ("site.tar.gz" if args.gzip else "site.tar")
        _log(f"generating {FILES} assets, {total / (1 << 30):.2f} GiB")
        _run(["seed"], source)
        asyncio.run(_generate(source, total))
        rows = [
            ("`cms migrate` (the process alone)", *_measure(["migrate"], _site(folder / "empty"))),
            ("`cms export --out`", *_measure(["export", "--out", str(archive)], source)),
            ("`cms import`", *_measure(["import", str(archive)], target)),
        ]
        tar_flags = "z" if args.gzip else ""
        copy = folder / ("copy.tar.gz" if args.gzip else "copy.tar")
        rows.append(
            (
                "GNU tar writing the media dir",
                *_measure_raw(["tar", f"-c{tar_flags}f", str(copy), "-C", source["CMS_MEDIA_DIR"], "."]),
            )
        )
        unpacked = folder / "unpacked"
        unpacked.mkdir()
        rows.append(
            ("GNU tar reading it back", *_measure_raw(["tar", f"-x{tar_flags}f", str(copy), "-C", str(unpacked)]))
        )
        archive_bytes = archive.stat().st_size
    print(
        f"{FILES} assets, {total / (1 << 30):.2f} GiB of random bytes; archive {archive.name}, "
        f"{archive_bytes / (1 << 30):.2f} GiB. Load average at the start: {load:.1f}.\n"
    )
    print("| step | time | peak RSS |")
    print("|---|---|---|")
    for name, seconds, peak in rows:
        print(f"| {name} | {seconds:.1f} s | {peak:.0f} MB |")
    print()
    for key, value in machine.describe().items():
        print(f"- {key}: {value}")


def _site(folder: Path) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    return {"CMS_DATABASE_URL": f"sqlite://{folder / 'cms.sqlite3'}", "CMS_MEDIA_DIR": str(folder / "media")}


async def _generate(site: dict[str, str], total: int) -> None:
    """FILES uploads of total / FILES random bytes each, through the same service an upload uses."""
    size = total // FILES
    assets = Assets(LocalMediaStore(site["CMS_MEDIA_DIR"]), size + 1, 1, 1, (640,), (75,))
    async with database.database(site["CMS_DATABASE_URL"]):
        for number in range(FILES):
            upload = assets.upload()
            try:
                upload.write(PDF_HEAD)
                left = size - len(PDF_HEAD)
                while left > 0:
                    chunk = os.urandom(min(CHUNK, left))
                    upload.write(chunk)
                    left -= len(chunk)
                await assets.store_upload(upload, f"file-{number}.pdf", None)
            finally:
                upload.discard()


def _run(args: list[str], site: dict[str, str]) -> None:
    subprocess.run([sys.executable, "-m", "cms", *args], env={**os.environ, **site}, check=True, capture_output=True)


def _measure(args: list[str], site: dict[str, str]) -> tuple[float, float]:
    _log(f"cms {' '.join(args)}")
    return _measure_raw([sys.executable, "-m", "cms", *args], {**os.environ, **site})


def _measure_raw(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time and peak RSS (MB) of one command, the peak read by GNU time (`%M`): a child forked from this
    process would count this process's own pages before its exec."""
    started = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-f", "peak %M", *command], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{command[:4]} failed: {result.stderr.decode()}")
    peak_kib = int(result.stderr.decode().rsplit("peak ", 1)[1].split()[0])
    return seconds, peak_kib / 1024


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


if __name__ == "__main__":
    main()
