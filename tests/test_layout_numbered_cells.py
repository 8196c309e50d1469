"""Layout numbered_cells: 汕头市濠江区 2022 (工作要求 / 具体任务 / 具体要求 / 落实单位, no deadline)."""
from __future__ import annotations

import re

import pytest

from generator.importers import numbered_cells
from generator.importers.base import RawPlan, RawTask
from tests.helpers import SOURCES, other_sources

SOURCE = SOURCES / "003_2fd57c1ac15aeeb3.txt"
OTHERS = other_sources(SOURCE.name)


@pytest.fixture(scope="module")
def text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plan(text: str) -> RawPlan:
    return numbered_cells.CASE.parse(text)


@pytest.fixture(scope="module")
def by_number(plan: RawPlan) -> dict[int, RawTask]:
    return {t.number: t for t in plan.tasks}


def _last_line(task: RawTask) -> int:
    return task.line + len(task.text.splitlines()) - 1


# --- detection -----------------------------------------------------------------------


def test_detect_true_for_this_layout(text: str) -> None:
    assert numbered_cells.CASE.detects(text)


@pytest.mark.parametrize("name", OTHERS)
def test_detect_false_for_other_layouts(name: str) -> None:
    assert not numbered_cells.CASE.detects((SOURCES / name).read_text(encoding="utf-8"))


# --- count, numbers, verbatim ---------------------------------------------------------


def test_task_count_and_numbers(plan: RawPlan) -> None:
    assert len(plan.tasks) == 50
    assert [t.number for t in plan.tasks] == list(range(1, 51))


def test_texts_are_verbatim_and_start_on_their_line(plan: RawPlan, text: str) -> None:
    lines = text.splitlines()
    for task in plan.tasks:
        assert task.text == task.text.strip()
        assert task.text in text, task.number
        assert task.text.splitlines()[0] in lines[task.line - 1], task.number
        # the official number was stripped from the text, and it is the number printed on that line
        assert not re.match(r"\d+[．.]", task.text), task.number
        assert re.match(rf"\s*{task.number}．", lines[task.line - 1]), task.number


def test_no_two_tasks_share_a_start_line(plan: RawPlan) -> None:
    starts = [t.line for t in plan.tasks]
    assert len(starts) == len(set(starts))


def test_coverage_every_requirement_passage_is_one_task(plan: RawPlan, text: str) -> None:
    """Independent heuristic: in the table region, a line longer than 12 characters that ends a
    sentence with 。 and is not a section row is a requirement passage."""
    lines = text.splitlines()
    first = next(i for i, ln in enumerate(lines) if ln.strip() == "落实单位") + 1
    last = next(i for i, ln in enumerate(lines) if ln.strip().startswith("公开方式"))
    section_row = re.compile(r"^([一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)])")
    passages = [
        i + 1
        for i in range(first, last)
        if len(s := lines[i].strip()) > 12 and s.endswith("。") and not section_row.match(s)
    ]
    assert len(passages) == 50
    for line_no in passages:
        covering = [t.number for t in plan.tasks if t.line <= line_no <= _last_line(t)]
        assert len(covering) == 1, (line_no, covering)
    # and no task starts outside those passages (header, section rows, unit cells, footer)
    assert sorted(t.line for t in plan.tasks) == passages


def test_no_chrome_or_footer_in_tasks(plan: RawPlan) -> None:
    headers = {"工作要求", "具体任务", "具体要求", "落实单位"}
    for task in plan.tasks:
        assert task.text not in headers and task.units_text not in headers, task.number
        for junk in ("公开方式：", "抄送：", "分工方案"):
            assert junk not in task.text, (task.number, junk)
            assert junk not in (task.units_text or ""), (task.number, junk)


# --- columns --------------------------------------------------------------------------


def test_no_deadline_and_no_lead_column(plan: RawPlan) -> None:
    assert plan.has_deadline_column is False
    assert all(t.deadline_text is None for t in plan.tasks)
    assert all(t.lead_units_text is None for t in plan.tasks)
    assert all(t.units_text for t in plan.tasks)


def test_single_row_tasks_have_their_own_units_and_no_notes(by_number: dict[int, RawTask]) -> None:
    assert by_number[1].units_text == "区政府办公室，区司法局"
    assert by_number[5].units_text == "各街道，相关单位按职能分工落实"  # line 34
    assert by_number[8].units_text == "区司法局"
    assert by_number[41].units_text == "区自然资源局"
    # units cell printed after two blank lines (line 123) still belongs to task 25
    assert by_number[25].units_text == "区教育局、住房城乡建设局（交通运输局）、卫生健康局、市生态环境局濠江分局等单位"
    for n in (1, 5, 8, 25, 41):
        assert by_number[n].notes == [], n


@pytest.mark.parametrize(
    ("first", "last", "units", "units_line"),
    [
        (6, 7, "各街道、区直各单位", 41),
        (11, 14, "区卫生健康局、政务服务数据管理局牵头，各街道、区直各单位按职责分工落实", 73),
        (16, 17, "各街道、区直各单位", 85),
        (19, 21, "各街道、区直各单位按职责分工落实", 99),
        (26, 29, "各街道、区直各单位", 138),
        (30, 31, "区政府办公室、区政务服务数据管理局牵头，各街道、区直相关单位按职能分工落实", 147),
        (34, 36, "各街道、区直各单位", 168),
        (37, 38, "区政府办公室，各街道、区直各单位", 177),
        (39, 40, "各街道、区直各单位", 184),
        (42, 43, "区政府办公室", 198),
        (44, 50, "各街道、区直各单位", 217),
    ],
)
def test_numbered_items_in_one_cell_share_units_with_note(
    by_number: dict[int, RawTask], first: int, last: int, units: str, units_line: int
) -> None:
    for n in range(first, last + 1):
        task = by_number[n]
        assert task.units_text == units, n
        messages = [note.message for note in task.notes if note.field == "units_text"]
        assert any(f"第{first}至{last}项" in m and f"第{units_line}行" in m for m in messages), (n, messages)


def test_bare_numbered_line_is_its_own_task(by_number: dict[int, RawTask]) -> None:
    # line 40 has no leading tab: second paragraph of the cell that starts with 6．
    assert by_number[6].line == 38 and by_number[6].text.startswith("规范使用全省政府信息依申请公开系统")
    assert by_number[7].line == 40 and by_number[7].text.startswith("政府信息公开工作主管部门要用好平台监督管理功能")
    assert by_number[7].text.endswith("以适当方式予以主动公开。")
    assert by_number[12].text == "发挥数字政府优势，提供防疫大数据支撑。"
    assert by_number[42].text == "加快推进政府公报电子化进程。"


def test_empty_units_cell_is_carried_with_note(by_number: dict[int, RawTask]) -> None:
    # task 33 (line 156): its 落实单位 cell is a tab-only line (157), merged with task 32's cell (152)
    task = by_number[33]
    assert task.units_text == by_number[32].units_text == "各街道、区直各单位"
    assert [n.field for n in task.notes] == ["units_text"]
    assert "合并单元格" in task.notes[0].message and "第32项" in task.notes[0].message
    assert "第152行" in task.notes[0].message
    assert by_number[32].notes == []


# --- sections -------------------------------------------------------------------------


def test_sections(by_number: dict[int, RawTask]) -> None:
    assert by_number[1].section == ["一、优化政务公开工作基础", "（一）深化行政规范性文件集中公开。"]
    # 一、 reprinted on line 36 after a page break: same list object content
    assert by_number[6].section == ["一、优化政务公开工作基础", "（三）提升政府信息公开申请办理工作规范化程度。"]
    # 二、 printed three times (lines 58, 60, 62)
    assert by_number[11].section == [
        "二、围绕服务中心工作、助力经济社会平稳健康发展深化重点领域信息公开",
        "（一）持续做好疫情防控信息公开。",
    ]
    # the source numbers this 具体任务 "（1）" instead of "（二）": kept as printed
    assert by_number[26].section == [
        "三、推动重大政策解读提质增效，优化政策咨询服务",
        "（1） 围绕区委区政府工作部署加大重大政策解读力度。",
    ]
    assert by_number[34].section[0] == "四、优化政务公开平台建设"
    # 五、 has no 具体任务 row; the spacing inside the title is printed that way
    for n in range(44, 51):
        assert by_number[n].section == ["五、强化工作    指导监督"], n


def test_each_top_section_is_one_identical_title(plan: RawPlan) -> None:
    tops = []
    for task in plan.tasks:
        if not tops or tops[-1] != task.section[0]:
            tops.append(task.section[0])
    assert [t[:2] for t in tops] == ["一、", "二、", "三、", "四、", "五、"]


# --- metadata and leftovers -----------------------------------------------------------


def test_metadata(plan: RawPlan) -> None:
    assert plan.title == "汕头市濠江区贯彻落实汕头市人民政府办公室2022年政务公开工作要点分工方案"
    assert plan.district_name == "濠江区"
    assert plan.city == "汕头市"
    assert plan.province is None  # 广东省 is not printed in the source
    assert plan.year == 2022
    assert plan.doc_number is None and plan.issuer is None and plan.issue_date is None


def test_unplaced_is_only_the_stray_mark(plan: RawPlan) -> None:
    assert [(u.line, u.text) for u in plan.unplaced] == [(220, "、")]


# --- behaviour not exercised by this file --------------------------------------------


def test_wrapped_paragraph_and_unit_line_on_synthetic_table() -> None:
    src = (
        "某市某区2030年政务公开工作要点分工方案\n"
        "\t工作要求\n\t具体任务\n\t具体要求\n\t落实单位\n\n"
        "\t一、标题\n\t（一）小标题。\n"
        "\t1．第一段没有写完，\n换行后继续。\n\n2．第二段。\n\t区政府办公室\n\n"
        "\t\n\t\n\t3．第三段。\n\t\n\n"
        "公开方式：主动公开。\n"
    )
    assert numbered_cells.CASE.detects(src)
    plan = numbered_cells.CASE.parse(src)
    assert [t.number for t in plan.tasks] == [1, 2, 3]
    first = plan.tasks[0]
    assert first.text == "第一段没有写完，\n换行后继续。" and first.text in src
    assert plan.tasks[1].units_text == "区政府办公室"
    assert plan.tasks[2].units_text == "区政府办公室" and "合并单元格" in plan.tasks[2].notes[0].message
    assert plan.district_name == "某区" and plan.city == "某市" and plan.year == 2030
