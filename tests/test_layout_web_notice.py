"""Layout web_notice against the real source 001 (济宁市任城区 2023, a web page export)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from generator.importers import web_notice
from generator.importers.base import RawPlan
from tests.helpers import SOURCES, other_sources

SOURCE = SOURCES / "001_ad703b9d0ec3c11c.txt"
OTHER_SOURCES = other_sources(SOURCE.name)

SEC1 = "一、推进绿色低碳高质量发展信息公开"
SEC1_1 = "(一)围绕稳经济、促活力强化公开"
SEC1_2 = "(二)围绕提升群众生活品质强化公开"


@pytest.fixture(scope="module")
def text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plan(text: str) -> RawPlan:
    return web_notice.CASE.parse(text)


def _task(plan: RawPlan, number: int):
    return next(t for t in plan.tasks if t.number == number)


def _last_line(task) -> int:
    return task.line + task.text.count("\n")


# ---------------------------------------------------------------- count and numbering


def test_task_count(plan: RawPlan) -> None:
    assert len(plan.tasks) == 59


def test_numbers_are_document_order(plan: RawPlan) -> None:
    # The source prints no 序号, so numbers are 1..N in document order.
    assert [t.number for t in plan.tasks] == list(range(1, 60))
    lines = [t.line for t in plan.tasks]
    assert lines == sorted(lines)
    assert len(set(lines)) == len(lines), "two tasks share a start line"


# ---------------------------------------------------------------- verbatim text and lines


def test_texts_are_verbatim_and_start_on_their_line(plan: RawPlan, text: str) -> None:
    src_lines = text.splitlines()
    for t in plan.tasks:
        assert t.text, t.number
        assert t.text == t.text.strip(), t.number
        assert t.text in text, t.number
        first = t.text.splitlines()[0]
        assert src_lines[t.line - 1].strip().startswith(first), t.number


def test_unit_and_deadline_lines_are_verbatim_source_lines(plan: RawPlan, text: str) -> None:
    src_lines = {ln.strip() for ln in text.splitlines()}
    for t in plan.tasks:
        assert t.units_text is not None, t.number
        for unit_line in t.units_text.split("\n"):
            assert unit_line in src_lines, (t.number, unit_line)
        assert t.deadline_text in src_lines, t.number
        assert t.lead_units_text is None  # no 牵头单位 column in this layout


# ---------------------------------------------------------------- coverage (independent of the parser)


def _table_region(text: str) -> tuple[int, int]:
    """1-based (first, last) lines of the table: after the header's 完成时限 cell, before 文件下载."""
    lines = [ln.strip() for ln in text.splitlines()]
    start = lines.index("完成时限") + 2
    end = next(i for i, ln in enumerate(lines) if ln.startswith("文件下载"))
    return start, end


def _requirement_lines(text: str) -> list[int]:
    """Table lines that read like a requirement: a sentence (has 。) of some length."""
    first, last = _table_region(text)
    lines = text.splitlines()
    return [n for n in range(first, last + 1) if len(lines[n - 1].strip()) > 15 and "。" in lines[n - 1]]


def test_every_requirement_is_covered_by_exactly_one_task(plan: RawPlan, text: str) -> None:
    wanted = _requirement_lines(text)
    assert len(wanted) == 59  # sanity of the heuristic itself
    for n in wanted:
        covering = [t.number for t in plan.tasks if t.line <= n <= _last_line(t)]
        assert len(covering) == 1, (n, covering)


def test_every_task_covers_a_requirement_line(plan: RawPlan, text: str) -> None:
    wanted = set(_requirement_lines(text))
    for t in plan.tasks:
        assert any(t.line <= n <= _last_line(t) for n in wanted), t.number


def test_no_chrome_or_notice_becomes_a_task(plan: RawPlan, text: str) -> None:
    first, last = _table_region(text)
    for t in plan.tasks:
        assert first <= t.line < last, t.number
        for chrome in ("文件下载", "扫一扫", "主办", "发文字号", "提高思想认识", "附件"):
            assert chrome not in t.text
    assert plan.unplaced == []


# ---------------------------------------------------------------- detection


def test_detect_true_for_this_layout(text: str) -> None:
    assert web_notice.CASE.detects(text)


@pytest.mark.parametrize("name", OTHER_SOURCES)
def test_detect_false_for_other_layouts(name: str) -> None:
    assert not web_notice.CASE.detects((SOURCES / name).read_text(encoding="utf-8"))


def test_detect_does_not_depend_on_the_district_name(text: str) -> None:
    # Next year's page of another district must still be detected.
    other = text.replace("任城", "兖州").replace("济宁", "曲阜").replace("2023", "2024")
    assert web_notice.CASE.detects(other)
    renamed = web_notice.CASE.parse(other)
    assert renamed.district_name == "兖州区" and renamed.year == 2024
    assert len(renamed.tasks) == 59


# ---------------------------------------------------------------- sections


def test_sections(plan: RawPlan) -> None:
    assert _task(plan, 1).section == [SEC1, SEC1_1]
    assert _task(plan, 5).section == [SEC1, SEC1_1]
    assert _task(plan, 6).section == [SEC1, SEC1_2]
    assert _task(plan, 13).section == [SEC1, "(三)围绕2023年重点工作任务强化公开"]
    assert _task(plan, 29).section == ["二、推进政策发布解读回应提质增效", "(四)持续深化政策集中统一公开"]
    assert _task(plan, 59).section == [
        "四、推进政务公开标准化、制度化、规范化夯实工作基础",
        "(十四)依法依规做好政府信息依申请公开答复工作",
    ]
    per_section: dict[str, int] = {}
    for t in plan.tasks:
        assert len(t.section) == 2
        per_section[t.section[1]] = per_section.get(t.section[1], 0) + 1
    assert list(per_section.values()) == [5, 7, 16, 6, 4, 2, 2, 5, 2, 1, 1, 2, 2, 4]


# ---------------------------------------------------------------- tricky rows


def test_first_task(plan: RawPlan) -> None:
    t = _task(plan, 1)
    assert t.line == 64
    assert t.text.startswith("加强改善生态环境质量信息公开")
    assert t.units_text == "区生态环境分局"
    assert t.deadline_text == "12月底前"


def test_units_cell_with_blank_line_inside(plan: RawPlan) -> None:
    # Lines 74-77: 区国金局 / (blank) / 区发改局 / 区工信局, all one 责任单位 cell.
    t = _task(plan, 3)
    assert t.line == 79
    assert t.text.startswith("深化国资国企改革")
    assert t.units_text == "区国金局\n区发改局\n区工信局"
    assert t.notes == []


def test_units_cell_of_several_paragraphs(plan: RawPlan) -> None:
    # Lines 89-97: six units in four blank-separated paragraphs.
    t = _task(plan, 5)
    assert t.line == 99
    assert t.text.startswith("强化政策集成供给")
    assert t.units_text == "区发改局\n区工信局\n区国金局\n区财政局\n区科技局\n区人社局"
    assert t.deadline_text == "12月底前"


def test_eleven_month_deadlines_and_multi_unit_cells(plan: RawPlan) -> None:
    assert {t.deadline_text for t in plan.tasks if t.section[1] == SEC1_2} == {"11月底前"}
    t = _task(plan, 12)
    assert t.line == 148
    assert t.text.startswith("深入推进公共企事业单位信息公开。教育、卫生健康")
    assert t.text.endswith("确保栏目清晰、要素齐全、及时更新。")
    assert t.units_text == "区教体局\n区卫健局\n区发改局\n国网任城供电公司"


def test_long_unit_cell_on_one_line(plan: RawPlan) -> None:
    t = _task(plan, 27)
    assert t.line == 240
    assert t.text.startswith("持续筑牢安全生产底线")
    assert t.units_text.startswith("区应急局、区发改局")
    assert t.units_text.endswith("任城公安分局,运河经济开发区、各镇(街道)")
    assert "\n" not in t.units_text


def test_unit_that_is_not_a_bureau(plan: RawPlan) -> None:
    t = _task(plan, 42)
    assert t.line == 342
    assert t.units_text == "重大行政决策事项承办单位"
    assert t.text.startswith("按照决策事项推进流程")


def test_last_task_stops_before_the_footer(plan: RawPlan) -> None:
    t = _task(plan, 59)
    assert t.line == 460
    assert t.text.startswith("鼓励有条件的部门单位")
    assert t.text.endswith("实现政府信息公开申请的信息化办理。")
    assert t.units_text == "区政府办公室"
    assert t.deadline_text == "12月底前"


def test_nothing_was_carried(plan: RawPlan) -> None:
    # Every row of this table prints its own 责任单位 and 完成时限: no merged cells, so no notes.
    assert all(t.notes == [] for t in plan.tasks)


# ---------------------------------------------------------------- metadata


def test_metadata(plan: RawPlan) -> None:
    assert plan.district_name == "任城区"
    assert plan.city == "济宁市"
    assert plan.province is None  # the page never prints 山东省 as the district's province
    assert plan.year == 2023
    assert plan.title == "济宁市任城区人民政府办公室关于印发2023年济宁市任城区政务公开重点工作任务分解表的通知"
    assert plan.doc_number == "济任政办字〔2023〕24号"
    assert plan.issuer == "济宁市任城区人民政府办公室"
    assert plan.issue_date == dt.date(2023, 7, 26)
    assert plan.has_deadline_column is True


# ---------------------------------------------------------------- synthetic variants of the layout


_HEAD = (
    "成文日期: 2024-03-01 发布日期: 2024-03-02\n发布机关: 某区人民政府办公室\n"
    "标  题: 关于印发2024年某市某某区政务公开重点工作任务分解表的通知\n发文字号: 某政办字〔2024〕1号\n\n"
    "2024年某市某某区政务公开重点工作任务分解表\n\n工作任务\n\n责任单位\n\n具体要求\n\n完成时限\n\n"
)


def test_page_break_repeats_header_and_section_in_another_form() -> None:
    body = (
        "一、甲类公开\n\n(一)围绕稳经济、促活力强化公开\n\n区甲局\n\n任务甲。\n\n12月底前\n\n"
        "工作任务\n\n责任单位\n\n具体要求\n\n完成时限\n\n"
        "一、甲类公开\n\n(一)围绕稳经济,促活力强化公开\n\n区乙局\n\n任务乙。\n\n6月底前\n\n文件下载:\n\nx.pdf\n"
    )
    plan = web_notice.CASE.parse(_HEAD + body)
    assert [t.text for t in plan.tasks] == ["任务甲。", "任务乙。"]
    assert plan.tasks[0].section == plan.tasks[1].section == ["一、甲类公开", "(一)围绕稳经济、促活力强化公开"]
    assert plan.unplaced == []
    assert plan.issue_date == dt.date(2024, 3, 1)


def test_merged_units_and_deadline_are_carried_with_notes() -> None:
    body = "一、甲类公开\n\n区甲局\n\n任务甲。\n\n12月底前\n\n任务乙。\n\n区丙局\n\n任务丙。\n\n全年\n\n文件下载:\n"
    plan = web_notice.CASE.parse(_HEAD + body)
    a, b, c = plan.tasks
    assert (b.units_text, b.deadline_text) == ("区甲局", "12月底前")
    assert {n.field for n in b.notes} == {"units_text", "deadline_text"}
    assert all(re.search("合并单元格", n.message) for n in b.notes)
    assert (c.units_text, c.deadline_text, c.notes) == ("区丙局", "全年", [])


def test_trailing_cells_without_requirement_are_unplaced() -> None:
    body = "一、甲类公开\n\n区甲局\n\n任务甲。\n\n12月底前\n\n区乙局\n\n文件下载:\n"
    plan = web_notice.CASE.parse(_HEAD + body)
    assert len(plan.tasks) == 1
    assert [(u.line, u.text) for u in plan.unplaced] == [(_HEAD.count("\n") + 9, "区乙局")]
