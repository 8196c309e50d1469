"""Search benchmark: index size and indexing time, and in headless Chromium the bytes and
time to results for a cold first query and for later ones. Also the recall of plain
Pagefind (the typed words as they are) against the search keys the site uses.

    .venv/bin/python benchmarks/search_benchmark.py            # prints, and rewrites its
                                                                # section of docs/benchmarks.md
    .venv/bin/python benchmarks/search_benchmark.py --no-write

A measurement, never a test: the numbers depend on the machine and are written down, not
asserted. Chromium is Debian's /usr/bin/chromium (Playwright cannot download one here).
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import gzip
import http.server
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Page, sync_playwright  # noqa: E402

from generator import search  # noqa: E402
from generator.build import build_site  # noqa: E402
from generator.loader import load_site  # noqa: E402
from generator.serve import SiteHandler  # noqa: E402
from tests.browser.test_search import expected_urls, query_set  # noqa: E402  (the tests' query set)

DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- search-benchmark:start -->", "<!-- search-benchmark:end -->"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
COLD_QUERIES = ["营商环境", "区发改局", "疫情"]
LATER_QUERIES = ["养老", "依申请公开", "12345", "公报", "重大行政决策", "区人力资源社会保障局"]
RUNS = 3
# A slow phone connection, as Chrome DevTools' "Slow 4G" preset (bytes/s, ms).
SLOW = {"offline": False, "latency": 150, "downloadThroughput": 1.6 * 1024 * 1024 / 8,
        "uploadThroughput": 750 * 1024 / 8}


class QuietHandler(SiteHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def folder_bytes(folder: Path, pattern: str = "*") -> int:
    return sum(p.stat().st_size for p in folder.rglob(pattern) if p.is_file())


# ---- Index ----------------------------------------------------------------------------------

def measure_index(work: Path) -> dict:
    """Build without search, then time each indexing step on fresh copies."""
    plain = work / "plain"
    build_site(ROOT / "site_data", plain, config_file=ROOT / "mkdocs.yml", search=False)
    keys_s, pagefind_s, tidy_s = [], [], []
    for run in range(RUNS):
        site = work / f"run{run}"
        shutil.copytree(plain, site)
        started = time.perf_counter()
        search.add_search_keys(site)
        keys_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        search.run_pagefind(site)
        pagefind_s.append(time.perf_counter() - started)
        started = time.perf_counter()
        search.make_reproducible(site / search.BUNDLE)
        tidy_s.append(time.perf_counter() - started)
    site = work / "run0"
    bundle = site / search.BUNDLE
    without_keys = work / "nokeys"
    shutil.copytree(plain, without_keys)
    search.run_pagefind(without_keys)
    runtime = ["pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind"]
    unused_ui = sum(p.stat().st_size for pattern in search.UNUSED_FILES for p in bundle.glob(pattern))
    search.drop_unused_ui(bundle)  # as the build does: the published folder is without them
    return {
        "site": site,
        "pages": len(list((bundle / "fragment").glob("*.pf_fragment"))),
        "keys_s": statistics.median(keys_s),
        "pagefind_s": statistics.median(pagefind_s),
        "tidy_s": statistics.median(tidy_s),
        "bundle": folder_bytes(bundle),
        "runtime": sum((bundle / name).stat().st_size for name in runtime),
        "unused_ui": unused_ui,
        "index": folder_bytes(bundle / "index"),
        "fragments": folder_bytes(bundle / "fragment"),
        "filters": folder_bytes(bundle / "filter"),
        "meta": folder_bytes(bundle, "*.pf_meta"),
        "index_without_keys": folder_bytes(without_keys / search.BUNDLE / "index"),
        "fragments_without_keys": folder_bytes(without_keys / search.BUNDLE / "fragment"),
        "keyed_html": sum(len(p.read_bytes()) for p in site.rglob("*.html")) - sum(len(p.read_bytes()) for p in plain.rglob("*.html")),
    }


# ---- Browser ----------------------------------------------------------------------------------

class Traffic:
    """Every response a page received: bytes as served here (no HTTP compression: Python's
    server sends files as they are), and as a host that gzips text (GitHub Pages) would send
    them. Pagefind's index files are gzipped already and its wasm is not compressed."""

    TEXT = (".html", ".css", ".js", ".json", "/")

    def __init__(self, context) -> None:
        self.requests: list = []
        context.on("requestfinished", lambda request: self.requests.append(request))

    def since(self, start: int = 0) -> dict:
        served = gzipped = search_part = 0
        for request in self.requests[start:]:
            sizes = request.sizes()
            headers = sizes["responseHeadersSize"]
            body = sizes["responseBodySize"]
            path = urlsplit(request.url).path
            served += headers + body
            if path.endswith(self.TEXT):
                body = len(gzip.compress(request.response().body()))
            gzipped += headers + body
            if path.startswith("/pagefind/") or "search" in path.rsplit("/", 1)[-1]:
                search_part += headers + body
        return {"bytes": served, "gzipped": gzipped, "search_gzipped": search_part}


# When search.js first marked the search done (ms from navigation start).
FIRST_DONE = "() => performance.getEntriesByName('zw-search:done')[0].startTime"
DONE = "() => ['done', 'error'].includes(document.getElementById('zw-search')?.dataset.state)"

SUBMIT = """(query) => new Promise((resolve) => {
  const box = document.getElementById('zw-search');
  const input = document.getElementById('zw-search-q');
  input.value = query;
  const started = performance.now();
  new MutationObserver((_, observer) => {
    if (box.dataset.state === 'done') { observer.disconnect(); resolve(performance.now() - started); }
  }).observe(box, { attributes: true, attributeFilter: ['data-state'] });
  input.form.requestSubmit();
})"""


def cold_query(browser, base: str, query: str, slow: bool) -> dict:
    """A first visit: new browser profile (empty cache), the search page opened with ?q=."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    traffic = Traffic(context)
    if slow:
        context.new_cdp_session(page).send("Network.emulateNetworkConditions", SLOW)
    page.goto(f"{base}/search/?q={quote(query)}")
    page.wait_for_function(DONE, timeout=120_000)
    done_at = page.evaluate(FIRST_DONE)
    page.wait_for_timeout(200)  # let the last responses finish
    result = {"ms": done_at, **traffic.since(), "results": int(page.locator(".zw-result").count())}
    context.close()
    return result


def later_queries(browser, base: str) -> list[dict]:
    """After a first query, the next ones in the same page: only new index chunks and the
    fragments of the first cards are fetched."""
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    traffic = Traffic(context)
    page.goto(f"{base}/search/?q={quote(COLD_QUERIES[0])}")
    page.wait_for_function(DONE)
    page.wait_for_timeout(200)
    rows = []
    for query in LATER_QUERIES:
        before = len(traffic.requests)
        ms = page.evaluate(SUBMIT, query)
        page.wait_for_timeout(200)
        rows.append({"query": query, "ms": ms, **traffic.since(before)})
    context.close()
    return rows


RAW_AND_KEYED = """async (queries) => {
  const pagefind = await import('/pagefind/pagefind.js');
  const { queryKeys } = await import('/assets/search-keys.js');
  await pagefind.init();
  const urls = async (term) => {
    const search = await pagefind.search(term);
    return Promise.all(search.results.map(async (r) => (await r.data()).url));
  };
  const out = {};
  for (const q of queries) out[q] = { raw: await urls(q), keyed: await urls(queryKeys(q).join(' ')) };
  return out;
}"""


def recall(browser, base: str) -> dict:
    site = load_site(ROOT / "site_data")
    queries = query_set(site)
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{base}/search/")
    answers = page.evaluate(RAW_AND_KEYED, queries)
    context.close()
    totals = {"queries": len(queries), "expected": 0, "raw": 0, "keyed": 0, "raw_missed_queries": []}
    for query in queries:
        expected = expected_urls(site, query)
        raw = {unquote(u) for u in answers[query]["raw"]}
        keyed = {unquote(u) for u in answers[query]["keyed"]}
        totals["expected"] += len(expected)
        totals["raw"] += len(expected & raw)
        totals["keyed"] += len(expected & keyed)
        if expected - raw:
            totals["raw_missed_queries"].append(f"{query} {len(expected & raw)}/{len(expected)}")
    return totals


# ---- Report -----------------------------------------------------------------------------------

def kb(n: float) -> str:
    return f"{n / 1024:.0f} KB" if n >= 10 * 1024 else f"{n / 1024:.1f} KB"


def report(index: dict, cold: dict, later: list[dict], rec: dict) -> str:
    today = dt.date.today().isoformat()
    lines = [
        START,
        "## Search (Pagefind)",
        "",
        f"Measured {today} with `benchmarks/search_benchmark.py` on {platform.machine()} "
        f"({platform.system()}, {os.cpu_count()} cores), Pagefind 1.5.2 extended, Debian Chromium headless, "
        f"site served by `generator.serve` on localhost. Medians of {RUNS} runs; the machine is shared and noisy, so read "
        "these as orders of magnitude. Benchmarks are never asserted in tests.",
        "",
        "### Index",
        "",
        "| what | value |",
        "|---|---|",
        f"| task pages indexed | {index['pages']} |",
        f"| indexing time: search keys written into the pages | {index['keys_s']:.2f} s |",
        f"| indexing time: Pagefind (`python -m pagefind`) | {index['pagefind_s']:.2f} s |",
        f"| indexing time: sorting filters for reproducible output | {index['tidy_s']:.2f} s |",
        f"| whole `/pagefind/` folder | {kb(index['bundle'])} |",
        f"| runtime a search loads once (pagefind.js, worker, wasm) | {kb(index['runtime'])} |",
        f"| word index chunks (`index/`) | {kb(index['index'])} (without search keys: {kb(index['index_without_keys'])}) |",
        f"| page fragments (`fragment/`, one per task) | {kb(index['fragments'])} (without search keys: {kb(index['fragments_without_keys'])}) |",
        f"| filters and metadata | {kb(index['filters'] + index['meta'])} |",
        f"| Pagefind's own UIs, removed after indexing (not in the folder above) | {kb(index['unused_ui'])} |",
        f"| search keys added to the task pages' HTML | {kb(index['keyed_html'])} in all |",
        "",
        "### Time to results and bytes transferred (375 px window)",
        "",
        "Cold: a first visit with an empty cache, opening `/search/?q=…` (page, styles, scripts, Pagefind "
        "runtime, index chunks and the first 10 result fragments). Time is from navigation start to the "
        "cards being on screen. Bytes: as served by the local server (no HTTP compression), and as a host "
        "that gzips text would send them (GitHub Pages does; Pagefind's index files are gzipped already). "
        "\"Search part\": Pagefind's files and the search scripts only, gzipped.",
        "",
        "| query | network | time to results | bytes, whole visit | same, gzipped text | search part | cards |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in cold:
        lines.append(f"| {row['query']} | {row['network']} | {row['ms']:.0f} ms | {kb(row['bytes'])} | "
                     f"{kb(row['gzipped'])} | {kb(row['search_gzipped'])} | {row['results']} |")
    lines += [
        "",
        "Later queries in the same page (after 营商环境): time from pressing 搜索 to the cards being on screen, "
        "and what was fetched for it (new index chunks, fragments of the first 10 cards).",
        "",
        "| query | time to results | bytes (already gzipped) |",
        "|---|---|---|",
    ]
    for row in later:
        lines.append(f"| {row['query']} | {row['ms']:.0f} ms | {kb(row['gzipped'])} |")
    lines += [
        "",
        "### Recall: plain Pagefind and the site's search keys",
        "",
        f"The browser test's query set ({rec['queries']} queries: unit names full and short, themes, districts, "
        "words, phrases, numbers). Expected tasks: those whose text, unit names (printed, canonical, other names) "
        "or theme names contain the query.",
        "",
        "| search | expected tasks found |",
        "|---|---|",
        f"| plain Pagefind, the typed words (browser splits them with Intl.Segmenter) | {rec['raw']} / {rec['expected']} "
        f"({100 * rec['raw'] / rec['expected']:.1f} %) |",
        f"| the site: query turned into search keys (`assets/search-keys.js`) | {rec['keyed']} / {rec['expected']} "
        f"({100 * rec['keyed'] / rec['expected']:.1f} %) |",
        "",
        "Queries plain Pagefind misses tasks for (found/expected): " + ("、".join(rec["raw_missed_queries"]) or "none") + ".",
        END,
    ]
    return "\n".join(lines) + "\n"


def write_doc(section: str) -> None:
    DOC.parent.mkdir(parents=True, exist_ok=True)
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    if START in text and END in text:
        head, rest = text.split(START, 1)
        text = head + section.rstrip("\n") + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-write", action="store_true", help=f"print only, do not update {DOC.relative_to(ROOT)}")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="search-bench-") as tmp:
        index = measure_index(Path(tmp))
        server, base = serve(index["site"])
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                cold = []
                for query in COLD_QUERIES:
                    for slow in (False, True):
                        runs = [cold_query(browser, base, query, slow) for _ in range(RUNS)]
                        cold.append({"query": query, "network": "slow 4G (1.6 Mbit/s, 150 ms)" if slow else "localhost",
                                     "ms": statistics.median(r["ms"] for r in runs),
                                     "bytes": statistics.median(r["bytes"] for r in runs),
                                     "gzipped": statistics.median(r["gzipped"] for r in runs),
                                     "search_gzipped": statistics.median(r["search_gzipped"] for r in runs),
                                     "results": runs[0]["results"]})
                later_runs = [later_queries(browser, base) for _ in range(RUNS)]
                later = [{"query": q, "ms": statistics.median(run[i]["ms"] for run in later_runs),
                          "gzipped": statistics.median(run[i]["gzipped"] for run in later_runs)}
                         for i, q in enumerate(LATER_QUERIES)]
                rec = recall(browser, base)
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    section = report(index, cold, later, rec)
    print(section)
    if not args.no_write:
        write_doc(section)
        print(f"written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
