"""How to make Pagefind find exactly the tasks that contain a Chinese query: the index designs
measured before choosing generator/search.py's (issue 13).

    .venv/bin/python benchmarks/search_designs.py             # prints, and rewrites its section
    .venv/bin/python benchmarks/search_designs.py --no-write  # of docs/benchmarks.md

The site is built once without an index; for each design the task pages' search data (the
fields a query must match: requirement text, unit names, section titles, theme names, and
the card) becomes that design's hidden element, Pagefind indexes it, and Chromium asks the
tests' query set through Pagefind's JS API. Measured: precision and recall (against
tests/search_truth.py), the index's size, how many bytes of index chunks a query loads
(Pagefind loads every chunk holding one of its words), and the time of a search once the
chunks are loaded. A measurement, never a test.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import http.server
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import threading
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from benchmarks.doc import DOC, write_section  # noqa: E402
from generator import search, search_records, views  # noqa: E402
from generator.build import build_site, reference_dates  # noqa: E402
from generator.loader import load_site  # noqa: E402
from generator.model import Site  # noqa: E402
from generator.render import make_env  # noqa: E402
from generator.serve import SiteHandler  # noqa: E402
from tests.search_truth import expected_urls, query_set  # noqa: E402

START, END = "<!-- search-designs:start -->", "<!-- search-designs:end -->"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def pair(chars: str) -> str:
    """A pair of letters (or one) spelled as the search keys before issue 13: code points in hex letters."""
    return "zz" + "".join(f"{ord(c):04x}" for c in chars).translate(search._DIGIT_LETTERS)


def field_names(fields: search.TaskFields) -> list[list[str]]:
    return [fields.names(field) for field in search.FIELDS]


# ---- The designs: a page's words, and a query's term --------------------------------------------

def bag_words(fields: search.TaskFields, keys: search.SearchKeys) -> list[str]:
    """Before issue 13: every pair of neighbouring letters and each run's last letter, any order."""
    return [pair(run[i:i + 2]) for names in field_names(fields) for name in names
            for run in search.key_runs(name) for i in range(len(run))]


def bag_term(query: str, keys: search.SearchKeys) -> str | None:
    runs = search.key_runs(query)
    words = [pair(run[i:i + 2]) for run in runs for i in range(max(1, len(run) - 1))]
    return " ".join(words) or None  # all pairs anywhere on the page (a lone letter: as a prefix)


def ordered_pair_words(fields: search.TaskFields, keys: search.SearchKeys) -> list[str]:
    """The same pairs in text order, a name break between names: a quoted phrase needs them adjacent."""
    words: list[str] = []
    for names in field_names(fields):
        for name in names:
            words += [search.NAME_BREAK] + [pair(run[i:i + 2]) for run in search.key_runs(name) for i in range(len(run))]
    return words


def ordered_pair_term(query: str, keys: search.SearchKeys) -> str | None:
    runs = search.key_runs(query)
    if sum(map(len, runs)) == 1:
        return pair(runs[0])  # one letter: the start of a pair, as a prefix
    words: list[str] = []
    for i, run in enumerate(runs):
        words += [pair(run[j:j + 2]) for j in range(len(run) - 1)]
        if i < len(runs) - 1 or len(run) == 1:
            words.append(pair(run[-1]))  # the run's end stands between two runs
    return '"' + " ".join(words) + '"' if words else None


def letter_words(fields: search.TaskFields, keys: search.SearchKeys) -> list[str]:
    """One word per letter spelled by code point, a run break between runs (no ranks, no slots)."""
    words: list[str] = []
    for names in field_names(fields):
        for name in names:
            words.append(search.NAME_BREAK)
            for i, run in enumerate(search.key_runs(name)):
                words += ([search.RUN_BREAK] if i else []) + [pair(c) for c in run]
    return words


def letter_term(query: str, keys: search.SearchKeys) -> str | None:
    words: list[str] = []
    for i, run in enumerate(search.key_runs(query)):
        words += ([search.RUN_BREAK] if i else []) + [pair(c) for c in run]
    return '"' + " ".join(words) + '"' if words else None


def ranked_letter_words(fields: search.TaskFields, keys: search.SearchKeys) -> list[str]:
    """One word per letter spelled by frequency rank, in text order, without slots or spacers."""
    words: list[str] = []
    for names in field_names(fields):
        for name in names:
            words += [search.NAME_BREAK] + keys.name_words(name)
    return words


def chosen_words(fields: search.TaskFields, keys: search.SearchKeys) -> list[str]:
    return keys.page_words(fields)


def chosen_term(query: str, keys: search.SearchKeys) -> str | None:
    return keys.query_phrase(query)


Design = tuple[str, Callable, Callable]
DESIGNS: list[Design] = [
    ("pairs of letters, any order (before issue 13), all pairs anywhere", bag_words, bag_term),
    ("pairs of letters in text order, quoted phrase", ordered_pair_words, ordered_pair_term),
    ("one word per letter (code point), quoted phrase", letter_words, letter_term),
    ("one word per letter by frequency rank, quoted phrase", ranked_letter_words, chosen_term),
    ("one word per letter by frequency rank, fields at fixed slots, quoted phrase (chosen)", chosen_words, chosen_term),
]


# ---- Measuring -----------------------------------------------------------------------------------

def index_design(plain: Path, site: Path, site_model: Site, words_of: Callable) -> search.SearchKeys:
    """The built site (`plain`, no index) copied to `site`, with an index of this design's
    words written into the tasks' search records (generator/search_records.py)."""
    shutil.copytree(plain, site)
    statuses = views.task_statuses(site_model, reference_dates(ROOT / "site_data").as_of)
    fields = search_records.site_fields(site_model, statuses)
    keys = search.make_keys(fields)
    records, env = site.parent / f"{site.name}-records", make_env()
    for task, task_fields in zip(site_model.tasks, fields):
        search_records.write_record(records, env, task, task_fields, keys, words_of(task_fields, keys))
    search.Indexing([(records, site / search.BUNDLE)]).wait()
    search.make_reproducible(site / search.BUNDLE)
    search.drop_unused_ui(site / search.BUNDLE)
    return keys


def chunk_bytes(bundle: Path, term: str) -> int:
    """Bytes of the index chunks Pagefind loads for `term` (those whose word range holds a
    word of it; an unquoted word also loads the chunks of the words it begins)."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    (info,) = entry["languages"].values()
    chunks = search._read(bundle / f"pagefind.{info['hash']}.pf_meta")[2]
    exact = term.startswith('"')
    needed = {chunk_hash for word in term.strip('"').split(" ") for first, last, chunk_hash in chunks
              if first <= word <= last or (not exact and last.startswith(word))}
    return sum((bundle / "index" / f"{h}.pf_index").stat().st_size for h in needed)


class Quiet(SiteHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


ASK = """async (terms) => {
  const pagefind = await import('/pagefind/pagefind.js');
  await pagefind.options({ noWorker: true });
  await pagefind.init();
  const out = {};
  for (const [query, term] of terms) await pagefind.search(term);  // load the chunks first
  for (const [query, term] of terms) {
    const started = performance.now();
    const search = await pagefind.search(term);
    const ms = performance.now() - started;
    out[query] = { ms, urls: await Promise.all(search.results.map(async (r) => (await r.data()).url)) };
  }
  return out;
}"""


def measure(tmp: Path) -> list[dict]:
    plain = tmp / "plain"
    build_site(ROOT / "site_data", plain, config_file=ROOT / "mkdocs.yml", search=False)
    site_model = load_site(ROOT / "site_data")
    queries = query_set(site_model)
    rows = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for number, (name, words_of, term_of) in enumerate(DESIGNS):
            site = tmp / f"design{number}"
            keys = index_design(plain, site, site_model, words_of)
            terms = {query: term_of(query, keys) for query in queries}
            server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
            threading.Thread(target=server.serve_forever, daemon=True).start()
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{server.server_address[1]}/search/")
            answers = page.evaluate(ASK, [[q, t] for q, t in terms.items() if t])
            page.close()
            server.shutdown()
            server.server_close()
            listed = correct = expected_total = 0
            for query in queries:
                got = {unquote(u) for u in answers.get(query, {"urls": []})["urls"]}
                expected = expected_urls(site_model, query)
                listed, correct, expected_total = listed + len(got), correct + len(got & expected), expected_total + len(expected)
            bundle = site / search.BUNDLE
            loads = [chunk_bytes(bundle, t) for t in terms.values() if t]
            rows.append({
                "name": name, "precision": correct / max(listed, 1), "recall": correct / max(expected_total, 1),
                "index": sum(p.stat().st_size for p in (bundle / "index").iterdir()),
                "chunks": len(list((bundle / "index").iterdir())),
                "fragments": sum(p.stat().st_size for p in (bundle / "fragment").iterdir()),
                "load_median": statistics.median(loads), "load_max": max(loads),
                "ms_median": statistics.median(a["ms"] for a in answers.values()),
                "ms_max": max(a["ms"] for a in answers.values()),
            })
            print(rows[-1], flush=True)
        browser.close()
    return rows


def kb(n: float) -> str:
    return f"{n / 1024:.0f} KB"


def report(rows: list[dict], queries: int) -> str:
    lines = [
        START,
        "## Search: index designs compared (issue 13)",
        "",
        f"Measured {dt.date.today().isoformat()} with `benchmarks/search_designs.py` on {platform.machine()} "
        f"({platform.system()}, {os.cpu_count()} cores), Pagefind 1.5.2 extended, headless Chromium. Each design indexes "
        "the same fields of the 273 tasks (requirement text, unit names printed, canonical and other, section titles, "
        f"theme names) with the same card metadata; the {queries} queries of `tests/search_truth.py` are asked through "
        "Pagefind's JS API. Chunk bytes: the index chunks a query makes Pagefind load (compressed, as served). Search "
        "time: once those chunks are loaded.",
        "",
        "| design | precision | recall | index | chunks | chunk bytes a query loads: median / largest | search: median / slowest |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(f"| {r['name']} | {r['precision']:.3f} | {r['recall']:.3f} | {kb(r['index'])} | {r['chunks']} | "
                     f"{kb(r['load_median'])} / {kb(r['load_max'])} | {r['ms_median']:.1f} ms / {r['ms_max']:.0f} ms |")
    lines += [
        "",
        "Why the last one:",
        "",
        "- Pagefind matches the words of a plain query anywhere on a page. Pairs of letters in any order give "
        "recall 1.000 but list tasks that hold the pairs apart (区政府办公室, 政务公开 in plan titles and headings before "
        "the visible text was left out of the index): precision below 1.",
        "- A quoted query is a phrase: Pagefind then needs its words at consecutive positions. With the keys in text "
        "order, both pairs and single letters reach precision and recall 1.000, with no check of the results afterwards.",
        "- One word per letter is smaller than pairs: a letter recurs on a page, a pair much less, so the dictionary "
        "and its page lists are smaller. Spelling letters by their frequency rank puts the common letters together, "
        "so a query's letters fall in fewer chunks; the ranks come with the keys file (3 KB gzipped).",
        "- Pagefind 1.5 indexes metadata values as words too, and the card of every result is metadata: in the "
        "designs without slots its words share a chunk with the keys, and many queries load it. Fixed slots (the "
        "requirement text from position 0, unit names, section titles, theme names after it, the spacer word `1` "
        "between) add tens of thousands of spacer positions that sort right after the card metadata (\"0…\"), so "
        "Pagefind closes a chunk there that no query loads. The slots also tell the search page which field a result "
        "matched from the position Pagefind returns, so requirement-text matches rank first without fetching every "
        "result.",
        END,
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-write", action="store_true", help=f"print only, do not update {DOC.relative_to(ROOT)}")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="search-designs-") as tmp:
        rows = measure(Path(tmp))
    section = report(rows, len(query_set(load_site(ROOT / "site_data"))))
    print(section)
    if not args.no_write:
        write_section(START, END, section, after="<!-- search-benchmark:end -->")
        print(f"written to {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
