"""Scale benchmark (issue 14, point 1): the site built from N copies of the five seed plans as
distinct districts, N = 1, 20, 100, and (with --big) from one plan of 2,000 tasks.

    .venv/bin/python benchmarks/scale_benchmark.py                  # N = 1, 20, 100
    .venv/bin/python benchmarks/scale_benchmark.py --sizes 1,20     # a quick run
    .venv/bin/python benchmarks/scale_benchmark.py --big --no-write # add the 2,000-task plan; print only

Each data folder is made by benchmarks/scale_data.py (a git repository with one commit, so the
history stage runs as in production) and built in a subprocess, one build at a time, with
`python -m generator build --data D --out O --site-url … --timings T.json`. Recorded: wall
time, each stage's seconds (from T.json), the peak memory of the whole process tree (the sum of
the PSS of the build and every child, Pagefind and render workers included, sampled every
0.1 s; and the largest single process from /usr/bin/time -f %M), the HTML page count, the
largest page and the largest task page, the median task page, the site's size, the cost per
task, and ratios against N = 1. The results go between the scale-benchmark markers of
docs/benchmarks.md, next to the issue's targets. A measurement, never a test: nothing here is
asserted.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script: `benchmarks` and `generator` from this tree

from benchmarks.doc import tree_state, write_section  # noqa: E402
from benchmarks.scale_data import make_big_plan, make_scaled_data  # noqa: E402

DATA = ROOT / "site_data"
START, END = "<!-- scale-benchmark:start -->", "<!-- scale-benchmark:end -->"
SITE_URL = "https://example.github.io/zwgk/"
BASE_REPEATS = 3  # builds of N = 1 at least (medians), so one slow moment does not skew every ratio
SAMPLE_S = 0.1  # how often the process tree's memory is read
TIME_BIN = Path("/usr/bin/time")
LARGEST_SHOWN = 8  # pages listed for the largest build: what to bound next
KB, MB = 1000, 1000 * 1000  # decimal units, the stricter reading of the targets

# Issue 14's acceptance for N = 100.
TARGET_N = 100  # "at N = 100": per-task cost, task page sizes, no page over 300 KB
SPEED_TARGET_N = 20  # "with 100 districts" (the five plans × 20): at most 60 s and 600 MB
TARGET_SECONDS = 60.0
TARGET_PEAK_MB = 600.0
TARGET_PER_TASK_RATIO = 1.2
TARGET_TASK_PAGE_GROWTH = 0.10
TARGET_PAGE_KB = 300.0


@dataclass
class Run:
    """One build of one data folder, and what it wrote."""

    label: str  # "N = 20", "one plan, 2,000 tasks"
    copies: int  # 0 for the big plan
    districts: int
    tasks: int
    ok: bool = True
    error: str = ""
    wall_s: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    tree_peak_mb: float = 0.0  # sum of PSS over the process tree, at its highest sample
    largest_process_mb: float | None = None  # /usr/bin/time %M
    pages: int = 0
    site_mb: float = 0.0
    largest_page: tuple[str, int] = ("", 0)
    largest_pages: list[tuple[str, int]] = field(default_factory=list)  # the few largest, largest first
    largest_task_page: tuple[str, int] = ("", 0)
    median_task_page: float = 0.0
    task_pages: dict[str, int] = field(default_factory=dict)  # path -> bytes
    pages_over_limit: int = 0

    @property
    def per_task_ms(self) -> float:
        return 1000 * self.wall_s / self.tasks


# ---- one build ------------------------------------------------------------------------------

def _children_map() -> dict[int, list[int]]:
    """Parent pid -> child pids, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:  # the process ended meanwhile
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])  # after "(comm)": state, ppid
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _memory_bytes(pid: int) -> int:
    """Proportional set size (shared pages split between the sharers), else RSS; 0 if gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def tree_memory(root: int) -> int:
    """Bytes held by `root` and all its descendants now."""
    children, total, todo = _children_map(), 0, [root]
    while todo:
        pid = todo.pop()
        total += _memory_bytes(pid)
        todo.extend(children.get(pid, []))
    return total


def build(data: Path, out: Path, timings: Path) -> tuple[float, float, float | None, str]:
    """Build `data` into `out`: (wall seconds, tree peak MB, largest process MB or None, error)."""
    command = [sys.executable, "-m", "generator", "build", "--data", str(data), "--out", str(out),
               "--site-url", SITE_URL, "--timings", str(timings)]
    max_rss = timings.with_suffix(".maxrss")
    if TIME_BIN.exists():
        command = [str(TIME_BIN), "-f", "%M", "-o", str(max_rss), *command]
    log = timings.with_suffix(".log")
    peak = 0
    with log.open("wb") as output:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT)
        while process.poll() is None:
            peak = max(peak, tree_memory(process.pid))
            time.sleep(SAMPLE_S)
        wall = time.perf_counter() - started
    error = "" if process.returncode == 0 else _tail(log)
    largest = _read_max_rss(max_rss)
    return wall, peak / MB, largest, error


def _read_max_rss(path: Path) -> float | None:
    """/usr/bin/time's %M (KiB) in MB; None without /usr/bin/time."""
    try:
        return int(path.read_text().split()[-1]) * 1024 / MB
    except (OSError, ValueError, IndexError):
        return None


def _tail(log: Path, lines: int = 15) -> str:
    return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


# ---- what a build wrote -------------------------------------------------------------------

def task_page_paths(data: Path) -> set[str]:
    """Site paths of every task page (slug/year/number/index.html), from the plans in `data`."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    paths = set()
    for plan in (data / "plans").glob("*.yaml"):
        content = yaml.load(plan.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a safe loader)
        prefix = f"{content['district']['slug']}/{content['year']}"
        paths.update(f"{prefix}/{task['number']}/index.html" for task in content["tasks"])
    return paths


def measure_site(run: Run, site: Path, tasks: set[str]) -> None:
    """Pages, sizes, the largest page and task page, the median task page."""
    total = 0
    html: dict[str, int] = {}
    for path in site.rglob("*"):
        if path.is_file():
            size = path.stat().st_size
            total += size
            if path.suffix == ".html":
                html[path.relative_to(site).as_posix()] = size
    run.site_mb = total / MB
    run.pages = len(html)
    run.task_pages = {path: size for path, size in html.items() if path in tasks}
    if html:
        run.largest_pages = sorted(html.items(), key=lambda item: (-item[1], item[0]))[:LARGEST_SHOWN]
        run.largest_page = run.largest_pages[0]
        run.pages_over_limit = sum(1 for size in html.values() if size > TARGET_PAGE_KB * KB)
    if run.task_pages:
        run.largest_task_page = max(run.task_pages.items(), key=lambda item: (item[1], item[0]))
        run.median_task_page = statistics.median(run.task_pages.values())


def measure(run: Run, data: Path, work: Path, repeats: int) -> Run:
    """Build `data` `repeats` times (medians of the times, the highest memory); measure the last site."""
    walls: list[float] = []
    stages: dict[str, list[float]] = {}
    for attempt in range(repeats):
        out = work / f"site-{attempt}"
        timings = work / f"timings-{attempt}.json"
        wall, peak, largest, error = build(data, out, timings)
        if error:
            run.ok, run.error = False, error
            return run
        walls.append(wall)
        run.tree_peak_mb = max(run.tree_peak_mb, peak)
        run.largest_process_mb = max(filter(None, [run.largest_process_mb, largest]), default=None)
        for name, seconds in json.loads(timings.read_text(encoding="utf-8"))["stages"].items():
            stages.setdefault(name, []).append(seconds)
        if attempt < repeats - 1:
            shutil.rmtree(out)
    run.wall_s = statistics.median(walls)
    run.stages = {name: statistics.median(values) for name, values in stages.items()}
    measure_site(run, out, task_page_paths(data))
    shutil.rmtree(out)
    return run


def _counts(data: Path) -> tuple[int, int]:
    """(districts, tasks) of a data folder."""
    paths = task_page_paths(data)
    return len({p.split("/")[0] for p in paths}), len(paths)


def run_size(copies: int, work: Path, repeats: int) -> Run:
    work.mkdir(parents=True)
    data = make_scaled_data(DATA, work / f"data-n{copies}", copies)
    districts, tasks = _counts(data)
    print(f"N = {copies}: {districts} districts, {tasks} tasks …", flush=True)
    run = measure(Run(f"N = {copies}", copies, districts, tasks), data, work, repeats)
    shutil.rmtree(data)
    return run


def run_big(work: Path, repeats: int) -> Run:
    work.mkdir(parents=True)
    data = make_big_plan(DATA, work / "data-big")
    districts, tasks = _counts(data)
    print(f"one plan of {tasks} tasks …", flush=True)
    run = measure(Run(f"one plan, {tasks:,} tasks", 0, districts, tasks), data, work, repeats)
    shutil.rmtree(data)
    return run


# ---- the report -----------------------------------------------------------------------------

def machine() -> str:
    model = ""
    try:
        model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                      if line.startswith("model name")), "")
    except OSError:
        pass
    memory = ""
    try:
        kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))  # type: ignore[union-attr]
        memory = f", {kib / 1024 / 1024:.0f} GiB memory"
    except (OSError, AttributeError):
        pass
    return f"{platform.machine()} ({platform.system()}, {os.cpu_count()} cores{', ' + model if model else ''}{memory})"


def _kb(size: float) -> str:
    return f"{size / KB:,.0f} KB" if size >= 10 * KB else f"{size / KB:.1f} KB"


def _page(item: tuple[str, int]) -> str:
    return f"`{item[0]}` {_kb(item[1])}" if item[0] else "–"


def _ratio(value: float, base: float) -> str:
    return f"{value / base:.2f}" if base else "–"


def results_table(runs: list[Run]) -> str:
    rows = []
    for r in runs:
        if not r.ok:
            rows.append(f"| {r.label} | {r.districts} | {r.tasks:,} | build failed | | | | | | | | |")
            continue
        largest = f"{r.largest_process_mb:.0f} MB" if r.largest_process_mb is not None else "–"
        rows.append(f"| {r.label} | {r.districts:,} | {r.tasks:,} | {r.pages:,} | {r.wall_s:.1f} s | {r.per_task_ms:.1f} ms "
                    f"| {r.tree_peak_mb:.0f} MB | {largest} | {r.site_mb:.0f} MB | {_page(r.largest_page)} "
                    f"| {_page(r.largest_task_page)} | {_kb(r.median_task_page)} |")
    return ("| data | districts | tasks | HTML pages | build | per task | peak memory (tree) | largest process "
            "| site | largest page | largest task page | median task page |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|\n" + "\n".join(rows))


def stages_table(runs: list[Run]) -> str:
    if not any(r.ok for r in runs):
        return "(no build succeeded)"
    names: list[str] = []
    for r in runs:
        names += [n for n in r.stages if n not in names]
    rows = [f"| {r.label} | " + " | ".join(f"{r.stages[n]:.2f}" if n in r.stages else "–" for n in names)
            + f" | {sum(r.stages.values()):.2f} | {r.wall_s:.2f} |" for r in runs if r.ok]
    head = "| data | " + " | ".join(names) + " | sum of stages | wall (whole process) |"
    return head + "\n|" + "---|" * (len(names) + 3) + "\n" + "\n".join(rows)


def ratios_table(runs: list[Run], base: Run) -> str:
    rows = [f"| {r.label} | {_ratio(r.tasks, base.tasks)} | {_ratio(r.wall_s, base.wall_s)} "
            f"| {_ratio(r.per_task_ms, base.per_task_ms)} | {_ratio(r.tree_peak_mb, base.tree_peak_mb)} "
            f"| {_ratio(r.pages, base.pages)} | {_ratio(r.site_mb, base.site_mb)} "
            f"| {_ratio(r.largest_page[1], base.largest_page[1])} | {_ratio(r.median_task_page, base.median_task_page)} |"
            for r in runs if r.ok]
    return ("| data | tasks | build time | per-task cost | peak memory | HTML pages | site size | largest page "
            "| median task page |\n|---|---|---|---|---|---|---|---|---|\n" + "\n".join(rows))


def task_page_growth(run: Run, base: Run) -> tuple[int, int, tuple[str, float]]:
    """(task pages compared, how many differ from their N = 1 size by more than the target,
    the page whose size changed most and its ratio): the same task's page, N vs N = 1."""
    ratios = {path: run.task_pages[path] / size for path, size in base.task_pages.items() if path in run.task_pages}
    if not ratios:
        return 0, 0, ("", 0.0)
    outside = sum(1 for ratio in ratios.values() if abs(ratio - 1) > TARGET_TASK_PAGE_GROWTH)
    worst = max(ratios.items(), key=lambda item: (abs(item[1] - 1), item[0]))
    return len(ratios), outside, worst


def _met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def targets_table(speed: Run | None, size: Run | None, base: Run) -> str:
    """Issue 14's targets: time and memory "with 100 districts" (`speed`, N = 20), the rest at
    N = 100 (`size`); a run not measured leaves its rows out."""
    rows = []
    if speed:
        rows += [
            (f"N = {speed.copies}: build ≤ 60 s", f"{speed.wall_s:.1f} s", speed.wall_s <= TARGET_SECONDS),
            (f"N = {speed.copies}: peak memory ≤ 600 MB (whole process tree)", f"{speed.tree_peak_mb:.0f} MB",
             speed.tree_peak_mb <= TARGET_PEAK_MB),
        ]
    if size:
        compared, outside, (worst_path, worst_ratio) = task_page_growth(size, base)
        per_task = size.per_task_ms / base.per_task_ms if base.per_task_ms else float("inf")
        rows += [
            (f"N = {size.copies}: per-task cost ≤ 1.2 × N = 1",
             f"{per_task:.2f} × ({size.per_task_ms:.1f} ms against {base.per_task_ms:.1f} ms)",
             per_task <= TARGET_PER_TASK_RATIO),
            (f"N = {size.copies}: every task page within 10 % of its N = 1 size",
             f"{outside} of {compared} outside; largest change `{worst_path}` {worst_ratio:.2f} ×",
             compared > 0 and outside == 0),
            (f"N = {size.copies}: no HTML page > 300 KB",
             f"{size.pages_over_limit} over; largest `{size.largest_page[0]}` {_kb(size.largest_page[1])}",
             size.pages_over_limit == 0),
        ]
    return "| target | result | met |\n|---|---|---|\n" + "\n".join(f"| {t} | {r} | {_met(m)} |" for t, r, m in rows)


def report(runs: list[Run], repeats: int, warmup: bool = True) -> str:
    scaled = [r for r in runs if r.copies]
    base = next((r for r in scaled if r.copies == 1 and r.ok), None)
    big = [r for r in runs if not r.copies]
    sizes = ", ".join(str(r.copies) for r in scaled)
    base_builds = _repeats(1, repeats)
    builds = (("once" if repeats == 1 else f"{repeats} times") + (f" (N = 1 {base_builds} times)" if base_builds != repeats else "")
              + "; medians of the times, the highest memory")
    largest = max((r for r in runs if r.ok), key=lambda r: r.tasks, default=None)
    parts = [f"""{START}
## Scale: N copies of the five seed plans (issue 14, point 1)

Measured {dt.date.today().isoformat()} with `benchmarks/scale_benchmark.py` on {machine()}, tree {tree_state()}. Each data folder is made by `benchmarks/scale_data.py`: copy 1 is the real `site_data/`, the other copies are made-up districts (their own names, slugs, unit registries and source files) in ten made-up provinces, all in one git commit so the history stage runs. Sizes N = {sizes}{' and one plan of 2,000 tasks' if big else ''}; each built {builds}, one build at a time{', after a warm-up build of N = 1' if warmup else ''}, with `python -m generator build --data D --out O --site-url {SITE_URL} --timings T.json` in a subprocess. Peak memory: the sum of the proportional set sizes of the build and all its children (Pagefind, render workers), sampled every {SAMPLE_S} s; "largest process" is `/usr/bin/time -f %M`. KB and MB are 1,000 and 1,000,000 bytes. A measurement, never a test: nothing here is asserted.

{results_table(runs)}

Seconds per stage (from `--timings`):

{stages_table(runs)}
"""]
    if largest:
        parts.append(f"The largest HTML pages of {largest.label}: "
                     + ", ".join(f"`{path}` {_kb(size)}" for path, size in largest.largest_pages) + ".\n")
    if base:
        parts.append(f"Ratios against N = 1:\n\n{ratios_table([r for r in runs if r is not base], base)}\n")
        speed = next((r for r in scaled if r.copies == SPEED_TARGET_N and r.ok), None)
        size = next((r for r in scaled if r.copies == TARGET_N and r.ok), None)
        if speed or size:
            parts.append(f"Issue 14's targets: time and memory with 100 districts (N = {SPEED_TARGET_N}), the rest at "
                         f"N = {TARGET_N}:\n\n{targets_table(speed, size, base)}\n")
    for r in big:
        if r.ok:
            per_task = f"; its per-task cost is {_ratio(r.per_task_ms, base.per_task_ms)} × that of N = 1" if base else ""
            parts.append(f"{r.label[0].upper()}{r.label[1:]}: {r.pages_over_limit} HTML pages over 300 KB (the issue's "
                         f"limit for every page at N = {TARGET_N}), the largest `{r.largest_page[0]}` "
                         f"{_kb(r.largest_page[1])}{per_task}.\n")
    failed = [r for r in runs if not r.ok]
    for r in failed:
        parts.append(f"The build of {r.label} failed; the end of its output:\n\n```\n{r.error}\n```\n")
    parts.append(END)
    return "\n".join(parts)


# ---- main ---------------------------------------------------------------------------------

def _sizes(value: str) -> list[int]:
    try:
        sizes = sorted({int(part) for part in value.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes takes numbers separated by commas, such as 1,20,100: {value!r}") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("--sizes: every N must be at least 1")
    return sizes if sizes[0] == 1 else [1, *sizes]  # the ratios need N = 1


def _repeats(copies: int, repeats: int) -> int:
    """N = 1 is the denominator of every ratio and takes seconds: build it a few times more."""
    return max(repeats, BASE_REPEATS) if copies == 1 else repeats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=_sizes, default=[1, 20, 100], help="copies of the five plans (default 1,20,100)")
    parser.add_argument("--big", action="store_true", help="also build one plan of 2,000 tasks")
    parser.add_argument("--repeats", type=int, default=1, help="builds of each data folder (medians)")
    parser.add_argument("--no-warmup", action="store_true", help="skip the warm-up build of N = 1")
    parser.add_argument("--no-write", action="store_true", help="print only; leave docs/benchmarks.md alone")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scale-bench-") as tmp:
        work = Path(tmp)
        if not args.no_warmup:  # imports and the disk cache warm, so N = 1 is not the slow first run
            warm = make_scaled_data(DATA, work / "warmup", 1)
            build(warm, work / "warmup-site", work / "warmup.json")
            shutil.rmtree(warm)
            shutil.rmtree(work / "warmup-site", ignore_errors=True)
        runs = [run_size(copies, work / f"n{copies}", _repeats(copies, args.repeats)) for copies in args.sizes]
        if args.big:
            runs.append(run_big(work / "big", args.repeats))
    for run in runs:
        state = (f"{run.wall_s:.1f} s, {run.tree_peak_mb:.0f} MB peak, {run.pages:,} pages; largest page "
                 f"{run.largest_page[0]} ({_kb(run.largest_page[1])}); largest task page {run.largest_task_page[0]} "
                 f"({_kb(run.largest_task_page[1])})") if run.ok else "build failed"
        print(f"{run.label}: {state}")
    section = report(runs, args.repeats, warmup=not args.no_warmup)
    print(section)
    if not args.no_write:
        write_section(START, END, section)


if __name__ == "__main__":
    main()
