"""Search benchmark, before and after, in one run on one machine: the first search from the
header box of a task page (cold cache) to cards on screen, later searches in the same page,
what each transfers, the index's size, and precision and recall over the tests' query set.

    .venv/bin/python benchmarks/search_benchmark.py                   # before = BASE_REF below
    .venv/bin/python benchmarks/search_benchmark.py --before <git ref> --runs 5 --no-write

"Before" is a git ref exported with `git archive` into a temporary folder (nothing in the
repository changes); "after" is this working tree. Both are built with their own generator,
served on localhost with the caching header GitHub Pages sends (Cache-Control: max-age=600),
and driven alike in Debian's headless Chromium, the two trees alternating for each query so
that a noisy neighbour slows both. Bytes are counted as GitHub Pages would send them: text
gzipped, Pagefind's files as they are (already compressed), a cached file as its 304 or
nothing. Medians and their ratios are printed and written into docs/benchmarks.md.
A measurement, never a test: nothing here is asserted.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import io
import os
import platform
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from benchmarks.doc import DOC, write_section  # noqa: E402
from generator import views  # noqa: E402
from generator.loader import load_site  # noqa: E402
from generator.serve import SiteHandler  # noqa: E402
from tests.search_truth import expected_urls, query_set  # noqa: E402  (the tests' query set and truth)

START, END = "<!-- search-benchmark:start -->", "<!-- search-benchmark:end -->"
BASE_REF = "7a211e9"  # main before issue 13: unordered search keys, no fallback, runtime loaded on results
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
COLD_QUERIES = ["营商环境", "区发改局", "疫情", "政务公开"]
LATER_QUERIES = ["养老", "依申请公开", "12345", "公报", "重大行政决策", "区人力资源社会保障局"]
TEXT = (".html", ".css", ".js", ".json", "/")
BUDGET_KB, BUDGET_MS, LATER_MS = 150, 300, 100  # issue 13's targets, reported, never asserted
EPOCH = "1764460800"  # one reference date for both trees


# ---- Building and serving ------------------------------------------------------------------

def export_tree(ref: str, folder: Path) -> Path:
    """The files of `ref`, as `git archive` gives them (no worktree, no change to the repository)."""
    raw = subprocess.run(["git", "archive", "--format=tar", ref], cwd=ROOT, check=True, capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        tar.extractall(folder, filter="data")
    return folder


def build(tree: Path, out: Path) -> float:
    env = dict(os.environ, SOURCE_DATE_EPOCH=EPOCH)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "generator", "build", "--out", str(out)], cwd=tree, env=env,
                   check=True, capture_output=True)
    return time.perf_counter() - started


class PagesLikeHandler(SiteHandler):
    """generator.serve's handler (its MIME types), quiet, with the Cache-Control header GitHub
    Pages sends instead of the preview server's no-store."""

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        http.server.SimpleHTTPRequestHandler.end_headers(self)

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(PagesLikeHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def folder_bytes(folder: Path, pattern: str = "*") -> int:
    return sum(p.stat().st_size for p in folder.glob(pattern) if p.is_file()) if folder.is_dir() else 0


def index_sizes(site: Path) -> dict[str, int]:
    bundle = site / "pagefind"
    runtime = ("pagefind.js", "wasm.unknown.pagefind")
    return {
        "bundle": sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file()),
        "runtime": sum((bundle / name).stat().st_size for name in runtime),
        "worker": folder_bytes(bundle, "pagefind-worker.js"),
        "index": folder_bytes(bundle / "index"),
        "chunks": len(list((bundle / "index").iterdir())),
        "largest_chunk": max(p.stat().st_size for p in (bundle / "index").iterdir()),
        "fragments": folder_bytes(bundle / "fragment"),
        "filters_meta": folder_bytes(bundle / "filter") + folder_bytes(bundle, "*.pf_meta"),
        "keys": len(gzip.compress(b"".join(p.read_bytes() for p in bundle.glob("zw-keys.*.json")))),
        "fallback": len(gzip.compress(b"".join(p.read_bytes() for p in bundle.glob("zw-fallback.*.json")))),
    }


# ---- What a page transfers (Chrome DevTools Protocol) ---------------------------------------

class Wire:
    """Every request of a page and its workers, with when it finished (epoch ms) and the bytes
    GitHub Pages would have sent for it: nothing when the browser's cache answered."""

    def __init__(self, page: Page, site: Path) -> None:
        self.site = site
        self.finished: list[tuple[float, int, str]] = []  # (epoch ms, bytes, path)
        page.context.on("requestfinished", self._finished)

    def _finished(self, request) -> None:
        path = unquote(urlsplit(request.url).path)
        sizes, timing = request.sizes(), request.timing
        received = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        sent = 0 if received <= 0 else sizes["responseHeadersSize"] + self._body(path, sizes["responseBodySize"])
        self.finished.append((timing["startTime"] + max(timing["responseEnd"], 0), sent, path))

    def _body(self, path: str, wire: int) -> int:
        file = self.site / path.lstrip("/")
        if path.endswith("/"):
            file = file / "index.html"
        if not file.is_file():
            return wire
        raw = file.read_bytes()
        return len(gzip.compress(raw)) if path.endswith(TEXT) else len(raw)

    def bytes_between(self, start_ms: float, end_ms: float) -> int:
        return sum(sent for at, sent, _ in self.finished if start_ms <= at <= end_ms)


# The end of a search: search.js marks zw-search:cards when the cards are on screen (the
# "before" tree marks only zw-search:done, which came right after its cards).
CARDS_AFTER = """(since) => {
  const marks = performance.getEntriesByName('zw-search:cards').concat(performance.getEntriesByName('zw-search:done'));
  const times = marks.map((m) => m.startTime).filter((t) => t > since);
  return times.length ? performance.timeOrigin + Math.min(...times) : null;
}"""
SETTLED = "() => ['done', 'error'].includes(document.getElementById('zw-search')?.dataset.state)"


def first_search(browser, base: str, site: Path, query: str, task_path: str) -> dict:
    """From a task page with an empty cache: focus the header box, type, press Enter; until
    the cards are on the search page."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    wire = Wire(page, site)
    page.goto(base + task_path)
    page.wait_for_load_state("networkidle")
    focus_at = page.evaluate("Date.now()")
    page.focus("#zw-header-q")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # what focus fetched has arrived, as while the reader types
    page.fill("#zw-header-q", query)  # one input event, as an input method commits a word
    page.wait_for_timeout(500)  # the reader reaches for Enter
    enter_at = page.evaluate("Date.now()")
    page.press("#zw-header-q", "Enter")
    page.wait_for_url("**/search/**")
    page.wait_for_function(f"() => ({CARDS_AFTER})(0) !== null", timeout=60_000)
    cards_at = page.evaluate(CARDS_AFTER, 0)
    page.wait_for_function(SETTLED, timeout=60_000)
    page.wait_for_timeout(300)
    done_at = page.evaluate("Date.now()")
    result = {"ms": cards_at - enter_at, "to_cards": wire.bytes_between(focus_at, cards_at + 1),
              "all": wire.bytes_between(focus_at, done_at), "cards": page.locator("#zw-search-results > li").count()}
    later = later_searches(page, wire)
    context.close()
    return {**result, "later": later}


def later_searches(page: Page, wire: Wire) -> list[dict]:
    rows = []
    for query in LATER_QUERIES:
        since = page.evaluate("performance.now()")
        started = page.evaluate("""(query) => { const input = document.getElementById('zw-search-q');
            input.value = query; const at = Date.now(); input.form.requestSubmit(); return at; }""", query)
        page.wait_for_function(f"() => ({CARDS_AFTER})({since}) !== null", timeout=60_000)
        cards_at = page.evaluate(CARDS_AFTER, since)
        page.wait_for_function(SETTLED, timeout=60_000)
        page.wait_for_timeout(200)
        rows.append({"query": query, "ms": cards_at - started, "bytes": wire.bytes_between(started, cards_at + 1)})
    return rows


# ---- Precision and recall through the search page ---------------------------------------------

from tests.browser.test_search import ASK  # noqa: E402  (the browser test's way of asking the page)


def precision_recall(browser, base: str) -> dict:
    site = load_site(ROOT / "site_data")
    context = browser.new_context()
    page = context.new_page()
    page.goto(base + "/search/")
    page.wait_for_function("() => document.getElementById('zw-search')?.dataset.state")
    listed = correct = expected_total = 0
    wrong_queries = []
    for query in query_set(site):
        urls = [unquote(u) for u in page.evaluate(ASK, query)["urls"]]
        expected = expected_urls(site, query)
        listed += len(urls)
        correct += len(set(urls) & expected)
        expected_total += len(expected)
        if set(urls) - expected:
            wrong_queries.append(f"{query} {len(set(urls) - expected)}")
    context.close()
    return {"queries": len(query_set(site)), "listed": listed, "correct": correct, "expected": expected_total,
            "wrong": wrong_queries}


# ---- Report -----------------------------------------------------------------------------------

def kb(n: float) -> str:
    return f"{n / 1024:.0f} KB" if n >= 10 * 1024 else f"{n / 1024:.1f} KB"


def ratio(after: float, before: float) -> str:
    return f"{after / before:.2f}" if before else "–"


def report(ref: str, runs: int, data: dict) -> str:
    b, a = data["before"], data["after"]
    lines = [
        START,
        "## Search (Pagefind)",
        "",
        f"Measured {dt.date.today().isoformat()} with `benchmarks/search_benchmark.py` on {platform.machine()} "
        f"({platform.system()}, {os.cpu_count()} cores), Pagefind 1.5.2 extended, Debian Chromium headless, "
        f"375 px window, localhost with GitHub Pages' `Cache-Control: max-age=600`. \"Before\" is `{ref}` (main before "
        f"issue 13), \"after\" this tree; {runs} runs of each, alternating; medians. The machine is shared and noisy: "
        "read the ratios, not the milliseconds. Benchmarks are never asserted in tests.",
        "",
        "### First search from the header box (cold cache)",
        "",
        "A first visit to a task page; the reader focuses the header box (after: the search runtime, index metadata and "
        "keys load then), types the query (one input event, as an input method commits a word; after: its index chunks "
        "load in the pause) and presses Enter half a second later. Time: from Enter to the cards on the search page. "
        "Bytes: everything "
        "transferred from the focus to the cards (gzipped as GitHub Pages sends text; Pagefind's files are compressed "
        "already), and to the end of the search (after: the filter counts load once the cards are shown; a query that "
        "finds no or few tasks also loads the fallback file).",
        "",
        "| query | time before | time after | ratio | to cards before | to cards after | ratio | whole search before | whole search after |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for query in COLD_QUERIES:
        x, y = b["cold"][query], a["cold"][query]
        lines.append(f"| {query} | {x['ms']:.0f} ms | {y['ms']:.0f} ms | {ratio(y['ms'], x['ms'])} | {kb(x['to_cards'])} | "
                     f"{kb(y['to_cards'])} | {ratio(y['to_cards'], x['to_cards'])} | {kb(x['all'])} | {kb(y['all'])} |")
    cold = [a["cold"][q] for q in COLD_QUERIES]
    lines += [
        "",
        f"Issue 13's targets for the first search: at most {BUDGET_KB} KB to the cards, and at most {BUDGET_MS} ms. In this run, "
        f"{sum(r['to_cards'] <= BUDGET_KB * 1024 for r in cold)} of {len(cold)} queries keep to the bytes and "
        f"{sum(r['ms'] <= BUDGET_MS for r in cold)} of {len(cold)} to the time. A query needs the index chunks that hold "
        "its letters: 营商环境 and 政务公开 find theirs in the chunk of the most common letters, 区发改局 and 疫情 need a second "
        "chunk (about 17 KB).",
    ]
    lines += [
        "",
        "### Later searches in the same page",
        "",
        "Time from pressing 搜索 to the cards on screen, and bytes transferred for it.",
        "",
        "| query | time before | time after | bytes before | bytes after |",
        "|---|---|---|---|---|",
    ]
    for query in LATER_QUERIES:
        x, y = b["later"][query], a["later"][query]
        lines.append(f"| {query} | {x['ms']:.0f} ms | {y['ms']:.0f} ms | {kb(x['bytes'])} | {kb(y['bytes'])} |")
    later = [a["later"][q]["ms"] for q in LATER_QUERIES]
    lines += ["", f"Target for later searches: at most {LATER_MS} ms; in this run {sum(ms <= LATER_MS for ms in later)} "
                  f"of {len(later)} keep to it."]
    lines += [
        "",
        "### Index",
        "",
        "| what | before | after |",
        "|---|---|---|",
        f"| whole `/pagefind/` folder | {kb(b['sizes']['bundle'])} | {kb(a['sizes']['bundle'])} |",
        f"| runtime a search loads (pagefind.js, wasm) | {kb(b['sizes']['runtime'])} | {kb(a['sizes']['runtime'])} |",
        f"| Pagefind's worker (a second copy of its runtime; after: removed, search runs in the page) | "
        f"{kb(b['sizes']['worker'])} | {kb(a['sizes']['worker'])} |",
        f"| word index (`index/`), chunks | {kb(b['sizes']['index'])}, {b['sizes']['chunks']} | "
        f"{kb(a['sizes']['index'])}, {a['sizes']['chunks']} (one of them, {kb(a['sizes']['largest_chunk'])}, holds the "
        "card metadata and is never loaded by a query) |",
        f"| page fragments (`fragment/`, one per task) | {kb(b['sizes']['fragments'])} | {kb(a['sizes']['fragments'])} |",
        f"| filters and metadata | {kb(b['sizes']['filters_meta'])} | {kb(a['sizes']['filters_meta'])} |",
        f"| keys file (letter ranks, field slots), gzipped | – | {kb(a['sizes']['keys'])} |",
        f"| fallback file (繁体字, pinyin, words, synonyms), gzipped, loaded only when needed | – | {kb(a['sizes']['fallback'])} |",
        f"| build with index | {b['build_s']:.1f} s | {a['build_s']:.1f} s |",
        "",
        "### Precision and recall through the search page",
        "",
        f"The browser tests' query set ({a['pr']['queries']} queries, `tests/search_truth.py`): a listed task is correct when "
        "its requirement text, a unit name (printed, canonical, other names), a section title or a theme name holds the "
        "query as one unbroken string.",
        "",
        "| tree | tasks listed | correct | expected | precision | recall |",
        "|---|---|---|---|---|---|",
    ]
    for name, tree in (("before", b), ("after", a)):
        pr = tree["pr"]
        lines.append(f"| {name} | {pr['listed']} | {pr['correct']} | {pr['expected']} | "
                     f"{pr['correct'] / max(pr['listed'], 1):.3f} | {pr['correct'] / max(pr['expected'], 1):.3f} |")
    if b["pr"]["wrong"]:
        lines += ["", "Before, queries listing tasks without the query (how many): " + "、".join(b["pr"]["wrong"]) + "."]
    lines.append(END)
    return "\n".join(lines) + "\n"


# ---- Main -------------------------------------------------------------------------------------

def measure(ref: str, runs: int, tmp: Path) -> dict:
    trees = {"before": export_tree(ref, tmp / "before-tree"), "after": ROOT}
    data: dict[str, dict] = {}
    servers = []
    for name, tree in trees.items():
        site = tmp / f"{name}-site"
        build_s = build(tree, site)
        server, base = serve(site)
        servers.append(server)
        data[name] = {"site": site, "base": base, "build_s": build_s, "sizes": index_sizes(site), "cold": {}, "later": {}}
    task_path = "/" + views.task_url(load_site(ROOT / "site_data").tasks[0])
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            samples: dict[str, dict[str, list]] = {name: {q: [] for q in COLD_QUERIES} for name in trees}
            for _ in range(runs):
                for query in COLD_QUERIES:
                    for name in trees:
                        samples[name][query].append(first_search(browser, data[name]["base"], data[name]["site"],
                                                                 query, task_path))
            for name in trees:
                for query in COLD_QUERIES:
                    rows = samples[name][query]
                    data[name]["cold"][query] = {key: statistics.median(r[key] for r in rows)
                                                 for key in ("ms", "to_cards", "all")}
                later = [row for rows in samples[name].values() for r in rows for row in r["later"]]
                for query in LATER_QUERIES:
                    mine = [row for row in later if row["query"] == query]
                    data[name]["later"][query] = {"ms": statistics.median(r["ms"] for r in mine),
                                                  "bytes": statistics.median(r["bytes"] for r in mine)}
                data[name]["pr"] = precision_recall(browser, data[name]["base"])
            browser.close()
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default=BASE_REF, help="git ref of the 'before' tree")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help=f"print only, do not update {DOC.relative_to(ROOT)}")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        section = report(args.before, args.runs, measure(args.before, args.runs, Path(tmp)))
    print(section)
    if not args.no_write:
        write_section(START, END, section)
        print(f"written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
