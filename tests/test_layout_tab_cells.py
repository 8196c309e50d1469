"""Layout tab_cells on the real source: 2022年长清区政务公开重点工作任务分解表."""
from __future__ import annotations

import re

import pytest

from generator.importers import tab_cells
from generator.importers.base import RawPlan, RawTask
from tests.helpers import SOURCES, other_sources

SOURCE = SOURCES / "000_acdabe4e565eb526.txt"
OTHER_SOURCES = other_sources(SOURCE.name)
HEADER_LAST_LINE = 7  # 序号/工作任务/具体要求/责任单位/完成时限 are lines 3-7

L1_FOCUS = "突出重点领域，推动高质量政务公开"
L1_READING = "抓好政策解读，推动常态化政务公开"
L1_GRASSROOTS = "聚焦基层建设，推动便民化政务公开"
L1_GUARANTEE = "完善保障机制，推动规范化政务公开"


@pytest.fixture(scope="module")
def source() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plan(source: str) -> RawPlan:
    return tab_cells.CASE.parse(source)


@pytest.fixture(scope="module")
def by_number(plan: RawPlan) -> dict[int, RawTask]:
    return {task.number: task for task in plan.tasks}


def _line_range(task: RawTask) -> range:
    return range(task.line, task.line + task.text.count("\n") + 1)


# ---------------------------------------------------------------- count and order


def test_task_count_is_66(plan: RawPlan) -> None:
    assert len(plan.tasks) == 66


def test_numbers_are_the_official_xuhao_in_order(plan: RawPlan, source: str) -> None:
    printed = [int(m.group(1)) for m in re.finditer(r"(?m)^\t(\d+)$", source)]
    assert printed == list(range(1, 67))
    assert [task.number for task in plan.tasks] == printed


def test_nothing_unplaced(plan: RawPlan) -> None:
    assert plan.unplaced == []


# ---------------------------------------------------------------- verbatim and lines


def test_every_text_is_verbatim_and_starts_on_its_line(plan: RawPlan, source: str) -> None:
    lines = source.splitlines()
    for task in plan.tasks:
        assert task.text, task.number
        assert task.text == task.text.strip()
        assert task.text in source, task.number
        assert task.text.splitlines()[0] in lines[task.line - 1], task.number


def test_no_two_tasks_share_a_start_line(plan: RawPlan) -> None:
    starts = [task.line for task in plan.tasks]
    assert len(starts) == len(set(starts))


def test_cell_values_are_verbatim(plan: RawPlan, source: str) -> None:
    for task in plan.tasks:
        for value in (task.units_text, task.deadline_text, *task.section):
            assert value is not None and value in source, task.number
        assert task.lead_units_text is None  # no 牵头单位 column in this layout


# ---------------------------------------------------------------- coverage (independent of the parser)


def _requirement_passages(source: str) -> list[tuple[int, str]]:
    """Table lines that read like a requirement: a long cell ending a sentence with 。"""
    found = []
    for number, line in enumerate(source.splitlines(), start=1):
        cell = line.strip()
        if number > HEADER_LAST_LINE and len(cell) >= 15 and cell.endswith("。"):
            found.append((number, cell))
    return found


def test_every_requirement_passage_is_covered_by_exactly_one_task(plan: RawPlan, source: str) -> None:
    passages = _requirement_passages(source)
    assert len(passages) == 66
    for line, cell in passages:
        covering = [task for task in plan.tasks if line in _line_range(task)]
        assert len(covering) == 1, (line, cell)
        assert covering[0].text == cell


def test_every_printed_cell_of_the_table_reaches_some_task(plan: RawPlan, source: str) -> None:
    """Nothing lost: each non-empty line below the header is a 序号, a section title,
    a task text, a unit cell or a deadline cell of some task."""
    known: set[str] = set()
    for task in plan.tasks:
        known |= {str(task.number), task.text, *task.section}
        known |= {v for v in (task.units_text, task.deadline_text) if v}
    for number, line in enumerate(source.splitlines(), start=1):
        cell = line.strip()
        if number > HEADER_LAST_LINE and cell:
            assert cell in known, (number, cell)


# ---------------------------------------------------------------- detect


def test_detect_true_for_this_layout(source: str) -> None:
    assert tab_cells.CASE.detects(source) is True


@pytest.mark.parametrize("name", OTHER_SOURCES)
def test_detect_false_for_other_layouts(name: str) -> None:
    assert tab_cells.CASE.detects((SOURCES / name).read_text(encoding="utf-8")) is False


def test_detect_does_not_depend_on_the_district_name(source: str) -> None:
    other_year = source.replace("长清区", "平阴县").replace("2022", "2024")
    assert tab_cells.CASE.detects(other_year) is True
    plan = tab_cells.CASE.parse(other_year)
    assert (plan.district_name, plan.year, len(plan.tasks)) == ("平阴县", 2024, 66)


# ---------------------------------------------------------------- sections


def test_sections_two_levels_first_printed_form(plan: RawPlan, by_number: dict[int, RawTask]) -> None:
    assert by_number[1].section == [L1_FOCUS, "加强高质量发展信息公开"]
    assert by_number[4].section == [L1_FOCUS, "加强重大战略实施信息公开"]
    # Task 8 reprints both levels after a page break: same section as task 4.
    assert by_number[8].section == by_number[4].section
    assert by_number[33].section == [L1_READING, "聚焦社会关切，提升公开实效"]
    assert by_number[46].section == [L1_GRASSROOTS, "继续深化政务公开特色化建设"]
    assert by_number[66].section == [L1_GUARANTEE, "抓好工作落实"]
    assert all(len(task.section) == 2 for task in plan.tasks)
    level1 = []
    for task in plan.tasks:
        if task.section[0] not in level1:
            level1.append(task.section[0])
    assert len(level1) == 5


def test_repeated_section_with_other_punctuation_keeps_first_form(source: str) -> None:
    # A reprint after a page break with a half-width comma is still the same section.
    reprint = "\t8\n\t突出重点领域, 推动高质量政务公开\n"
    assert reprint.replace(", ", "，") in source
    variant = source.replace("\t8\n\t突出重点领域，推动高质量政务公开\n", reprint)
    plan = tab_cells.CASE.parse(variant)
    assert plan.tasks[7].section == [L1_FOCUS, "加强重大战略实施信息公开"]


# ---------------------------------------------------------------- tricky rows


def test_plain_row_has_no_notes(by_number: dict[int, RawTask]) -> None:
    task = by_number[1]
    assert task.text.startswith("抓好新旧动能转换信息公开")
    assert task.line == 12
    assert task.units_text == "各街镇，区发改局、区工信局等区政府相关部门"
    assert task.deadline_text == "全年"
    assert task.notes == []


def test_units_and_deadline_merged_rows_10_and_11(by_number: dict[int, RawTask]) -> None:
    for number in (10, 11):
        task = by_number[number]
        assert task.units_text == "各街镇和区政府相关部门"
        assert task.deadline_text == "全年"
        fields = sorted(note.field for note in task.notes)
        assert fields == ["deadline_text", "units_text"]
        assert all("第9号任务" in note.message for note in task.notes)
    assert by_number[10].text.startswith("扎实做好疫苗接种信息公开")
    assert by_number[11].line == 82


@pytest.mark.parametrize(
    ("number", "units", "from_task"),
    [
        (30, "各街镇、区政府有关部门", 29),
        (34, "各街镇、区政府有关部门", 33),
        (35, "各街镇、区政府有关部门", 33),
        (40, "各街镇、区政府各部门", 39),
        (42, "各街镇、区政府有关部门", 41),
        (49, "各街镇、区政府各部门", 48),
        (56, "各街镇、区政府各部门", 55),
        (59, "各街镇、区政府各部门", 55),
        (65, "各街镇、区政府各部门", 64),
        (66, "各街镇、区政府各部门", 64),
    ],
)
def test_merged_unit_cells_are_carried_with_a_note(
    by_number: dict[int, RawTask], number: int, units: str, from_task: int
) -> None:
    task = by_number[number]
    assert task.units_text == units
    assert [note.field for note in task.notes] == ["units_text"]
    assert f"第{from_task}号任务" in task.notes[0].message


def test_deadline_printed_alone_on_next_line(by_number: dict[int, RawTask]) -> None:
    for number, line in ((46, 334), (62, 447)):
        task = by_number[number]
        assert task.deadline_text == "全年"
        assert task.units_text == "各街镇、区政府各部门"
        assert [note.field for note in task.notes] == ["deadline_text"]
        assert f"第{line}行" in task.notes[0].message
    assert by_number[46].text.startswith("坚持以试点破难点的工作方针")
    assert by_number[46].line == 330


def test_rows_with_their_own_values_keep_them(by_number: dict[int, RawTask]) -> None:
    assert by_number[13].units_text == "区行政审批局、区司法局、牵头，各街镇、区政府有关部门配合"
    assert by_number[27].deadline_text == "2022年9月底前完成，长期坚持"
    assert by_number[49].deadline_text == "2022年年底前完成，长期坚持"
    assert by_number[64].deadline_text == "本文件印发后30日内"
    assert by_number[65].deadline_text == "2022年6月底前"
    assert by_number[66].deadline_text == "2022年年底前"
    assert by_number[66].text == "将本要点落实情况纳入政府信息公开工作年度报告并予以公开，接受社会监督。"
    assert by_number[12].notes == []


def test_notes_only_where_something_was_inferred(plan: RawPlan) -> None:
    noted = sorted(task.number for task in plan.tasks if task.notes)
    assert noted == [10, 11, 30, 34, 35, 40, 42, 46, 49, 56, 57, 58, 59, 62, 65, 66]


# ---------------------------------------------------------------- metadata


def test_metadata(plan: RawPlan) -> None:
    assert plan.district_name == "长清区"
    assert plan.year == 2022
    assert plan.title == "2022年长清区政务公开重点工作任务分解表"
    assert plan.has_deadline_column is True
    # The export prints no city, province, 发文字号, issuer or date.
    assert (plan.city, plan.province, plan.doc_number, plan.issuer, plan.issue_date) == (None,) * 5
