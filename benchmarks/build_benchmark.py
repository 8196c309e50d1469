"""Build benchmark: the seed site's full build (pages, MkDocs, search index), before and after
a change, as a ratio measured in one run on one machine (issue 14: "≥ 3× faster than before,
and ≤ 4 s").

    .venv/bin/python benchmarks/build_benchmark.py                 # before = BASE_REF below
    .venv/bin/python benchmarks/build_benchmark.py --before <git ref> --runs 5 --no-write

"Before" is a commit exported with `git archive <commit> | tar -x` into a temporary folder
(the repository's git state is never touched: no worktree, no checkout); it has no .git, which
is fine for a tree without the history feature. "After" is this working tree, as it is. Each
tree builds its own site_data/ with its own generator package the way the CLI does,
`python -m generator build --out …` (search index on, no --site-url). The builds alternate
(before, after, before, after …) after one dropped warm-up round, so that a noisy neighbour
slows both alike; the medians and their ratio are printed and written between the
build-benchmark markers of docs/benchmarks.md. A measurement, never a test: nothing here is
asserted.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: `benchmarks` from this tree

from benchmarks.doc import tree_state, write_section  # noqa: E402
START, END = "<!-- build-benchmark:start -->", "<!-- build-benchmark:end -->"
BASE_REF = "7a211e9"  # main before issue 14 (and before issues 11-13, which landed with its first part)
EPOCH = "1764460800"  # one reference date for both trees, so both build the same pages
TARGET_SPEEDUP = 3.0
TARGET_SECONDS = 4.0


def export_tree(ref: str, dest: Path) -> str:
    """Write commit `ref`'s files into `dest` (git archive | tar -x); return its short id.

    Reads the repository only: nothing is added to its worktrees, index or refs."""
    commit = subprocess.run(["git", "rev-parse", "--short", f"{ref}^{{commit}}"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout.strip()
    dest.mkdir(parents=True)
    archive = subprocess.Popen(["git", "archive", "--format=tar", commit], cwd=ROOT, stdout=subprocess.PIPE)
    subprocess.run(["tar", "-x", "-C", str(dest)], stdin=archive.stdout, check=True)
    archive.stdout.close()  # type: ignore[union-attr]
    if archive.wait() != 0:
        raise SystemExit(f"git archive {commit} failed")
    _check_imports_own_package(dest)
    return commit


def _check_imports_own_package(tree: Path) -> None:
    """`python -m generator` run in `tree` must import `tree`'s package, not the installed one."""
    found = subprocess.run([sys.executable, "-c", "import generator; print(generator.__file__)"], cwd=tree,
                           check=True, capture_output=True, text=True).stdout.strip()
    if not Path(found).resolve().is_relative_to(tree.resolve()):
        raise SystemExit(f"{tree}: python imports generator from {found}, not from the tree to measure")


def _takes_timings(tree: Path) -> bool:
    """Whether this tree's `build` has --timings (added in issue 14)."""
    cli = tree / "generator" / "cli.py"
    return cli.is_file() and "--timings" in cli.read_text(encoding="utf-8")


def build_once(tree: Path, out: Path) -> tuple[float, dict[str, float]]:
    """One full build of `tree`'s site_data with `tree`'s own generator: (seconds, stage seconds)."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    command = [sys.executable, "-m", "generator", "build", "--out", str(out)]
    timings = out.parent / "timings.json"
    if _takes_timings(tree):
        command += ["--timings", str(timings)]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"the build in {tree} failed:\n{result.stderr[-3000:]}")
    stages = json.loads(timings.read_text(encoding="utf-8"))["stages"] if timings.exists() else {}
    return seconds, stages


def measure(before: Path, runs: int, work: Path) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Alternating builds; the first round warms the disk cache and is dropped.
    Returns the seconds of each tree and the after tree's stage seconds."""
    times: dict[str, list[float]] = {"before": [], "after": []}
    stages: dict[str, list[float]] = {}
    for run in range(runs + 1):
        for name, tree in (("before", before), ("after", ROOT)):
            seconds, stage_seconds = build_once(tree, work / f"{name}-{run}" / "site")
            if run:
                times[name].append(seconds)
                if name == "after":
                    for stage, value in stage_seconds.items():
                        stages.setdefault(stage, []).append(value)
            print(f"round {run}{' (warm-up)' if not run else ''}: {name} {seconds:.2f} s", flush=True)
    return times, stages


def _cpu() -> str:
    try:
        return next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name")), "")
    except OSError:
        return ""


def _runs(count: int) -> str:
    return "1 run" if count == 1 else f"{count} runs"


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def report(before_ref: str, times: dict[str, list[float]], stages: dict[str, list[float]]) -> str:
    before, after = statistics.median(times["before"]), statistics.median(times["after"])
    speedup = before / after
    rows = "\n".join(f"| {name} | {statistics.median(t):.2f} s | {min(t):.2f} s | {max(t):.2f} s |"
                     for name, t in ((f"before (`{before_ref}`)", times["before"]), ("after (this tree)", times["after"])))
    cpu = _cpu()
    where = ""
    if stages:
        medians = {name: statistics.median(values) for name, values in stages.items()}
        where = ("\nWhere the after tree's time goes (medians of its `--timings`, seconds; the rest of the wall time "
                 "is starting Python and importing): " + ", ".join(f"{n} {s:.2f}" for n, s in medians.items())
                 + f"; sum {sum(medians.values()):.2f}.\n")
    return f"""{START}
## Build time of the seed site

Measured {dt.date.today().isoformat()} with `benchmarks/build_benchmark.py` on {platform.machine()} ({platform.system()}, {os.cpu_count()} cores{', ' + cpu if cpu else ''}): `python -m generator build --out …` as the CLI runs it (pages, MkDocs, Pagefind index; no `--site-url`) of the five seed plans, each tree with its own `site_data/` and generator, {_runs(len(times['after']))} of each tree, alternating, after one warm-up round; `SOURCE_DATE_EPOCH` fixed. "Before" is `{before_ref}` (main before issue 14), exported with `git archive`, so it has no git history to read; "after" is this working tree, {tree_state()}, with its history read from git as in production.

| tree | median | fastest | slowest |
|---|---|---|---|
{rows}

**Speed-up before / after (medians): {speedup:.2f}×**: issue 14 asks for ≥ {TARGET_SPEEDUP:.0f}× ({_met(speedup >= TARGET_SPEEDUP)}) and ≤ {TARGET_SECONDS:.0f} s ({after:.2f} s, {_met(after <= TARGET_SECONDS)}).
{where}{END}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BASE_REF, help=f"git commit of the 'before' tree (default {BASE_REF})")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="build-bench-") as tmp:
        work = Path(tmp)
        before_ref = export_tree(args.before, work / "before")
        times, stages = measure(work / "before", args.runs, work)
    section = report(before_ref, times, stages)
    print(section)
    if not args.no_write:
        write_section(START, END, section)


if __name__ == "__main__":
    main()
