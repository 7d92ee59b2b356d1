"""The merge benchmark, run by hand (never in CI): `.venv/bin/python -m bench.merge [--quick] [--database D]`.

- **In process**: the pure three-way merge (`cms.core.merge.merge`) of a 200-block article (10 sections x 20
  paragraphs) where theirs changed one block and added one, and mine changed another block and a heading; p50 / p99
  over many runs. Baseline, same run: validating that article as a write's body (`to_document(ArticleInput...)`),
  which every write pays anyway.
- **Over HTTP**, against a real `cms serve --workers 2` on 127.0.0.1 (SQLite, PostgreSQL or both, a fresh
  database each): rounds of 20 concurrent writers. *Merged*: the 20 `PUT` the same 200-block article, each
  changing its own block, all from the same `If-Match` with `Prefer: merge`, so all but one are merged (some more
  than once, as they race for the version). *Baseline*: 20 `PUT`s of the same body size, at once, each to its own
  article with its current `If-Match` (no merge, no race). Rounds alternate. Per request p50 / p99, and each
  round's wall time from the first request sent to the last answer.

Prints Markdown for docs/performance.md. See bench/README.md.
"""

import argparse
import asyncio
import json
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from bench import machine, servers
from bench.events import database, load_average, log, percentile
from cms.core.article import ArticleInput, to_document
from cms.core.merge import Draft, merge
from cms.services import drafts, tokens
from cms.storage import db

WRITERS = 20
SECTIONS, BLOCKS = 10, 20


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.merge", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--postgres", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--runs", type=int, help="in-process merges timed (2000)")
    parser.add_argument("--rounds", type=int, help="rounds of 20 writers, per kind (10)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="300 merges, 3 rounds")
    parser.add_argument("--result-to", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    options.runs = options.runs or (300 if options.quick else 2000)
    options.rounds = options.rounds or (3 if options.quick else 10)
    return options


def body(title: str = "Two Hundred Blocks", edits: dict[int, str] | None = None) -> dict[str, Any]:
    """The 200-block article as a write's body; `edits` replaces the text of blocks by number (0-199)."""
    edits = edits or {}
    return {
        "title": title,
        "sections": [
            {
                "id": f"s{s:02d}",
                "anchor": f"part-{s}",
                "heading": f"Part {s}",
                "blocks": [
                    {"id": f"b{s:02d}{b:02d}", "type": "paragraph", "spans": edits.get(s * BLOCKS + b, f"Text {b}.")}
                    for b in range(BLOCKS)
                ],
            }
            for s in range(SECTIONS)
        ],
    }


def in_process(runs: int) -> dict[str, list[float]]:
    def as_draft(content: dict[str, Any]) -> Draft:
        return Draft("two-hundred-blocks", to_document(ArticleInput.model_validate(content)))

    base = as_draft(body())
    theirs_body = body(edits={3: "Theirs."})
    theirs_body["sections"][5]["blocks"].insert(4, {"id": "added", "type": "paragraph", "spans": "New."})
    theirs = as_draft(theirs_body)
    mine_body = body(edits={150: "Mine."})
    mine_body["sections"][8]["heading"] = "Part Eight"
    mine = as_draft(mine_body)
    assert isinstance(merge(base, theirs, mine), Draft)
    timings: dict[str, list[float]] = {"merge": [], "validate": []}
    for _ in range(runs):
        start = time.perf_counter()
        merge(base, theirs, mine)
        timings["merge"].append(time.perf_counter() - start)
        start = time.perf_counter()
        to_document(ArticleInput.model_validate(mine_body))
        timings["validate"].append(time.perf_counter() - start)
    return timings


async def prepare(url: str) -> dict[str, str]:
    await db.migrate(url)
    async with db.database(url):
        _, secret = await tokens.create("bench", ["write", "preview"])
        await drafts.create(ArticleInput.model_validate(body() | {"slug": "merged"}), "en")
        for n in range(WRITERS):
            await drafts.create(ArticleInput.model_validate(body() | {"slug": f"alone-{n}"}), "en")
    return {"Authorization": f"Bearer {secret}"}


async def timed_put(http: httpx.AsyncClient, slug: str, content: dict[str, Any], headers: dict[str, str]) -> float:
    start = time.perf_counter()
    response = await http.put(f"/api/v1/articles/{slug}", json=content, headers=headers)
    if response.status_code != 200:
        raise RuntimeError(f"PUT {slug}: {response.status_code} {response.text}")
    return time.perf_counter() - start


async def etag(http: httpx.AsyncClient, slug: str, auth: dict[str, str]) -> str:
    return (await http.get(f"/api/v1/articles/{slug}?preview=true", headers=auth)).headers["etag"]


async def over_http(server: servers.Server, auth: dict[str, str], rounds: int) -> dict[str, Any]:
    results: dict[str, Any] = {"merged": [], "baseline": [], "merged_rounds": [], "baseline_rounds": []}
    limits = httpx.Limits(max_connections=WRITERS)
    async with httpx.AsyncClient(base_url=server.url, limits=limits, timeout=60) as http:
        merged: dict[int, str] = {}  # the merged article's text by block, as the last round left it
        for n in range(rounds):
            for kind in ("merged", "baseline") if n % 2 == 0 else ("baseline", "merged"):
                if kind == "merged":  # each writer starts from the same version: the last round's result
                    tag = await etag(http, "merged", auth)
                    calls = [
                        timed_put(
                            http,
                            "merged",
                            body(edits=merged | {w * 10: f"Round {n}, writer {w}."}),
                            auth | {"If-Match": tag, "Prefer": "merge"},
                        )
                        for w in range(WRITERS)
                    ]
                    merged |= {w * 10: f"Round {n}, writer {w}." for w in range(WRITERS)}
                else:
                    tags = [await etag(http, f"alone-{w}", auth) for w in range(WRITERS)]
                    calls = [
                        timed_put(
                            http,
                            f"alone-{w}",
                            body(edits={w * 10: f"Round {n}, writer {w}."}),
                            auth | {"If-Match": tags[w]},
                        )
                        for w in range(WRITERS)
                    ]
                start = time.perf_counter()
                results[kind] += await asyncio.gather(*calls)
                results[f"{kind}_rounds"].append(time.perf_counter() - start)
        final = (await http.get("/api/v1/articles/merged?preview=true", headers=auth)).json()
    results["merged_version"] = final["version"]
    return results


def run(kind: str, url: str, folder: Path, options: argparse.Namespace) -> dict[str, Any]:
    load = load_average()
    auth = asyncio.run(prepare(url))
    port = servers.free_port()
    command = servers.cms_command(port, options.workers)
    env = {"CMS_DATABASE_URL": url, "CMS_ACCESS_LOG": "false"}
    with servers.running("cms serve", command, port, options.workers, "/readyz", env, folder / "cms.log") as server:
        log(f"{kind}: {options.rounds} rounds of {WRITERS} writers, merged and baseline")
        results = asyncio.run(over_http(server, auth, options.rounds))
    return {"kind": kind, "load": [load, load_average()], **results}


def main(argv: list[str] | None = None) -> None:
    options = parse_args(argv)
    if options.result_to:  # one database, in this process: Tortoise keeps one dialect per process
        with (
            tempfile.TemporaryDirectory(prefix="cms-bench-merge-") as tmp,
            database(options.database, options, Path(tmp)) as url,
        ):
            result = run(options.database, url, Path(tmp), options)
        Path(options.result_to).write_text(json.dumps(result))
        return
    log(f"in process: {options.runs} merges of a {SECTIONS * BLOCKS}-block article")
    timings = in_process(options.runs)
    kinds = ("sqlite", "postgres") if options.database == "both" else (options.database,)
    results = []
    for kind in kinds:
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            args = [*(argv if argv is not None else sys.argv[1:])]
            args = [a for i, a in enumerate(args) if a != "--database" and (i == 0 or args[i - 1] != "--database")]
            command = [sys.executable, "-m", "bench.merge", *args, "--database", kind, "--result-to", out.name]
            subprocess.run(command, cwd=servers.ROOT, check=True, timeout=1800)
            results.append(json.loads(Path(out.name).read_text()))
    print(markdown(timings, results, options))


def markdown(timings: dict[str, list[float]], results: list[dict[str, Any]], options: argparse.Namespace) -> str:
    merge_p50, validate_p50 = percentile(timings["merge"], 0.5), percentile(timings["validate"], 0.5)
    lines = [
        f"Command: `{shlex.join(['.venv/bin/python', '-m', 'bench.merge', *sys.argv[1:]])}`",
        "",
        "| machine |  |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in machine.describe().items() if name != "wrk"),
        "",
        f"In process, a {SECTIONS * BLOCKS}-block article, {options.runs} runs, ms:",
        "",
        "| what | p50 | p99 |",
        "|---|---|---|",
        f"| merge (base, theirs, mine) | {merge_p50:.2f} | {percentile(timings['merge'], 0.99):.2f} |",
        f"| baseline: validating the same article as a write's body | {validate_p50:.2f}"
        f" | {percentile(timings['validate'], 0.99):.2f} |",
        "",
        f"Ratio of p50s, merge / validation: {merge_p50 / validate_p50:.2f}.",
        "",
        f"Over HTTP, `cms serve --workers {options.workers}` (access log off), {options.rounds} rounds of {WRITERS}"
        " concurrent PUTs of the 200-block article, ms:",
        "",
        "| database | PUTs | per request p50 | p99 | round p50 | round max | writes/s | final version |"
        " load before / after |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        for kind, label in (("merged", "merged, one article, one stale If-Match"),
                            ("baseline", "baseline, 20 articles, current If-Match")):  # fmt: skip
            requests, rounds = result[kind], result[f"{kind}_rounds"]
            version = result["merged_version"] if kind == "merged" else ""
            lines.append(
                f"| {result['kind']}: {label} | {len(requests)} | {percentile(requests, 0.5):.0f}"
                f" | {percentile(requests, 0.99):.0f} | {percentile(rounds, 0.5):.0f} | {max(rounds) * 1000:.0f}"
                f" | {len(requests) / sum(rounds):.0f} | {version} | {result['load'][0]} / {result['load'][1]} |"
            )
    lines.append("")
    for result in results:
        ratio = percentile(result["merged_rounds"], 0.5) / percentile(result["baseline_rounds"], 0.5)
        lines.append(f"{result['kind']}: a merged round takes {ratio:.2f}x the baseline's (p50 of round times).")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
