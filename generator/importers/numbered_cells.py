"""Case "numbered_cells": 工作要求 / 具体任务 / 具体要求 / 落实单位, no 完成时限 column (濠江区 2022).

The text export prints one table cell per line, a cell starting with a tab. Section rows
(一、… for 工作要求, （一）… for 具体任务) stand on their own lines and are reprinted after
page breaks. A 具体要求 cell may hold several numbered paragraphs ("6．…", "7．…"); only
the first starts with a tab, the others are bare lines. The 落实单位 cell follows the
具体要求 cell and is shared by all its numbered items. A tab-only line where the 落实单位
cell should be is an empty (vertically merged) cell.
"""
from __future__ import annotations

import datetime as dt
import re

from generator.importers.base import Note, RawPlan, RawTask
from generator.importers.cases import Case, NotThisLayout
from generator.importers.lines import Line, Lines
from generator.importers.plan_builder import PlanBuilder

HEADER = ["工作要求", "具体任务", "具体要求", "落实单位"]

TOP_RE = re.compile(r"^[一二三四五六七八九十]+、")  # 一、… (工作要求)
SUB_RE = re.compile(r"^[（(](?:[一二三四五六七八九十]+|\d{1,2})[）)]")  # （一）… or （1）… (具体任务)
TASK_RE = re.compile(r"^(\d{1,3})[．.]\s*")  # 6．… (numbered 具体要求)
# Lines after the table: publication note, 抄送 list, etc.
FOOTER_RE = re.compile(r"^(公开方式|抄送|印发|主送|附件[:：])")
DOC_NUMBER_RE = re.compile(r"^\S{1,12}〔\d{4}〕\d+号$")
DATE_RE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
PLACE_RE = re.compile(r"^(?:(?P<province>\S{1,7}?省))?(?:(?P<city>\S{1,7}?市))?(?P<district>\S{1,7}?[区县])")
SENTENCE_END = ("。", "；", ";", "！", "？")


def _header_index(lines: Lines) -> int | None:
    """Index of the 落实单位 header cell when the four header cells appear in order, tab-indented."""
    cells = [line for line in lines if line.text]
    for k in range(len(cells) - len(HEADER) + 1):
        window = cells[k:k + len(HEADER)]
        if all(c.text == h and c.raw.startswith("\t") for c, h in zip(window, HEADER)):
            after = cells[k + len(HEADER)].text if k + len(HEADER) < len(cells) else ""
            if after in ("完成时限", "序号", "责任单位", "牵头单位"):
                return None  # a wider table: not this layout
            return window[-1].index
    return None


def detect(lines: Lines) -> bool:
    """True for the 4-column table (工作要求/具体任务/具体要求/落实单位) with numbered items."""
    start = _header_index(lines)
    return start is not None and lines.first(lambda line: bool(TASK_RE.match(line.text)), start + 1) is not None


class _Cells:
    """Walks the table lines once: which numbered items are open, waiting for their 落实单位."""

    def __init__(self, lines: Lines, builder: PlanBuilder) -> None:
        self.lines, self.builder = lines, builder
        self.group: list[RawTask] = []  # tasks of the open 具体要求 cell, waiting for 落实单位
        self.group_end = -1  # index of the last line belonging to the open cell's text
        self.starts: dict[int, tuple[int, int]] = {}  # id(task) -> (first line index, column)
        self.units_tasks: list[RawTask] = []  # tasks that got the most recent units cell
        self.units_line = -2  # index of the last line of the most recent units cell

    def close_group(self) -> None:
        """The open cell ended without a printed 落实单位: the merged cell above is carried."""
        for task in self.group:
            self.builder.carry(task, "units_text")
        self._note_shared(None)
        self.group = []

    def assign_units(self, line: Line) -> None:
        for task in self.group:
            self.builder.cell(task, "units_text", line.text, line.number)
        self._note_shared(line.number)  # the last task is the one merged cells below cite
        self.units_tasks, self.units_line = self.group, line.index
        self.group = []

    def _note_shared(self, line_number: int | None) -> None:
        """Several numbered items in one cell share one 落实单位 cell: say so on each."""
        if len(self.group) < 2:
            return
        where = f"（第{line_number}行）" if line_number is not None else ""
        message = (f"第{self.group[0].number}至{self.group[-1].number}项任务同在一个具体要求单元格，"
                   f"共用同一落实单位单元格{where}")
        for task in self.group:
            task.notes.append(Note("units_text", message))

    def extend_units(self, line: Line) -> None:
        """A further line right below the units cell: keep it as a separate cell line."""
        for task in self.units_tasks:
            task.units_text = f"{task.units_text}\n{line.text}"
        above = self.builder.above["units_text"]  # a later empty cell must carry the whole cell
        self.builder.remember("units_text", self.units_tasks[-1].units_text, above.number, above.line)
        self.units_line = line.index

    def start_task(self, line: Line) -> None:
        match = TASK_RE.match(line.text)
        if line.raw.startswith("\t"):  # a tab starts a new 具体要求 cell, i.e. a new row
            self.close_group()
        text = line.text[match.end():].strip()
        task = self.builder.task(int(match.group(1)), text, line.number)
        self.starts[id(task)] = (line.index, line.raw.index(text))
        self.group.append(task)
        self.group_end = line.index

    def continues_task(self, line: Line) -> bool:
        """A bare line right after an unfinished sentence is the same paragraph wrapped."""
        if not self.group or line.raw.startswith("\t") or self.group_end != line.index - 1:
            return False
        return not self.group[-1].text.endswith(SENTENCE_END)

    def extend_task(self, line: Line) -> None:
        task = self.group[-1]
        first, column = self.starts[id(task)]
        task.text = self.lines.span(first, line.index, column)
        self.group_end = line.index

    def run(self, start: int, end: int) -> None:
        for line in self.lines.items[start:end]:
            if not line.text:
                if "\t" in line.raw and self.group:  # tab-only cell where 落实单位 belongs: empty cell
                    self.close_group()
            elif TOP_RE.match(line.text):
                self.close_group()
                self.builder.set_heading(line.text, 1)
            elif SUB_RE.match(line.text):
                self.close_group()
                self.builder.set_heading(line.text, 2)
            elif TASK_RE.match(line.text):
                self.start_task(line)
            elif self.continues_task(line):
                self.extend_task(line)
            elif self.group:
                self.assign_units(line)
            elif self.units_tasks and self.units_line == line.index - 1:
                self.extend_units(line)
            else:
                self.builder.skip(line.number, line.text, "表格内无法归属的内容（不在任何具体要求之后）")
        self.close_group()


def _metadata(lines: Lines, header: int) -> RawPlan:
    """Title, place, year and, if printed before the table, 发文字号 / 成文日期."""
    before = [line.text for line in lines.items[:header] if line.text and line.text not in HEADER]
    title = next((text for text in before if "政务公开" in text), before[0] if before else "")
    place = PLACE_RE.match(title)
    year = re.search(r"(20\d{2})年", title)
    dates = [dt.date(*map(int, m.groups())) for text in before if (m := DATE_RE.match(text))]
    return RawPlan(district_name=place.group("district") if place else "", year=int(year.group(1)) if year else 0,
                   title=title, tasks=[], city=place.group("city") if place else None,
                   province=place.group("province") if place else None,
                   doc_number=next((text for text in before if DOC_NUMBER_RE.match(text)), None),
                   issue_date=dates[0] if dates else None, has_deadline_column=False)


def read(lines: Lines, builder: PlanBuilder) -> RawPlan:
    """One task per numbered 具体要求 item."""
    header = _header_index(lines)
    if header is None:
        raise NotThisLayout("not a numbered_cells table: header 工作要求/具体任务/具体要求/落实单位 not found")
    end = lines.first(lambda line: bool(FOOTER_RE.match(line.text)), header + 1)
    _Cells(lines, builder).run(header + 1, len(lines) if end is None else end)
    return _metadata(lines, header - len(HEADER) + 1)


CASE = Case("numbered_cells", detect, read, labels={"units_text": "落实单位"})
