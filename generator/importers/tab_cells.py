"""Case "tab_cells": a table exported one cell per tab-indented line (长清区 2022).

The export looks like this (→ is a tab, each record is separated by a blank line):

    →序号 →工作任务 →具体要求 →责任单位 →完成时限      (header, one cell a line)

    →1
    →<工作任务 level 1>      empty when merged with the row above
    →<工作任务 level 2>      empty when merged with the row above
    →<具体要求>              the task
    →<责任单位>              empty when merged with the row above
    →<完成时限>              empty when merged; sometimes printed un-indented on the next line

A record is cut by position: the 序号 line opens it and each tab line after it is the next
column. The header's 工作任务 column spans two cells (two section levels).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from generator.importers.base import Note, RawPlan
from generator.importers.cases import Case, NotThisLayout
from generator.importers.lines import Line, Lines
from generator.importers.plan_builder import PlanBuilder

# Header cells that identify the layout. The 工作任务 column holds the two section levels;
# 具体要求 is the task text.
_NUMBER_HEADER = "序号"
_SECTION_HEADER = "工作任务"
_TEXT_HEADER = "具体要求"
_UNITS_HEADERS = ("责任单位", "落实单位")
_DEADLINE_HEADER = "完成时限"

_RECORD_START = re.compile(r"^\t\s*(\d{1,3})\s*$")
_YEAR = re.compile(r"((?:19|20)\d{2})年")


@dataclass
class _Header:
    end: int  # 0-based line after the last header cell
    fields: list[str]  # record cell roles after the 序号 cell, in order
    has_deadline: bool


def _header_runs(lines: Lines) -> list[tuple[int, list[str]]]:
    """Runs of consecutive tab-indented one-cell lines, with the 0-based line after each."""
    runs: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for line in lines:
        if line.tabbed and line.text and "\t" not in line.text:
            current.append(line.text)
            continue
        if current:
            runs.append((line.index, current))
        current = []
    if current:
        runs.append((len(lines), current))
    return runs


def _find_header(lines: Lines) -> _Header | None:
    """The first run of header cells 序号, 工作任务, 具体要求, 责任单位 (in this order)."""
    for end, cells in _header_runs(lines):
        units = next((c for c in cells if c in _UNITS_HEADERS), None)
        if cells[0] != _NUMBER_HEADER or _SECTION_HEADER not in cells or _TEXT_HEADER not in cells or not units:
            continue
        order = [cells.index(_SECTION_HEADER), cells.index(_TEXT_HEADER), cells.index(units)]
        if order != sorted(order):
            continue
        roles = {_SECTION_HEADER: ["section1", "section2"], _TEXT_HEADER: ["text"], _DEADLINE_HEADER: ["deadline"]}
        fields = [f for cell in cells[1:] for f in (["units"] if cell in _UNITS_HEADERS else roles.get(cell, ["other"]))]
        return _Header(end, fields, _DEADLINE_HEADER in cells)
    return None


def detect(lines: Lines) -> bool:
    """The one-cell-a-line header 序号/工作任务/具体要求/责任单位, then numbered records."""
    header = _find_header(lines)
    return header is not None and lines.first(lambda line: bool(_RECORD_START.match(line.raw)), header.end) is not None


def _records(lines: Lines, start: int) -> tuple[list[tuple[Line, list[Line]]], list[Line]]:
    """(number line, following lines) records after the header, and text before the first one."""
    records: list[tuple[Line, list[Line]]] = []
    leading: list[Line] = []
    for line in lines.items[start:]:
        if _RECORD_START.match(line.raw):
            records.append((line, []))
        elif line.text or (line.tabbed and records):
            # A blank line separates records (it also appears inside one after a page break);
            # an empty tab cell inside a record is kept: its position is its column.
            (records[-1][1] if records else leading).append(line)
    return records, leading


def _metadata(lines: Lines, header: _Header) -> RawPlan:
    """Title = last un-indented line before the header that names a year (line 1 is often just
    "附件"); district, city and province are read from the title only."""
    before = [line.text for line in lines.items[:header.end] if line.text and "\t" not in line.raw]
    title = next((text for text in reversed(before) if _YEAR.search(text)), before[-1] if before else "")
    year = _YEAR.search(title) or _YEAR.search("\n".join(line.raw for line in lines))
    if year is None:
        raise NotThisLayout("tab_cells: no year found in the title")
    place = re.search(r"(\S{2,4}?省)?(\S{2,4}?市)?(\S{1,5}?(?:区|县|旗))", _YEAR.sub("", title, count=1))
    if place is None:
        raise NotThisLayout(f"tab_cells: no district in the title {title!r}")
    return RawPlan(district_name=place.group(3), year=int(year.group(1)), title=title, tasks=[],
                   city=place.group(2), province=place.group(1), has_deadline_column=header.has_deadline)


def read(lines: Lines, builder: PlanBuilder) -> RawPlan:
    header = _find_header(lines)
    if header is None:
        raise NotThisLayout("tab_cells: header 序号/工作任务/具体要求/责任单位 not found")
    plan = _metadata(lines, header)
    records, leading = _records(lines, header.end)
    for line in leading:
        builder.skip(line.number, line.text, "表头与第一行任务之间的文字")
    for number_line, cells in records:
        _record(int(number_line.text), cells, header, builder)
    return plan


def _record(number: int, cells: list[Line], header: _Header, builder: PlanBuilder) -> None:
    tabbed = [c for c in cells if c.tabbed]
    stray = [c for c in cells if not c.tabbed]
    row = {name: tabbed[i] for i, name in enumerate(header.fields) if i < len(tabbed)}
    others = [c for name, c in zip(header.fields, tabbed) if name == "other"]
    for extra in others + tabbed[len(header.fields):]:
        if extra.text:
            builder.skip(extra.number, extra.text, f"第{number}号任务行中多出的单元格")
    for level, name in ((1, "section1"), (2, "section2")):
        if name in row and row[name].text:
            builder.set_heading(row[name].text, level)
    text_cell = row.get("text")
    if text_cell is None or not text_cell.text:
        for cell in cells:
            if cell.text:
                builder.skip(cell.number, cell.text, f"第{number}号行没有具体要求")
        return
    task = builder.task(number, _strip_own_number(text_cell.text, number), text_cell.number)
    units = row.get("units")
    if units is not None and units.text:
        builder.cell(task, "units_text", units.text, units.number)
    else:
        builder.carry(task, "units_text")
    if header.has_deadline:
        deadline = row.get("deadline")
        if deadline is not None and deadline.text:
            builder.cell(task, "deadline_text", deadline.text, deadline.number)
        elif len(stray) == 1:  # a page-break artefact: the deadline printed un-indented on its own line
            alone = stray.pop()
            builder.cell(task, "deadline_text", alone.text, alone.number)
            task.notes.append(Note("deadline_text", f"源表完成时限单元格为空，时限“{alone.text}”无缩进单独印在"
                                                    f"源文件第{alone.number}行，归入本任务"))
        else:
            builder.carry(task, "deadline_text")
    for cell in stray:
        builder.skip(cell.number, cell.text, f"第{number}号任务行外的无缩进文字")


def _strip_own_number(task_text: str, number: int) -> str:
    """Drop a leading "6．" only when it is this row's own 序号."""
    match = re.match(rf"^{number}\s*[．.、]\s*", task_text)
    return task_text[match.end():] if match else task_text


CASE = Case("tab_cells", detect, read, origin="第{number}号任务（源文件第{line}行）")
