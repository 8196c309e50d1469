"""Layout tsv_rows, checked against the real 历城区 2023 source (002_2e6bec67672e9675.txt)."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from generator.importers import tsv_rows
from generator.importers.base import RawPlan, RawTask
from tests.helpers import SOURCES, other_sources

SOURCE = SOURCES / "002_2e6bec67672e9675.txt"
OTHER_SOURCES = other_sources(SOURCE.name)


@pytest.fixture(scope="module")
def text() -> str:
    return SOURCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plan(text: str) -> RawPlan:
    return tsv_rows.CASE.parse(text)


@pytest.fixture(scope="module")
def by_number(plan: RawPlan) -> dict[int, RawTask]:
    return {t.number: t for t in plan.tasks}


def _notes(task: RawTask, fld: str) -> list[str]:
    return [n.message for n in task.notes if n.field == fld]


# ---------------------------------------------------------------- count and numbering


def test_task_count_and_numbers(plan: RawPlan) -> None:
    assert len(plan.tasks) == 49
    assert [t.number for t in plan.tasks] == list(range(1, 50))


def test_nothing_unplaced(plan: RawPlan) -> None:
    assert plan.unplaced == []


# ---------------------------------------------------------------- verbatim and lines


def test_texts_verbatim_and_start_on_their_line(plan: RawPlan, text: str) -> None:
    lines = text.splitlines()
    for task in plan.tasks:
        assert task.text == task.text.strip()
        assert task.text in text, task.number
        assert task.text[:20] in lines[task.line - 1], task.number
        assert "<p>" not in task.text and "</p>" not in task.text


def test_cells_verbatim(plan: RawPlan, text: str) -> None:
    for task in plan.tasks:
        for value in (task.units_text, task.deadline_text, *task.section):
            assert value is not None and value in text, task.number
        assert task.lead_units_text is None  # no 牵头单位 column in this layout


def test_no_task_from_prose_or_footer(plan: RawPlan, text: str) -> None:
    lines = text.splitlines()
    first_header = next(i for i, line in enumerate(lines) if line.startswith("序号\t")) + 1
    footer = next(i for i, line in enumerate(lines) if line.startswith("抄送")) + 1
    assert all(first_header < t.line < footer for t in plan.tasks)
    assert len({t.line for t in plan.tasks}) == len(plan.tasks)


# ---------------------------------------------------------------- coverage (independent heuristic)

_SECTION_START = re.compile(r"^([一二三四五六七八九十]+、|[(（][一二三四五六七八九十]+[)）])")


def _requirement_passages(text: str) -> list[tuple[int, str]]:
    """Every sentence-like cell piece (contains "。", not a section title) in the table region."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("序号\t"))
    end = max(i for i, line in enumerate(lines) if re.match(r"^\d+\t", line))
    found = []
    for i in range(start, end + 1):
        for cell in lines[i].split("\t"):
            for piece in re.split(r"</?p>", cell):
                piece = piece.strip()
                if "。" in piece and not _SECTION_START.match(piece):
                    found.append((i + 1, piece))
    return found


def test_every_requirement_passage_covered_once(plan: RawPlan, text: str) -> None:
    passages = _requirement_passages(text)
    assert len(passages) == 49
    for lineno, piece in passages:
        covering = [t for t in plan.tasks if t.line == lineno and piece in t.text]
        assert len(covering) == 1, (lineno, piece[:20])
        assert covering[0].text == piece


# ---------------------------------------------------------------- detection


def test_detect_this_layout(text: str) -> None:
    assert tsv_rows.CASE.detects(text)


@pytest.mark.parametrize("name", OTHER_SOURCES)
def test_detect_rejects_other_layouts(name: str) -> None:
    assert not tsv_rows.CASE.detects((SOURCES / name).read_text(encoding="utf-8"))


# ---------------------------------------------------------------- sections

L1_ONE = "一、聚焦重点领域,推动高质量政务公开"
L1_TWO = "二、规范行政决策,推动常态化政务公开"
L1_THREE = "三、围绕政策解读,推动便民化政务公开"
L1_FOUR = "四、严格规范标准,推动精准化政务公开"


def test_sections_use_first_printed_form(by_number: dict[int, RawTask]) -> None:
    # (三) printed "(三) 围绕…" on line 103 and again "(三)围绕…" on line 109.
    assert by_number[10].section == [L1_ONE, "(三) 围绕民生保障领域做好政府信息公开"]
    # Line 117 reprints 二 with a full-width comma: the half-width first form (line 111) wins.
    assert by_number[16].section[0] == L1_TWO
    # Line 116 reprints (二) with a space; first form is line 113's.
    assert by_number[15].section == [L1_TWO, "(二)做好政府决策事项流程公开。"]
    # Line 143 prints (二) in the level-1 column, with a space; first form is line 139's.
    assert by_number[32].section == [L1_FOUR, "(二)推进政府网站和政务新媒体规范有序发展"]
    assert by_number[34].section == [L1_FOUR, "(三) 扎实推进基层政务公开"]
    assert by_number[36].section == by_number[34].section


def test_one_section_one_list(plan: RawPlan) -> None:
    # Same level-2 key -> identical list (no variant spellings survive).
    seen: dict[str, list[str]] = {}
    for task in plan.tasks:
        key = re.sub(r"[\s,，。()（）]", "", "".join(task.section))
        assert seen.setdefault(key, task.section) == task.section
    assert len(seen) == 20


def test_both_levels_in_one_cell(by_number: dict[int, RawTask]) -> None:
    # Line 120: "三、… (一) 深化政策集中统一公开" in a single cell.
    assert by_number[17].section == [L1_THREE, "(一) 深化政策集中统一公开"]
    assert by_number[20].section == [L1_THREE, "(二)提升发布解读质效。"]


def test_p_markup_cell(by_number: dict[int, RawTask]) -> None:
    # Line 131/133: <p>section title</p> <p>requirement</p>.
    assert by_number[24].section == [L1_THREE, "(三) 积极回应群众关切"]
    assert by_number[24].text.startswith("出台重大政策,要加强社会效果")
    assert by_number[24].text.endswith("提升政民互动回应关切水平。")
    assert by_number[25].section == [L1_THREE, "(三) 积极回应群众关切"]
    assert by_number[25].text.startswith("协同宣传、网信等有关部门(单位)")
    assert by_number[26].section == [L1_THREE, "(四) 开展政府开放活动"]
    assert by_number[26].text.startswith("各级各部门(单位)要结合年度重点工作")


def test_section_inherited_across_page_break_is_noted(by_number: dict[int, RawTask]) -> None:
    assert _notes(by_number[15], "section")  # line 116: no level-1 title on that page before it
    assert _notes(by_number[32], "section")  # line 143: page prints only level-2 titles
    assert not _notes(by_number[2], "section")  # same page as its titles
    assert not _notes(by_number[16], "section")


# ---------------------------------------------------------------- tricky rows


def test_row1_plain(by_number: dict[int, RawTask]) -> None:
    t = by_number[1]
    assert t.line == 94
    assert t.text.startswith("聚焦区委、区政府目标任务")
    assert t.units_text == "区政府各部门(单位)"
    assert t.deadline_text == "2023年12月底前"
    assert t.notes == []


def test_shifted_rows_on_five_column_page(by_number: dict[int, RawTask]) -> None:
    # Line 99: both section cells printed under a one-column 工作任务 header, so the
    # requirement sits under 责任单位 and the units under 完成时限.
    t = by_number[4]
    assert t.text.startswith("按要求公开国有企业创新驱动高质量发展")
    assert t.units_text == "区财政局"
    assert _notes(t, "text") and _notes(t, "units_text")
    assert by_number[8].units_text == "区人力资源社会保障局、区退役军人局"
    assert by_number[5].units_text == "区政府各部门(单位)"
    assert not _notes(by_number[5], "text")


def test_lone_deadline_line(by_number: dict[int, RawTask]) -> None:
    # Line 106 holds only "2023年12月底前": the merged deadline cell of rows 4-9.
    for n in range(4, 10):
        t = by_number[n]
        assert t.deadline_text == "2023年12月底前"
        assert any("第106行" in m for m in _notes(t, "deadline_text")), n
    assert not any("第106行" in m for m in _notes(by_number[10], "deadline_text"))


def test_section_title_in_requirement_column(by_number: dict[int, RawTask]) -> None:
    # Line 113: "(二)做好政府决策事项流程公开。" under 具体要求, requirement under 责任单位.
    t = by_number[14]
    assert t.line == 113
    assert t.text.startswith("对与群众利益密切相关的决策事项")
    assert t.section == [L1_TWO, "(二)做好政府决策事项流程公开。"]
    assert _notes(t, "text")
    # Units and deadline cells are empty: carried from row 13, with notes.
    assert t.units_text == by_number[13].units_text
    assert t.deadline_text == "2023年12月底前"
    assert _notes(t, "units_text") and _notes(t, "deadline_text")


def test_merged_cells_carried_with_notes(by_number: dict[int, RawTask]) -> None:
    assert by_number[19].units_text == "区政府各部门(单位)"  # from row 18, line 121
    assert any("序号18" in m for m in _notes(by_number[19], "units_text"))
    assert by_number[19].deadline_text == "2023年12月底前"
    assert any("序号17" in m for m in _notes(by_number[19], "deadline_text"))
    # Row 40 prints its own deadline but not its units (line 155).
    assert by_number[40].deadline_text == "2023年12月底前"
    assert not _notes(by_number[40], "deadline_text")
    assert by_number[40].units_text == "区发展改革局、区卫生健康局、区教育体育局"
    assert _notes(by_number[40], "units_text")
    # Rows 43-44 (lines 160-161) print neither.
    assert by_number[44].units_text == "各街道办事处,区政府各部门(单位)"
    assert _notes(by_number[44], "units_text") and _notes(by_number[44], "deadline_text")


def test_printed_cells_have_no_carry_notes(by_number: dict[int, RawTask]) -> None:
    for n in (1, 10, 12, 13, 16, 17, 20, 24, 27, 36, 39, 42, 45):
        assert not _notes(by_number[n], "units_text"), n
        assert not _notes(by_number[n], "deadline_text"), n


def test_full_width_units_kept_verbatim(by_number: dict[int, RawTask]) -> None:
    assert by_number[16].units_text == "各街道办事处、区政府各部门（单位）"
    assert by_number[37].units_text == "各街道办事处,市政府各部门(单位)"  # "市" as printed


def test_rows_46_and_47_both_kept(by_number: dict[int, RawTask]) -> None:
    # Row 46's printed text ends with row 47's whole text; both are official rows.
    assert by_number[47].text == (
        "加强人才交流,建立跟班学习、轮岗培训机制,实施以干代训,进一步提高政务公开队伍的专业化水平。"
    )
    assert by_number[46].text.startswith("加大业务骨干培养力度")
    assert by_number[46].text.endswith(by_number[47].text)
    assert (by_number[46].line, by_number[47].line) == (165, 166)


def test_last_rows_own_deadlines(by_number: dict[int, RawTask]) -> None:
    assert by_number[48].deadline_text == "2023年8月31日前"
    assert by_number[49].deadline_text == "2024年1月31日前"
    assert by_number[39].deadline_text == "2023年11月底前"
    assert by_number[12].deadline_text == "2023年6月底前"


# ---------------------------------------------------------------- metadata


def test_metadata(plan: RawPlan) -> None:
    assert plan.district_name == "历城区"
    assert plan.city == "济南市"
    assert plan.province is None  # 山东省 is not printed
    assert plan.year == 2023
    assert plan.title == "2023年济南市历城区政务公开重点工作任务分工"
    assert plan.doc_number == "济历城政办发〔2023〕3号"
    assert plan.issuer == "济南市历城区人民政府办公室"
    assert plan.issue_date == dt.date(2023, 7, 25)
    assert plan.has_deadline_column is True
