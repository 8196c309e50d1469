"""A sharded search index in a browser (issue 14: a build's memory bounded at 100 districts).

A site of more than SHARD_TASKS tasks is indexed in shards, whole districts each, one Pagefind
bundle per shard (/pagefind/, /pagefind_2/ …), and its search page opens them as one index
(search-keys.js, Pagefind's mergeIndex). Here the real data are built with shards of at most
100 tasks, four bundles, and the sharded site's search page must answer every query of the
query set exactly as the one-bundle site does: the same cards in the same order, the same
count, the same filters with the same numbers, the same related tasks.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest

from generator.build import build_site
from generator.model import Site
from generator.search_records import shards

from tests.helpers import DATA, ROOT
from tests.search_truth import expected_urls, query_set
from .conftest import SEARCH_SETTLED, new_context, served
from .test_search import ask

SHARD_TASKS = 100  # the five districts have 49 to 66 tasks: four bundles


@pytest.fixture(scope="module")
def sharded_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shards") / "site"
    build_site(DATA, out, config_file=ROOT / "mkdocs.yml", shard_tasks=SHARD_TASKS)
    return out


@pytest.fixture(scope="module")
def pages(browser, base_url: str, sharded_site: Path) -> Iterator[dict]:
    """The search page of the one-bundle site (base_url) and of the sharded site, side by
    side; every failed request and console error on either."""
    failures: list[str] = []
    with served(sharded_site) as sharded_url:
        context = new_context(browser, 1280)
        opened, urls = {}, {"one": base_url, "sharded": sharded_url}
        for name, url in urls.items():
            page = context.new_page()
            page.on("response", lambda r: r.status >= 400 and failures.append(f"{r.status} {r.url}"))
            page.on("console", lambda m: m.type == "error" and failures.append(m.text))
            page.goto(url + "/search/")
            page.wait_for_function(SEARCH_SETTLED)
            opened[name] = page
        yield {**opened, "urls": urls, "failures": failures}
        context.close()


def bundle_pages(bundle: Path) -> int:
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    return sum(language["page_count"] for language in entry["languages"].values())


def test_the_tasks_are_indexed_in_four_bundles_of_whole_districts(sharded_site: Path, real_site: Site) -> None:
    groups = shards(real_site, SHARD_TASKS)
    bundles = sorted(p for p in sharded_site.iterdir() if p.name.startswith("pagefind"))
    assert [p.name for p in bundles] == ["pagefind", "pagefind_2", "pagefind_3", "pagefind_4"]
    assert [bundle_pages(p) for p in bundles] == [len(group) for group in groups]
    assert sum(len(group) for group in groups) == len(real_site.tasks)
    for group in groups:
        assert len(group) <= SHARD_TASKS
    district_of = {task.key: task.plan.district.slug for task in real_site.tasks}
    homes = [{district_of[key] for key in group} for group in groups]
    assert all(not (a & b) for i, a in enumerate(homes) for b in homes[i + 1:]), homes  # no district split
    html = (sharded_site / "search" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="zw-search-bundles" content="pagefind/ pagefind_2/ pagefind_3/ pagefind_4/">' in html


def test_the_sharded_search_lists_what_the_one_bundle_search_lists(pages, real_site: Site) -> None:
    queries = query_set(real_site)
    spanning = 0
    problems = []
    for query in queries:
        one, sharded = ask(pages["one"], query), ask(pages["sharded"], query)
        if sharded["urls"] != one["urls"]:
            problems.append(f"{query}: {len(sharded['urls'])} cards against {len(one['urls'])}, "
                            f"or in another order (first differing: "
                            f"{next((a, b) for a, b in zip(sharded['urls'] + [''], one['urls'] + ['']) if a != b)})")
        elif set(sharded["urls"]) != expected_urls(real_site, query):
            problems.append(f"{query}: both list other tasks than those that contain it")
        for what in ("status", "where", "marks", "related"):
            if sharded[what] != one[what]:
                problems.append(f"{query}: {what} {sharded[what]!r:.80} against {one[what]!r:.80}")
        spanning += len({url.split("/")[1] for url in sharded["urls"]}) >= 3
    assert not problems, "\n".join(problems[:20])
    assert spanning >= 20, "too few queries whose tasks lie in several bundles"
    assert not pages["failures"], pages["failures"][:5]


FILTERS = ("district", "year", "unit", "theme", "deadline", "status")


@pytest.mark.parametrize(("query", "districts"), [("", 5), ("营商环境", 5), ("區發改局", 0)])
def test_the_filters_count_the_tasks_of_every_bundle(pages, query: str, districts: int) -> None:
    """Every filter lists the same values with the same numbers, for the whole site, a query,
    and a query that finds only related tasks (traditional characters: no district listed)."""
    shown = {}
    for name in ("one", "sharded"):
        page = pages[name]
        page.goto(pages["urls"][name] + "/search/" + (f"?q={quote(query)}" if query else ""))
        page.wait_for_function(SEARCH_SETTLED)
        if not query:  # the filters are filled when the reader reaches for the form
            page.focus("#zw-search-q")
            page.wait_for_function("() => document.querySelectorAll('#zw-filter-district option').length > 1")
            page.wait_for_function(SEARCH_SETTLED)
        shown[name] = {select: page.eval_on_selector_all(
            f"#zw-filter-{select} option", "options => options.map((o) => [o.value, o.textContent])")
            for select in FILTERS}
        shown[name]["groups"] = page.eval_on_selector_all(
            "#zw-filter-district optgroup", "groups => groups.map((g) => [g.label, g.children.length])")
    assert shown["sharded"] == shown["one"]
    assert len(shown["sharded"]["district"]) == 1 + districts  # 全部地区, then the districts with results
    assert sum(count for _, count in shown["sharded"]["groups"]) == districts
    assert pages["failures"] == []
