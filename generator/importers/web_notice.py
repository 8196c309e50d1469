"""Case "web_notice": a government web page saved as text (山东 portal style; 任城区 2023).

The page prints: a metadata block (索引号, 成文日期, 发布机关, 标题, 发文字号 ...), the notice itself,
then the attachment table as one cell per line, blank lines between cells and NO 序号 column:

    工作任务 / 责任单位 / 具体要求 / 完成时限      <- header, one cell a line
    一、…   (一)…                               <- 工作任务 cells, printed once (row-spanned)
    <责任单位, one or more lines, maybe with blank lines between>
    <具体要求>
    <完成时限>

and ends with web chrome (文件下载, 扫一扫…, 主办, 备案号). A row is cut at its 完成时限 cell;
its units lines come before the first sentence. Tasks are numbered in document order because
the source prints no 序号.
"""
from __future__ import annotations

import datetime as dt
import re

from generator.importers import headers as H
from generator.importers.base import RawPlan
from generator.importers.cases import Case, NotThisLayout
from generator.importers.lines import Line, Lines
from generator.importers.plan_builder import PlanBuilder

HEADER_CELLS = ("工作任务", "责任单位", "具体要求", "完成时限")

# Metadata labels of the portal; the page prints them with padding spaces ("标  题") and
# sometimes two on one line ("发文字号: … 有 效 性: 0"), so each is matched with optional spaces.
META_LABELS = ("索引号", "主题分类", "成文日期", "发布日期", "发布机关", "统一编号", "标题", "发文字号", "有效性")
_META_RE = re.compile("(" + "|".join(r"\s*".join(label) for label in META_LABELS) + r")\s*[:：]")

# Web chrome that closes the table (download links, QR-code hint, site footer).
_FOOTER_RE = re.compile(r"^(文件下载|附件下载|相关附件|扫一扫|政府网站标识码|.*主办\s|.*ICP备)")

_CN_NUM = "一二三四五六七八九十百零〇"
_SECTION1_RE = re.compile(rf"^([{_CN_NUM}]+)\s*[、，,．.]")
_SECTION2_RE = re.compile(rf"^[(（]\s*([{_CN_NUM}]+)\s*[)）]")

# Table title such as "2023年济宁市任城区政务公开重点工作任务分解表".
_TABLE_TITLE_RE = re.compile(
    r"(?P<year>\d{4})\s*年(?P<province>[^\s年]+?省)?(?P<city>[^\s年省]+?市)?"
    r"(?P<district>[^\s年省市]+?(?:区|县|旗))政务公开"
)


def _header_index(lines: Lines) -> int | None:
    """Index of the "工作任务" line that starts the 4-cell header, cells on their own untabbed lines."""
    cells = [line for line in lines if line.text]
    for k in range(len(cells) - len(HEADER_CELLS) + 1):
        window = cells[k:k + len(HEADER_CELLS)]
        # A tab-indented export is another layout (one cell a tabbed line), so require no tabs.
        if all(c.text == cell and "\t" not in c.raw for c, cell in zip(window, HEADER_CELLS)):
            return window[0].index
    return None


def _metadata_fields(lines: list[Line]) -> dict[str, str]:
    """Portal metadata "label: value" pairs; the first non-empty value of each label wins."""
    found: dict[str, str] = {}
    for line in lines:
        matches = list(_META_RE.finditer(line.raw))
        for m, nxt in zip(matches, matches[1:] + [None]):
            label = re.sub(r"\s+", "", m.group(1))
            value = line.raw[m.end():nxt.start() if nxt else len(line.raw)].strip()
            if value and label not in found:
                found[label] = value
    return found


def detect(lines: Lines) -> bool:
    """A web page export: portal metadata block + an untabbed 工作任务/责任单位/具体要求/完成时限 header."""
    h = _header_index(lines)
    if h is None:
        return False
    meta = _metadata_fields(lines.items[:h])
    # The page chrome, not the district, identifies the layout: at least two portal labels.
    if len({"发文字号", "成文日期", "发布机关", "发布日期", "索引号"} & meta.keys()) < 2:
        return False
    # A 序号 column would mean a different (numbered) table layout.
    return not any(line.text == "序号" for line in lines.items[h:h + 12])


def _is_prose(s: str) -> bool:
    """Requirement sentences end in 。/； — unit names and section titles never contain 。."""
    return "。" in s or s.endswith(("；", ";"))


def _section_level(s: str) -> int:
    """1 for a section row "一、…", 2 for "(一)…", 0 for other lines."""
    if "。" in s or len(s) > 60:
        return 0
    return 1 if _SECTION1_RE.match(s) else 2 if _SECTION2_RE.match(s) else 0


class _Rows:
    """Cell lines collected until a row's 完成时限 cell (or a section row, or the next units cell)."""

    def __init__(self, lines: Lines, builder: PlanBuilder) -> None:
        self.lines, self.builder = lines, builder
        self.block: list[Line] = []

    def has_prose(self) -> bool:
        return any(_is_prose(line.text) for line in self.block)

    def task(self, deadline: Line | None) -> None:
        """The block (units lines, then requirement lines) and its 完成时限 as one task."""
        # The requirement starts at the first sentence-like line; if none, the last line is the requirement.
        at = next((k for k, line in enumerate(self.block) if _is_prose(line.text)), len(self.block) - 1)
        units, requirement = self.block[:at], self.block[at:]
        text = self.lines.span(requirement[0].index, requirement[-1].index)
        task = self.builder.task(self.builder.next_number(), text, requirement[0].number)  # no 序号: document order
        # Separate lines (and blank-line separated paragraphs) of the cell are separate units:
        # each line verbatim, joined by "\n" for the normalizer.
        if units:
            self.builder.cell(task, "units_text", "\n".join(line.text for line in units), task.line)
        else:
            self.builder.carry(task, "units_text", say_if_none=False)
        if deadline is not None:
            self.builder.cell(task, "deadline_text", deadline.text, task.line)
        else:
            self.builder.carry(task, "deadline_text", say_if_none=False)
        self.block = []

    def leftover(self, reason: str) -> None:
        for line in self.block:
            self.builder.skip(line.number, line.text, reason)
        self.block = []

    def read(self, begin: int, end: int) -> None:
        for line in self.lines.items[begin:end]:
            s = line.text
            if not s or s in HEADER_CELLS:  # blank separators and header cells repeated after a page break
                continue
            level = _section_level(s)
            if level and self.block:
                # A section row cuts a row short: the collected lines have no 完成时限.
                if self.has_prose():
                    self.task(None)
                self.leftover("工作任务行之前的单元格没有对应的具体要求")
            if level:
                self.builder.set_heading(s, level)
            elif H.is_deadline(s):
                if self.block:
                    self.task(line)
                else:
                    self.builder.skip(line.number, s, "完成时限单元格前没有具体要求")
            elif self.has_prose() and not _is_prose(s):
                # A unit cell after a requirement: the previous row printed no 完成时限 (merged with above).
                self.task(None)
                self.block = [line]
            else:
                self.block.append(line)
        if self.has_prose():
            self.task(None)
        self.leftover("表格末尾的单元格没有对应的具体要求")


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    m = re.search(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})", value)
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def read(lines: Lines, builder: PlanBuilder) -> RawPlan:
    h = _header_index(lines)
    if h is None:
        raise NotThisLayout("web_notice: no 工作任务/责任单位/具体要求/完成时限 header found")
    meta = _metadata_fields(lines.items[:h])
    # The table's own title is the last non-blank line above the header.
    table_title = next((line.text for line in reversed(lines.items[:h]) if line.text), "")
    title = meta.get("标题") or table_title
    # District, city and year come from the table title as printed (fall back to the notice title).
    m = _TABLE_TITLE_RE.search(table_title) or _TABLE_TITLE_RE.search(title)
    if m is None:
        raise NotThisLayout("web_notice: cannot find year and district in the titles")
    begin = h + len(HEADER_CELLS)
    end = lines.first(lambda line: bool(_FOOTER_RE.match(line.text)), begin)
    _Rows(lines, builder).read(begin, len(lines) if end is None else end)
    return RawPlan(district_name=m.group("district"), year=int(m.group("year")), title=title, tasks=[],
                   city=m.group("city"), province=m.group("province"), doc_number=meta.get("发文字号"),
                   issuer=meta.get("发布机关"), issue_date=_parse_date(meta.get("成文日期")))


CASE = Case("web_notice", detect, read, origin="第{number}项任务（源文件第{line}行）")
