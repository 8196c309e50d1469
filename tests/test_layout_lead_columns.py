"""Layout lead_columns: 序号 / 重点工作 / 牵头单位 / 责任单位 / 完成时限 (上虞区 2022)."""
from __future__ import annotations

import re

import pytest

from generator.importers import lead_columns
from generator.importers.base import RawPlan, RawTask
from tests.helpers import SOURCES, other_sources

SOURCE = SOURCES / "004_200ffe01f1f38338.txt"
OTHER_SEEDS = other_sources(SOURCE.name)
ALL_UNITS = "各乡镇人民政府、街道办事处及有关部门单位"


@pytest.fixture(scope="module")
def text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plan(text: str) -> RawPlan:
    return lead_columns.CASE.parse(text)


@pytest.fixture(scope="module")
def by_number(plan: RawPlan) -> dict[int, RawTask]:
    return {t.number: t for t in plan.tasks}


def _last_line(task: RawTask) -> int:
    return task.line + task.text.count("\n")


# --- count, numbers, verbatim text -------------------------------------------------------


def test_task_count_is_49(plan: RawPlan) -> None:
    assert len(plan.tasks) == 49


def test_numbers_are_official_and_in_order(plan: RawPlan) -> None:
    assert [t.number for t in plan.tasks] == list(range(1, 50))


def test_every_text_is_verbatim_and_starts_on_its_line(plan: RawPlan, text: str) -> None:
    lines = text.splitlines()
    for task in plan.tasks:
        assert task.text == task.text.strip() and task.text
        assert task.text in text, task.number
        first = task.text.splitlines()[0]
        assert first in lines[task.line - 1], task.number


def test_no_two_tasks_share_a_start_line(plan: RawPlan) -> None:
    starts = [t.line for t in plan.tasks]
    assert len(starts) == len(set(starts))


def test_nothing_unplaced(plan: RawPlan) -> None:
    assert plan.unplaced == []


# --- coverage, found independently of the parser ------------------------------------------


def _requirement_lines(text: str) -> list[int]:
    """1-based lines below the header that read like a requirement: long and holding a full stop."""
    lines = text.splitlines()
    header_end = next(i for i, line in enumerate(lines) if line.strip() == "完成时限")
    return [i + 1 for i in range(header_end + 1, len(lines)) if len(lines[i].strip()) > 12 and "。" in lines[i]]


def test_every_requirement_passage_is_covered_by_exactly_one_task(plan: RawPlan, text: str) -> None:
    passages = _requirement_lines(text)
    assert len(passages) == 49  # one printed requirement per row in this export
    lines = text.splitlines()
    for lineno in passages:
        covering = [t for t in plan.tasks if t.line <= lineno <= _last_line(t)]
        assert len(covering) == 1, (lineno, [t.number for t in covering])
        assert lines[lineno - 1].strip() in covering[0].text


def test_numbered_rows_match_tasks(plan: RawPlan, text: str) -> None:
    """Each printed 序号 cell (a tab + digits line) is followed by its task's text line."""
    lines = text.splitlines()
    printed = [(int(m.group(1)), i + 2) for i, line in enumerate(lines) if (m := re.fullmatch(r"\t(\d+)", line))]
    assert [(t.number, t.line) for t in plan.tasks] == printed


# --- detection -------------------------------------------------------------------------


def test_detects_this_layout(text: str) -> None:
    assert lead_columns.CASE.detects(text)


@pytest.mark.parametrize("name", OTHER_SEEDS)
def test_does_not_detect_other_seeds(name: str) -> None:
    assert not lead_columns.CASE.detects((SOURCES / name).read_text(encoding="utf-8"))


# --- tricky rows -------------------------------------------------------------------------


def test_row_with_lead_and_responsible_units(by_number: dict[int, RawTask]) -> None:
    task = by_number[2]
    assert task.text.startswith("加强稳进提质系列政策的集成发布")
    assert task.lead_units_text == "区发改局、区建设局"
    assert task.units_text == "有关部门单位"
    assert task.deadline_text == "全年"
    assert task.notes == []


def test_single_unit_cell_is_the_lead_unit_with_a_note(by_number: dict[int, RawTask]) -> None:
    task = by_number[1]  # lead and responsible units printed in ONE cell, separated by "，" (line 15)
    assert task.text.startswith("紧紧围绕“锻造上虞高质量发展金名片 奋力谱写")
    assert task.lead_units_text == "区发改局，" + ALL_UNITS
    assert task.units_text is None
    assert task.deadline_text == "全年"
    assert [n.field for n in task.notes] == ["lead_units_text"]

    task = by_number[5]
    assert task.lead_units_text == "区市场监管局" and task.units_text is None
    assert task.notes and task.notes[0].field == "lead_units_text"


def test_single_unit_rows_and_only_those_have_notes(plan: RawPlan) -> None:
    single = [t.number for t in plan.tasks if t.units_text is None]
    assert single == [1, 5, 6, 7, 10, 13, 15, 16, 17, 18, 20, 21, 24, 25, 26, 35, 36, 44, 45, 49]
    assert [t.number for t in plan.tasks if t.notes] == single
    assert all(t.lead_units_text for t in plan.tasks)


def test_trailing_space_in_unit_cell_is_trimmed(by_number: dict[int, RawTask]) -> None:
    assert by_number[6].lead_units_text == "区税务局"  # printed "区税务局 " (line 45)


@pytest.mark.parametrize("number", [10, 15, 16, 17, 18, 25, 35, 49])
def test_wrapped_unit_cell_is_rejoined(by_number: dict[int, RawTask], number: int) -> None:
    # "…及有关部门" + untabbed "单位" on the next line is one cell
    task = by_number[number]
    assert task.lead_units_text == ALL_UNITS
    assert task.units_text is None


def test_wrapped_lead_unit_before_responsible_units(by_number: dict[int, RawTask]) -> None:
    assert by_number[34].lead_units_text == "区大数据发展管理中心"  # lines 226-227
    assert by_number[34].units_text == ALL_UNITS
    assert by_number[38].lead_units_text == "区府办、区便民服务中心"  # lines 252-253
    assert by_number[38].units_text == ALL_UNITS
    assert by_number[39].lead_units_text == "区大数据发展管理中心"  # lines 261-262
    assert by_number[39].deadline_text == "12月底前"


def test_deadlines(by_number: dict[int, RawTask], plan: RawPlan) -> None:
    assert by_number[3].deadline_text == "12月底前"
    assert by_number[4].deadline_text == "三季度前"
    assert by_number[44].deadline_text == "二季度前"
    assert by_number[49].deadline_text == "二季度前"
    assert {t.deadline_text for t in plan.tasks} == {"全年", "12月底前", "三季度前", "二季度前"}


def test_units_with_public_institutions(by_number: dict[int, RawTask]) -> None:
    assert by_number[9].lead_units_text == "有关部门单位"
    assert by_number[9].units_text == "各有关公共企事业单位"
    assert by_number[37].lead_units_text == "自然资源和规划分局"
    assert by_number[37].units_text == "各乡镇人民政府、街道办事处"


def test_sections(by_number: dict[int, RawTask], plan: RawPlan) -> None:
    assert by_number[1].section == ["一、围绕中心工作、重大事项，着力深化主动公开", "（一）聚焦战略定位加大公开力度"]
    assert by_number[13].section == ["二、围绕群众期盼、企业需求，着力优化政务公开服务", "（五）推动惠民利企政策直达快享"]
    assert by_number[27].section == ["三、围绕数字赋能、场景优化，着力夯实公开工作基础", "（九）深化行政决策信息公开"]
    assert by_number[49].section == ["四、围绕体系建设、机制完善，着力强化工作监督保障", "（十五）健全抓落实工作体系"]
    assert len({tuple(t.section) for t in plan.tasks}) == 15
    assert len({t.section[0] for t in plan.tasks}) == 4


# --- metadata ----------------------------------------------------------------------------


def test_metadata(plan: RawPlan) -> None:
    assert plan.district_name == "上虞区"
    assert plan.year == 2022
    assert plan.title == "2022年上虞区政务公开工作重点任务清单"
    # The export prints no 发文字号, issuer, date, city or province.
    assert plan.doc_number is None
    assert plan.issuer is None
    assert plan.issue_date is None
    assert plan.city is None and plan.province is None
    assert plan.has_deadline_column is True


# --- page breaks and strays (synthetic, same layout) --------------------------------------

SYNTHETIC = (
    "附件\n2023年某某区政务公开工作重点任务清单\n"
    " \t序号\n\t重点工作\n\t牵头单位\n\t责任单位\n\t完成时限\n\n"
    "\t一、围绕中心工作，着力公开\n\n\t（一）聚焦定位\n\n"
    "\t1\n\t第一项要求。\n\t区府办\n\t各街道\n\t全年\n\n"
    "\t序号\n\t重点工作\n\t牵头单位\n\t责任单位\n\t完成时限\n\n"
    "\t一、围绕中心工作,着力公开\n\n\t(一)聚焦定位\n\n"
    "\t2\n\t第二项要求，\n跨行书写。\n\t区大数据发展管理\n中心\n\t6月底前\n\n"
    "\t说明：本表不含附注\n\n"
)


def test_synthetic_page_break_keeps_first_section_form_and_drops_repeated_header() -> None:
    plan = lead_columns.CASE.parse(SYNTHETIC)
    assert [t.number for t in plan.tasks] == [1, 2]
    assert plan.tasks[0].section == plan.tasks[1].section == ["一、围绕中心工作，着力公开", "（一）聚焦定位"]
    second = plan.tasks[1]
    assert second.text == "第二项要求，\n跨行书写。" and second.text in SYNTHETIC
    assert second.lead_units_text == "区大数据发展管理中心"
    assert second.deadline_text == "6月底前"
    assert [(u.line, u.text) for u in plan.unplaced] == [(SYNTHETIC.splitlines().index("\t说明：本表不含附注") + 1, "说明：本表不含附注")]
    assert plan.district_name == "某某区" and plan.year == 2023


def test_synthetic_crlf_keeps_text_verbatim() -> None:
    crlf = SYNTHETIC.replace("\n", "\r\n")
    plan = lead_columns.CASE.parse(crlf)
    assert lead_columns.CASE.detects(crlf)
    assert all(t.text in crlf for t in plan.tasks)
