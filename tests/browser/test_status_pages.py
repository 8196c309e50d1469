"""Task status on every page that shows tasks (issue 10), on a test site built from the
example progress reports (examples/progress, all marked 示例) plus a few fixture reports,
so that every status occurs.

The site is built as of AS_OF (SOURCE_DATE_EPOCH) and the browser's clock is set to the same
day, so the status the page recomputes (assets/status.js) is the one the build wrote; one
test then moves the clock past a deadline and sees the status change without a rebuild.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page

from generator import views
from generator.build import build_site
from generator.loader import load_site
from generator.model import Site, Task
from generator.status import STATUS_CODES, STATUS_LABELS
from tests.helpers import DATA, ROOT

from .conftest import MODES, mode_script, served
from .test_pages import AXE_TAGS, axe_problems

AS_OF = dt.date(2023, 6, 15)
CHINA = dt.timezone(dt.timedelta(hours=8))
NOON = dt.datetime(AS_OF.year, AS_OF.month, AS_OF.day, 12, tzinfo=CHINA)

# Reports that the example set lacks: work under way before a deadline, and a 长期坚持 task
# kept up (the five plans have no plain 长期坚持 task, so the test copy turns one into it).
EXTRA_REPORTS = {
    "licheng-2023.yaml": """
  - task: 5
    date: 2023-05-10
    status: 推进中
    text: 【示例】惠企政策包已发布第一批，正在整理第二批。
    unit: 区发展改革局
""",
    "changqing-2022.yaml": """
  - task: 30
    date: 2023-04-20
    status: 常态推进
    text: 【示例】一季度政策解读 12 篇，均在区政府网站“政策解读”栏目发布。
    unit: 区政府办公室
""",
}
ONGOING_TASKS = (30, 31)  # changqing 2022: 30 with a fresh report, 31 with none (stale)


def _make_ongoing(plan_file: Path, number: int) -> None:
    text = plan_file.read_text(encoding="utf-8")
    start = text.index(f"\n- number: {number}\n")
    end = text.index("\n- number: ", start + 1)
    block = text[start:end]
    block = re.sub(r"deadline_text: .*\n  deadline:\n    kind: \w+\n    due: '[\d-]+'",
                   "deadline_text: 长期坚持\n  deadline:\n    kind: ongoing", block)
    assert "kind: ongoing" in block, block
    plan_file.write_text(text[:start] + block + text[end:], encoding="utf-8")


@pytest.fixture(scope="session")
def status_data(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("status-data")
    data, progress = root / "site_data", root / "progress"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("reports", "progress"))
    shutil.copytree(ROOT / "examples" / "progress", progress)
    for number in ONGOING_TASKS:
        _make_ongoing(data / "plans" / "changqing-2022.yaml", number)
    for name, extra in EXTRA_REPORTS.items():
        with (progress / name).open("a", encoding="utf-8") as handle:
            handle.write(extra.lstrip("\n"))
    return data, progress


@pytest.fixture(scope="session")
def status_site(status_data: tuple[Path, Path]) -> Site:
    return load_site(*status_data)


@pytest.fixture(scope="session")
def statuses(status_site: Site) -> dict[str, object]:
    return views.task_statuses(status_site, AS_OF)


@pytest.fixture(scope="session")
def status_url(status_data: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data, progress = status_data
    out = tmp_path_factory.mktemp("status-site") / "site"
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(NOON.timestamp()))
    try:
        build_site(data, out, config_file=ROOT / "mkdocs.yml", progress_dir=progress)
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
    with served(out) as url:
        yield url


def _open(browser: Browser, url: str, *, width: int = 375, mode: str = "default",
          when: dt.datetime = NOON) -> Page:
    context = browser.new_context(viewport={"width": width, "height": 800})
    context.add_init_script(mode_script(MODES[mode]))
    page = context.new_page()
    page.clock.set_fixed_time(when)
    page.goto(url, wait_until="load")
    return page


def line_visible(page: Page) -> bool:
    return page.locator(".zw-status-line [data-zw-status-label]").is_visible() and \
        page.locator(".zw-status-line [data-zw-status-icon]").is_visible()


def _task_with(site: Site, statuses: dict, code: str) -> Task:
    return next(t for t in site.tasks if statuses[t.key].code == code)


def test_every_status_occurs_on_the_test_site(status_site: Site, statuses: dict) -> None:
    assert {s.code for s in statuses.values()} == set(STATUS_CODES)
    examples = [r for t in status_site.tasks for r in t.reports]
    assert examples and all(r.example and r.text.startswith("【示例】") for r in examples)


@pytest.mark.parametrize("mode", ("default", "xlarge", "contrast"))
@pytest.mark.parametrize("code", STATUS_CODES)
def test_status_on_task_plan_district_unit_and_search_pages(browser: Browser, status_url: str, status_site: Site,
                                                             statuses: dict, code: str, mode: str) -> None:
    task = _task_with(status_site, statuses, code)
    label = STATUS_LABELS[code]
    plan = task.plan
    page = _open(browser, f"{status_url}/{views.task_url(task)}", mode=mode)
    # Never colour alone: the label is visible text, and the icon is beside it.
    assert line_visible(page)
    line = page.locator(".zw-status-line")
    assert line.locator("[data-zw-status-label]").inner_text() == label
    assert line.get_attribute("data-zw-status-code") == code
    assert statuses[task.key].words.split("：")[0] in line.inner_text()
    if task.reports:
        assert page.locator(".zw-timeline .zw-report").count() == len(task.reports)
        assert page.locator(".zw-example-flag").count() == len(task.reports)  # every example labelled
    # Plan page: the summary names the status with its count and links the status's own page.
    count = sum(1 for t in plan.tasks if statuses[t.key].code == code)
    page.goto(f"{status_url}/{views.plan_url(plan)}")
    summary = page.locator(".plan-status .zw-summary__list li", has_text=label)
    assert f"{count} 项" in summary.inner_text()
    summary.get_by_role("link", name=label).click()
    page.wait_for_url(f"**/{views.plan_status_url(plan, code)}")
    page.wait_for_load_state("load")
    assert page.locator(".task-card").count() == count
    card = page.locator(f"#t-{task.key}")
    assert card.locator("[data-zw-status-label]").inner_text() == label
    # District page: the plan's summary; overdue tasks are on its 督办清单.
    page.goto(f"{status_url}/{views.district_url(plan.district)}")
    district_summary = page.locator(f"section:has(#y-{plan.year}) .zw-summary").inner_text()
    assert f"{label}：{count}项" in re.sub(r"\s+", "", district_summary)
    supervision = page.locator(".supervision")
    link = supervision.get_by_role("link", name=f"{plan.year}年第{task.number}项", exact=True)
    assert link.count() == (1 if code == "overdue" else 0)
    # Unit page: the scorecard counts it for each unit the task names.
    unit = (task.lead_units or task.units)[0].unit
    page.goto(f"{status_url}/{views.unit_url(unit)}")
    assert label in page.locator(".zw-scorecard").inner_text()
    assert page.locator(f"#t-{task.key} [data-zw-status-label]").first.inner_text() == label
    # Search: the card of this task shows the status, and the status filter finds it.
    query = task.text[:12]
    page.goto(f"{status_url}/search/?q={query}")
    page.wait_for_function("() => document.getElementById('zw-search').dataset.state === 'done'")
    card = page.locator(".zw-result", has=page.locator(f"a[href$='/{views.task_url(task)}']"))
    assert card.locator(".zw-status__label").inner_text() == label
    page.locator("[data-zw-search-filters] > summary").click()  # the filters sit in a <details>
    page.select_option("select[data-filter='status']", value=label)
    page.wait_for_function("""label => document.getElementById('zw-search').dataset.state === 'done'
        && [...document.querySelectorAll('.zw-result .zw-status__label')].every(e => e.textContent === label)""", arg=label)
    assert page.locator(".zw-result").count() >= 1
    page.context.close()


def test_the_browser_recomputes_status_when_the_date_passes(browser: Browser, status_url: str,
                                                             status_site: Site, statuses: dict) -> None:
    task = _task_with(status_site, statuses, "not_due")
    due = task.deadline.due
    assert due is not None
    url = f"{status_url}/{views.task_url(task)}"
    on_due = dt.datetime(due.year, due.month, due.day, 23, 30, tzinfo=CHINA)
    page = _open(browser, url, when=on_due)
    assert page.locator(".zw-status-line [data-zw-status-label]").inner_text() == "未到时限"
    page.context.close()
    page = _open(browser, url, when=on_due + dt.timedelta(hours=1))  # past midnight in China
    assert page.locator(".zw-status-line [data-zw-status-label]").inner_text() == "已过时限未见完成情况"
    assert "已过 1 天" in page.locator(".zw-status-line").inner_text()
    page.context.close()


def _status_pages(site: Site, statuses: dict) -> dict[str, str]:
    task = _task_with(site, statuses, "done_late")
    unit = (task.lead_units or task.units)[0].unit
    return {
        "task": views.task_url(task),
        "plan": views.plan_url(task.plan),
        "plan-status": views.plan_status_url(task.plan, "done_late"),
        "district": views.district_url(task.plan.district),
        "unit": views.unit_url(unit),
        "home": "",
        "search": "search/?q=" + "政策",
    }


@pytest.mark.parametrize("mode", ("default", "xlarge", "contrast"))
@pytest.mark.parametrize("kind", ("task", "plan", "plan-status", "district", "unit", "home", "search"))
def test_status_pages_are_axe_clean(browser: Browser, status_url: str, status_site: Site, statuses: dict,
                                    kind: str, mode: str) -> None:
    path = _status_pages(status_site, statuses)[kind]
    page = _open(browser, f"{status_url}/{path}", mode=mode, width=320 if mode == "xlarge" else 375)
    page.wait_for_function("""() => { const box = document.getElementById('zw-search');
                           return !box || ['done', 'idle', 'error'].includes(box.dataset.state); }""")
    if kind == "search":
        assert page.locator(".zw-result [data-zw-status-label], .zw-result .zw-status__label").count() > 0
    tags = AXE_TAGS + (["wcag2aaa"] if MODES[mode].contrast else [])
    problems = axe_problems(page, tags, sample=True)
    assert not problems, "\n".join(problems)
    page.context.close()
