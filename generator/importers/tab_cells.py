"""Layout "tab_cells": a table exported one cell per tab-indented line.

The export looks like this (→ is a tab, each record is separated by a blank line):

    →序号 →工作任务 →具体要求 →责任单位 →完成时限      (header, one cell a line)

    →1
    →<工作任务 level 1>      empty when merged with the row above
    →<工作任务 level 2>      empty when merged with the row above
    →<具体要求>              the task
    →<责任单位>              empty when merged with the row above
    →<完成时限>              empty when merged; sometimes printed un-indented on the next line

The header's 工作任务 column spans two cells (two section levels). Section cells are
printed again after a page break; the first printed form wins.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from generator.importers.base import Note, RawPlan, RawTask, Unplaced, section_key

# Header cells that identify the layout, by role. The 工作任务 column holds the two
# section levels; 具体要求 is the task text.
_NUMBER_HEADER = "序号"
_SECTION_HEADER = "工作任务"
_TEXT_HEADER = "具体要求"
_UNITS_HEADERS = ("责任单位", "落实单位")
_DEADLINE_HEADER = "完成时限"

_RECORD_START = re.compile(r"^\t\s*(\d{1,3})\s*$")
_YEAR = re.compile(r"((?:19|20)\d{2})年")


@dataclass
class _Cell:
    line: int  # 1-based source line
    text: str  # trimmed content
    tabbed: bool  # False for a stray line printed without the leading tab


@dataclass
class _Header:
    last_line: int  # 1-based line of the last header cell
    fields: list[str]  # record cell roles after the 序号 cell, in order
    has_deadline: bool


# ---------------------------------------------------------------- detection


def _header_runs(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Runs of consecutive tab-indented one-cell lines (possibly with leading spaces)."""
    runs: list[tuple[int, list[str]]] = []
    current: list[str] = []
    for index, line in enumerate(lines):
        cell = line.strip()
        if line.lstrip(" ").startswith("\t") and cell and "\t" not in cell:
            current.append(cell)
            continue
        if current:
            runs.append((index, current))  # index = 0-based line after the run
        current = []
    if current:
        runs.append((len(lines), current))
    return runs


def _find_header(lines: list[str]) -> _Header | None:
    """The first run of header cells 序号, 工作任务, 具体要求, 责任单位 (in this order)."""
    for end, cells in _header_runs(lines):
        if not cells or cells[0] != _NUMBER_HEADER:
            continue
        units = next((c for c in cells if c in _UNITS_HEADERS), None)
        if _SECTION_HEADER not in cells or _TEXT_HEADER not in cells or units is None:
            continue
        order = [cells.index(_SECTION_HEADER), cells.index(_TEXT_HEADER), cells.index(units)]
        if order != sorted(order):
            continue
        fields: list[str] = []
        for cell in cells[1:]:
            if cell == _SECTION_HEADER:
                fields += ["section1", "section2"]  # one header cell, two printed levels
            elif cell == _TEXT_HEADER:
                fields.append("text")
            elif cell in _UNITS_HEADERS:
                fields.append("units")
            elif cell == _DEADLINE_HEADER:
                fields.append("deadline")
            else:
                fields.append("other")
        return _Header(last_line=end, fields=fields, has_deadline=_DEADLINE_HEADER in cells)
    return None


def detect(text: str) -> bool:
    """True for a one-cell-a-line table with the 序号/工作任务/具体要求/责任单位 header
    followed by numbered records."""
    lines = text.splitlines()
    header = _find_header(lines)
    if header is None:
        return False
    return any(_RECORD_START.match(line) for line in lines[header.last_line :])


# ---------------------------------------------------------------- records


def _records(lines: list[str], start: int) -> tuple[list[tuple[_Cell, list[_Cell]]], list[_Cell]]:
    """Group the lines after the header into (number cell, following cells) records.

    Also returns any non-blank text between the header and the first record."""
    records: list[tuple[_Cell, list[_Cell]]] = []
    leading: list[_Cell] = []
    for index in range(start, len(lines)):
        line = lines[index]
        match = _RECORD_START.match(line)
        if match:
            records.append((_Cell(index + 1, match.group(1), True), []))
            continue
        tabbed = line.lstrip(" ").startswith("\t")
        if not line.strip() and (not tabbed or not records):
            # Blank separator line (also appears inside a record after a page break);
            # an empty tab cell inside a record is kept: its position is its column.
            continue
        cell = _Cell(index + 1, line.strip(), tabbed)
        (records[-1][1] if records else leading).append(cell)
    return records, leading


def _strip_own_number(task_text: str, number: int) -> str:
    """Drop a leading "6．" only when it is this row's own 序号."""
    match = re.match(rf"^{number}\s*[．.、]\s*", task_text)
    return task_text[match.end() :] if match else task_text


# ---------------------------------------------------------------- sections


class _Sections:
    """Current section path; repeated titles map back to their first printed form."""

    def __init__(self) -> None:
        self.first_form: dict[tuple[str, ...], str] = {}
        self.level1: str | None = None
        self.level2: str | None = None

    def _canonical(self, parent: tuple[str, ...], title: str) -> str:
        key = parent + (section_key(title),)
        return self.first_form.setdefault(key, title)

    def update(self, level1: str, level2: str) -> list[str]:
        if level1:
            title = self._canonical((), level1)
            if title != self.level1:
                self.level1, self.level2 = title, None  # a new level 1 opens a fresh level 2
        if level2:
            parent = (section_key(self.level1),) if self.level1 else ()
            self.level2 = self._canonical(parent, level2)
        return [t for t in (self.level1, self.level2) if t]


# ---------------------------------------------------------------- merged cells

_FIELD_NAMES = {"units_text": "责任单位", "deadline_text": "完成时限"}


@dataclass
class _Printed:
    """The last value actually printed in a column, to fill merged cells below it."""

    value: str | None = None
    number: int = 0
    line: int = 0


def _carry(field: str, printed: _Printed, number: int, notes: list[Note]) -> str | None:
    """Value for an empty (merged) cell, always with a Note saying where it came from."""
    name = _FIELD_NAMES[field]
    if printed.value is None:
        notes.append(Note(field, f"源表此格为空，上方也没有可沿用的{name}"))
        return None
    notes.append(
        Note(
            field,
            f"源表此格为空（合并单元格），沿用第{printed.number}号任务"
            f"（源文件第{printed.line}行）的{name}",
        )
    )
    return printed.value


# ---------------------------------------------------------------- parse


def _metadata(lines: list[str], header: _Header) -> tuple[str, int, str, str | None, str | None]:
    """Title = last un-indented line before the header that names a year (line 1 is
    often just "附件"); district, city and province are read from the title only."""
    before = [line.strip() for line in lines[: header.last_line] if line.strip() and "\t" not in line]
    title = next((line for line in reversed(before) if _YEAR.search(line)), before[-1] if before else "")
    year_match = _YEAR.search(title) or _YEAR.search("\n".join(lines))
    if year_match is None:
        raise ValueError("tab_cells: no year found in the title")
    rest = _YEAR.sub("", title, count=1)
    place = re.search(r"(\S{2,4}?省)?(\S{2,4}?市)?(\S{1,5}?(?:区|县|旗))", rest)
    if place is None:
        raise ValueError(f"tab_cells: no district in the title {title!r}")
    return title, int(year_match.group(1)), place.group(3), place.group(2), place.group(1)


def parse(text: str) -> RawPlan:
    lines = text.splitlines()
    header = _find_header(lines)
    if header is None:
        raise ValueError("tab_cells: header 序号/工作任务/具体要求/责任单位 not found")
    title, year, district, city, province = _metadata(lines, header)

    sections = _Sections()
    units_above, deadline_above = _Printed(), _Printed()
    tasks: list[RawTask] = []
    unplaced: list[Unplaced] = []

    records, leading = _records(lines, header.last_line)
    unplaced += [Unplaced(c.line, c.text, "表头与第一行任务之间的文字") for c in leading]
    for number_cell, cells in records:
        number = int(number_cell.text)
        tabbed = [c for c in cells if c.tabbed]
        stray = [c for c in cells if not c.tabbed]
        row = {field: tabbed[i] for i, field in enumerate(header.fields) if i < len(tabbed)}
        # Cells of columns this layout has no field for, and cells beyond the header.
        others = [c for f, c in zip(header.fields, tabbed) if f == "other"]
        for extra in others + tabbed[len(header.fields) :]:
            if extra.text:
                unplaced.append(Unplaced(extra.line, extra.text, f"第{number}号任务行中多出的单元格"))

        path = sections.update(
            row["section1"].text if "section1" in row else "",
            row["section2"].text if "section2" in row else "",
        )
        text_cell = row.get("text")
        if text_cell is None or not text_cell.text:
            for cell in cells:
                if cell.text:
                    unplaced.append(Unplaced(cell.line, cell.text, f"第{number}号行没有具体要求"))
            continue

        notes: list[Note] = []
        units = row["units"].text if "units" in row and row["units"].text else None
        if units is None:
            units = _carry("units_text", units_above, number, notes)
        else:
            units_above = _Printed(units, number, row["units"].line)

        deadline: str | None = None
        if header.has_deadline:
            deadline_cell = row.get("deadline")
            if deadline_cell is not None and deadline_cell.text:
                deadline = deadline_cell.text
                deadline_above = _Printed(deadline, number, deadline_cell.line)
            elif len(stray) == 1:
                # Page-break artefact: the deadline printed un-indented on its own line.
                alone = stray.pop()
                deadline = alone.text
                notes.append(
                    Note(
                        "deadline_text",
                        f"源表完成时限单元格为空，时限“{deadline}”无缩进单独印在"
                        f"源文件第{alone.line}行，归入本任务",
                    )
                )
                deadline_above = _Printed(deadline, number, alone.line)
            else:
                deadline = _carry("deadline_text", deadline_above, number, notes)
        for cell in stray:
            unplaced.append(Unplaced(cell.line, cell.text, f"第{number}号任务行外的无缩进文字"))

        task_text = _strip_own_number(text_cell.text, number)
        tasks.append(
            RawTask(
                number=number,
                section=path,
                text=task_text,
                line=text_cell.line,
                units_text=units,
                deadline_text=deadline,
                notes=notes,
            )
        )

    return RawPlan(
        district_name=district,
        year=year,
        title=title,
        tasks=tasks,
        city=city,
        province=province,
        has_deadline_column=header.has_deadline,
        unplaced=unplaced,
    )
