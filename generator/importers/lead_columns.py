"""Layout parser: 序号 / 重点工作 / 牵头单位 / 责任单位 / 完成时限 (e.g. 上虞区 2022).

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
from dataclasses import dataclass

from generator.importers.base import Note, RawPlan, RawTask, Unplaced, section_key

HEADER = ["序号", "重点工作", "牵头单位", "责任单位", "完成时限"]

_NUMBER = re.compile(r"\d{1,3}")
_TOP_SECTION = re.compile(r"[一二三四五六七八九十]+、\S")
_SUB_SECTION = re.compile(r"[（(][一二三四五六七八九十]+[）)]\S")
# A 完成时限 cell is short and speaks of time; unit names never do.
_DEADLINE = re.compile(r"全年|年底|月底|季度|[前底]$|长期|持续|常态|\d{4}年|\d{1,2}月")
_TITLE_YEAR = re.compile(r"(20\d{2})年")
# "2022年上虞区…": optional province/city before the district, where printed.
_PLACE = re.compile(r"20\d{2}年度?(?:(\S+?省))?(?:(\S+?市))?(\S+?[区县旗])")


@dataclass
class _Cell:
    line: int  # 1-based line where the cell starts
    parts: list[str]  # the cell's source lines, tab removed, not yet trimmed
    newline: str = "\n"  # the file's line ending

    def joined(self) -> str:
        """Wrapped unit names are re-joined without the line break."""
        return "".join(p.strip() for p in self.parts)

    def verbatim(self) -> str:
        """Requirement text must stay a substring of the source: keep its line breaks."""
        return self.newline.join(self.parts).strip()


def _is_cell_start(line: str) -> bool:
    # The first header cell is printed as " \t序号": allow spaces before the tab.
    return line.lstrip(" ").startswith("\t")


def _find_header(lines: list[str]) -> int | None:
    """0-based index of the last header cell (完成时限), or None."""
    cells = [(i, line.strip()) for i, line in enumerate(lines) if line.strip()]
    for k in range(len(cells) - len(HEADER) + 1):
        window = cells[k : k + len(HEADER)]
        if [c for _, c in window] == HEADER and all(_is_cell_start(lines[i]) for i, _ in window):
            return window[-1][0]
    return None


def detect(text: str) -> bool:
    """True when the five tab-indented header cells appear in this exact column order."""
    return _find_header(text.splitlines()) is not None


def _blocks(lines: list[str], start: int) -> list[list[tuple[int, str]]]:
    """Split the table region into blank-line separated blocks of (1-based line, text)."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for i in range(start, len(lines)):
        if lines[i].strip():
            current.append((i + 1, lines[i]))
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def _cells(block: list[tuple[int, str]], newline: str) -> tuple[list[_Cell], list[Unplaced]]:
    """Group a block's lines into cells; a tab-less line continues the previous cell."""
    cells: list[_Cell] = []
    stray: list[Unplaced] = []
    for lineno, line in block:
        if _is_cell_start(line):
            cells.append(_Cell(lineno, [line.lstrip(" ")[1:]], newline))
        elif cells:
            cells[-1].parts.append(line)
        else:
            stray.append(Unplaced(lineno, line.strip(), "表格内不以制表符开头且无前一单元格可接续的行"))
    return cells, stray


class _Sections:
    """Current section path; a title printed again (e.g. after a page break) keeps its first form."""

    def __init__(self) -> None:
        self.top: str | None = None
        self.sub: str | None = None
        self.first_form: dict[str, str] = {}

    def _canonical(self, title: str) -> str:
        return self.first_form.setdefault(section_key(title), title)

    def set_top(self, title: str) -> None:
        title = self._canonical(title)
        if title != self.top:  # a reprinted top title must not drop the current sub-section
            self.top, self.sub = title, None

    def set_sub(self, title: str) -> None:
        self.sub = self._canonical(title)

    def path(self) -> list[str]:
        return [t for t in (self.top, self.sub) if t]


def _single_unit_note() -> Note:
    return Note(
        "lead_units_text",
        "源表本行只有一个单位格（牵头单位与责任单位未分列，可能为跨两列的合并单元格），"
        "按牵头单位录入，责任单位留空",
    )


def _task(number: int, cells: list[_Cell], section: list[str]) -> tuple[RawTask, list[Unplaced]]:
    """Build one task from the cells after the 序号 cell."""
    text_cell, rest = cells[0], cells[1:]
    task = RawTask(number=number, section=section, text=text_cell.verbatim(), line=text_cell.line)
    extra: list[Unplaced] = []
    if rest and _looks_like_deadline(rest[-1].joined()):
        task.deadline_text = rest[-1].joined()
        rest = rest[:-1]
    units = [c.joined() for c in rest]
    if len(units) == 1:
        task.lead_units_text = units[0]
        task.notes.append(_single_unit_note())
    elif len(units) >= 2:
        task.lead_units_text, task.units_text = units[0], units[1]
        extra = [Unplaced(c.line, c.joined(), f"第{number}项任务行中多出的单元格，无法对应列") for c in rest[2:]]
    return task, extra


def _looks_like_deadline(cell: str) -> bool:
    return len(cell) <= 20 and bool(_DEADLINE.search(cell))


def _metadata(lines: list[str], header_end: int) -> RawPlan:
    """Title, year and place from the heading printed above the table (nothing else is printed)."""
    title = next(
        (line.strip() for line in lines[:header_end] if _TITLE_YEAR.search(line) and not _is_cell_start(line)),
        "",
    )
    year = _TITLE_YEAR.search(title)
    place = _PLACE.search(title)
    return RawPlan(
        district_name=place.group(3) if place else "",
        year=int(year.group(1)) if year else 0,
        title=title,
        tasks=[],
        province=place.group(1) if place else None,
        city=place.group(2) if place else None,
    )


def parse(text: str) -> RawPlan:
    lines = text.splitlines()
    header_end = _find_header(lines)
    if header_end is None:
        raise ValueError("not a 序号/重点工作/牵头单位/责任单位/完成时限 table")
    plan = _metadata(lines, header_end)
    newline = "\r\n" if "\r\n" in text else "\n"  # so multi-line task text stays a verbatim substring
    sections = _Sections()
    for block in _blocks(lines, header_end + 1):
        cells, stray = _cells(block, newline)
        plan.unplaced.extend(stray)
        _place_block(cells, sections, plan)
    return plan


def _place_block(cells: list[_Cell], sections: _Sections, plan: RawPlan) -> None:
    """Route one blank-line separated block: repeated header, section row, task row, or unplaced."""
    if not cells:
        return
    values = [c.joined() for c in cells]
    if all(v in HEADER for v in values):  # header reprinted after a page break
        return
    if len(cells) == 1 and _TOP_SECTION.match(values[0]):
        sections.set_top(values[0])
        return
    if len(cells) == 1 and _SUB_SECTION.match(values[0]):
        sections.set_sub(values[0])
        return
    if _NUMBER.fullmatch(values[0]) and len(cells) >= 2:
        task, extra = _task(int(values[0]), cells[1:], sections.path())
        plan.tasks.append(task)
        plan.unplaced.extend(extra)
        return
    for cell in cells:
        plan.unplaced.append(Unplaced(cell.line, cell.verbatim(), "既非序号开头的任务行，也非章节标题或表头"))
