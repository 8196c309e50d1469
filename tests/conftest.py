"""Shared fixtures: the real data loaded once, and the real site built once per session."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Debian's Chromium: Playwright cannot download a browser here. One Playwright and one browser
# per test process, shared by the browser tests and the tests that print PDFs (Playwright's
# sync API cannot run a second instance beside the first).
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def real_site():
    """The model of site_data/ (the real 273 tasks)."""
    from generator.loader import load_site

    return load_site(ROOT / "site_data")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once (with the search index when generator.search exists).

    Returns the output folder (the one that holds index.html). Read it, never change it:
    every test that asks for it shares it.
    """
    from generator.build import build_site

    out = tmp_path_factory.mktemp("built") / "site"
    build_site(ROOT / "site_data", out, config_file=ROOT / "mkdocs.yml")
    return out


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    """A copy of site_data/ (without the importers' reports) that a test may change."""
    copy = tmp_path / "site_data"
    shutil.copytree(ROOT / "site_data", copy, ignore=shutil.ignore_patterns("reports"))
    return copy


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright_instance):
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture()
def print_pdf(browser):
    """page.pdf() of an HTML string with Debian's Chromium (the session's browser)."""
    pages = []

    def render(html: str, path: Path) -> Path:
        page = browser.new_page()
        pages.append(page)
        page.set_content(html)
        path.write_bytes(page.pdf(format="A4"))
        return path

    yield render
    for page in pages:
        page.close()
