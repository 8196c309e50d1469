"""The derived views on the real data: every task lands where it belongs, exactly once."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import yaml

from generator import render, views
from generator.model import Deadline


def test_relative_links():
    assert views.relative("", "units/") == "units/"
    assert views.relative("units/", "") == "../"
    assert views.relative("changqing/2022/3/", "changqing/2022/") == "../"
    assert views.relative("changqing/2022/3/", "changqing/2022/4/") == "../4/"
    assert views.relative("changqing/2022/", "changqing/2022/") == "./"
    assert views.relative("changqing/2022/3/", "units/changqing/fagaiju/") == "../../../units/changqing/fagaiju/"
    assert views.relative("data/", "data/all-tasks.csv") == "all-tasks.csv"
    assert views.relative("changqing/", "sources/a.txt") == "../sources/a.txt"


def test_page_addresses_are_unique_and_stable(real_site):
    urls = [views.task_url(t) for t in real_site.tasks]
    assert len(urls) == len(set(urls)) == 273
    task = next(t for t in real_site.tasks if t.plan.key == "changqing-2022" and t.number == 3)
    assert views.task_url(task) == "changqing/2022/3/"
    assert views.page_file(views.task_url(task)) == "changqing/2022/3/index.md"
    assert views.page_file("") == "index.md"


@pytest.mark.parametrize("deadline, facet", [
    (Deadline("12月底前", "due", dt.date(2022, 12, 31)), "2022年第四季度"),
    (Deadline("全年", "year_round", dt.date(2023, 12, 31)), "2023年第四季度"),
    (Deadline("6月底前", "due", dt.date(2023, 6, 30)), "2023年第二季度"),
    (Deadline("1月", "due", dt.date(2023, 1, 31)), "2023年第一季度"),
    (Deadline("年底前完成，长期坚持", "due_then_ongoing", dt.date(2022, 12, 31)), "2022年第四季度"),
    (Deadline("长期坚持", "ongoing"), "长期"),
    (Deadline("印发后30日内", "unresolved", after_issue_days=30), "未定"),
    (Deadline(None, "none"), "未定"),
])
def test_deadline_facet(deadline, facet):
    assert views.deadline_facet(deadline) == facet


def test_every_real_task_has_a_facet_and_plain_words(real_site):
    for task in real_site.tasks:
        facet = views.deadline_facet(task.deadline)
        assert facet in ("长期", "未定") or facet.endswith("季度")
        words = views.deadline_words(task.deadline)
        assert words and "None" not in words
        if task.deadline.due:
            assert views.cn_date(task.deadline.due) in words


def test_due_soon_window(real_site):
    tasks = real_site.tasks
    dated = sorted({t.deadline.due for t in tasks if t.deadline.due})
    day = dated[0]
    on_day = {t.key for t in tasks if t.deadline.due == day}
    # The window includes its first and its last day, and nothing outside it.
    assert {t.key for t in views.due_soon(tasks, day, days=0)} == on_day
    assert {t.key for t in views.due_soon(tasks, day - dt.timedelta(days=60))} == on_day  # day is the earliest
    assert views.due_soon(tasks, day - dt.timedelta(days=61), days=60) == []
    assert views.due_soon(tasks, dated[-1] + dt.timedelta(days=1)) == []
    soon = views.due_soon(tasks, day, days=400)
    assert [t.deadline.due for t in soon] == sorted(t.deadline.due for t in soon)


def test_plan_blocks_keep_every_task_once_in_order_under_its_sections(real_site):
    for plan in real_site.plans:
        blocks = views.plan_blocks(plan)
        assert [b.task.number for b in blocks if b.kind == "task"] == [t.number for t in plan.tasks]
        open_sections: list[str] = []
        for block in blocks:
            if block.kind == "section":
                level = block.section.level
                open_sections = open_sections[: level - 1] + [block.section.id]
            else:
                chain = [s.id for s in views.section_chain(plan, block.task.section)]
                assert open_sections == chain, (plan.key, block.task.number)


def test_outline_tree_nests_sections(real_site):
    for plan in real_site.plans:
        def walk(nodes, depth):
            for node in nodes:
                assert node.section.level == depth
                walk(node.children, depth + 1)
        tree = views.plan_outline_tree(plan)
        walk(tree, 1)
        flat = []
        stack = list(reversed(tree))
        while stack:
            node = stack.pop()
            flat.append(node.section.id)
            stack.extend(reversed(node.children))
        assert flat == [s.id for s in views.plan_outline(plan)]


def test_unit_views_hold_exactly_each_units_tasks(real_site):
    unit_views = views.unit_views(real_site)
    registry = [u.key for units in real_site.units.values() for u in units]
    assert sorted(uv.unit.key for uv in unit_views) == sorted(registry)
    for uv in unit_views:
        expected = {t.key for t in real_site.tasks if any(tu.unit.key == uv.unit.key for tu in t.units)}
        assert {t.key for t in uv.tasks} == expected
        assert len(uv.tasks) == len(expected)  # no task twice
        leads = {t.key for t in real_site.tasks
                 if any(tu.unit.key == uv.unit.key and tu.role == "lead" for tu in t.units)}
        assert uv.lead_count == len(leads)
        assert uv.lead_count + uv.shared_count == len(expected)
        years = [plan.year for plan, _ in uv.groups]
        assert years == sorted(years, reverse=True)
    # Some unit really leads something (上虞区 has a 牵头单位 column).
    assert any(uv.lead_count for uv in unit_views)


def test_units_index_is_in_pinyin_order(real_site):
    groups = views.units_by_district(views.unit_views(real_site))
    assert [slug for slug, _, _ in groups] == sorted(real_site.units)
    for _, _, units in groups:
        keys = [views.pinyin_key(uv.unit.name) for uv in units]
        assert keys == sorted(keys)
    assert views.pinyin_key("区财政局") < views.pinyin_key("区发改局") < views.pinyin_key("区卫健局")


def test_theme_views_hold_exactly_each_themes_tasks(real_site):
    theme_views = views.theme_views(real_site)
    assert [tv.theme.id for tv in theme_views] == [t.id for t in real_site.themes]
    for tv in theme_views:
        expected = {t.key for t in real_site.tasks if tv.theme in t.themes}
        assert len(tv.tasks) == len(expected)
        assert {t.key for t in tv.tasks} == expected
        assert [d.slug for d, _ in tv.by_district] == sorted(d.slug for d in real_site.districts)
        for district, tasks in tv.by_district:
            assert all(t.plan.district.slug == district.slug for t in tasks)


def test_deadline_view_places_every_task_once(real_site):
    dl = views.deadline_view(real_site)
    placed = [t.key for _, _, tasks in dl.months for t in tasks] + [t.key for t in dl.ongoing + dl.undetermined]
    assert Counter(placed) == Counter(t.key for t in real_site.tasks)
    labels = [label for _, label, _ in dl.months]
    assert len(labels) == len(set(labels))
    for _, label, tasks in dl.months:
        assert all(f"{t.deadline.due.year}年{t.deadline.due.month}月" == label for t in tasks)
    assert all(t.deadline.kind == "ongoing" for t in dl.ongoing)
    assert all(t.deadline.kind in ("unresolved", "none") for t in dl.undetermined)
    assert dl.months


def test_task_unit_roles_put_lead_units_first(real_site):
    with_lead = [t for t in real_site.tasks if t.lead_units]
    assert with_lead
    for task in with_lead:
        roles = [ur.role for ur in views.task_unit_roles(task)]
        assert roles[0] == "lead"
        assert roles == sorted(roles, key=lambda r: r != "lead")
        assert {(ur.unit.key, ur.role) for ur in views.task_unit_roles(task)} == {
            (tu.unit.key, tu.role) for tu in task.units}


def test_districts_page_and_home_count_tasks_due_soon(real_site, tmp_path):
    """各地区 says for each district how many tasks fall due soon, and says so plainly when
    none; the home page gives the site's total (it lists no district: issue 14)."""
    first_due = min(t.deadline.due for t in real_site.tasks if t.deadline.due)
    as_of = first_due - dt.timedelta(days=10)
    render.render_pages(real_site, tmp_path / "soon", as_of=as_of)
    page = (tmp_path / "soon" / views.page_file(views.DISTRICTS_URL)).read_text(encoding="utf-8")
    expected = Counter(t.plan.district.name for t in views.due_soon(real_site.tasks, as_of))
    for dv in views.district_views(real_site, as_of):
        line = page.split(f">{dv.district.name}</a>：", 1)[1].split("</li>", 1)[0]
        if expected[dv.district.name]:
            assert f"有 <strong>{expected[dv.district.name]}</strong> 项任务到完成时限" in line
        else:
            assert "没有到完成时限的任务" in line
    assert f"从{views.cn_date(as_of)}算起" in page
    home = (tmp_path / "soon" / "index.md").read_text(encoding="utf-8")
    assert f"今后60天内有 <strong>{sum(expected.values())}</strong> 项任务到完成时限" in home
    assert all(f">{d.name}<" not in home for d in real_site.districts)

    render.render_pages(real_site, tmp_path / "late", as_of=dt.date(2030, 1, 1))
    late = (tmp_path / "late" / views.page_file(views.DISTRICTS_URL)).read_text(encoding="utf-8")
    assert late.count("今后60天内没有到完成时限的任务") == len(real_site.districts)
    assert "今后60天内没有到完成时限的任务" in (tmp_path / "late" / "index.md").read_text(encoding="utf-8")


def test_rendered_pages_are_one_html_block_with_escaped_front_matter(real_site, tmp_path):
    render.render_pages(real_site, tmp_path, as_of=dt.date(2022, 6, 1))
    page = (tmp_path / "changqing" / "2022" / "index.md").read_text(encoding="utf-8")
    front, body = page.split("---\n", 2)[1:]
    assert yaml.safe_load(front) == {"generated": True, "title": views.plan_heading(real_site.plans[0])}
    assert body.startswith("\n<nav") and "\n\n" not in body.strip()  # no blank line ends the HTML block
    assert all(not line.startswith((" ", "\t")) for line in body.splitlines())
    slugs = {d.slug for d in real_site.districts}
    task_pages = [p for p in tmp_path.glob("*/*/*/index.md")  # <district>/<year>/<number>/: not history/, print/
                  if p.relative_to(tmp_path).parts[0] in slugs and p.relative_to(tmp_path).parts[2].isdigit()]
    assert len(task_pages) == 273
