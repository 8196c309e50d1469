"""Every built HTML page, read as a file: language, the Content-Security-Policy, no inline
script or style attribute (the policy would block them), nothing loaded from another host,
and the theme's fixed parts (skip link, toolbar, footer with the data date)."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CSP = {
    "default-src": {"'self'"},
    "script-src": {"'self'", "'wasm-unsafe-eval'"},
    "worker-src": {"'self'", "blob:"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
}
# Attributes through which a page makes the browser fetch something.
FETCHING = {("script", "src"), ("img", "src"), ("iframe", "src"), ("source", "src"), ("video", "src"),
            ("audio", "src"), ("embed", "src"), ("object", "data"), ("form", "action")}
FETCHING_LINK_RELS = {"stylesheet", "icon", "preload", "prefetch", "preconnect", "dns-prefetch", "modulepreload", "manifest"}
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


class PageFacts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.csp: str | None = None
        self.inline_scripts = 0
        self.style_attributes: list[str] = []
        self.fetches: list[str] = []
        self.head_items: list[str] = []
        self.in_head = False
        self.ids: set[str] = set()
        self.classes: set[str] = set()
        self._script_inline = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        self.ids.add(a.get("id", ""))
        self.classes.update(a.get("class", "").split())
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "head":
            self.in_head = True
        elif tag == "meta" and a.get("http-equiv", "").lower() == "content-security-policy":
            self.csp = a.get("content")
        if "style" in a:
            self.style_attributes.append(tag)
        for (t, attr) in FETCHING:
            if tag == t and a.get(attr):
                self.fetches.append(a[attr])
        if tag == "link" and FETCHING_LINK_RELS & set(a.get("rel", "").lower().split()):
            self.fetches.append(a.get("href", ""))
        if tag == "script":
            self._script_inline = "src" not in a and a.get("type", "").lower() not in DATA_SCRIPT_TYPES
            if self.in_head:
                flags = ":async" if ("async" in a or "defer" in a) else ""
                self.head_items.append(f"script:{a.get('src')}{flags}")
        if tag == "link" and "stylesheet" in a.get("rel", "") and self.in_head:
            self.head_items.append("css")

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self.in_head = False
        if tag == "script":
            self._script_inline = False

    def handle_data(self, data: str) -> None:
        if self._script_inline and data.strip():
            self.inline_scripts += 1


@pytest.fixture(scope="session")
def pages(site_dir: Path) -> dict[str, tuple[str, PageFacts]]:
    result = {}
    for path in sorted(site_dir.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        facts = PageFacts()
        facts.feed(text)
        result[path.relative_to(site_dir).as_posix()] = (text, facts)
    assert len(result) > 300, "the real site should have hundreds of pages"
    return result


def parse_csp(policy: str) -> dict[str, set[str]]:
    directives = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = set(words[1:])
    return directives


def test_every_page_declares_simplified_chinese(pages) -> None:
    wrong = [name for name, (_, facts) in pages.items() if facts.lang != "zh-Hans"]
    assert not wrong, wrong[:10]


def test_every_page_has_the_content_security_policy(pages) -> None:
    for name, (_, facts) in pages.items():
        assert facts.csp, f"{name}: no Content-Security-Policy"
        directives = parse_csp(facts.csp)
        for directive, sources in CSP.items():
            assert directives.get(directive) == sources, f"{name}: {directive} is {directives.get(directive)}"
        for sources in directives.values():
            assert "'unsafe-inline'" not in sources and "'unsafe-eval'" not in sources, f"{name}: {facts.csp}"


def test_no_inline_script_or_style_attribute(pages) -> None:
    """The policy blocks both: a page relying on one would silently break."""
    problems = [f"{name}: {facts.inline_scripts} inline scripts" for name, (_, facts) in pages.items() if facts.inline_scripts]
    problems += [f"{name}: style attribute on {facts.style_attributes[:3]}" for name, (_, facts) in pages.items() if facts.style_attributes]
    assert not problems, problems[:10]


def test_nothing_is_loaded_from_another_host(pages, site_dir: Path) -> None:
    problems = []
    for name, (_, facts) in pages.items():
        for url in facts.fetches:
            parts = urlsplit(url)
            if parts.scheme not in ("", "data") or parts.netloc or url.startswith("//"):
                problems.append(f"{name}: {url}")
    # The stylesheets the pages load: no @import, no url() to another host.
    for css_file in [site_dir / "assets" / "site.css", *sorted((site_dir / "assets" / "stylesheets").glob("main.*.min.css"))]:
        text = css_file.read_text(encoding="utf-8")
        assert "@import" not in text, css_file
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text):
            assert not re.match(r"(https?:)?//", url), f"{css_file.name}: {url}"
    assert not problems, problems[:10]


def test_display_settings_script_runs_first_in_head(pages) -> None:
    for name, (_, facts) in pages.items():
        first = facts.head_items[0] if facts.head_items else None
        assert first and first.startswith("script:") and first.endswith("assets/prefs.js"), f"{name}: {facts.head_items}"


def test_every_page_has_skip_link_toolbar_and_footer(pages, site_dir: Path) -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    for name, (text, facts) in pages.items():
        assert "zw-main" in facts.ids and "zw-skip" in facts.classes, f"{name}: no skip link target"
        assert "zw-toolbar" in facts.classes and "data-zw-read" in text, f"{name}: no display settings"
        assert "zw-footer" in facts.classes, f"{name}: no footer"
        assert re.search(r'数据最后更新（本站数据的修改日期，不是任务表的印发日期）：'
                         r'<time datetime="\d{4}-\d{2}-\d{2}">\d{4}年\d{1,2}月\d{1,2}日</time>', text), name
        assert config["site_name"] in text
    for target in ("help", "about", "accessibility"):
        assert (site_dir / target / "index.html").is_file(), f"the footer links to /{target}/, which is not built"


def test_material_search_and_its_scripts_are_gone(pages) -> None:
    for name, (text, facts) in pages.items():
        assert "md-search" not in facts.classes and 'data-md-toggle="search"' not in text, name
        assert "bundle." not in text and "__md_scope" not in text, name
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, name
