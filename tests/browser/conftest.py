"""Browser tests of the built site: one real build, one local server, one Chromium.

Everything is session-scoped and per process, so the suite also runs under pytest-xdist
(each worker builds, serves on its own free port and launches its own browser).

Playwright cannot download browsers here: it drives Debian's /usr/bin/chromium.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import quote, urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from generator import views
from generator.build import build_site, reference_dates
from generator.loader import load_site
from generator.model import Site
from generator.serve import make_server

from tests.helpers import DATA, ROOT
from tests.test_feedback_contact import _add_contact

HERE = Path(__file__).resolve().parent
WIDTHS = (320, 375, 1280)
HEIGHT = 800

# Display modes, as site.js stores them in localStorage["zw-display"], with the smallest
# body text each must give (docs/elderly-and-accessibility.md).
STORAGE_KEY = "zw-display"


@dataclass(frozen=True)
class Mode:
    name: str
    stored: dict | None  # None: nothing stored, the reader's first visit
    min_text_px: float

    @property
    def contrast(self) -> bool:
        return bool(self.stored and self.stored.get("contrast"))


MODES = {
    "default": Mode("default", None, 18),
    "large": Mode("large", {"size": "large", "contrast": False}, 24),
    "xlarge": Mode("xlarge", {"size": "xlarge", "contrast": False}, 30),
    "contrast": Mode("contrast", {"size": "standard", "contrast": True}, 18),
}


# ---- Page types -------------------------------------------------------------------------
# One representative address per page type, computed from the real data. To cover a new
# page type, add a line here. Optional ones are skipped while the page is not built yet.


def _first_plan(site: Site):
    return site.plans[0]


def _unit_path(site: Site) -> str:
    """The lead unit of the first task that has one (a unit page with real tasks on it)."""
    for task in site.tasks:
        for task_unit in task.lead_units or task.units:
            return f"/units/{task_unit.unit.district}/{task_unit.unit.id}/"
    raise AssertionError("no task names a unit")


def _theme_path(site: Site) -> str:
    """The theme with the fewest tasks (still > 0): a full theme page, quick to check."""
    counts = {theme.id: 0 for theme in site.themes}
    for task in site.tasks:
        for theme in task.themes:
            counts[theme.id] += 1
    theme_id = min((n, tid) for tid, n in counts.items() if n)[1]
    return f"/themes/{theme_id}/"


def _theme_district_path(site: Site) -> str:
    """That theme's page for the first district (by slug) with tasks of it: the task cards."""
    theme_path = _theme_path(site)
    theme_id = theme_path.strip("/").split("/")[-1]
    slug = min(t.plan.district.slug for t in site.tasks if any(th.id == theme_id for th in t.themes))
    return f"{theme_path}{slug}/"


@dataclass(frozen=True)
class PageType:
    name: str
    path: Callable[[Site], str]
    optional: bool = False


SEARCH_PAGE_QUERY = "营商环境"  # more than one screen of results: cards and "显示更多结果"

PAGE_TYPES = [
    PageType("home", lambda s: "/"),
    PageType("district", lambda s: f"/{_first_plan(s).district.slug}/"),
    PageType("plan", lambda s: f"/{_first_plan(s).district.slug}/{_first_plan(s).year}/"),
    PageType("task", lambda s: f"/{_first_plan(s).district.slug}/{_first_plan(s).year}/{_first_plan(s).tasks[0].number}/"),
    PageType("unit", _unit_path),
    PageType("theme", _theme_path),
    PageType("deadlines", lambda s: "/deadlines/"),
    # Issue 14: the districts grouped by province and city; a district's tasks by deadline.
    PageType("districts", lambda s: "/districts/"),
    PageType("deadlines-district", lambda s: f"/deadlines/{_first_plan(s).district.slug}/"),
    PageType("help", lambda s: "/help/"),
    PageType("staff-guide", lambda s: "/staff-guide/", optional=True),
    # The search page with a query, so its result cards and filters are checked too.
    PageType("search", lambda s: "/search/?q=" + quote(SEARCH_PAGE_QUERY)),
]
PAGE_TYPE_NAMES = [p.name for p in PAGE_TYPES]

# assets/search.js marks #zw-search with data-state; true at once on every other page.
SEARCH_SETTLED = """() => { const box = document.getElementById('zw-search');
                         return !box || ['done', 'idle', 'error'].includes(box.dataset.state); }"""


@pytest.fixture(scope="session")
def site_dir(built_site: Path) -> Path:
    """The real site (tests/conftest.py builds it once with generator.build.build_site)."""
    return built_site


@pytest.fixture(scope="session")
def page_paths(real_site: Site, site_dir: Path) -> dict[str, str | None]:
    """Page type -> path on the site; None for an optional page that is not built."""
    paths: dict[str, str | None] = {}
    for page_type in PAGE_TYPES:
        path = page_type.path(real_site)
        built = (site_dir / urlsplit(path).path.strip("/") / "index.html").is_file()
        if not built and not page_type.optional:
            raise AssertionError(f"{page_type.name} page {path} was not built")
        paths[page_type.name] = path if built else None
    return paths


@pytest.fixture
def path_of(page_paths: dict[str, str | None]) -> Callable[[str], str]:
    def lookup(page_type: str) -> str:
        path = page_paths[page_type]
        if path is None:
            pytest.skip(f"the {page_type} page is not built yet")
        return path

    return lookup


# ---- Server and browser -----------------------------------------------------------------


@contextlib.contextmanager
def served(folder: Path) -> Iterator[str]:
    """A built site served as `python -m generator serve` serves it (MIME types, 404 page), on a
    free port, without a request log; yields its address."""
    server = make_server(folder, port=0, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    with served(site_dir) as url:
        yield url


def mode_script(mode: Mode) -> str:
    """Init script putting the mode's settings in localStorage before the page's scripts."""
    if mode.stored is None:
        return f"localStorage.removeItem({STORAGE_KEY!r});"
    return f"localStorage.setItem({STORAGE_KEY!r}, {json.dumps(json.dumps(mode.stored))});"


def new_context(browser: Browser, width: int, mode: Mode | None = None, **options) -> BrowserContext:
    context = browser.new_context(viewport={"width": width, "height": HEIGHT}, **options)
    if mode is not None:
        context.add_init_script(mode_script(mode))
    return context


@pytest.fixture(scope="session")
def shared_context(browser: Browser) -> Iterator[Callable[[int, str], BrowserContext]]:
    """Read-only contexts reused across tests, one per (width, mode). Tests that click the
    toolbar or store anything make their own context instead."""
    contexts: dict[tuple[int, str], BrowserContext] = {}

    def get(width: int, mode_name: str) -> BrowserContext:
        key = (width, mode_name)
        if key not in contexts:
            contexts[key] = new_context(browser, width, MODES[mode_name])
        return contexts[key]

    yield get
    for context in contexts.values():
        context.close()


CHECKS_JS = (HERE / "checks.js").read_text(encoding="utf-8")


def install_checks(page: Page) -> None:
    """Define window.zwChecks (tests/browser/checks.js) in the page."""
    page.evaluate(CHECKS_JS)


@dataclass
class Visit:
    """A page opened for checking, with every request and console error it caused."""

    page: Page
    requests: list[str]
    failures: list[str]
    errors: list[str]


@pytest.fixture
def visit(shared_context, base_url: str) -> Iterator[Callable[..., Visit]]:
    pages: list[Page] = []

    def open_page(path: str, width: int, mode_name: str) -> Visit:
        page = shared_context(width, mode_name).new_page()
        pages.append(page)
        result = Visit(page, [], [], [])
        page.on("request", lambda request: result.requests.append(request.url))
        page.on(
            "response",
            lambda response: response.status >= 400 and result.failures.append(f"{response.status} {response.url}"),
        )
        page.on("requestfailed", lambda request: result.failures.append(f"failed {request.url}"))
        page.on("console", lambda msg: msg.type == "error" and result.errors.append(msg.text))
        page.on("pageerror", lambda error: result.errors.append(str(error)))
        page.goto(base_url + path, wait_until="load")
        page.wait_for_function(SEARCH_SETTLED)  # the search page shows its results after load
        install_checks(page)
        return result

    yield open_page
    for page in pages:
        page.close()


@pytest.fixture(scope="module")
def search_page(browser, base_url: str):
    """One search page, searched again and again as a reader would (one per test module)."""
    context = new_context(browser, 1280)
    page = context.new_page()
    page.goto(base_url + "/search/")
    page.wait_for_function(SEARCH_SETTLED)
    yield page
    context.close()


# ---- The published test site (tests/browser/test_print_sheets.py, test_share.py) -------------------

SITE_URL = "https://example.org/zwgk/"


@dataclass(frozen=True)
class Published:
    """A build of the real data with a published address, served locally."""

    out: Path
    base_url: str
    site: Site
    as_of: dt.date
    data_updated: dt.date

    def statuses(self):
        return views.task_statuses(self.site, self.as_of)


def copy_data(folder: Path) -> Path:
    """Like the `data` fixture (tests/conftest.py), but once per session."""
    copy = folder / "site_data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns("reports"))
    return copy


@pytest.fixture(scope="session")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    root = tmp_path_factory.mktemp("published")
    data = copy_data(root)
    _add_contact(data)
    out = root / "site"
    build_site(data, out, config_file=ROOT / "mkdocs.yml", search=False, site_url=SITE_URL)
    dates = reference_dates(data)
    with served(out) as base_url:
        yield Published(out, base_url, load_site(data), dates.as_of, dates.data_updated)
