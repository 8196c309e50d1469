"""Layout "numbered_cells": 工作要求 / 具体任务 / 具体要求 / 落实单位, no 完成时限 column.

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

from generator.importers.base import Note, RawPlan, RawTask, Unplaced, section_key

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


def _lines(text: str) -> list[str]:
    """Lines exactly as `text.splitlines()` sees them, so task.line matches the tests."""
    return text.splitlines()


def _offsets(text: str) -> list[int]:
    """Start offset of each line in `text` (needed to slice multi-line texts verbatim)."""
    starts, pos = [], 0
    for chunk in text.splitlines(keepends=True):
        starts.append(pos)
        pos += len(chunk)
    return starts


def _header_index(lines: list[str]) -> int | None:
    """Index of the 落实单位 header cell when the four header cells appear in order, tab-indented."""
    cells = [(i, ln) for i, ln in enumerate(lines) if ln.strip()]
    for k in range(len(cells) - len(HEADER) + 1):
        window = cells[k : k + len(HEADER)]
        if all(ln.strip() == h and ln.startswith("\t") for (_, ln), h in zip(window, HEADER)):
            after = cells[k + len(HEADER)][1].strip() if k + len(HEADER) < len(cells) else ""
            if after in ("完成时限", "序号", "责任单位", "牵头单位"):
                return None  # a wider table: not this layout
            return window[-1][0]
    return None


def detect(text: str) -> bool:
    """True for the 4-column table (工作要求/具体任务/具体要求/落实单位) with numbered items."""
    lines = _lines(text)
    start = _header_index(lines)
    if start is None:
        return False
    return any(TASK_RE.match(ln.strip()) for ln in lines[start + 1 :])


def _table_end(lines: list[str], start: int) -> int:
    """Index of the first footer line after the table (or len(lines))."""
    for i in range(start, len(lines)):
        if FOOTER_RE.match(lines[i].strip()):
            return i
    return len(lines)


class _Parser:
    """Walks the table lines once; kept as a small state holder for readability."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = _lines(text)
        self.offsets = _offsets(text)
        self.tasks: list[RawTask] = []
        self.unplaced: list[Unplaced] = []
        self.first_form: dict[str, str] = {}  # section key -> first printed form
        self.top: str | None = None
        self.sub: str | None = None
        self.group: list[RawTask] = []  # tasks of the open 具体要求 cell, waiting for 落实单位
        self.group_end = -1  # index of the last line belonging to the open cell's text
        self.last_units: tuple[str, int, RawTask] | None = None  # (value, line index, last task)
        self.units_tasks: list[RawTask] = []  # tasks that got the most recent units cell
        self.units_line = -2  # index of the last line of the most recent units cell

    # --- sections ---------------------------------------------------------------------
    def _form(self, title: str) -> str:
        return self.first_form.setdefault(section_key(title), title)

    def _set_top(self, title: str) -> None:
        form = self._form(title)
        if form != self.top:  # a new 工作要求; a reprint after a page break keeps the 具体任务
            self.top, self.sub = form, None

    def _set_sub(self, title: str) -> None:
        self.sub = self._form(title)

    # --- groups -----------------------------------------------------------------------
    def _close_group(self, empty_cell_line: int | None = None) -> None:
        """The open cell ended without a printed 落实单位: carry the cell above, with a Note."""
        if not self.group:
            return
        if self.last_units is not None:
            value, idx, prev = self.last_units
            msg = f"源表此格为空（合并单元格），沿用第{prev.number}项任务（第{idx + 1}行）的落实单位"
        else:
            value, msg = None, "源表落实单位为空，且上方无可沿用的单元格"
        for task in self.group:
            task.units_text = value
            task.notes.append(Note("units_text", msg))
        self._note_shared(self.group, None)
        self.group = []

    def _assign_units(self, value: str, idx: int) -> None:
        for task in self.group:
            task.units_text = value
        self._note_shared(self.group, idx)
        self.last_units = (value, idx, self.group[-1])
        self.units_tasks, self.units_line = self.group, idx
        self.group = []

    @staticmethod
    def _note_shared(group: list[RawTask], idx: int | None) -> None:
        """Several numbered items in one cell share one 落实单位 cell: say so on each."""
        if len(group) < 2:
            return
        where = f"（第{idx + 1}行）" if idx is not None else ""
        msg = f"第{group[0].number}至{group[-1].number}项任务同在一个具体要求单元格，共用同一落实单位单元格{where}"
        for task in group:
            task.notes.append(Note("units_text", msg))

    def _extend_units(self, value: str, idx: int) -> None:
        """A further line right below the units cell: keep it as a separate cell line."""
        for task in self.units_tasks:
            task.units_text = f"{task.units_text}\n{value}"
        if self.last_units is not None:  # a later empty cell must carry the whole cell
            self.last_units = (self.units_tasks[-1].units_text or value, self.last_units[1], self.units_tasks[-1])
        self.units_line = idx

    # --- tasks ------------------------------------------------------------------------
    def _start_task(self, idx: int, raw: str) -> None:
        stripped = raw.strip()
        m = TASK_RE.match(stripped)
        assert m is not None
        if raw.startswith("\t"):  # a tab starts a new 具体要求 cell, i.e. a new row
            self._close_group()
        section = [s for s in (self.top, self.sub) if s]
        task = RawTask(int(m.group(1)), section, stripped[m.end() :].strip(), idx + 1)
        self.tasks.append(task)
        self.group.append(task)
        self.group_end = idx

    def _continues_task(self, idx: int, raw: str) -> bool:
        """A bare line right after an unfinished sentence is the same paragraph wrapped."""
        if not self.group or raw.startswith("\t") or self.group_end != idx - 1:
            return False
        return not self.group[-1].text.endswith(SENTENCE_END)

    def _extend_task(self, idx: int, raw: str) -> None:
        task = self.group[-1]
        begin = self.text.index(task.text, self.offsets[task.line - 1])
        end = self.offsets[idx] + len(raw.rstrip())
        task.text = self.text[begin:end].strip()
        self.group_end = idx

    # --- main loop --------------------------------------------------------------------
    def run(self, start: int, end: int) -> None:
        for idx in range(start, end):
            raw = self.lines[idx]
            stripped = raw.strip()
            if not stripped:
                if "\t" in raw and self.group:  # tab-only cell where 落实单位 belongs: empty cell
                    self._close_group()
                continue
            if TOP_RE.match(stripped):
                self._close_group()
                self._set_top(stripped)
            elif SUB_RE.match(stripped):
                self._close_group()
                self._set_sub(stripped)
            elif TASK_RE.match(stripped):
                self._start_task(idx, raw)
            elif self._continues_task(idx, raw):
                self._extend_task(idx, raw)
            elif self.group:
                self._assign_units(stripped, idx)
            elif self.units_tasks and self.units_line == idx - 1:
                self._extend_units(stripped, idx)
            else:
                self.unplaced.append(Unplaced(idx + 1, stripped, "表格内无法归属的内容（不在任何具体要求之后）"))
        self._close_group()


def _metadata(lines: list[str], header: int) -> dict:
    """Title, place, year and, if printed before the table, 发文字号 / 成文日期."""
    before = [ln.strip() for ln in lines[:header] if ln.strip() and ln.strip() not in HEADER]
    title = next((ln for ln in before if "政务公开" in ln), before[0] if before else "")
    place = PLACE_RE.match(title)
    year = re.search(r"(20\d{2})年", title)
    meta: dict = {
        "title": title,
        "district_name": place.group("district") if place else "",
        "city": place.group("city") if place else None,
        "province": place.group("province") if place else None,
        "year": int(year.group(1)) if year else 0,
    }
    for ln in before:
        if DOC_NUMBER_RE.match(ln):
            meta.setdefault("doc_number", ln)
        date = DATE_RE.match(ln)
        if date:
            meta.setdefault("issue_date", dt.date(*map(int, date.groups())))
    return meta


def parse(text: str) -> RawPlan:
    """The table as printed: one RawTask per numbered 具体要求 item."""
    lines = _lines(text)
    header = _header_index(lines)
    if header is None:
        raise ValueError("not a numbered_cells table: header 工作要求/具体任务/具体要求/落实单位 not found")
    parser = _Parser(text)
    parser.run(header + 1, _table_end(lines, header + 1))
    return RawPlan(
        tasks=parser.tasks,
        has_deadline_column=False,
        unplaced=parser.unplaced,
        **_metadata(lines, header - len(HEADER) + 1),
    )
