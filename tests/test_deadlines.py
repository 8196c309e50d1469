"""Deadline normalization: every phrasing of the five plans, and properties over all dates."""
from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.deadlines import describe, parse_deadline
from generator.model import DEADLINE_KINDS

D = dt.date


@pytest.mark.parametrize(
    ("text", "kind", "due"),
    [
        ("全年", "year_round", D(2022, 12, 31)),
        ("12月底前", "due", D(2022, 12, 31)),
        ("11月底前", "due", D(2022, 11, 30)),
        ("年底前", "due", D(2022, 12, 31)),
        ("三季度前", "due", D(2022, 9, 30)),
        ("二季度前", "due", D(2022, 6, 30)),
        ("2022年9月底前", "due", D(2022, 9, 30)),
        ("2022年6月底前", "due", D(2022, 6, 30)),
        ("2023年8月31日前", "due", D(2023, 8, 31)),
        ("2024年1月31日前", "due", D(2024, 1, 31)),
        ("2022年年底前", "due", D(2022, 12, 31)),
        ("2022年年底前完成，长期坚持", "due_then_ongoing", D(2022, 12, 31)),
        ("长期坚持", "ongoing", None),
        ("持续推进", "ongoing", None),
        ("本文件印发后30日内", "unresolved", None),
        (None, "none", None),
        ("", "none", None),
        ("2023年2月30日前", "unresolved", None),
        ("尽快", "unresolved", None),
    ],
)
def test_every_phrasing(text: str | None, kind: str, due: dt.date | None) -> None:
    deadline = parse_deadline(text, 2022)
    assert (deadline.kind, deadline.due) == (kind, due)
    assert deadline.text == text


def test_relative_deadline_resolves_once_the_issue_date_is_known() -> None:
    deadline = parse_deadline("本文件印发后30日内", 2022, D(2022, 3, 10))
    assert (deadline.kind, deadline.due, deadline.after_issue_days) == ("due", D(2022, 4, 9), 30)
    unknown = parse_deadline("本文件印发后30日内", 2022, None)
    assert unknown.after_issue_days == 30 and "印发日期未知" in describe(unknown)


@given(st.integers(2000, 2100), st.integers(1, 12), st.booleans())
def test_month_end_is_the_last_day_of_that_month(year: int, month: int, with_year: bool) -> None:
    text = (f"{year}年" if with_year else "") + f"{month}月底前"
    deadline = parse_deadline(text, year)
    assert deadline.kind == "due"
    assert deadline.due == D(year, month, calendar.monthrange(year, month)[1])


@given(st.dates(D(2000, 1, 1), D(2100, 12, 31)))
def test_an_explicit_day_is_kept(day: dt.date) -> None:
    deadline = parse_deadline(f"{day.year}年{day.month}月{day.day}日前", day.year - 1)
    assert (deadline.kind, deadline.due) == ("due", day)


@given(st.integers(2000, 2100), st.sampled_from(["一", "二", "三", "四"]))
def test_a_quarter_ends_on_its_last_month(year: int, quarter: str) -> None:
    deadline = parse_deadline(f"{quarter}季度前", year)
    month = "一二三四".index(quarter) * 3 + 3
    assert deadline.due == D(year, month, calendar.monthrange(year, month)[1])


@given(st.integers(2000, 2100), st.integers(1, 12), st.sampled_from(["，长期坚持", "，持续推进", ",长期坚持"]))
def test_date_then_ongoing(year: int, month: int, tail: str) -> None:
    deadline = parse_deadline(f"{year}年{month}月底前完成{tail}", year)
    assert deadline.kind == "due_then_ongoing" and deadline.ongoing and deadline.due is not None


@given(st.text(max_size=40), st.integers(2000, 2100))
def test_any_text_gives_a_known_kind_and_never_raises(text: str, year: int) -> None:
    deadline = parse_deadline(text, year)
    assert deadline.kind in DEADLINE_KINDS
    assert deadline.kind != "none" or not text.strip()
    assert describe(deadline)
    if deadline.due is not None:
        assert deadline.kind in ("due", "year_round", "due_then_ongoing")


@given(st.integers(2000, 2100), st.integers(13, 99))
def test_an_impossible_month_is_unresolved_not_a_crash(year: int, month: int) -> None:
    assert parse_deadline(f"{year}年{month}月底前", year).kind == "unresolved"
