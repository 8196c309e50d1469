"""Task status rules (docs/status-rules.md), rule by rule, on real deadlines from the five plans.

The browser implementation is checked against these same rules in tests/browser/test_status_parity.py,
which also reuses `status_cases` below.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.deadlines import parse_deadline
from generator.model import DEADLINE_KINDS, REPORT_STATUSES, Deadline, Report, Site, Task
from generator.render import make_env
from generator.status import (
    DATED_KINDS,
    STATUS_CODES,
    STATUS_ICONS,
    STATUS_LABELS,
    Status,
    add_months,
    status_inputs,
    task_status,
)

D = dt.date
ONE_DAY = dt.timedelta(days=1)


def report(day: dt.date, status: str, reason: str | None = None, task: Task | None = None) -> Report:
    """A made-up report (example=True), by the task's first unit when a real task is given."""
    unit = task.units[0].unit if task is not None and task.units else None
    return Report(
        task_number=task.number if task is not None else 1,
        date=day,
        status=status,
        text="按要求推进",
        unit=unit,
        unit_name=unit.name if unit else "区政府办公室",
        evidence=(),
        reason=reason,
        example=True,
    )


def real_task(site: Site, kind: str) -> Task:
    """The first real task whose deadline is of `kind`."""
    return next(t for t in site.tasks if t.deadline.kind == kind)


@pytest.fixture(scope="module")
def due_task(real_site: Site) -> Task:
    task = real_task(real_site, "due")
    assert task.deadline.due is not None
    return task


# ---- Dated deadlines: not_due, in_progress, overdue ---------------------------------------


def test_on_the_due_date_the_time_limit_has_not_passed(due_task: Task) -> None:
    due = due_task.deadline.due
    status = task_status(due_task.deadline, [], due)
    assert (status.code, status.label, status.icon) == ("not_due", "未到时限", "○")
    assert status.words == f"未到完成时限（{due.year}年{due.month}月{due.day}日），未见进展报告"
    assert status.changes_on == due + ONE_DAY
    assert (status.last_report, status.days_overdue, status.stale) == (None, None, False)


def test_the_day_after_due_without_a_completion_report_is_overdue(due_task: Task) -> None:
    due = due_task.deadline.due
    status = task_status(due_task.deadline, [], due + ONE_DAY)
    assert (status.code, status.label, status.icon) == ("overdue", "已过时限未见完成情况", "!")
    assert status.words.startswith("已过完成时限，未见完成情况：")
    assert status.words.endswith("，已过 1 天")
    assert status.days_overdue == 1 and status.changes_on is None
    assert "未完成" not in status.words + status.label


def test_overdue_names_the_latest_report_and_counts_days(real_site: Site) -> None:
    task = real_task(real_site, "year_round")  # 全年: due on 31 December of the plan year
    due = task.deadline.due
    assert due == D(task.plan.year, 12, 31)
    reports = [report(D(task.plan.year, 6, 1), "推进中", task=task)]
    status = task_status(task.deadline, reports, due + dt.timedelta(days=45))
    assert status.code == "overdue" and status.days_overdue == 45
    assert status.words == (
        f"已过完成时限，未见完成情况：完成时限是 {due.year}年12月31日，已过 45 天，"
        f"最近一次报告在 {task.plan.year}年6月1日（推进中）"
    )
    assert status.last_report == D(task.plan.year, 6, 1)


@pytest.mark.parametrize("report_status", ["推进中", "常态推进"])
def test_a_latest_active_report_before_due_is_in_progress(due_task: Task, report_status: str) -> None:
    due = due_task.deadline.due
    reports = [report(due - dt.timedelta(days=30), report_status, task=due_task)]
    status = task_status(due_task.deadline, reports, due)
    assert (status.code, status.label, status.icon) == ("in_progress", "推进中", "⏳")
    assert status.last_report == due - dt.timedelta(days=30)
    assert status.changes_on == due + ONE_DAY
    assert "完成时限是" in status.words


def test_the_latest_report_decides_between_in_progress_and_not_due(due_task: Task) -> None:
    due = due_task.deadline.due
    earlier, later = due - dt.timedelta(days=60), due - dt.timedelta(days=10)
    started_then_stopped = [report(earlier, "推进中"), report(later, "未启动")]
    status = task_status(due_task.deadline, started_then_stopped, due)
    assert status.code == "not_due"
    assert status.words.endswith(f"{later.year}年{later.month}月{later.day}日 报告尚未启动")


def test_due_then_ongoing_is_overdue_after_its_date_without_completion(real_site: Site) -> None:
    task = real_task(real_site, "due_then_ongoing")
    due = task.deadline.due
    assert task_status(task.deadline, [report(due, "常态推进")], due).code == "in_progress"
    assert task_status(task.deadline, [report(due, "常态推进")], due + ONE_DAY).code == "overdue"


# ---- Completion ----------------------------------------------------------------------------


def test_completed_on_the_due_date_is_done(due_task: Task) -> None:
    due = due_task.deadline.due
    status = task_status(due_task.deadline, [report(due, "已完成")], due + dt.timedelta(days=300))
    assert (status.code, status.label, status.icon) == ("done", "已完成", "✓")
    assert (status.done_on, status.days_late, status.changes_on) == (due, None, None)


def test_completed_a_day_late_is_done_late(due_task: Task) -> None:
    due = due_task.deadline.due
    status = task_status(due_task.deadline, [report(due + ONE_DAY, "已完成")], due + ONE_DAY)
    assert (status.code, status.label) == ("done_late", "逾期完成")
    assert status.days_late == 1 and status.done_on == due + ONE_DAY
    assert status.words.startswith("逾期完成（晚 1 天）：")


def test_days_late_in_the_words() -> None:
    deadline = parse_deadline("12月底前", 2023)
    status = task_status(deadline, [report(D(2024, 1, 12), "已完成")], D(2024, 3, 1))
    assert status.words == "逾期完成（晚 12 天）：2024年1月12日 报告完成，完成时限是 2023年12月31日"


def test_the_first_completion_report_dates_the_completion(due_task: Task) -> None:
    due = due_task.deadline.due
    second, first = due + dt.timedelta(days=5), due - dt.timedelta(days=5)
    reports = [report(second, "已完成"), report(first, "已完成")]  # file order is not date order
    status = task_status(due_task.deadline, reports, second)
    assert (status.code, status.done_on, status.last_report) == ("done", first, second)


def test_a_later_progress_report_does_not_undo_completion(due_task: Task) -> None:
    due = due_task.deadline.due
    reports = [report(due - dt.timedelta(days=20), "已完成"), report(due - dt.timedelta(days=2), "推进中")]
    assert task_status(due_task.deadline, reports, due + dt.timedelta(days=100)).code == "done"


def test_completion_without_a_due_date_is_done(real_site: Site) -> None:
    task = real_task(real_site, "none")
    status = task_status(task.deadline, [report(D(2023, 5, 4), "已完成", task=task)], D(2023, 5, 4))
    assert (status.code, status.words) == ("done", "已完成：2023年5月4日 报告完成")


# ---- Adjusted ------------------------------------------------------------------------------


def test_adjusted_after_done_wins_and_gives_the_reason(due_task: Task) -> None:
    due = due_task.deadline.due
    reports = [
        report(due - dt.timedelta(days=10), "已完成"),
        report(due, "已调整", reason="  与第5项合并\u3000"),
    ]
    status = task_status(due_task.deadline, reports, due)
    assert (status.code, status.label, status.icon) == ("adjusted", "已调整", "⇄")
    assert status.words == f"已调整（{due.year}年{due.month}月{due.day}日 报告）：与第5项合并"
    assert status.done_on is None and status.last_report == due


def test_adjusted_without_a_reason_says_so(due_task: Task) -> None:
    due = due_task.deadline.due
    status = task_status(due_task.deadline, [report(due, "已调整", reason=" ")], due)
    assert status.words.endswith(" 报告），未说明原因")


def test_a_report_after_adjusted_counts_again(due_task: Task) -> None:
    due = due_task.deadline.due
    reports = [report(due - dt.timedelta(days=9), "已调整", reason="并入新文件"), report(due - ONE_DAY, "推进中")]
    assert task_status(due_task.deadline, reports, due).code == "in_progress"


@pytest.mark.parametrize(("order", "code"), [(("推进中", "已调整"), "adjusted"), (("已调整", "推进中"), "in_progress")])
def test_on_the_same_date_the_later_report_in_the_file_is_the_latest(
    due_task: Task, order: tuple[str, str], code: str
) -> None:
    due = due_task.deadline.due
    reports = [report(due, order[0], reason="调整"), report(due, order[1], reason="调整")]
    assert task_status(due_task.deadline, reports, due).code == code


# ---- Reports not yet known -----------------------------------------------------------------


def test_a_report_after_as_of_is_ignored_until_its_date(due_task: Task) -> None:
    due = due_task.deadline.due
    future = due + dt.timedelta(days=3)
    reports = [report(future, "已完成")]
    status = task_status(due_task.deadline, reports, due + ONE_DAY)
    assert (status.code, status.last_report, status.done_on) == ("overdue", None, None)
    assert status.changes_on == future  # the day the completion report becomes known
    assert task_status(due_task.deadline, reports, future).code == "done_late"


def test_a_future_report_that_changes_nothing_is_no_change_date(due_task: Task) -> None:
    due = due_task.deadline.due
    status = task_status(due_task.deadline, [report(due - ONE_DAY, "推进中")], due - dt.timedelta(days=5))
    assert status.code == "not_due" and status.changes_on == due - ONE_DAY  # becomes in_progress
    same = task_status(due_task.deadline, [report(due - ONE_DAY, "未启动")], due - dt.timedelta(days=5))
    assert same.code == "not_due" and same.changes_on == due + ONE_DAY  # 未启动 changes nothing


# ---- Routine (长期坚持) ---------------------------------------------------------------------

ONGOING = parse_deadline("长期坚持", 2023)  # the phrase as the plans print it


def test_ongoing_without_any_report_is_routine_and_stale() -> None:
    assert ONGOING.kind == "ongoing"
    status = task_status(ONGOING, [], D(2023, 3, 1))
    assert (status.code, status.label, status.icon) == ("routine", "常态推进", "↻")
    assert (status.words, status.stale, status.last_report, status.changes_on) == (
        "长期坚持，未见进展报告",
        True,
        None,
        None,
    )


def test_a_report_older_than_six_months_is_stale() -> None:
    reports = [report(D(2023, 1, 5), "常态推进")]
    fresh = task_status(ONGOING, reports, D(2023, 7, 5))
    assert (fresh.stale, fresh.words) == (False, "常态推进，最近一次报告在 2023年1月5日")
    assert fresh.changes_on == D(2023, 7, 6)
    stale = task_status(ONGOING, reports, D(2023, 7, 6))
    assert stale.stale and stale.words == "常态推进，最近一次报告在 2023年1月5日，已超过6个月未更新"


@pytest.mark.parametrize(
    ("reported", "last_fresh"),
    [
        (D(2023, 8, 31), D(2024, 2, 29)),  # leap year: clamped to 29 February
        (D(2022, 8, 31), D(2023, 2, 28)),
        (D(2023, 12, 31), D(2024, 6, 30)),
        (D(2023, 3, 15), D(2023, 9, 15)),
    ],
)
def test_six_months_are_calendar_months_clamped_to_the_month_end(reported: dt.date, last_fresh: dt.date) -> None:
    assert add_months(reported, 6) == last_fresh
    reports = [report(reported, "推进中")]
    assert not task_status(ONGOING, reports, last_fresh).stale
    assert task_status(ONGOING, reports, last_fresh + ONE_DAY).stale


def test_ongoing_is_routine_even_when_the_latest_report_is_not_started() -> None:
    status = task_status(ONGOING, [report(D(2023, 2, 1), "未启动")], D(2023, 3, 1))
    assert status.code == "routine" and not status.stale


# ---- Deadlines that cannot be dated --------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "pending"), [("unresolved", "完成时限待定"), ("none", "原文没有写完成时限")]
)
def test_undated_deadlines_are_undetermined_until_work_is_reported(real_site: Site, kind: str, pending: str) -> None:
    task = real_task(real_site, kind)
    status = task_status(task.deadline, [], D(2030, 1, 1))
    assert (status.code, status.label, status.icon) == ("undetermined", "时限待定", "?")
    assert status.words == f"{pending}，未见进展报告"
    not_started = task_status(task.deadline, [report(D(2029, 2, 3), "未启动", task=task)], D(2030, 1, 1))
    assert not_started.words == f"{pending}，2029年2月3日 报告尚未启动"
    active = task_status(task.deadline, [report(D(2029, 2, 3), "常态推进", task=task)], D(2030, 1, 1))
    assert (active.code, active.words) == ("in_progress", f"推进中：最近一次报告在 2029年2月3日，{pending}")


def test_a_dated_kind_without_a_date_is_treated_as_unresolved() -> None:
    status = task_status(Deadline("12月底前", "due", None), [], D(2023, 1, 1))
    assert (status.code, status.words) == ("undetermined", "完成时限待定，未见进展报告")


def test_every_real_task_without_reports_gets_the_status_of_its_kind(real_site: Site) -> None:
    as_of = D(2023, 6, 30)
    expected = {"due": {"not_due", "overdue"}, "year_round": {"not_due", "overdue"}, "due_then_ongoing": {"not_due", "overdue"}}
    for task in real_site.tasks:
        status = task_status(task.deadline, [], as_of)
        allowed = expected.get(task.deadline.kind, {"undetermined"})
        assert status.code in allowed, task.key
        if status.code == "overdue":
            assert status.days_overdue == (as_of - task.deadline.due).days


# ---- The page's inputs and the macros ------------------------------------------------------


def test_status_inputs_carry_kind_due_and_reports_in_file_order(due_task: Task) -> None:
    due = due_task.deadline.due
    reports = [report(due, "已调整", reason="合并"), report(due - ONE_DAY, "推进中")]
    inputs = status_inputs(due_task.deadline, reports)
    assert json.loads(json.dumps(inputs)) == {
        "kind": "due",
        "due": due.isoformat(),
        "reports": [
            {"date": due.isoformat(), "status": "已调整", "reason": "合并"},
            {"date": (due - ONE_DAY).isoformat(), "status": "推进中", "reason": None},
        ],
    }


class _StatusHTML(HTMLParser):
    """Collects the data-zw-status attribute, the aria-hidden icon, the words' text and <time>s."""

    def __init__(self) -> None:
        super().__init__()
        self.attrs: dict[str, str | None] = {}
        self.stack: list[str] = []
        self.texts: dict[str, str] = {"label": "", "icon": "", "words": ""}
        self.icon_hidden = False
        self.times: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if "data-zw-status" in found:
            self.attrs = found
        part = next((p for p in self.texts if f"data-zw-status-{p}" in found), None)
        if part == "icon":
            self.icon_hidden = found.get("aria-hidden") == "true"
        if tag == "time":
            self.times.append(found["datetime"] or "")
        self.stack.append(part or (self.stack[-1] if self.stack else ""))

    def handle_endtag(self, tag: str) -> None:
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack and self.stack[-1]:
            self.texts[self.stack[-1]] += data


def _render(macro: str, status: Status, inputs: dict) -> _StatusHTML:
    module = make_env().get_template("_status.html.j2").module
    parser = _StatusHTML()
    parser.feed(str(getattr(module, macro)(status, inputs)))
    return parser


@pytest.mark.parametrize("macro", ["status_badge", "status_line"])
def test_the_macros_carry_the_inputs_and_show_label_and_hidden_icon(due_task: Task, macro: str) -> None:
    due = due_task.deadline.due
    reason = '与"第5项"合并 <script>alert(1)</script> & \'x\''
    reports = [report(due, "已调整", reason=reason)]
    status, inputs = task_status(due_task.deadline, reports, due), status_inputs(due_task.deadline, reports)
    page = _render(macro, status, inputs)
    assert json.loads(page.attrs["data-zw-status"] or "") == inputs
    assert page.attrs["data-zw-status-code"] == "adjusted"
    assert "zw-status--adjusted" in (page.attrs["class"] or "")
    assert page.texts["label"] == "已调整" and page.texts["icon"] == "⇄" and page.icon_hidden
    if macro == "status_line":
        assert page.texts["words"] == status.words  # the browser's recompute leaves equal text alone
        assert page.times == [due.isoformat()]


def test_the_line_marks_every_date_in_the_words_as_time(due_task: Task) -> None:
    due = due_task.deadline.due
    status = task_status(due_task.deadline, [report(due - ONE_DAY, "推进中")], due)
    page = _render("status_line", status, status_inputs(due_task.deadline, [report(due - ONE_DAY, "推进中")]))
    assert page.times == [(due - ONE_DAY).isoformat(), due.isoformat()]
    assert len(re.findall(r"\d{4}年\d{1,2}月\d{1,2}日", html.unescape(page.texts["words"]))) == 2


# ---- Properties over generated cases -------------------------------------------------------

MONTH_ENDS = [D(2023, 8, 31), D(2023, 2, 28), D(2024, 2, 29), D(2023, 12, 31), D(2024, 1, 31), D(2022, 6, 30)]
EDGE_OFFSETS = [-184, -183, -182, -181, -2, -1, 0, 1, 2, 181, 182, 183, 184]
REASONS = st.one_of(
    st.none(),
    # Whitespace that only one of Python's str.strip and JS's trim would remove: kept by both rules.
    st.sampled_from(["与第5项合并", "  被新文件取代\u3000", "", " \t\n", '含"引号"和<标签>&', "\u00a0合并\ufeff", "\x0b\u2028"]),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=12),
)


@st.composite
def status_cases(draw: st.DrawFn) -> tuple[Deadline, tuple[Report, ...], dt.date]:
    """A deadline, 0-5 reports and an as_of, with dates bunched around the edges of the rules."""
    kind = draw(st.sampled_from(DEADLINE_KINDS))
    anchor = draw(st.one_of(st.sampled_from(MONTH_ENDS), st.dates(D(2021, 1, 1), D(2027, 12, 31))))
    offsets = st.one_of(st.sampled_from(EDGE_OFFSETS), st.integers(-400, 400))
    dated = kind in DATED_KINDS and draw(st.integers(0, 19)) > 0  # now and then a dated kind lacks its date
    deadline = Deadline(None if kind == "none" else "原文", kind, anchor if dated else None)
    reports = tuple(
        report(anchor + dt.timedelta(days=draw(offsets)), draw(st.sampled_from(REPORT_STATUSES)), draw(REASONS))
        for _ in range(draw(st.integers(0, 5)))
    )
    as_of = anchor + dt.timedelta(days=draw(offsets))
    if reports and draw(st.booleans()):  # right at a report's six-month edge
        as_of = add_months(draw(st.sampled_from(reports)).date, 6) + dt.timedelta(days=draw(st.integers(0, 1)))
    return deadline, reports, as_of


def _brute_force_change(deadline: Deadline, reports: tuple[Report, ...], as_of: dt.date, status: Status) -> dt.date | None:
    for n in range(1, 1200):
        day = as_of + dt.timedelta(days=n)
        later = task_status(deadline, reports, day)
        if (later.code, later.stale) != (status.code, status.stale):
            return day
    return None


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(status_cases())
def test_properties_of_every_status(case: tuple[Deadline, tuple[Report, ...], dt.date]) -> None:
    deadline, reports, as_of = case
    status = task_status(deadline, reports, as_of)
    assert status.code in STATUS_CODES
    assert (status.label, status.icon) == (STATUS_LABELS[status.code], STATUS_ICONS[status.code])
    assert status.words == "".join(p.text for p in status.parts)
    assert "未完成" not in status.words and "未完成" not in status.label
    known = [r for r in reports if r.date <= as_of]
    assert status.last_report == (max(r.date for r in known) if known else None)
    assert (status.days_overdue is not None) == (status.code == "overdue")
    assert (status.days_late is not None) == (status.code == "done_late")
    assert (status.done_on is not None) == (status.code in ("done", "done_late"))
    assert status.stale is False or status.code == "routine"
    assert status.changes_on == _brute_force_change(deadline, reports, as_of, status)


def test_codes_labels_and_icons_are_complete_and_distinct() -> None:
    assert set(STATUS_CODES) == set(STATUS_LABELS) == set(STATUS_ICONS)
    assert len(set(STATUS_LABELS.values())) == len(STATUS_CODES)
    assert len(set(STATUS_ICONS.values())) == len(STATUS_CODES)
