"""The scale-out path in a browser (issue 14, point 5): two partitions (山东省, 广东省) and the
national entry site, built into the one-host layout (`/` the entry site, `/<key>/` each
partition) and served together. The entry site's search spans both partitions with Pagefind's
mergeIndex: for every query of the query set whose tasks lie in both provinces it lists
exactly the union of what each partition's own search page lists (which is exactly the tasks
of that province that contain the query), with the cards of both, and a result opens the task
page in its own partition.
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Iterator
from urllib.parse import quote, unquote, urlsplit

import pytest

from generator.entry_site import build_all
from generator.model import Site
from generator.partitions import select

from tests.helpers import DATA, ROOT
from tests.search_truth import expected_urls, query_set
from .conftest import MODES, SEARCH_SETTLED, WIDTHS, install_checks, new_context, served
from .test_floors import CHROME_HEIGHT, CHROME_SHARE, MODE_NAMES, PHONE_SCREEN_HEIGHT, PHONE_WIDTHS
from .test_search import ASK, status_number

PARTITIONS = ("guangdong", "shandong")


@pytest.fixture(scope="module")
def layout(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("partitions") / "site"
    assert build_all(DATA, out, config_file=ROOT / "mkdocs.yml", only=list(PARTITIONS)) == list(PARTITIONS)
    return out


@pytest.fixture(scope="module")
def host(layout: Path) -> Iterator[str]:
    with served(layout) as url:
        yield url


@pytest.fixture(scope="module")
def truth(real_site: Site) -> dict[str, Site]:
    return {key: select(real_site, key) for key in PARTITIONS}


def expected(truth: dict[str, Site], key: str, query: str) -> set[str]:
    """The tasks of partition `key` that contain `query`, at their address on the host."""
    return {f"/{key}{url}" for url in expected_urls(truth[key], query)}


@pytest.fixture(scope="module")
def pages(browser, host: str) -> Iterator[dict]:
    """One search page on the entry site and one on each partition, searched again and again;
    every failed request and console error on them."""
    context = new_context(browser, 1280)
    failures: list[str] = []
    opened = {}
    for name, path in [("entry", "/search/"), *((key, f"/{key}/search/") for key in PARTITIONS)]:
        page = context.new_page()
        page.on("response", lambda r: r.status >= 400 and failures.append(f"{r.status} {r.url}"))
        page.on("console", lambda m: m.type == "error" and failures.append(m.text))
        page.goto(host + path)
        page.wait_for_function(SEARCH_SETTLED)
        opened[name] = page
    yield {"pages": opened, "failures": failures}
    context.close()


def ask(page, query: str) -> dict:
    answer = page.evaluate(ASK, query)
    assert answer["state"] == "done", (query, answer["status"])
    answer["urls"] = [unquote(url) for url in answer["urls"]]
    return answer


def test_entry_search_lists_the_union_of_the_partitions(pages, real_site: Site, truth) -> None:
    queries = [q for q in query_set(real_site) if all(expected(truth, key, q) for key in PARTITIONS)]
    assert len(queries) >= 20, queries
    problems = []
    for query in queries:
        own = {key: ask(pages["pages"][key], query) for key in PARTITIONS}
        across = ask(pages["pages"]["entry"], query)
        union = set().union(*(set(answer["urls"]) for answer in own.values()))
        for key, answer in own.items():  # each partition's own page: exactly its tasks
            if set(answer["urls"]) != expected(truth, key, query):
                problems.append(f"{query}: /{key}/search/ lists other tasks than those that contain it")
        if set(across["urls"]) != union or len(across["urls"]) != len(union):
            problems.append(f"{query}: the entry lists {len(across['urls'])}, the partitions {len(union)} "
                            f"(missing {sorted(union - set(across['urls']))[:2]}, extra {sorted(set(across['urls']) - union)[:2]})")
        if status_number(across["status"]) != len(union):
            problems.append(f"{query}: the entry says {across['status']!r}, {len(union)} tasks contain it")
        shown = {url.split("/")[1] for url in across["urls"]}
        if shown != set(PARTITIONS):
            problems.append(f"{query}: cards from {sorted(shown)} only")
    assert not problems, "\n".join(problems[:20])
    assert not pages["failures"]


def test_entry_cards_are_the_partition_cards(pages) -> None:
    """The same card, with the same "where" line and marks, whichever site lists it."""
    query = "营商环境"
    across = ask(pages["pages"]["entry"], query)
    by_url = {url: (where, marks) for url, where, marks in zip(across["urls"], across["where"], across["marks"])}
    for key in PARTITIONS:
        own = ask(pages["pages"][key], query)
        for url, where, marks in zip(own["urls"], own["where"], own["marks"]):
            assert by_url[url] == (where, marks), url


@pytest.mark.parametrize(("typed", "meant"), [("營商環境", "营商环境"), ("yingshanghuanjing", "营商环境")])
def test_entry_related_tasks_come_from_every_partition(pages, truth, typed: str, meant: str) -> None:
    """Traditional characters and pinyin find 相关的任务 across the partitions: the entry site
    reads every partition's fallback file as one."""
    page = pages["pages"]["entry"]
    answer = ask(page, typed)
    reasons = page.eval_on_selector_all("#zw-search-related .zw-search__reason", "els => els.map((e) => e.textContent)")
    union = set().union(*(expected(truth, key, meant) for key in PARTITIONS))
    assert answer["urls"] == [] and any(f"“{meant}”" in reason and f"共 {len(union)} 项" in reason for reason in reasons), reasons


def _fallback_words(layout: Path, key: str) -> dict[str, str]:
    """Word -> its pinyin, from partition `key`'s fallback file (generator/search_fallback.py)."""
    bundle = layout / key / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    words = json.loads((bundle / entry["zw_fallback"]).read_text(encoding="utf-8"))["words"]
    return {word: pinyin for word, _, pinyin in words if pinyin}


def test_entry_knows_the_words_of_a_partition_that_is_not_the_first(pages, layout: Path, truth) -> None:
    """A word only the second partition's fallback file has (a unit of 山东) is found by its
    pinyin on the entry site: the files are merged, not the first one read alone."""
    first, second = (_fallback_words(layout, key) for key in PARTITIONS)
    taken = set(first.values())
    only = sorted((word for word, pinyin in second.items()
                   if word not in first and pinyin not in taken and len(word) >= 4 and list(second.values()).count(pinyin) == 1),
                  key=lambda word: (-len(expected(truth, PARTITIONS[1], word)), word))
    assert only, "no word of the second partition alone"
    word = only[0]
    page = pages["pages"]["entry"]
    ask(page, second[word])
    reasons = page.eval_on_selector_all("#zw-search-related .zw-search__reason", "els => els.map((e) => e.textContent)")
    assert any(f"对应的“{word}”" in reason for reason in reasons), (word, second[word], reasons)


def test_entry_filters_list_the_districts_of_every_partition(pages, truth) -> None:
    page = pages["pages"]["entry"]
    ask(page, "营商环境")
    options = page.eval_on_selector_all("#zw-filter-district option", "els => els.map((o) => o.value)")
    districts = {plan.district.slug for site in truth.values() for plan in site.plans}
    assert districts <= set(options)


def test_a_result_opens_the_task_page_in_its_partition(browser, host: str, truth) -> None:
    """From the entry home page's header box to the search page, then a card of each partition."""
    context = new_context(browser, 1280)
    failures: list[str] = []
    page = context.new_page()
    page.on("response", lambda r: r.status >= 400 and failures.append(f"{r.status} {r.url}"))
    page.goto(host + "/")
    page.fill("#zw-header-q", "营商环境")
    page.press("#zw-header-q", "Enter")
    page.wait_for_url("**/search/?q=*")
    page.wait_for_function("() => document.getElementById('zw-search').dataset.state === 'done'")
    for key in PARTITIONS:
        link = page.locator(f'.zw-result__link[href^="/{key}/"]').first
        title, href = link.inner_text(), link.get_attribute("href")
        link.click()
        page.wait_for_url(host + href)
        page.wait_for_load_state()
        assert page.locator("h1").first.inner_text().startswith(title)
        district, year, number = href.strip("/").split("/")[1:]  # /<key>/<district>/<year>/<number>/
        assert any((plan.district.slug, str(plan.year)) == (district, year) and int(number) in
                   {task.number for task in plan.tasks} for plan in truth[key].plans), href
        page.go_back()
        page.wait_for_function("() => document.getElementById('zw-search').dataset.state === 'done'")
    assert not failures
    context.close()


def test_a_partition_leads_back_to_the_entry_site(browser, host: str) -> None:
    """From a partition's home page, its 各地区 page and a task page's footer, 全国各省份 opens
    the national entry site's home page."""
    context = new_context(browser, 375)
    page = context.new_page()
    key = PARTITIONS[0]
    task = f"/{key}/haojiang/2022/1/"
    for path, where in ((f"/{key}/", "main"), (f"/{key}/districts/", "main"), (task, "footer")):
        page.goto(host + path)
        page.locator(where).get_by_role("link", name="全国各省份").click()
        page.wait_for_url(host + "/")
        assert page.locator(f'main a[href="{key}/"]').count() >= 1, path  # the entry home lists the provinces
    context.close()


def test_first_cross_site_search_loads_one_runtime_and_each_partition_once(browser, host: str, record_property) -> None:
    """mergeIndex loads Pagefind's runtime and wasm once, and from each partition its entry
    file, metadata and the chunks of the query. The bytes of a first search from a cold
    cache are printed for docs/scale-out.md."""
    context = new_context(browser, 1280)
    page = context.new_page()
    page.goto(host + "/search/?q=" + quote("营商环境"))
    page.wait_for_function("() => document.getElementById('zw-search').dataset.state === 'done'")
    entries = page.evaluate("""() => performance.getEntriesByType('resource').map((e) => ({
        url: e.name, bytes: e.encodedBodySize, transfer: e.transferSize }))""")
    context.close()
    bundle = [e for e in entries if "/pagefind/" in e["url"]]
    where = Counter(urlsplit(e["url"]).path.split("/")[1] for e in bundle)
    runtime = [e for e in bundle if urlsplit(e["url"]).path.rsplit("/", 1)[1].startswith(("pagefind.js", "wasm."))]
    assert sorted(urlsplit(e["url"]).path.rsplit("/", 1)[1].split(".")[0] for e in runtime) == ["pagefind", "wasm"]
    assert set(where) == set(PARTITIONS)
    for key in PARTITIONS:  # Pagefind's and the keys loader's look at the entry file
        files = [urlsplit(e["url"]).path for e in bundle if urlsplit(e["url"]).path.startswith(f"/{key}/")]
        assert sum(path.endswith("pagefind-entry.json") for path in files) == 2, files
        assert any(path.endswith(".pf_meta") for path in files) and any(path.endswith(".pf_index") for path in files)
    total = sum(e["bytes"] for e in entries)
    by_site = {key: sum(e["bytes"] for e in bundle if f"/{key}/" in e["url"] and e not in runtime) for key in PARTITIONS}
    summary = {"all_bytes": total, "runtime_bytes": sum(e["bytes"] for e in runtime),
               "per_partition_bytes": by_site, "requests": len(entries)}
    record_property("first_cross_site_search", summary)
    print("first cross-site search:", json.dumps(summary))


# ---- The entry site's pages keep the floors (issue 14, point 4) -----------------------------

ENTRY_PAGES = {"home": "/", "search": "/search/?q=" + quote("营商环境"), "chooser": "/units/", "help": "/help/",
               "404": "/no-such-page/"}


@pytest.mark.parametrize("mode", MODE_NAMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_entry_pages_keep_the_floors(browser, host: str, width: int, mode: str) -> None:
    context = new_context(browser, width, MODES[mode])
    problems = []
    for name, path in ENTRY_PAGES.items():
        page = context.new_page()
        page.goto(host + path)
        page.wait_for_function(SEARCH_SETTLED)
        install_checks(page)
        problems += [f"{name} target: {p}" for p in page.evaluate("zwChecks.targetProblems()")]
        problems += [f"{name} list: {p}" for p in page.evaluate("zwChecks.markerProblems()")]
        if width in PHONE_WIDTHS and page.evaluate(CHROME_HEIGHT) > CHROME_SHARE * PHONE_SCREEN_HEIGHT:
            problems.append(f"{name}: toolbar and header over 30 % of a {width} x 640 screen")
        page.close()
    context.close()
    assert not problems, "\n".join(problems[:40])
