"""Turn a printed deadline (完成时限) into a normalized Deadline.

Every phrasing in the plans maps to one kind (see generator.model.DEADLINE_KINDS). A phrase
without a year (12月底前, 三季度前) belongs to the plan's year. A phrase relative to the issue
date (本文件印发后30日内) is resolved when that date is known and is `unresolved` otherwise.
Anything not understood is `unresolved`, never a guess.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re

from generator.model import Deadline

_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_ONGOING = ("长期坚持", "持续推进", "长期推进", "持续开展", "常态化推进", "长期", "持续")
_SEPARATORS = re.compile(r"[，,；;、\s]+")

_FULL_DATE = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日(?:前|之前|以前)?(?:完成)?$")
_MONTH_END = re.compile(r"^(?:(\d{4})年)?(\d{1,2})月(?:底|末)?(?:前|之前|以前)?(?:完成)?$")
_YEAR_END = re.compile(r"^(?:(\d{4})年)?(?:年底|年末|底)(?:前|之前|以前)?(?:完成)?$")
_QUARTER = re.compile(r"^(?:(\d{4})年)?(?:第)?([一二三四1-4])季度(?:末|底)?(?:前|之前|以前)?(?:完成)?$")
_HALF = re.compile(r"^(?:(\d{4})年)?(上|下)半年(?:前|之前|以前)?(?:完成)?$")
_RELATIVE = re.compile(r"^(?:本文件|本通知|本方案)?印发(?:之日)?后(\d{1,3})(?:日|天)内(?:完成)?$")
_YEAR_ROUND = ("全年", "全年持续", "全年推进", "年内")


def parse_deadline(text: str | None, year: int, issue_date: dt.date | None = None) -> Deadline:
    """Normalize one printed deadline; `year` is the plan year."""
    if text is None or not text.strip():
        return Deadline(text=None if text is None else text, kind="none")
    printed = text
    parts = [p for p in _SEPARATORS.split(text.strip()) if p]
    due: dt.date | None = None
    ongoing = False
    kind_of_due = "due"
    after_days: int | None = None
    for part in parts:
        if part in _ONGOING or part.rstrip("。") in _ONGOING:
            ongoing = True
            continue
        if part in _YEAR_ROUND:
            if due is not None:
                return Deadline(printed, "unresolved")
            due, kind_of_due = dt.date(year, 12, 31), "year_round"
            continue
        relative = _RELATIVE.match(part)
        if relative:
            after_days = int(relative.group(1))
            if issue_date is None:
                return Deadline(printed, "unresolved", after_issue_days=after_days)
            due = issue_date + dt.timedelta(days=after_days)
            continue
        parsed = _parse_date_phrase(part, year)
        if parsed is None or due is not None:
            return Deadline(printed, "unresolved")
        due = parsed
    if due is None:
        return Deadline(printed, "ongoing") if ongoing else Deadline(printed, "unresolved")
    if ongoing:
        return Deadline(printed, "due_then_ongoing", due=due, after_issue_days=after_days)
    return Deadline(printed, kind_of_due, due=due, after_issue_days=after_days)


def _parse_date_phrase(part: str, year: int) -> dt.date | None:
    """One phrase naming a day, a month end, a quarter end, a half-year end or the year end."""
    try:
        if m := _FULL_DATE.match(part):
            return dt.date(int(m.group(1) or year), int(m.group(2)), int(m.group(3)))
        if m := _MONTH_END.match(part):
            return _month_end(int(m.group(1) or year), int(m.group(2)))
        if m := _YEAR_END.match(part):
            return dt.date(int(m.group(1) or year), 12, 31)
        if m := _QUARTER.match(part):
            return _month_end(int(m.group(1) or year), _CN_DIGITS[m.group(2)] * 3)
        if m := _HALF.match(part):
            return _month_end(int(m.group(1) or year), 6 if m.group(2) == "上" else 12)
    except ValueError:  # 2月30日, 13月: not a real date
        return None
    return None


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def describe(deadline: Deadline) -> str:
    """The deadline in plain words for a citizen."""
    due = deadline.due
    day = f"{due.year}年{due.month}月{due.day}日" if due else ""
    if deadline.kind == "year_round":
        return f"全年持续推进（到{day}）"
    if deadline.kind == "due":
        return f"{day}前完成"
    if deadline.kind == "due_then_ongoing":
        return f"{day}前完成，之后长期坚持"
    if deadline.kind == "ongoing":
        return "长期坚持，没有截止日期"
    if deadline.kind == "unresolved":
        if deadline.after_issue_days is not None:
            return f"文件印发后{deadline.after_issue_days}日内（印发日期未知，无法换算成日期）"
        return "时限说法无法换算成日期，请以原文为准"
    return "原文没有写完成时限"
