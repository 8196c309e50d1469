"""A task's status (已完成, 推进中, 已过时限未见完成情况 ...) from its deadline, its progress reports and a date.

docs/status-rules.md is the specification; theme/assets/status.js implements the same rules in
the browser, and tests/browser/test_status_parity.py checks that both agree field by field.
Keep the three in step: change the document first.
"""
from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, Sequence

from generator.model import Deadline, Report

CHINA = dt.timezone(dt.timedelta(hours=8))

# In display order (most urgent first), with the label citizens read and an icon that is never
# the only signal (icons are aria-hidden; the label is real text).
STATUS_CODES = ("overdue", "in_progress", "not_due", "routine", "done", "done_late", "adjusted", "undetermined")
STATUS_LABELS = {
    "overdue": "已过时限未见完成情况",
    "in_progress": "推进中",
    "not_due": "未到时限",
    "routine": "常态推进",
    "done": "已完成",
    "done_late": "逾期完成",
    "adjusted": "已调整",
    "undetermined": "时限待定",
}
STATUS_ICONS = {
    "overdue": "!",
    "in_progress": "⏳",
    "not_due": "○",
    "routine": "↻",
    "done": "✓",
    "done_late": "☑",
    "adjusted": "⇄",
    "undetermined": "?",
}

DATED_KINDS = ("due", "year_round", "due_then_ongoing")
ACTIVE_REPORTS = ("推进中", "常态推进")  # a latest report with one of these means work is under way
STALE_MONTHS = 6
TRIMMED = " \t\n\r\u3000"  # trimmed from a reason; status.js trims exactly the same set


@dataclass(frozen=True)
class WordPart:
    """A piece of the status sentence; `day` is set when the piece is a date (rendered as <time>)."""

    text: str
    day: dt.date | None = None


@dataclass(frozen=True)
class Status:
    code: str  # one of STATUS_CODES
    label: str
    icon: str
    words: str  # one sentence, docs/status-rules.md section 5
    done_on: dt.date | None  # completion date (done, done_late)
    days_late: int | None  # done_late only
    days_overdue: int | None  # overdue only
    last_report: dt.date | None  # latest known report, whatever the status
    stale: bool  # routine only: no report, or none for more than 6 months
    changes_on: dt.date | None = None  # next day the code or stale flag changes by itself
    parts: tuple[WordPart, ...] = ()  # `words` split so the dates can be <time> elements

    def as_browser_dict(self) -> dict[str, Any]:
        """The fields as zwStatus.compute returns them (camelCase, ISO dates)."""
        return {
            "code": self.code,
            "label": self.label,
            "icon": self.icon,
            "words": self.words,
            "doneOn": _iso(self.done_on),
            "daysLate": self.days_late,
            "daysOverdue": self.days_overdue,
            "lastReport": _iso(self.last_report),
            "stale": self.stale,
            "changesOn": _iso(self.changes_on),
        }


@dataclass(frozen=True)
class _Known:
    """The reports known on a date, reduced to what the rules need (section 2 of the rules)."""

    latest: Report | None
    completion: Report | None


def china_today() -> dt.date:
    """Today's date in China (UTC+8), whatever the machine's time zone."""
    return dt.datetime.now(CHINA).date()


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole calendar months, clamped to the month's end (2023-08-31 + 6 = 2024-02-29)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def task_status(deadline: Deadline, reports: Sequence[Report], as_of: dt.date) -> Status:
    """The status of a task on `as_of`, with the next date it would change by itself."""
    status = _status_on(deadline, reports, as_of)
    return _with_change_date(status, deadline, reports, as_of)


def status_inputs(deadline: Deadline, reports: Sequence[Report]) -> dict[str, Any]:
    """What the page carries (data-zw-status) so the browser can recompute the status."""
    return {
        "kind": deadline.kind,
        "due": _iso(deadline.due),
        "reports": [{"date": r.date.isoformat(), "status": r.status, "reason": r.reason} for r in reports],
    }


# ---- The decision (rules section 3) -------------------------------------------------------


def _status_on(deadline: Deadline, reports: Sequence[Report], as_of: dt.date) -> Status:
    known = _known_reports(reports, as_of)
    due = deadline.due if deadline.kind in DATED_KINDS else None
    latest = known.latest
    last_day = latest.date if latest else None
    if latest is not None and latest.status == "已调整":
        return _make("adjusted", _adjusted_words(latest), last_report=last_day)
    if known.completion is not None:
        return _completed(known.completion.date, due, last_day)
    active = latest is not None and latest.status in ACTIVE_REPORTS
    if due is not None:
        if as_of > due:
            days = (as_of - due).days
            return _make("overdue", _overdue_words(due, days, latest), last_report=last_day, days_overdue=days)
        if active:
            words = [WordPart("推进中：最近一次报告在 "), _day(last_day), WordPart("，完成时限是 "), _day(due)]
            return _make("in_progress", words, last_report=last_day)
        return _make("not_due", _not_due_words(due, latest), last_report=last_day)
    if deadline.kind == "ongoing":
        return _routine(latest, as_of)
    pending = "原文没有写完成时限" if deadline.kind == "none" else "完成时限待定"
    if active:
        words = [WordPart("推进中：最近一次报告在 "), _day(last_day), WordPart(f"，{pending}")]
        return _make("in_progress", words, last_report=last_day)
    return _make("undetermined", _waiting_words(pending, latest), last_report=last_day)


def _known_reports(reports: Sequence[Report], as_of: dt.date) -> _Known:
    """Drop reports after `as_of`; pick the latest (ties: later in file) and the first 已完成."""
    latest: Report | None = None
    completion: Report | None = None
    for report in reports:
        if report.date > as_of:
            continue  # it cannot be known yet
        if latest is None or report.date >= latest.date:
            latest = report
        if report.status == "已完成" and (completion is None or report.date < completion.date):
            completion = report
    return _Known(latest, completion)


def _completed(done_on: dt.date, due: dt.date | None, last_day: dt.date | None) -> Status:
    if due is None or done_on <= due:
        words = [WordPart("已完成："), _day(done_on), WordPart(" 报告完成")]
        if due is not None:
            words += [WordPart("，完成时限是 "), _day(due)]
        return _make("done", words, last_report=last_day, done_on=done_on)
    late = (done_on - due).days
    words = [WordPart(f"逾期完成（晚 {late} 天）："), _day(done_on), WordPart(" 报告完成，完成时限是 "), _day(due)]
    return _make("done_late", words, last_report=last_day, done_on=done_on, days_late=late)


def _routine(latest: Report | None, as_of: dt.date) -> Status:
    if latest is None:
        return _make("routine", [WordPart("长期坚持，未见进展报告")], stale=True)
    stale = as_of > add_months(latest.date, STALE_MONTHS)
    words = [WordPart("常态推进，最近一次报告在 "), _day(latest.date)]
    if stale:
        words.append(WordPart("，已超过6个月未更新"))
    return _make("routine", words, last_report=latest.date, stale=stale)


# ---- Words (rules section 5) --------------------------------------------------------------


def _adjusted_words(latest: Report) -> list[WordPart]:
    reason = (latest.reason or "").strip(TRIMMED)
    head = [WordPart("已调整（"), _day(latest.date)]
    if reason:
        return [*head, WordPart(" 报告）："), WordPart(reason)]
    return [*head, WordPart(" 报告），未说明原因")]


def _overdue_words(due: dt.date, days: int, latest: Report | None) -> list[WordPart]:
    words = [WordPart("已过完成时限，未见完成情况：完成时限是 "), _day(due), WordPart(f"，已过 {days} 天")]
    if latest is not None:
        words += [WordPart("，最近一次报告在 "), _day(latest.date), WordPart(f"（{latest.status}）")]
    return words


def _not_due_words(due: dt.date, latest: Report | None) -> list[WordPart]:
    words = [WordPart("未到完成时限（"), _day(due), WordPart("），")]
    return words + _report_or_none(latest)


def _waiting_words(pending: str, latest: Report | None) -> list[WordPart]:
    return [WordPart(f"{pending}，"), *_report_or_none(latest)]


def _report_or_none(latest: Report | None) -> list[WordPart]:
    """The tail for "nothing under way": no report at all, or a latest report saying 未启动."""
    if latest is None:
        return [WordPart("未见进展报告")]
    return [_day(latest.date), WordPart(" 报告尚未启动")]


def _day(day: dt.date | None) -> WordPart:
    assert day is not None  # callers pass dates they have checked
    return WordPart(f"{day.year}年{day.month}月{day.day}日", day)


# ---- Assembly -----------------------------------------------------------------------------


def _make(
    code: str,
    parts: Sequence[WordPart],
    *,
    last_report: dt.date | None = None,
    done_on: dt.date | None = None,
    days_late: int | None = None,
    days_overdue: int | None = None,
    stale: bool = False,
) -> Status:
    return Status(
        code=code,
        label=STATUS_LABELS[code],
        icon=STATUS_ICONS[code],
        words="".join(p.text for p in parts),
        done_on=done_on,
        days_late=days_late,
        days_overdue=days_overdue,
        last_report=last_report,
        stale=stale,
        parts=tuple(parts),
    )


def _rule_change(status: Status, deadline: Deadline) -> dt.date | None:
    """The day the rules alone (no new report) would give another code or stale flag."""
    dated = deadline.kind in DATED_KINDS and deadline.due is not None
    if status.code in ("not_due", "in_progress") and dated:
        return deadline.due + dt.timedelta(days=1)
    if status.code == "routine" and not status.stale and status.last_report is not None:
        return add_months(status.last_report, STALE_MONTHS) + dt.timedelta(days=1)
    return None


def _with_change_date(status: Status, deadline: Deadline, reports: Sequence[Report], as_of: dt.date) -> Status:
    """Rules section 4: step through rule changes and future reports until the status differs."""
    future = sorted({r.date for r in reports if r.date > as_of})
    day, current = as_of, status
    for _ in range(len(future) + 2):  # each step uses up a report date or ends
        candidates = [d for d in (_rule_change(current, deadline), next((f for f in future if f > day), None)) if d]
        if not candidates:
            return status
        day = min(candidates)
        current = _status_on(deadline, reports, day)
        if (current.code, current.stale) != (status.code, status.stale):
            return replace(status, changes_on=day)
    return status


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
