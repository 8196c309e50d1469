"""The page catalogue (generator/pages.py) is the one declaration of page kinds: a new kind
is one entry plus its template, and rendering, reserved slugs, nav and footer follow."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from generator import pages, render, views
from generator.model import Site

AS_OF = dt.date(2023, 6, 1)


def _overdue_pages(sv: pages.SiteViews):
    """A made-up kind for the test: one page listing the tasks due before AS_OF."""
    due = [t for t in sv.site.tasks if t.deadline.due and t.deadline.due < sv.as_of]
    yield pages.Page("overdue-demo/", "逾期示例", {"tasks": due})


NEW_KIND = pages.PageKind("overdue_demo", "逾期示例", "overdue_demo.html.j2", _overdue_pages,
                          url="overdue-demo/", nav=pages.NavSpot(5), footer=9)


@pytest.fixture()
def template_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "overdue_demo.html.j2").write_text(
        '<div class="page"><h1>逾期示例</h1><p>共 {{ tasks | length }} 项</p>'
        '{% for t in tasks %}<a href="{{ href(task_url(t)) }}">{{ t.text }}</a>{% endfor %}</div>\n',
        encoding="utf-8")
    return folder


def test_a_new_kind_is_one_entry_and_one_template(real_site: Site, tmp_path: Path, template_dir: Path) -> None:
    catalogue = pages.CATALOGUE + (NEW_KIND,)
    docs = tmp_path / "docs"
    docs.mkdir()
    nav = render.render_pages(real_site, docs, as_of=AS_OF, catalogue=catalogue, template_dirs=(template_dir,))
    body = (docs / "overdue-demo" / "index.md").read_text(encoding="utf-8")
    expected = sum(1 for t in real_site.tasks if t.deadline.due and t.deadline.due < AS_OF)
    assert expected > 0 and f"共 {expected} 项" in body
    assert 'href="../changqing/2022/' in body  # links relative to the new page's address
    assert {"逾期示例": "overdue-demo/index.md"} in nav
    assert "overdue-demo" in pages.reserved_slugs(catalogue)
    assert pages.footer_links(catalogue)[-1] == {"title": "逾期示例", "url": "overdue-demo/"}
    # Without the entry, nothing of it exists.
    assert "overdue-demo" not in pages.reserved_slugs() and {"逾期示例": "overdue-demo/index.md"} not in render.render_pages(
        real_site, tmp_path / "docs2", as_of=AS_OF)


def test_every_generated_page_belongs_to_a_kind(real_site: Site, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    render.render_pages(real_site, docs, as_of=AS_OF)
    written = {p.relative_to(docs).as_posix() for p in docs.rglob("index.md")}
    sv = pages.SiteViews(real_site, AS_OF)
    declared = {views.page_file(page.url) for kind in pages.CATALOGUE if kind.template for page in kind.build(sv)}
    assert written == declared
    task_kind = next(k for k in pages.CATALOGUE if k.name == "task")
    assert {views.page_file(views.task_url(t)) for t in real_site.tasks} == {
        views.page_file(p.url) for p in task_kind.build(sv)}  # one page per task


def test_reserved_slugs_come_from_the_catalogue() -> None:
    reserved = pages.reserved_slugs()
    fixed = {k.url.split("/")[0] for k in pages.CATALOGUE if k.url}
    assert fixed - {""} <= reserved and {"assets", "pagefind", "sources", "data"} <= reserved
    assert {"units", "themes", "deadlines", "help", "about", "accessibility", "staff-guide", "search"} <= reserved


def test_nav_keeps_its_shape(real_site: Site, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    render.copy_content(Path(__file__).resolve().parents[1] / "content", docs)
    nav = render.render_pages(real_site, docs, as_of=AS_OF)
    titles = [next(iter(item)) for item in nav]
    assert titles == ["首页", "各地区", "按单位查", "按主题查", "按时间查", "帮助与说明"]
    # One link to 各地区, never a list of districts: the nav is on every page (issue 14).
    assert nav[1] == {"各地区": views.page_file(views.DISTRICTS_URL)}
    flat = json.dumps(nav, ensure_ascii=False)
    assert all(d.name not in flat for d in real_site.districts)
    help_titles = [next(iter(i)) for i in nav[-1]["帮助与说明"]]
    assert help_titles == ["使用帮助", "关于本站", "开放数据", "无障碍声明", "工作人员指南", "最近更新", "订阅更新"]
