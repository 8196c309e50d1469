"""Case "lead_columns": 序号 / 重点工作 / 牵头单位 / 责任单位 / 完成时限 (上虞区 2022).

The text export prints one table cell per line, each cell line starting with a tab.
Rows are separated by blank lines. A row is:

    \\t<序号>
    \\t<重点工作>
    \\t<牵头单位>
    [\\t<责任单位>]       # missing when the row has a single unit cell
    \\t<完成时限>

A non-empty line WITHOUT a leading tab continues the previous cell: the PDF wrapped
a unit name ("…有关部门" + "单位"), so it is joined back without the line break.
Section rows (一、… / （一）…) stand alone between blank lines.
"""
from __future__ import annotations

import re

from generator.importers import headers as H
from generator.importers.base import Note, RawPlan
from generator.importers.cases import Case, NotThisLayout
from generator.importers.lines import Line, Lines
from generator.importers.plan_builder import PlanBuilder

HEADER = ["序号", "重点工作", "牵头单位", "责任单位", "完成时限"]

_NUMBER = re.compile(r"\d{1,3}")
_TOP_SECTION = re.compile(r"[一二三四五六七八九十]+、\S")
_SUB_SECTION = re.compile(r"[（(][一二三四五六七八九十]+[）)]\S")
_TITLE_YEAR = re.compile(r"(20\d{2})年")
# "2022年上虞区…": optional province/city before the district, where printed.
_PLACE = re.compile(r"20\d{2}年度?(?:(\S+?省))?(?:(\S+?市))?(\S+?[区县旗])")
_SINGLE_UNIT = ("源表本行只有一个单位格（牵头单位与责任单位未分列，可能为跨两列的合并单元格），"
                "按牵头单位录入，责任单位留空")


def _find_header(lines: Lines) -> int | None:
    """0-based index of the last header cell (完成时限), or None."""
    cells = [line for line in lines if line.text]
    for k in range(len(cells) - len(HEADER) + 1):
        window = cells[k:k + len(HEADER)]
        if [c.text for c in window] == HEADER and all(c.tabbed for c in window):
            return window[-1].index
    return None


def detect(lines: Lines) -> bool:
    """True when the five tab-indented header cells appear in this exact column order."""
    return _find_header(lines) is not None


def _cells(block: list[Line], builder: PlanBuilder) -> list[list[Line]]:
    """A block's cells, each as its lines: a tab-less line continues the cell above it."""
    cells: list[list[Line]] = []
    for line in block:
        if line.tabbed:
            cells.append([line])
        elif cells:
            cells[-1].append(line)
        else:
            builder.skip(line.number, line.text, "表格内不以制表符开头且无前一单元格可接续的行")
    return cells


def _joined(cell: list[Line]) -> str:
    """A wrapped unit name is re-joined without the line break."""
    return "".join(line.text for line in cell)


def _metadata(lines: Lines, header_end: int) -> RawPlan:
    """Title, year and place from the heading printed above the table (nothing else is printed)."""
    title = next((line.text for line in lines.items[:header_end] if _TITLE_YEAR.search(line.raw) and not line.tabbed), "")
    year = _TITLE_YEAR.search(title)
    place = _PLACE.search(title)
    return RawPlan(district_name=place.group(3) if place else "", year=int(year.group(1)) if year else 0,
                   title=title, tasks=[], province=place.group(1) if place else None,
                   city=place.group(2) if place else None)


def read(lines: Lines, builder: PlanBuilder) -> RawPlan:
    header_end = _find_header(lines)
    if header_end is None:
        raise NotThisLayout("not a 序号/重点工作/牵头单位/责任单位/完成时限 table")
    for block in lines.blocks(header_end + 1):
        _place_block(_cells(block, builder), lines, builder)
    return _metadata(lines, header_end)


def _place_block(cells: list[list[Line]], lines: Lines, builder: PlanBuilder) -> None:
    """Route one blank-line separated block: repeated header, section row, task row, or unplaced."""
    if not cells:
        return
    values = [_joined(c) for c in cells]
    if all(v in HEADER for v in values):  # header reprinted after a page break
        return
    if len(cells) == 1 and _TOP_SECTION.match(values[0]):
        builder.set_heading(values[0], 1)
    elif len(cells) == 1 and _SUB_SECTION.match(values[0]):
        builder.set_heading(values[0], 2)
    elif _NUMBER.fullmatch(values[0]) and len(cells) >= 2:
        _task(int(values[0]), cells[1:], lines, builder)
    else:
        for cell in cells:
            builder.skip(cell[0].number, _verbatim(cell, lines), "既非序号开头的任务行，也非章节标题或表头")


def _verbatim(cell: list[Line], lines: Lines) -> str:
    """Requirement text stays a substring of the source: its line breaks are kept."""
    return lines.span(cell[0].index, cell[-1].index)


def _task(number: int, cells: list[list[Line]], lines: Lines, builder: PlanBuilder) -> None:
    """One task from the cells after the 序号 cell: text, unit cell(s), and the 完成时限 last."""
    text_cell, rest = cells[0], cells[1:]
    task = builder.task(number, _verbatim(text_cell, lines), text_cell[0].number)
    if rest and H.is_deadline(_joined(rest[-1])):
        builder.cell(task, "deadline_text", _joined(rest[-1]), rest[-1][0].number)
        rest = rest[:-1]
    if len(rest) == 1:
        builder.cell(task, "lead_units_text", _joined(rest[0]), rest[0][0].number)
        task.notes.append(Note("lead_units_text", _SINGLE_UNIT))
    elif len(rest) >= 2:
        builder.cell(task, "lead_units_text", _joined(rest[0]), rest[0][0].number)
        builder.cell(task, "units_text", _joined(rest[1]), rest[1][0].number)
        for extra in rest[2:]:
            builder.skip(extra[0].number, _joined(extra), f"第{number}项任务行中多出的单元格，无法对应列")


CASE = Case("lead_columns", detect, read)
