"""One table interpreter for every import format: `interpret(Document) -> RawPlan`.

The readers (generator.readers) turn Word, Excel, CSV, web pages, PDFs and text into tables of
cells and paragraphs; this finds the task table in them. Two strategies run and the one that
places more tasks with units or deadlines wins:

1. tables (table_reader): header roles by synonym (序号 / 具体要求 / 责任单位 / 完成时限 …, compared
   after folding width, spacing and traditional characters), or column roles from content;
   rows that lost merged cells are aligned by content. Pipe-separated lines the text reader
   left as paragraphs are made into tables first.
2. paragraph sequences (stream_reader): one cell a line, "牵头单位：" label lines, units lines
   and prose with the units in brackets.

Texts stay verbatim; every value taken from elsewhere than the task's own cell carries a Note.
"""
from __future__ import annotations

import datetime as dt
import re

from generator.importers import headers as H
from generator.importers.base import RawPlan
from generator.importers.plan_builder import PlanBuilder
from generator.importers.stream_reader import _INLINE, _LABEL, Item, StreamReader, item_text
from generator.importers.table_reader import TableReader, find_layout
from generator.importers.years import year_from_text, year_in_title
from generator.readers import Cell, Document, Paragraph, Position, Table


class InterpretError(Exception):
    """No task table in the document; the message (Chinese) says what to do."""


_PIPE_SPLIT = re.compile(r"(?<!\\)\|")
_YEAR = re.compile(r"(20\d\d)\s*年")
_DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}[〔\[［(（](20\d\d)[〕\]］)）]\d{1,4}号")
_DATE = re.compile(r"^(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_ISSUER_LABEL = re.compile(r"^(?:发布机构|发文机关|发布单位|来源)\s*[:：]\s*(\S+)")
_ISSUER_SUFFIX = re.compile(r"(人民政府|办公厅|办公室|局|委员会|委|中心|政府|厅|办)$")
_TITLE_WORDS = re.compile(r"政务公开|工作要点|任务|方案|清单|台账|分工")
_LABEL_PREFIX = re.compile(r"^(?:名\s*称|标\s*题)\s*[:：]\s*")


def interpret(doc: Document) -> RawPlan:
    blocks = _blocks(doc)
    candidates = [_by_tables(blocks), _by_stream(blocks)]
    best = max(candidates, key=_score)
    if not best.tasks:
        raise InterpretError(
            f"{doc.path}：找不到任务表：没有认出“序号/工作任务/责任单位/完成时限”这样的表头，也没有编号的任务"
            "（“1.……”后面跟着责任单位）。请确认选对了文件；如果表格是图片或扫描件，请先转成文字；"
            "如果表头用了别的说法，请把表头改成“序号、工作任务、责任单位、完成时限”后再导入。")
    _mark_cut_off(best)
    plan = _metadata(doc, blocks)
    plan.tasks, plan.unplaced = best.tasks, best.unplaced
    plan.has_deadline_column = any(t.deadline_text for t in best.tasks)
    return plan


def _score(builder: PlanBuilder) -> tuple[int, int]:
    placed = sum(1 for t in builder.tasks if t.units_text or t.lead_units_text or t.deadline_text)
    return placed, len(builder.tasks)


# --- blocks: the document in reading order, pipe lines grouped into tables ------------------
def _blocks(doc: Document) -> list[Table | Paragraph]:
    ordered = sorted([*doc.tables, *doc.paragraphs], key=lambda b: b.order)
    blocks: list[Table | Paragraph] = []
    run: list[Paragraph] = []
    for block in ordered:
        if isinstance(block, Paragraph) and len(_pipe_cells(block.text)) >= 2:
            run.append(block)
            continue
        if isinstance(block, Paragraph) and run and not item_text(block.text):
            continue  # a lone "|" line between pipe rows
        blocks += _pipe_table(run, doc) if len(run) >= 2 else run
        run = []
        blocks.append(block)
    blocks += _pipe_table(run, doc) if len(run) >= 2 else run
    return blocks


def _pipe_cells(text: str) -> list[str]:
    stripped = text.strip().removeprefix("|").removesuffix("|")
    return [c.strip() for c in _PIPE_SPLIT.split(stripped)] if "|" in stripped else []


def _pipe_table(run: list[Paragraph], doc: Document) -> list[Table]:
    """Pipe rows the text reader kept as paragraphs (most of the file had no pipes)."""
    rows = [_pipe_cells(p.text) for p in run]
    width = max(len(r) for r in rows)
    index = len(doc.tables) + 1
    grid = [[Cell(r[c] if c < len(r) else "", Position(doc.path, table=index, row=n, column=c + 1, line=p.position.line))
             for c in range(width)] for n, (r, p) in enumerate(zip(rows, run), start=1)]
    return [Table(grid, index=index, order=run[0].order)]


# --- strategy 1: tables ---------------------------------------------------------------------
def _by_tables(blocks: list[Table | Paragraph]) -> PlanBuilder:
    builder = PlanBuilder()
    started = False
    for block in blocks:
        if isinstance(block, Table):
            layout = find_layout(block)
            if layout is not None:
                started = True
                TableReader(block, layout, builder).read()
        elif started and H.kind(block.text) == H.HEADING:
            builder.set_heading(block.text)  # a section heading printed between tables
    return builder


# --- strategy 2: paragraph sequences --------------------------------------------------------
def _by_stream(blocks: list[Table | Paragraph]) -> PlanBuilder:
    items = _items(blocks)
    start, roles = _stream_start(items)
    builder = PlanBuilder()
    StreamReader(items[start:], builder, roles).read()
    if not roles and not _score(builder)[0]:
        return PlanBuilder()  # numbered lines without a header or any unit: a notice, not a task list
    return builder


def _items(blocks: list[Table | Paragraph]) -> list[Item]:
    items: list[Item] = []
    for block in blocks:
        cells = [block] if isinstance(block, Paragraph) else [c for row in block.rows for c in row]
        for cell in cells:
            text = item_text(cell.text)
            line = cell.position.line or cell.position.paragraph or cell.position.row or 0
            items.append(Item(text, line, H.kind(text)))
    return items


def _stream_start(items: list[Item]) -> tuple[int, list[str]]:
    """After a header printed one cell a line; else at the first heading or numbered task."""
    for index in range(len(items)):
        roles, end = _header_run(items, index)
        if len(roles) >= 2 and any(r in (H.REQUIREMENT, H.CATEGORY) for r in roles) and any(
                r in (H.UNITS, H.LEAD, H.DEADLINE, H.NUMBER) for r in roles):
            return end, roles
    for index, item in enumerate(items):
        if item.kind == H.HEADING or _INLINE.search(item.text) or _LABEL.match(item.text):
            return index, []
    return 0, []


def _header_run(items: list[Item], index: int) -> tuple[list[str], int]:
    roles: list[str] = []
    while index < len(items):
        item = items[index]
        if item.kind != H.EMPTY:
            role = H.header_role(item.text)
            if role is None:
                break
            roles.append(role)
        index += 1
    return roles, index


def _mark_cut_off(builder: PlanBuilder) -> None:
    """The last task of an excerpt that stops mid-table has no units while the others do."""
    from generator.importers.base import Note

    tasks = builder.tasks
    if len(tasks) >= 2 and not (tasks[-1].units_text or tasks[-1].lead_units_text) and any(
            t.units_text or t.lead_units_text for t in tasks[:-1]):
        tasks[-1].notes.append(Note("text", "这是表格最后一项，没有单位，原文可能在此截断：请对照原件核对文字和单位。"))


# --- title, year, issuer --------------------------------------------------------------------
def _texts(blocks: list[Table | Paragraph]) -> list[str]:
    """Paragraph texts, and "label：value" for the label cells of a metadata table (发布机构 | …)."""
    out: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            out.append(block.text.strip())
            continue
        for row in block.rows[:6]:
            cells = [c.text.strip() for c in row]
            filled = set(filter(None, cells))
            if len(filled) == 1 and len(cells) > 1:  # one cell, or one merged across: a title or caption row
                out.append(filled.pop())
                continue
            out += [f"{label.rstrip(':：')}：{value}" for label, value in zip(cells, cells[1:])
                    if re.fullmatch(r"[^\s:：|]{1,6}[:：]", label) and value]
    return out


def _title(texts: list[str], fallback: str) -> str:
    """The first line naming the plan (a year preferred if the next lines repeat it with one)."""
    candidates = [_LABEL_PREFIX.sub("", t).strip(" |") for t in texts]
    candidates = [t for t in candidates if _TITLE_WORDS.search(t) and len(t) <= 80 and not _INLINE.search(t)
                  and H.header_role(t) is None and H.kind(t) != H.HEADING and "|" not in t
                  and not re.search(r"印发给你们|现印发|根据《|[:：]$|[，,。;；]", t)]
    if not candidates:
        return fallback if fallback and H.header_role(fallback) is None and H.kind(fallback) != H.HEADING else ""
    with_year = [t for t in candidates[:3] if _YEAR.search(t)]
    return candidates[0] if _YEAR.search(candidates[0]) or not with_year else with_year[0]


def _metadata(doc: Document, blocks: list[Table | Paragraph]) -> RawPlan:
    texts = [t for t in _texts(blocks)[:40] if t]
    title = _title(texts, doc.title or "")
    issuer, issue_date = _issuer(texts, title)
    doc_number = next((m.group(0) for t in texts if (m := _DOC_NUMBER.search(t))), None)
    return RawPlan(district_name=issuer or "", year=_year(title, doc_number, issue_date, texts), title=title,
                   tasks=[], doc_number=doc_number, issuer=issuer, issue_date=issue_date)


def _year(title: str, doc_number: str | None, issue_date: dt.date | None, texts: list[str]) -> int:
    """The year in the title, else in the document number or a date near the top; 0 if none."""
    if (year := year_in_title(title)) is not None:
        return year
    if found := year_from_text("\n".join(([doc_number] if doc_number else []) + texts[:15])):
        return found[0]
    return issue_date.year if issue_date else 0


def _issuer(texts: list[str], title: str) -> tuple[str | None, dt.date | None]:
    """A signature line just above a date; else 发布机构：…; else the title's "X关于印发"."""
    for above, text in zip(texts, texts[1:]):
        date = _DATE.match(text.strip())
        if date and len(above) <= 30 and _ISSUER_SUFFIX.search(above.strip()):
            try:
                return above.strip(), dt.date(*map(int, date.groups()))
            except ValueError:
                return above.strip(), None
    for text in texts:
        cells = [c for c in re.split(r"\s*\|\s*|\s+", text) if c]
        for i, cell in enumerate(cells):
            if re.fullmatch(r"(发布机构|发文机关)[:：]?", cell) and i + 1 < len(cells):
                return re.sub(r"[(（].*$", "", cells[i + 1]), None
        if m := _ISSUER_LABEL.match(text):
            return re.sub(r"[(（].*$", "", m.group(1)), None
    if m := re.match(r"^(.{2,30}?)关于印发", title):
        return m.group(1), None
    if m := re.match(r"^(.{2,20}?)(?:20\d\d)\s*年", title):
        return m.group(1), None
    return None, None
