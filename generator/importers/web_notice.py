"""Layout parser: a government web page saved as text (山东 portal style).

The page prints: a metadata block (索引号, 成文日期, 发布机关, 标题, 发文字号 ...), the notice itself,
then the attachment table as one cell per line, blank lines between cells and NO 序号 column:

    工作任务 / 责任单位 / 具体要求 / 完成时限      <- header, one cell a line
    一、…   (一)…                               <- 工作任务 cells, printed once (row-spanned)
    <责任单位, one or more lines, maybe with blank lines between>
    <具体要求>
    <完成时限>

and ends with web chrome (文件下载, 扫一扫…, 主办, 备案号).
Tasks are numbered in document order because the source prints no 序号.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from generator.importers.base import Note, RawPlan, RawTask, Unplaced

HEADER_CELLS = ("工作任务", "责任单位", "具体要求", "完成时限")

# Metadata labels of the portal; the page prints them with padding spaces ("标  题") and
# sometimes two on one line ("发文字号: … 有 效 性: 0"), so each is matched with optional spaces.
META_LABELS = ("索引号", "主题分类", "成文日期", "发布日期", "发布机关", "统一编号", "标题", "发文字号", "有效性")
_META_RE = re.compile(
    "(" + "|".join(r"\s*".join(label) for label in META_LABELS) + r")\s*[:：]"
)

# Web chrome that closes the table (download links, QR-code hint, site footer).
_FOOTER_RE = re.compile(r"^(文件下载|附件下载|相关附件|扫一扫|政府网站标识码|.*主办\s|.*ICP备)")

_CN_NUM = "一二三四五六七八九十百零〇"
_SECTION1_RE = re.compile(rf"^([{_CN_NUM}]+)\s*[、，,．.]")
_SECTION2_RE = re.compile(rf"^[(（]\s*([{_CN_NUM}]+)\s*[)）]")

# A 完成时限 cell is short and speaks of time; requirement text never looks like this.
_DEADLINE_RE = re.compile(
    r"\d+\s*月|\d{4}\s*年|年底|年内|全年|长期|持续|常态|季度|每月|每年|半年|底前|前完成"
)

# Table title such as "2023年济宁市任城区政务公开重点工作任务分解表".
_TABLE_TITLE_RE = re.compile(
    r"(?P<year>\d{4})\s*年(?P<province>[^\s年]+?省)?(?P<city>[^\s年省]+?市)?"
    r"(?P<district>[^\s年省市]+?(?:区|县|旗))政务公开"
)


# ---------------------------------------------------------------- detection


def _header_index(lines: list[str]) -> int | None:
    """Index of the "工作任务" line that starts the 4-cell header, cells on their own untabbed lines."""
    cells = [(i, ln) for i, ln in enumerate(lines) if ln.strip()]
    for k in range(len(cells) - len(HEADER_CELLS) + 1):
        window = cells[k : k + len(HEADER_CELLS)]
        # A tab-indented export is another layout (one cell a tabbed line), so require no tabs.
        if all(ln.strip() == cell and "\t" not in ln for (_, ln), cell in zip(window, HEADER_CELLS)):
            return window[0][0]
    return None


def _metadata_fields(lines: list[str]) -> dict[str, str]:
    """Portal metadata "label: value" pairs; the first non-empty value of each label wins."""
    found: dict[str, str] = {}
    for ln in lines:
        matches = list(_META_RE.finditer(ln))
        for m, nxt in zip(matches, matches[1:] + [None]):
            label = re.sub(r"\s+", "", m.group(1))
            value = ln[m.end() : nxt.start() if nxt else len(ln)].strip()
            if value and label not in found:
                found[label] = value
    return found


def detect(text: str) -> bool:
    """A web page export: portal metadata block + an untabbed 工作任务/责任单位/具体要求/完成时限 header."""
    lines = text.splitlines()
    h = _header_index(lines)
    if h is None:
        return False
    meta = _metadata_fields(lines[:h])
    # The page chrome, not the district, identifies the layout: at least two portal labels.
    if len({"发文字号", "成文日期", "发布机关", "发布日期", "索引号"} & meta.keys()) < 2:
        return False
    # A 序号 column would mean a different (numbered) table layout.
    return not any(ln.strip() == "序号" for ln in lines[h : h + 12])


# ---------------------------------------------------------------- line classes


def _is_deadline(s: str) -> bool:
    return len(s) <= 30 and "。" not in s and bool(_DEADLINE_RE.search(s))


def _is_prose(s: str) -> bool:
    """Requirement sentences end in 。/； — unit names and section titles never contain 。."""
    return "。" in s or s.endswith(("；", ";"))


def _section_key(s: str) -> tuple[int, str] | None:
    """(level, ordinal) of a section row "一、…" / "(一)…", None for other lines."""
    if "。" in s or len(s) > 60:
        return None
    if m := _SECTION1_RE.match(s):
        return 1, m.group(1)
    if m := _SECTION2_RE.match(s):
        return 2, m.group(1)
    return None


# ---------------------------------------------------------------- parsing


@dataclass
class _Block:
    """Non-blank table lines (0-based index, stripped text) collected until a 完成时限 cell."""

    lines: list[tuple[int, str]] = field(default_factory=list)

    def has_prose(self) -> bool:
        return any(_is_prose(s) for _, s in self.lines)


class _Sections:
    """Current 工作任务 path, keeping the FIRST printed form of a title repeated after a page break."""

    def __init__(self) -> None:
        self.first_form: dict[tuple, str] = {}
        self.top: tuple | None = None
        self.sub: tuple | None = None

    def enter(self, level: int, ordinal: str, title: str) -> None:
        if level == 1:
            key: tuple = (ordinal,)
            if key != self.top:  # a repeat of the current top section keeps its subsection
                self.sub = None
            self.top = key
        else:
            key = (self.top, ordinal)  # sub-numbering may restart under each top section
            self.sub = key
        self.first_form.setdefault(key, title)

    def path(self) -> list[str]:
        return [self.first_form[k] for k in (self.top, self.sub) if k is not None]


def _verbatim(text: str, starts: list[int], first: int, last: int) -> str:
    """Source slice from line `first` to line `last` (0-based, inclusive), trimmed: verbatim by construction."""
    end = starts[last + 1] if last + 1 < len(starts) else len(text)
    return text[starts[first] : end].strip()


def _line_starts(text: str) -> list[int]:
    starts, pos = [], 0
    for ln in text.splitlines(keepends=True):
        starts.append(pos)
        pos += len(ln)
    return starts


def _table_end(lines: list[str], begin: int) -> int:
    for i in range(begin, len(lines)):
        if _FOOTER_RE.match(lines[i].strip()):
            return i
    return len(lines)


def _make_task(
    block: _Block,
    deadline: tuple[int, str] | None,
    tasks: list[RawTask],
    section: list[str],
    text: str,
    starts: list[int],
) -> RawTask:
    """Turn a block (units lines, then requirement lines) and its 完成时限 into a task."""
    lines = block.lines
    # The requirement starts at the first sentence-like line; if none, the last line is the requirement.
    req_at = next((k for k, (_, s) in enumerate(lines) if _is_prose(s)), len(lines) - 1)
    unit_lines, req_lines = lines[:req_at], lines[req_at:]
    task = RawTask(
        number=len(tasks) + 1,  # no 序号 in this layout: document order
        section=section,
        text=_verbatim(text, starts, req_lines[0][0], req_lines[-1][0]),
        line=req_lines[0][0] + 1,
    )
    prev = tasks[-1] if tasks else None
    if unit_lines:
        # Separate lines (and blank-line separated paragraphs) of the cell are separate units:
        # keep each line verbatim, joined by "\n" for the normalizer.
        task.units_text = "\n".join(s for _, s in unit_lines)
    elif prev is not None and prev.units_text is not None:
        task.units_text = prev.units_text
        task.notes.append(Note(
            "units_text",
            f"源表此格为空（合并单元格），沿用第{prev.number}项任务（源文件第{prev.line}行）的责任单位",
        ))
    if deadline is not None:
        task.deadline_text = deadline[1]
    elif prev is not None and prev.deadline_text is not None:
        task.deadline_text = prev.deadline_text
        task.notes.append(Note(
            "deadline_text",
            f"源表此格为空（合并单元格），沿用第{prev.number}项任务（源文件第{prev.line}行）的完成时限",
        ))
    return task


def _parse_table(text: str, lines: list[str], begin: int, end: int) -> tuple[list[RawTask], list[Unplaced]]:
    starts = _line_starts(text)
    tasks: list[RawTask] = []
    unplaced: list[Unplaced] = []
    sections = _Sections()
    block = _Block()

    def flush_unplaced(reason: str) -> None:
        for i, s in block.lines:
            unplaced.append(Unplaced(line=i + 1, text=s, reason=reason))
        block.lines.clear()

    for i in range(begin, end):
        s = lines[i].strip()
        if not s or s in HEADER_CELLS:  # blank separators and header cells repeated after a page break
            continue
        key = _section_key(s)
        if key is not None and not block.lines:
            sections.enter(key[0], key[1], s)
        elif key is not None:
            # A section row cuts a row short: the collected lines have no 完成时限.
            if block.has_prose():
                tasks.append(_make_task(block, None, tasks, sections.path(), text, starts))
                block.lines.clear()
            flush_unplaced("工作任务行之前的单元格没有对应的具体要求")
            sections.enter(key[0], key[1], s)
        elif _is_deadline(s):
            if block.lines:
                tasks.append(_make_task(block, (i, s), tasks, sections.path(), text, starts))
                block.lines.clear()
            else:
                unplaced.append(Unplaced(line=i + 1, text=s, reason="完成时限单元格前没有具体要求"))
        elif block.has_prose() and not _is_prose(s):
            # A unit cell after a requirement: the previous row printed no 完成时限 (merged with above).
            tasks.append(_make_task(block, None, tasks, sections.path(), text, starts))
            block.lines[:] = [(i, s)]
        else:
            block.lines.append((i, s))
    if block.has_prose():
        tasks.append(_make_task(block, None, tasks, sections.path(), text, starts))
        block.lines.clear()
    flush_unplaced("表格末尾的单元格没有对应的具体要求")
    return tasks, unplaced


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    m = re.search(r"(\d{4})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})", value)
    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


def _table_title(lines: list[str], header: int) -> str | None:
    """The last non-blank line above the header is the table's own title."""
    for i in range(header - 1, -1, -1):
        if lines[i].strip():
            return lines[i].strip()
    return None


def parse(text: str) -> RawPlan:
    lines = text.splitlines()
    h = _header_index(lines)
    if h is None:
        raise ValueError("web_notice: no 工作任务/责任单位/具体要求/完成时限 header found")
    meta = _metadata_fields(lines[:h])
    table_title = _table_title(lines, h) or ""
    title = meta.get("标题") or table_title

    # District, city and year come from the table title as printed (fall back to the notice title).
    m = _TABLE_TITLE_RE.search(table_title) or _TABLE_TITLE_RE.search(title)
    if m is None:
        raise ValueError("web_notice: cannot find year and district in the titles")

    begin = h + len(HEADER_CELLS)
    tasks, unplaced = _parse_table(text, lines, begin, _table_end(lines, begin))
    return RawPlan(
        district_name=m.group("district"),
        year=int(m.group("year")),
        title=title,
        tasks=tasks,
        city=m.group("city"),
        province=m.group("province"),
        doc_number=meta.get("发文字号"),
        issuer=meta.get("发布机关"),
        issue_date=_parse_date(meta.get("成文日期")),
        has_deadline_column=True,
        unplaced=unplaced,
    )
