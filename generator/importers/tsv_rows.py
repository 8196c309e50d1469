"""Layout "tsv_rows": a notice and its 工作要点 as prose, then the attachment table as
tab-separated rows (one task a line) with a header row repeated on every page.

The export is messy in ways that follow from how the table was copied out of a word
processor, so cells are recognised by CONTENT, not by column position:
- merged cells leave a field empty, or drop it so the following fields shift left
  (a page's header may even have one 工作任务 column instead of two);
- a section title can sit in the 具体要求 column and push the requirement into 责任单位;
- both 工作任务 levels can share one cell ("三、… (一) …");
- a cell may hold <p>…</p> markup with a section title in the first paragraph;
- the content of a merged 完成时限 cell can stand alone on a line after the page's rows.

Rows are kept as printed; every value not printed in the task's own row gets a Note.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from generator.importers.base import Note, RawPlan, RawTask, Unplaced, section_key

_CN_NUM = "一二三四五六七八九十"
_LEVEL1 = re.compile(rf"^[{_CN_NUM}]+、")
_LEVEL2 = re.compile(rf"^[(（][{_CN_NUM}]+[)）]")
# A level-2 title glued after a level-1 title in the same cell: "三、… (一) 深化…".
_LEVEL2_INSIDE = re.compile(rf"\s*([(（][{_CN_NUM}]+[)）].*)$")
_PARAGRAPH = re.compile(r"<p>(.*?)</p>", re.S)
_DEADLINE = re.compile(r"^(\d{4}年|\d{1,2}月|长期|持续|常态化|全年)")
_ROW_NUMBER = re.compile(r"^\d+$")
_DOC_NUMBER = re.compile(r"^\S+〔\d{4}〕\d+号$")
_DATE_LINE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日(?:印发)?$")
_TITLE = re.compile(r"^(\d{4})年(?:\S*?省)?(\S+?市)?(\S+?[区县旗])政务公开")

_MAX_SECTION_LEN = 60  # section titles are short; longer cells are requirements
_MAX_UNITS_LEN = 120  # a units cell is a list of names, never a paragraph


@dataclass
class _Row:
    """One printed task row, fields as found in it (None = not printed in this row)."""

    line: int
    number: int
    page: int
    header: list[str]
    level1: str | None = None
    level2: str | None = None
    text: str | None = None
    units: str | None = None
    deadline: str | None = None
    notes: list[Note] = field(default_factory=list)


# ---------------------------------------------------------------- detection


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.split("\t")]


def _is_header(line: str) -> bool:
    # The header row is ONE line of tab-separated cells starting with 序号; layouts that
    # put one cell per line (tab-indented) never have two header cells on a line.
    cells = _cells(line)
    filled = [c for c in cells if c]
    return "\t" in line and cells[0] == "序号" and "具体要求" in filled and len(filled) >= 4


def _is_task_row(line: str) -> bool:
    cells = _cells(line)
    return "\t" in line and bool(_ROW_NUMBER.match(cells[0])) and any(cells[1:])


def detect(text: str) -> bool:
    """Tab-separated header row(s) 序号…具体要求…, followed by numbered tab-separated rows."""
    lines = text.splitlines()
    headers = [i for i, line in enumerate(lines) if _is_header(line)]
    if not headers:
        return False
    return any(_is_task_row(line) for line in lines[headers[0] + 1 :])


# ---------------------------------------------------------------- cells


def _pieces(cell: str) -> list[str]:
    """A cell's content; <p> markup yields one piece per paragraph, tags removed."""
    if "<p>" not in cell:
        return [cell] if cell else []
    return [p.strip() for p in _PARAGRAPH.findall(cell) if p.strip()]


def _is_section(piece: str) -> bool:
    return len(piece) <= _MAX_SECTION_LEN and bool(_LEVEL1.match(piece) or _LEVEL2.match(piece))


def _is_deadline(piece: str) -> bool:
    return len(piece) <= 30 and "。" not in piece and bool(_DEADLINE.match(piece))


def _looks_like_units(piece: str) -> bool:
    return len(piece) <= _MAX_UNITS_LEN and "。" not in piece


def _column_name(header: list[str], col: int) -> str:
    return header[col] if col < len(header) and header[col] else f"第{col + 1}列"


def _expected_column(header: list[str], name: str) -> int | None:
    return header.index(name) if name in header else None


def _shift_note(row: _Row, fld: str, label: str, col: int) -> None:
    """Say when a value was found under another column's header (merged cells shifted it)."""
    if _expected_column(row.header, label) == col:
        return
    row.notes.append(
        Note(fld, f"源表此行错列：{label}印在表头“{_column_name(row.header, col)}”列下，"
                  "按内容识别")
    )


def _read_row(line: str, lineno: int, page: int, header: list[str], unplaced: list[Unplaced]) -> _Row:
    """Assign each cell piece by content: sections first, then the requirement, then units/deadline."""
    cells = _cells(line)
    row = _Row(line=lineno, number=int(cells[0]), page=page, header=header)
    for col, cell in enumerate(cells[1:], start=1):
        for piece in _pieces(cell):
            if row.text is None and _is_section(piece):
                _read_section(row, piece)
            elif row.text is None:
                row.text = piece
                _shift_note(row, "text", "具体要求", col)
            elif row.deadline is None and _is_deadline(piece):
                row.deadline = piece
                _shift_note(row, "deadline_text", "完成时限", col)
            elif row.units is None and row.deadline is None and _looks_like_units(piece):
                row.units = piece
                _shift_note(row, "units_text", "责任单位", col)
            else:
                unplaced.append(Unplaced(lineno, piece, f"序号{row.number}行多出的一格，无法判定归属"))
    return row


def _read_section(row: _Row, piece: str) -> None:
    if _LEVEL2.match(piece):
        row.level2 = piece
        return
    inner = _LEVEL2_INSIDE.search(piece)
    if inner:  # both levels in one cell
        row.level1 = piece[: inner.start()].strip()
        row.level2 = inner.group(1).strip()
    else:
        row.level1 = piece


# ---------------------------------------------------------------- table scan


def _scan_table(lines: list[str]) -> tuple[list[_Row], dict[int, list[tuple[int, str]]], list[Unplaced]]:
    """Rows, lone deadline lines per page, and lines that fit nowhere, in the table region."""
    rows: list[_Row] = []
    lone_deadlines: dict[int, list[tuple[int, str]]] = {}
    unplaced: list[Unplaced] = []
    first = next(i for i, line in enumerate(lines) if _is_header(line))
    last = max(i for i, line in enumerate(lines) if _is_task_row(line))
    page, header = 0, _cells(lines[first])
    for i in range(first, len(lines)):
        line, lineno = lines[i], i + 1
        if _is_header(line):
            page, header = page + 1, _cells(line)
        elif _is_task_row(line):
            rows.append(_read_row(line, lineno, page, header, unplaced))
        elif not line.strip():
            continue
        elif _is_deadline(line.strip()):
            lone_deadlines.setdefault(page, []).append((lineno, line.strip()))
        elif i < last:
            unplaced.append(Unplaced(lineno, line.strip(), "表格中无法归入任何任务行的文字"))
        else:
            break  # footer (抄送, 印发机关) after the last row
    return rows, lone_deadlines, unplaced


def _place_lone_deadlines(rows: list[_Row], lone: dict[int, list[tuple[int, str]]], unplaced: list[Unplaced]) -> None:
    """A deadline alone on a line is the content of the page's merged 完成时限 cell: it belongs
    to the page's top rows that print no deadline (rows below a printed one are merged with it)."""
    for page, found in lone.items():
        for lineno, value in found:
            top: list[_Row] = []
            for row in (r for r in rows if r.page == page):
                if row.deadline is not None:
                    break
                top.append(row)
            if len(found) != 1 or not top:
                unplaced.append(Unplaced(lineno, value, "单独成行的完成时限，无法确定所属任务行"))
                continue
            for row in top:
                row.deadline = value
                row.notes.append(
                    Note(
                        "deadline_text",
                        f"源表完成时限单独印在第{lineno}行（本页合并单元格），"
                        f"归入本页序号{top[0].number}至{top[-1].number}的任务",
                    )
                )


# ---------------------------------------------------------------- sections and carried cells


def _assign_sections(rows: list[_Row]) -> list[list[str]]:
    """Section list per row, each title in its FIRST printed form; a Note when a level was not
    printed on the row's page at all (it was inherited across a page break)."""
    first_form: dict[tuple[str, ...], str] = {}
    level1 = level2 = None  # canonical titles in force
    seen_on_page: dict[int, set[int]] = {}  # page -> levels printed so far on that page
    result: list[list[str]] = []
    for row in rows:
        seen = seen_on_page.setdefault(row.page, set())
        if row.level1 is not None:
            key1 = (section_key(row.level1),)
            new1 = first_form.setdefault(key1, row.level1)
            if level1 is None or section_key(level1) != key1[0]:
                level2 = None  # a new level 1 closes the open level 2
            level1 = new1
            seen.add(1)
        if row.level2 is not None:
            key2 = (section_key(level1 or ""), section_key(row.level2))
            level2 = first_form.setdefault(key2, row.level2)
            seen.add(2)
        for level, title in ((1, level1), (2, level2)):
            if title is not None and level not in seen:
                level_name = "一" if level == 1 else "二"
                row.notes.append(Note("section", f"本页未印{level_name}级标题，沿用上页的“{title}”"))
        result.append([t for t in (level1, level2) if t is not None])
    return result


def _carry(rows: list[_Row], attr: str, fld: str, label: str) -> None:
    """Empty cell = merged with the cell above: take the value last printed, and say so."""
    value: str | None = None
    origin: _Row | None = None
    for row in rows:
        if getattr(row, attr) is not None:
            value, origin = getattr(row, attr), row
        elif value is not None and origin is not None:
            setattr(row, attr, value)
            row.notes.append(
                Note(fld, f"源表此格为空（合并单元格），"
                          f"沿用序号{origin.number}任务（第{origin.line}行）的{label}")
            )


# ---------------------------------------------------------------- metadata


def _metadata(lines: list[str], table_start: int) -> dict:
    """Document facts printed in the notice above the table (None where not printed)."""
    before = [line.strip() for line in lines[:table_start]]
    filled = [line for line in before if line]
    title = filled[-1]  # the table's own title sits right above the first header row
    meta: dict = {"title": title, "doc_number": None, "issuer": None, "issue_date": None, "city": None}
    # The table title names year and district; failing that, the notice's own title does.
    match = next((m for m in map(_TITLE.match, [title, *filled]) if m), None)
    if match is None:
        raise ValueError("tsv_rows: no title of the form '2023年…区政务公开…' above the table")
    meta["year"], meta["city"], meta["district_name"] = int(match.group(1)), match.group(2), match.group(3)
    for i, line in enumerate(filled):
        if meta["doc_number"] is None and _DOC_NUMBER.match(line):
            meta["doc_number"] = line
        date = _DATE_LINE.match(line)
        if date and meta["issue_date"] is None:
            meta["issue_date"] = dt.date(*(int(g) for g in date.groups()))
            # The signature (issuing office) is the line right above the date.
            if i > 0 and not _DATE_LINE.match(filled[i - 1]):
                meta["issuer"] = filled[i - 1]
    return meta


# ---------------------------------------------------------------- entry point


def parse(text: str) -> RawPlan:
    lines = text.splitlines()
    rows, lone, unplaced = _scan_table(lines)
    _place_lone_deadlines(rows, lone, unplaced)
    sections = _assign_sections(rows)
    _carry(rows, "units", "units_text", "责任单位")
    _carry(rows, "deadline", "deadline_text", "完成时限")

    tasks: list[RawTask] = []
    for row, section in zip(rows, sections):
        if row.text is None:
            unplaced.append(Unplaced(row.line, lines[row.line - 1].strip(), f"序号{row.number}行没有具体要求"))
            continue
        tasks.append(
            RawTask(
                number=row.number,
                section=section,
                text=row.text,
                line=row.line,
                units_text=row.units,
                deadline_text=row.deadline,
                notes=row.notes,
            )
        )

    table_start = next(i for i, line in enumerate(lines) if _is_header(line))
    meta = _metadata(lines, table_start)
    return RawPlan(
        district_name=meta["district_name"],
        year=meta["year"],
        title=meta["title"],
        tasks=tasks,
        city=meta["city"],
        doc_number=meta["doc_number"],
        issuer=meta["issuer"],
        issue_date=meta["issue_date"],
        has_deadline_column=True,
        unplaced=unplaced,
    )
