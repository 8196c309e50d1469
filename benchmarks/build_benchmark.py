"""Build benchmark: the seed site's full build (pages, MkDocs, search index), before and after
a change, as a ratio measured in one run on one machine.

    .venv/bin/python benchmarks/build_benchmark.py                 # before = BASE_REF below
    .venv/bin/python benchmarks/build_benchmark.py --before <git ref> --runs 5 --no-write

"Before" is a git ref checked out into a temporary worktree; "after" is this working tree.
The two builds alternate (before, after, before, after …) so that a noisy neighbour slows
both alike; the medians and their ratio are printed and written into docs/benchmarks.md.
A measurement, never a test: nothing here is asserted.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- build-benchmark:start -->", "<!-- build-benchmark:end -->"
BASE_REF = "2bbd88c"  # main before issues 9 and 10: no progress, no status, no page catalogue


def _build_seconds(tree: Path, out: Path) -> float:
    """One full build of `tree`'s site_data, run with `tree`'s own generator package."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1764460800")  # one reference date for both trees
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", "build", "--out", str(out)], cwd=tree, env=env,
                   check=True, capture_output=True)
    return time.perf_counter() - started


def measure(before_ref: str, runs: int) -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory(prefix="build-bench-") as tmp:
        base = Path(tmp) / "before"
        subprocess.run(["git", "worktree", "add", "--detach", "-q", str(base), before_ref], cwd=ROOT, check=True)
        try:
            times: dict[str, list[float]] = {"before": [], "after": []}
            for run in range(runs + 1):  # the first round warms the disk cache and is dropped
                for name, tree in (("before", base), ("after", ROOT)):
                    seconds = _build_seconds(tree, Path(tmp) / f"{name}-{run}" / "site")
                    if run:
                        times[name].append(seconds)
            return times
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=ROOT, check=False)


def report(before_ref: str, times: dict[str, list[float]]) -> str:
    before, after = statistics.median(times["before"]), statistics.median(times["after"])
    rows = "\n".join(f"| {name} | {statistics.median(t):.2f} s | {min(t):.2f} s | {max(t):.2f} s |"
                     for name, t in (("before (" + before_ref + ")", times["before"]), ("after (this tree)", times["after"])))
    return f"""{START}
## Build time of the seed site

Measured {dt.date.today().isoformat()} with `benchmarks/build_benchmark.py` on {platform.machine()} ({platform.system()}, {os.cpu_count()} cores): `python -m generator build` (pages, MkDocs, Pagefind index) of the five seed plans, {len(times['after'])} runs of each tree, alternating, after one warm-up round. "Before" is `{before_ref}`, main before task status, progress reports and the page catalogue.

| tree | median | fastest | slowest |
|---|---|---|---|
{rows}

**Ratio after / before (medians): {after / before:.2f}** (the budget for the status work is 1.20).
{END}"""


def write(section: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    if START in text:
        head, rest = text.split(START, 1)
        text = head + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BASE_REF, help="git ref of the 'before' tree")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    section = report(args.before, measure(args.before, args.runs))
    print(section)
    if not args.no_write:
        write(section)


if __name__ == "__main__":
    main()
