"""Pages bounded by design (issue 14, point 3): a page's HTML does not grow with the number of
districts, except the lists whose job is to list districts, and those are grouped by province
and city (div.zw-places, generator/templates/_macros.html.j2).

Two builds of synthetic data (benchmarks/scale_data.py): the five seed plans once (copy 1 is the
real data, byte for byte), and COPIES times as distinct districts in made-up provinces and
cities. The same page in both builds, its grouped district lists taken out, must be the same
size; every task page within 10 % of its size with five districts.
"""
from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Iterator

import pytest

from benchmarks.scale_data import make_scaled_data
from generator import views
from generator.build import build_site
from generator.model import Site

ROOT = Path(__file__).resolve().parents[1]
COPIES = 6  # 30 districts in 8 provinces: enough for a list of every district to show
EPOCH = "1685577600"  # 2023-06-01: the same reference date for both builds (no git history here)
TASK_PAGE_GROWTH = 1.10  # the bound for a task page
SAME_SIZE_SLACK = 1.01, 120  # other pages: 1 % and 120 bytes, for counts with more digits
PER_DISTRICT_BYTES = 1500  # what one more district may add to a grouped list of districts

PLACES_START = '<div class="zw-places">'


@contextlib.contextmanager
def _env(name: str, value: str) -> Iterator[None]:
    old = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if old is None:
            del os.environ[name]
        else:
            os.environ[name] = old


@pytest.fixture(scope="session")
def scaled_sites(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """copies -> the built site, for 1 and COPIES copies of the seed data (no search index,
    no published address, no history: only the pages matter here)."""
    base = tmp_path_factory.mktemp("scaled")
    sites = {}
    with _env("SOURCE_DATE_EPOCH", EPOCH):
        for copies in (1, COPIES):
            data = make_scaled_data(ROOT / "site_data", base / f"data-{copies}", copies, git=False)
            sites[copies] = base / f"site-{copies}"
            build_site(data, sites[copies], config_file=ROOT / "mkdocs.yml", search=False)
    return sites


@pytest.fixture(scope="session")
def scaled_pages(scaled_sites: dict[int, Path]) -> dict[int, dict[str, str]]:
    """copies -> site-relative page path -> its HTML."""
    return {copies: {p.relative_to(site).as_posix(): p.read_text(encoding="utf-8") for p in sorted(site.rglob("*.html"))}
            for copies, site in scaled_sites.items()}


def district_lists(html: str) -> list[str]:
    """Each grouped list of districts (div.zw-places, with everything inside it) in the page."""
    found = []
    start = html.find(PLACES_START)
    while start >= 0:
        depth, i = 0, start
        for match in re.finditer(r"<div\b|</div>", html[start:]):
            depth += 1 if match.group() == "<div" else -1
            if depth == 0:
                i = start + match.end()
                break
        else:
            raise AssertionError("a div.zw-places is never closed")
        found.append(html[start:i])
        start = html.find(PLACES_START, i)
    return found


def without_district_lists(html: str) -> str:
    if PLACES_START not in html:
        return html
    for block in district_lists(html):
        html = html.replace(block, "", 1)
    return html


def size(text: str) -> int:
    return len(text.encode("utf-8"))


def test_grouped_lists_are_found_and_taken_out() -> None:
    """The helpers above: nested divs inside a list, two lists in a page."""
    page = f"<p>a</p>{PLACES_START}<div><div>x</div></div></div><p>b</p>{PLACES_START}y</div>"
    assert district_lists(page) == [f"{PLACES_START}<div><div>x</div></div></div>", f"{PLACES_START}y</div>"]
    assert without_district_lists(page) == "<p>a</p><p>b</p>"


def test_every_task_page_stays_within_ten_percent(scaled_sites: dict[int, Path], real_site: Site) -> None:
    few, many = scaled_sites[1], scaled_sites[COPIES]
    grown = []
    for task in real_site.tasks:  # copy 1 is the real data: the same task at the same address
        file = views.page_file(views.task_url(task)).replace("index.md", "index.html")
        before, after = (few / file).stat().st_size, (many / file).stat().st_size
        if after > TASK_PAGE_GROWTH * before:
            grown.append(f"/{views.task_url(task)}: {before} -> {after} bytes")
    assert not grown, f"{len(grown)} task pages grew with {COPIES}x the districts:\n" + "\n".join(grown[:10])
    # The made-up districts' task pages are copies of these: none is larger than the largest here.
    largest = max((few / f).stat().st_size for f in _task_files(few))
    assert max((many / f).stat().st_size for f in _task_files(many)) <= TASK_PAGE_GROWTH * largest


def _task_files(site: Path) -> list[str]:
    """<district>/<year>/<number>/index.html."""
    return [p.relative_to(site).as_posix() for p in site.glob("*/*/*/index.html")
            if p.parts[-2].isdigit() and p.parts[-3].isdigit()]


def test_no_page_grows_but_its_grouped_district_lists(scaled_pages: dict[int, dict[str, str]]) -> None:
    few, many = scaled_pages[1], scaled_pages[COPIES]
    assert set(few) <= set(many)
    share, slack = SAME_SIZE_SLACK
    grown = []
    for path, html in few.items():
        before, after = size(without_district_lists(html)), size(without_district_lists(many[path]))
        if after > share * before + slack:
            grown.append(f"/{path}: {before} -> {after} bytes outside its grouped district lists")
    assert not grown, f"{len(grown)} pages grew with {COPIES}x the districts:\n" + "\n".join(grown[:15])
    # The pages only the larger site has (its made-up districts') are no larger than the largest here.
    largest = max(size(without_district_lists(html)) for html in few.values())
    assert max(size(without_district_lists(html)) for html in many.values()) <= TASK_PAGE_GROWTH * largest


def test_grouped_district_lists_grow_by_a_line_a_district(scaled_pages: dict[int, dict[str, str]]) -> None:
    """Where a page lists districts, each more district costs one short line, under its
    province's (and city's) heading."""
    few, many = scaled_pages[1], scaled_pages[COPIES]
    added = 5 * (COPIES - 1)  # districts
    listing = [path for path, html in few.items() if district_lists(html)]
    assert {"districts/index.html", "units/index.html", "deadlines/index.html", "data/index.html"} <= set(listing)
    for path in listing:
        before = sum(size(block) for block in district_lists(few[path]))
        blocks = district_lists(many[path])
        after = sum(size(block) for block in blocks)
        assert after - before <= PER_DISTRICT_BYTES * added, f"/{path}: {(after - before) / added:.0f} bytes a district"
        provinces = sum(block.count('class="zw-places__province"') for block in blocks)
        assert provinces >= 2, f"/{path}: the districts are not grouped by province"
    # 各地区 lists all of them: three real provinces and the made-up ones, each district once.
    page = many["districts/index.html"]
    assert page.count('class="zw-places__province"') == len(set(re.findall(r'<h2 id="p-\d+">([^（<]+)', page))) >= 8
    assert page.count('<span class="zw-places__note">') == 5 * COPIES
