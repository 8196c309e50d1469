"""Case "tsv_rows": a notice and its 工作要点 as prose, then the attachment table as
tab-separated rows (one task a line) with a header row repeated on every page (历城区 2023).

The export is messy in ways that follow from how the table was copied out of a word
processor, so cells are recognised by CONTENT, not by column position:
- merged cells leave a field empty, or drop it so the following fields shift left
  (a page's header may even have one 工作任务 column instead of two);
- a section title can sit in the 具体要求 column and push the requirement into 责任单位;
- both 工作任务 levels can share one cell ("三、… (一) …");
- a cell may hold <p>…</p> markup with a section title in the first paragraph;
- the content of a merged 完成时限 cell can stand alone on a line after the page's rows.

A page's rows are read whole, because its lone 完成时限 line comes after them; then each row
goes to the builder in order. Every value not printed in the task's own row gets a Note.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from generator.importers import headers as H
from generator.importers.base import Note, RawPlan
from generator.importers.cases import Case, NotThisLayout
from generator.importers.lines import Line, Lines
from generator.importers.plan_builder import PlanBuilder

_CN_NUM = "一二三四五六七八九十"
_LEVEL1 = re.compile(rf"^[{_CN_NUM}]+、")
_LEVEL2 = re.compile(rf"^[(（][{_CN_NUM}]+[)）]")
# A level-2 title glued after a level-1 title in the same cell: "三、… (一) 深化…".
_LEVEL2_INSIDE = re.compile(rf"\s*([(（][{_CN_NUM}]+[)）].*)$")
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_ROW_NUMBER = re.compile(r"^\d+$")
_DOC_NUMBER = re.compile(r"^\S+〔\d{4}〕\d+号$")
_DATE_LINE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日(?:印发)?$")
_TITLE = re.compile(r"^(\d{4})年(?:\S*?省)?(\S+?市)?(\S+?[区县旗])政务公开")

_MAX_SECTION_LEN = 60  # section titles are short; longer cells are requirements
_MAX_UNITS_LEN = 120  # a units cell is a list of names, never a paragraph
_FIELDS = (("text", "具体要求", "text"), ("units", "责任单位", "units_text"), ("deadline", "完成时限", "deadline_text"))


@dataclass
class _Row:
    """One printed task row, fields as found in it (None = not printed in this row)."""

    line: Line
    number: int
    header: list[str]
    level1: str | None = None
    level2: str | None = None
    text: str | None = None
    units: str | None = None
    deadline: str | None = None
    notes: list[Note] = field(default_factory=list)


def _is_header(line: Line) -> bool:
    # The header row is ONE line of tab-separated cells starting with 序号; layouts that
    # put one cell per line (tab-indented) never have two header cells on a line.
    filled = [c for c in line.cells if c]
    return "\t" in line.raw and line.cells[0] == "序号" and "具体要求" in filled and len(filled) >= 4


def _is_task_row(line: Line) -> bool:
    return "\t" in line.raw and bool(_ROW_NUMBER.match(line.cells[0])) and any(line.cells[1:])


def detect(lines: Lines) -> bool:
    """Tab-separated header row(s) 序号…具体要求…, followed by numbered tab-separated rows."""
    first = lines.first(_is_header)
    return first is not None and lines.first(_is_task_row, first + 1) is not None


# ---------------------------------------------------------------- cells by content


def _pieces(cell: str) -> list[str]:
    """A cell's content; <p> markup yields one piece per paragraph, tags removed."""
    if "<p>" not in cell:
        return [cell] if cell else []
    return [p.strip() for p in _PARAGRAPH.findall(cell) if p.strip()]


def _is_section(piece: str) -> bool:
    return len(piece) <= _MAX_SECTION_LEN and bool(_LEVEL1.match(piece) or _LEVEL2.match(piece))


def _read_row(line: Line, header: list[str], builder: PlanBuilder) -> _Row:
    """Assign each cell piece by content: sections first, then the requirement, then units/deadline."""
    row = _Row(line, int(line.cells[0]), header)
    for col, cell in enumerate(line.cells[1:], start=1):
        for piece in _pieces(cell):
            if row.text is None and _is_section(piece):
                _read_section(row, piece)
            elif row.text is None:
                _found(row, "text", piece, col)
            elif row.deadline is None and H.is_deadline(piece):
                _found(row, "deadline", piece, col)
            elif row.units is None and row.deadline is None and len(piece) <= _MAX_UNITS_LEN and "。" not in piece:
                _found(row, "units", piece, col)
            else:
                builder.skip(line.number, piece, f"序号{row.number}行多出的一格，无法判定归属")
    return row


def _found(row: _Row, name: str, piece: str, col: int) -> None:
    """Keep a cell; say so when it was printed under another column's header (merged cells shifted it)."""
    setattr(row, name, piece)
    label, note_field = next((label, f) for n, label, f in _FIELDS if n == name)
    if label in row.header and row.header.index(label) == col:
        return
    printed_under = row.header[col] if col < len(row.header) and row.header[col] else f"第{col + 1}列"
    row.notes.append(Note(note_field, f"源表此行错列：{label}印在表头“{printed_under}”列下，按内容识别"))


def _read_section(row: _Row, piece: str) -> None:
    if _LEVEL2.match(piece):
        row.level2 = piece
        return
    inner = _LEVEL2_INSIDE.search(piece)
    if inner:  # both levels in one cell
        row.level1 = piece[:inner.start()].strip()
        row.level2 = inner.group(1).strip()
    else:
        row.level1 = piece


# ---------------------------------------------------------------- pages


@dataclass
class _Page:
    rows: list[_Row] = field(default_factory=list)
    lone_deadlines: list[Line] = field(default_factory=list)


def read(lines: Lines, builder: PlanBuilder) -> RawPlan:
    first = lines.first(_is_header)
    if first is None:
        raise NotThisLayout("tsv_rows: no 序号…具体要求 header row")
    meta = _metadata(lines, first)
    last = max((line.index for line in lines if _is_task_row(line)), default=first)
    page = _Page()
    header = lines[first].cells
    for line in lines.items[first:]:
        if _is_header(line):
            _flush(page, builder)
            page, header = _Page(), line.cells
        elif _is_task_row(line):
            page.rows.append(_read_row(line, header, builder))
        elif not line.text:
            continue
        elif H.is_deadline(line.text):
            page.lone_deadlines.append(line)
        elif line.index < last:
            builder.skip(line.number, line.text, "表格中无法归入任何任务行的文字")
        else:
            break  # footer (抄送, 印发机关) after the last row
    _flush(page, builder)
    return meta


def _flush(page: _Page, builder: PlanBuilder) -> None:
    """A page's rows in order, once its lone 完成时限 line (printed after them) is placed."""
    _place_lone_deadline(page, builder)
    printed: set[int] = set()  # section levels printed on this page so far
    for row in page.rows:
        _sections(row, printed, builder)
        if row.text is None:
            _remember(row, builder)
            builder.skip(row.line.number, row.line.text, f"序号{row.number}行没有具体要求")
            continue
        task = builder.task(row.number, row.text, row.line.number)
        task.notes += row.notes
        for name, _label, note_field in _FIELDS[1:]:
            if getattr(row, name) is not None:
                builder.cell(task, note_field, getattr(row, name), row.line.number)
            else:
                builder.carry(task, note_field, say_if_none=False)


def _remember(row: _Row, builder: PlanBuilder) -> None:
    """A row without a requirement still prints cells that merged cells below may carry."""
    for name, _label, note_field in _FIELDS[1:]:
        if getattr(row, name) is not None:
            builder.remember(note_field, getattr(row, name), row.number, row.line.number)


def _place_lone_deadline(page: _Page, builder: PlanBuilder) -> None:
    """A deadline alone on a line is the content of the page's merged 完成时限 cell: it belongs
    to the page's top rows that print no deadline (rows below a printed one are merged with it)."""
    top: list[_Row] = []
    for row in page.rows:
        if row.deadline is not None:
            break
        top.append(row)
    for line in page.lone_deadlines:
        if len(page.lone_deadlines) != 1 or not top:
            builder.skip(line.number, line.text, "单独成行的完成时限，无法确定所属任务行")
            continue
        for row in top:
            row.deadline = line.text
            row.notes.append(Note("deadline_text", f"源表完成时限单独印在第{line.number}行（本页合并单元格），"
                                                   f"归入本页序号{top[0].number}至{top[-1].number}的任务"))


def _sections(row: _Row, printed: set[int], builder: PlanBuilder) -> None:
    """Enter the row's section titles; note a level this page did not print (inherited across
    the page break)."""
    for level, title in ((1, row.level1), (2, row.level2)):
        if title is not None:
            builder.set_heading(title, level)
            printed.add(level)
    for level, name in ((1, "一"), (2, "二")):
        inherited = builder.sections.get(level)
        if inherited is not None and level not in printed:
            row.notes.append(Note("section", f"本页未印{name}级标题，沿用上页的“{inherited}”"))


# ---------------------------------------------------------------- metadata


def _metadata(lines: Lines, table_start: int) -> RawPlan:
    """Document facts printed in the notice above the table (None where not printed)."""
    filled = [line.text for line in lines.items[:table_start] if line.text]
    if not filled:
        raise NotThisLayout("tsv_rows: nothing printed above the table")
    title = filled[-1]  # the table's own title sits right above the first header row
    # The table title names year and district; failing that, the notice's own title does.
    match = next((m for m in map(_TITLE.match, [title, *filled]) if m), None)
    if match is None:
        raise NotThisLayout("tsv_rows: no title of the form '2023年…区政务公开…' above the table")
    plan = RawPlan(district_name=match.group(3), year=int(match.group(1)), title=title, tasks=[], city=match.group(2))
    for i, text in enumerate(filled):
        if plan.doc_number is None and _DOC_NUMBER.match(text):
            plan.doc_number = text
        date = _DATE_LINE.match(text)
        if date and plan.issue_date is None:
            plan.issue_date = dt.date(*(int(g) for g in date.groups()))
            # The signature (issuing office) is the line right above the date.
            if i > 0 and not _DATE_LINE.match(filled[i - 1]):
                plan.issuer = filled[i - 1]
    return plan


CASE = Case("tsv_rows", detect, read, origin="序号{number}任务（第{line}行）")
