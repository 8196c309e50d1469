"""Building the real site: every task, unit and theme on its pages; open data; reproducible;
a failed build keeps the previous output; the preview server's content types."""
from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
import threading
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlparse

import pytest
import yaml

from generator import views
from generator.build import build_site
from generator.errors import BuildError, DataError
from generator.serve import make_server

ROOT = Path(__file__).resolve().parents[1]


# ---- Reading built pages -------------------------------------------------------------------

class Page(HTMLParser):
    """The parts of a built page the tests look at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.duplicate_ids: list[str] = []
        self.links: list[tuple[str, str]] = []  # (tag, url) of href/src attributes
        self.card_links: list[str] = []  # links in task-card headings
        self.texts: dict[str, list[str]] = {}  # class name -> text of elements with it
        self._stack: list[tuple[str, list[str]]] = []  # open elements with a class we collect
        self._heading_card = 0
        self._depth_in_card_heading = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            if a["id"] in self.ids:
                self.duplicate_ids.append(a["id"])
            self.ids.add(a["id"])
        for key in ("href", "src"):
            if a.get(key):
                self.links.append((tag, a[key]))
        classes = (a.get("class") or "").split()
        if "task-card__title" in classes:
            self._heading_card = 1
        elif self._heading_card and tag == "a":
            self.card_links.append(a["href"])
        if tag in ("br", "img", "input", "meta", "link", "hr"):
            return
        self._stack.append((tag, [c for c in classes if c in ("task-card__text", "task-text")]))
        for c in self._stack[-1][1]:
            self.texts.setdefault(c, []).append("")

    def handle_endtag(self, tag):
        if self._stack and self._stack[-1][0] == tag:
            self._stack.pop()
        if tag.startswith("h") and self._heading_card:
            self._heading_card = 0

    def handle_data(self, data):
        for _, classes in self._stack:
            for c in classes:
                self.texts[c][-1] += data


def read_page(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def url_of(site: Path, path: Path) -> str:
    """Site-relative URL of a built page file (…/index.html -> dir/)."""
    rel = path.relative_to(site).as_posix()
    return rel[: -len("index.html")] if rel.endswith("index.html") else rel


def resolve(site: Path, from_url: str, href: str) -> tuple[str, str]:
    """An href on the page at `from_url` -> (site-relative URL, fragment)."""
    target, fragment = urldefrag(urljoin("http://x/" + from_url, href))
    return unquote(urlparse(target).path.lstrip("/")), fragment


def file_for(site: Path, url: str) -> Path:
    path = site / url
    return path / "index.html" if url == "" or url.endswith("/") else path


def norm(text: str) -> str:
    return " ".join(text.split())


# ---- The real site -------------------------------------------------------------------------

def test_every_task_text_is_on_its_plan_page_and_its_own_page(built_site, real_site):
    for plan in real_site.plans:
        plan_page = read_page(file_for(built_site, views.plan_url(plan)))
        on_plan = [norm(t) for t in plan_page.texts["task-card__text"]]
        assert on_plan == [norm(t.text) for t in plan.tasks], plan.key
        for task in plan.tasks:
            task_page = read_page(file_for(built_site, views.task_url(task)))
            assert [norm(t) for t in task_page.texts["task-text"]] == [norm(task.text)]


def _card_targets(site: Path, url: str) -> set[str]:
    page = read_page(file_for(site, url))
    targets = [resolve(site, url, href)[0] for href in page.card_links]
    assert len(targets) == len(set(targets)), f"a task is listed twice on /{url}"
    return set(targets)


def test_every_unit_page_lists_exactly_its_tasks(built_site, real_site):
    units = [u for district_units in real_site.units.values() for u in district_units]
    assert units
    for unit in units:
        # Named in the task, or bound through a collective that lists it (区政府各部门 …).
        expected = {views.task_url(t) for t in real_site.tasks
                    if any(tu.unit.key == unit.key or (tu.unit.district == unit.district and unit.id in tu.unit.members)
                           for tu in t.units)}
        assert _card_targets(built_site, views.unit_url(unit)) == expected, unit.key


def test_licheng_civil_affairs_page_lists_the_collective_tasks_that_bind_it(built_site, real_site):
    """Issue 10: 历城 区民政局 is named in 2 tasks; 30 more go to 区政府各部门(单位), which binds it."""
    unit = next(u for u in real_site.units["licheng"] if u.name == "区民政局")
    html = file_for(built_site, views.unit_url(unit)).read_text(encoding="utf-8")
    assert len(_card_targets(built_site, views.unit_url(unit))) == 32
    assert "点名负责的任务：2 项" in html and "也包括本单位的任务：30 项" in html
    assert "原表没有区分牵头单位" in html and "牵头的任务" not in html  # no 牵头 0 for a table without leads


def _links_from(site: Path, url: str) -> set[str]:
    return {resolve(site, url, href)[0] for _, href in read_page(file_for(site, url)).links}


def test_every_theme_page_lists_exactly_its_tasks(built_site, real_site):
    """A theme's page links each district that has tasks of it, with their number; the
    district's theme page lists exactly those tasks (issue 14: no page lists every district's)."""
    for theme in real_site.themes:
        tagged = [t for t in real_site.tasks if any(th.id == theme.id for th in t.themes)]
        summary = _links_from(built_site, views.theme_url(theme))
        html = file_for(built_site, views.theme_url(theme)).read_text(encoding="utf-8")
        assert _card_targets(built_site, views.theme_url(theme)) == set(), theme.id  # a summary: no task cards
        for district in real_site.districts:
            expected = {views.task_url(t) for t in tagged if t.plan.district.slug == district.slug}
            url = views.theme_district_url(theme, district)
            if not expected:
                assert url not in summary and not file_for(built_site, url).exists(), (theme.id, district.slug)
                continue
            assert url in summary, (theme.id, district.slug)
            assert f">{district.name}</a>：{len(expected)} 项。" in html, (theme.id, district.slug)
            assert _card_targets(built_site, url) == expected, (theme.id, district.slug)


def test_deadlines_pages_list_every_task_once(built_site, real_site):
    """按时间查 links each district's page; that page lists each of the district's tasks once."""
    index = _links_from(built_site, views.DEADLINES_URL)
    assert _card_targets(built_site, views.DEADLINES_URL) == set()  # a summary: no task cards
    for district in real_site.districts:
        url = views.deadlines_district_url(district)
        assert url in index, district.slug
        expected = {views.task_url(t) for t in real_site.tasks if t.plan.district.slug == district.slug}
        assert _card_targets(built_site, url) == expected, district.slug


def test_units_index_links_every_unit_with_counts(built_site, real_site):
    """按单位查 links each district's list of units; that list links each unit with its counts."""
    index = _links_from(built_site, views.UNITS_URL)
    for slug, district_units in real_site.units.items():
        url = views.units_district_url(slug)
        assert url in index, slug
        linked = _links_from(built_site, url)
        assert {views.unit_url(unit) for unit in district_units} <= linked, slug
        assert not any(link.startswith(views.UNITS_URL) and not link.startswith(url)
                       for link in linked - {views.UNITS_URL}), slug  # no other district's units
    uv = next(uv for uv in views.unit_views(real_site) if uv.lead_count)
    html = file_for(built_site, views.units_district_url(uv.unit.district)).read_text(encoding="utf-8")
    assert f">{uv.unit.name}</a>：牵头 {uv.lead_count} 项，参与 {uv.shared_count} 项" in html


def test_every_internal_link_and_anchor_resolves(built_site):
    pages = sorted(built_site.rglob("*.html"))
    assert len(pages) > 273
    ids: dict[Path, set[str]] = {}
    broken = []
    for path in pages:
        if path.name == "404.html":
            continue  # served at any depth: its links are root-relative on purpose
        url = url_of(built_site, path)
        for tag, href in read_page(path).links:
            if urlparse(href).scheme or href.startswith(("//", "mailto:")):
                continue
            target, fragment = resolve(built_site, url, href)
            file = file_for(built_site, target)
            if not file.is_file():
                broken.append(f"/{url}: {href}")
            elif fragment and file.suffix == ".html":
                if file not in ids:
                    ids[file] = read_page(file).ids
                if fragment not in ids[file]:
                    broken.append(f"/{url}: {href} (no such anchor)")
    assert broken == []


def test_materials_unused_scripts_are_not_published(built_site):
    """theme/base.html loads none of Material's scripts: the 2.3 MB of them are dropped
    (generator/mkdocs_hooks.py), and no page, stylesheet or script names them."""
    assert not (built_site / "assets" / "javascripts").exists()
    naming = [p for p in built_site.rglob("*") if p.suffix in (".html", ".css", ".js")
              and "assets/javascripts" in p.read_text(encoding="utf-8")]
    assert naming == []


def test_no_page_repeats_an_id(built_site):
    for path in built_site.rglob("*.html"):
        assert read_page(path).duplicate_ids == [], path


def test_pages_request_nothing_from_other_hosts(built_site):
    for path in built_site.rglob("*.html"):
        for tag, url in read_page(path).links:
            if tag != "a":  # link, script, img, source ... are fetched by the browser
                assert not urlparse(url).scheme and not url.startswith("//"), (path, url)


def test_open_data_holds_every_task(built_site, real_site):
    data = built_site / "data"
    raw = (data / "all-tasks.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens it as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert len(rows) == 273
    expected = {(t.plan.district.slug, str(t.plan.year), str(t.number)): t for t in real_site.tasks}
    assert {(r["district"], r["year"], r["number"]) for r in rows} == set(expected)
    for row in rows:
        task = expected[(row["district"], row["year"], row["number"])]
        assert row["text"] == task.text
        assert row["deadline_kind"] == task.deadline.kind
        assert row["url"].endswith(views.task_url(task))
    for column in ("district", "year", "number", "section", "text", "units_text", "lead_units", "units",
                   "deadline_text", "deadline_kind", "due_date", "themes", "url"):
        assert column in rows[0]

    everything = json.loads((data / "all-tasks.json").read_text(encoding="utf-8"))
    assert len(everything["tasks"]) == 273
    assert {(r["district"], str(r["year"]), str(r["number"])) for r in everything["tasks"]} == set(expected)

    for plan in real_site.plans:
        assert (data / f"{plan.key}.yaml").read_bytes() == plan.path.read_bytes()
        record = json.loads((data / f"{plan.key}.json").read_text(encoding="utf-8"))
        assert [t["number"] for t in record["tasks"]] == [t.number for t in plan.tasks]
        plan_rows = list(csv.DictReader(io.StringIO((data / f"{plan.key}.csv").read_text(encoding="utf-8-sig"))))
        assert [r["text"] for r in plan_rows] == [t.text for t in plan.tasks]
        assert (built_site / views.source_url(plan)).read_bytes() == plan.source.read_bytes()


def test_nav_is_small(built_site, real_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    task = real_site.tasks[0]
    assert f'href="{views.task_url(task)}"' not in html  # task and unit pages are never in the nav
    home = read_page(built_site / "index.html")
    assert len(home.links) < 80


# ---- Reproducible and atomic ---------------------------------------------------------------

def digest_tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_two_builds_are_byte_identical(built_site, tmp_path):
    """Also when one renders in worker processes (the default, one per core) and the other in
    this process alone (jobs=1), and Pagefind indexes while MkDocs runs."""
    again = tmp_path / "elsewhere" / "out"
    build_site(ROOT / "site_data", again, config_file=ROOT / "mkdocs.yml", jobs=1)
    first, second = digest_tree(built_site), digest_tree(again)
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []


@pytest.fixture
def data_copy(tmp_path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "site_data", data)
    return data


def _build_once_then(data: Path, out: Path, **kwargs) -> dict[str, str]:
    build_site(data, out, config_file=ROOT / "mkdocs.yml", search=False)
    before = digest_tree(out)
    assert "index.html" in before
    return before


def test_invalid_data_leaves_the_previous_site_untouched(data_copy, tmp_path):
    out = tmp_path / "site"
    before = _build_once_then(data_copy, out)
    plan_file = data_copy / "plans" / "changqing-2022.yaml"
    lines = plan_file.read_text(encoding="utf-8").splitlines(keepends=True)
    line_no = next(i for i, line in enumerate(lines, 1) if line.startswith("- number: 2\n"))
    lines[line_no - 1] = "- number: 1\n"  # a duplicate number: two tasks would share one address
    plan_file.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        build_site(data_copy, out, config_file=ROOT / "mkdocs.yml", search=False)
    assert f"changqing-2022.yaml:{line_no}" in str(caught.value)
    assert digest_tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "site"]  # no temporary folder left


def test_broken_yaml_names_file_and_line_and_keeps_the_site(data_copy, tmp_path):
    out = tmp_path / "site"
    before = _build_once_then(data_copy, out)
    plan_file = data_copy / "plans" / "licheng-2023.yaml"
    lines = plan_file.read_text(encoding="utf-8").splitlines(keepends=True)
    line_no = next(i for i, line in enumerate(lines, 1) if line.startswith("title:"))
    lines[line_no - 1] = "title: [未闭合的括号\n"
    plan_file.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(DataError) as caught:
        build_site(data_copy, out, config_file=ROOT / "mkdocs.yml", search=False)
    message = str(caught.value)
    assert "licheng-2023.yaml:" in message
    reported = int(message.split("licheng-2023.yaml:", 1)[1].split(":", 1)[0])
    assert line_no <= reported <= line_no + 1
    assert digest_tree(out) == before


def test_mkdocs_warning_fails_the_build_and_keeps_the_site(data_copy, tmp_path):
    """Strict mode: a broken link in a hand-written page is a failed build."""
    out = tmp_path / "site"
    before = _build_once_then(data_copy, out)
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    with (content / "help.md").open("a", encoding="utf-8") as handle:
        handle.write("\n[一个不存在的页面](no-such-page.md)\n")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(content)
    config["theme"]["custom_dir"] = str(ROOT / config["theme"]["custom_dir"])
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    with pytest.raises(BuildError) as caught:
        build_site(data_copy, out, config_file=config_file, search=False)
    assert "MkDocs" in str(caught.value)
    assert digest_tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "data", "mkdocs.yml", "site"]


def test_template_error_fails_the_build_and_keeps_the_site(data_copy, tmp_path, monkeypatch):
    out = tmp_path / "site"
    before = _build_once_then(data_copy, out)
    from generator import render

    real_env = render.make_env

    def broken_env(*args):
        env = real_env(*args)
        env.globals.pop("task_title")  # StrictUndefined: using it fails the render
        return env

    monkeypatch.setattr(render, "make_env", broken_env)
    with pytest.raises(BuildError) as caught:
        build_site(data_copy, out, config_file=ROOT / "mkdocs.yml", search=False)
    assert "task_title" in str(caught.value)
    assert digest_tree(out) == before


def test_source_date_epoch_sets_the_reference_date(data_copy, tmp_path, monkeypatch):
    from generator.build import reference_dates

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1669852800")  # 2022-12-01 00:00 UTC
    dates = reference_dates(data_copy)
    assert dates.as_of.isoformat() == "2022-12-01"
    out = tmp_path / "site"
    build_site(data_copy, out, config_file=ROOT / "mkdocs.yml", search=False)
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "从2022年12月1日算起" in home
    assert "项任务到完成时限" in home  # tasks due by the end of 2022 are 30 days away


# ---- Preview server -------------------------------------------------------------------------

def test_preview_server_types_and_no_caching(tmp_path):
    files = {"index.html": b"<!doctype html><title>x</title>", "a.wasm": b"\0asm", "b.pagefind": b"pf",
             "c.txt": "原文".encode(), "d.csv": b"\xef\xbb\xbfa,b", "e.js": b"1", "f.json": b"{}",
             "404.html": "找不到".encode()}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    server = make_server(tmp_path, "127.0.0.1", 0, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        def get(path):
            with urllib.request.urlopen(base + path) as response:
                return response.headers, response.read()

        expected = {"": "text/html; charset=utf-8", "a.wasm": "application/wasm",
                    "b.pagefind": "application/octet-stream", "c.txt": "text/plain; charset=utf-8",
                    "d.csv": "text/csv; charset=utf-8", "e.js": "text/javascript; charset=utf-8",
                    "f.json": "application/json; charset=utf-8"}
        for path, mime in expected.items():
            headers, body = get(path)
            assert headers["Content-Type"] == mime, path
            assert headers["Cache-Control"] == "no-store"
        with pytest.raises(urllib.error.HTTPError) as missing:
            get("no/such/page/")
        assert missing.value.code == 404
        assert missing.value.read() == "找不到".encode()
    finally:
        server.shutdown()
        server.server_close()
