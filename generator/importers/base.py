"""What the interpreter returns: the table as printed, before normalization.

The interpreter only finds the tasks and their cells; it does not split units, parse deadlines
or assign themes (that is `generator.importers.normalize`). Everything here is verbatim
from the source except where a Note says a value was carried or moved.
"""
from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field


@dataclass
class Note:
    """A value that was not printed in the task's own row but inferred."""

    field: str  # "units_text", "lead_units_text", "deadline_text", "section", "text", "number"
    message: str  # Chinese, for staff review, e.g. "源表此格为空（合并单元格），沿用上一行（第12行）的值"


@dataclass
class RawTask:
    number: int  # official 序号; document order (1-based) where the source has none
    section: list[str]  # section titles outermost first, as printed (first printed form)
    text: str  # requirement text, verbatim substring of the source, whitespace trimmed
    line: int  # 1-based line of the source where `text` starts
    units_text: str | None = None  # 责任单位 / 落实单位 cell verbatim; None if the source gives none
    lead_units_text: str | None = None  # 牵头单位 cell verbatim (only layouts with that column)
    deadline_text: str | None = None  # 完成时限 cell verbatim; None if none
    cooperating_units_text: str | None = None  # 配合单位 cell verbatim (only tables with that column)
    notes: list[Note] = field(default_factory=list)
    # Read from lines a page wrapped (generator.importers.wraps): a line break in its text or
    # cells is where the line was full, not a break between two units.
    wrapped: bool = False


@dataclass
class Unplaced:
    """A passage inside the table that the parser could not turn into a task."""

    line: int
    text: str
    reason: str


@dataclass
class RawPlan:
    district_name: str  # e.g. "长清区"
    year: int
    title: str  # as printed
    tasks: list[RawTask]
    city: str | None = None  # e.g. "济南市", where the source gives it
    province: str | None = None
    doc_number: str | None = None  # 发文字号, e.g. "济任政办字〔2023〕24号"
    issuer: str | None = None  # 发布机关 / 印发机关
    issue_date: dt.date | None = None  # 成文日期 / 印发日期
    has_deadline_column: bool = True
    unplaced: list[Unplaced] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)  # header labels of columns not read
    layout: str = ""  # the case that read it: a seed layout's name, or "通用读取（docx）" …
    read_notes: list[str] = field(default_factory=list)  # how it was read, for the review report


_TITLE_NOISE = re.compile(r"[\s,.。、;:()]")


def section_key(title: str) -> str:
    """Compare a section title with its reprints after a page break: full- and half-width forms,
    spacing and punctuation differ between reprints of one section (，vs , ; (二) vs （二）)."""
    return _TITLE_NOISE.sub("", unicodedata.normalize("NFKC", title))
