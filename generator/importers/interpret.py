"""One table interpreter for every import format: `interpret(Document) -> RawPlan`.

The pipeline is the same for every file: the readers (generator.readers) turn Word, Excel, CSV,
web pages, PDFs and text into one Document; its blocks (tables and paragraphs in reading order,
pipe lines grouped into tables) go to a layout case, which cuts rows and cells out of them and
hands them to the shared PlanBuilder (sections, numbering, carried cells and their notes, line
numbers); the builder's tasks become the RawPlan.

The cases, tried in this order:
1. the seed layouts (generator.importers.LAYOUTS): text exports recognised by their exact header
   words, cut out of the text's lines;
2. otherwise two general cases run and the one that places more tasks with units or deadlines
   wins: tables (table_reader: header roles by synonym, compared after folding width, spacing
   and traditional characters, or column roles from content; rows that lost merged cells are
   aligned by content) and paragraph sequences (stream_reader: one cell a line, "牵头单位：" label
   lines, units lines, lines opening with their unit and prose with the units in brackets) over
   the blocks the table case did not read.
Tables that hold something else (an address book, a price list, a meeting schedule, a web page's
document-information form) are left out, and a file with no task table is refused with a message
saying what it seems to hold.

Texts stay verbatim; every value taken from elsewhere than the task's own cell carries a Note.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from generator.importers import LAYOUTS
from generator.importers import headers as H
from generator.importers.base import Note, RawPlan
from generator.importers.cases import Case, NotThisLayout
from generator.importers.lines import Lines
from generator.importers.other_tables import OtherTable, kind_of_rows
from generator.importers.plan_builder import UNITS_FIELDS, PlanBuilder
from generator.importers.stream_reader import Item, StreamReader, inline_units, is_row_end, item_text, label_line
from generator.importers.table_reader import TableReader, find_layout
from generator.importers.wraps import WrappedParagraph, join_wrapped
from generator.importers.years import chinese_date, year_from_text, year_in_title
from generator.readers import Cell, Document, Paragraph, Position, Table


class InterpretError(Exception):
    """No task table in the document; the message (Chinese) says what to do."""


_PIPE_SPLIT = re.compile(r"(?<!\\)\|")
_YEAR = re.compile(r"(20\d\d)\s*年")
# 济政办字〔2023〕5号, "许政 [2020] 20号", 穗府辦〔2006〕19號, a mirror's pinyin inside: 州政發(fā)〔2020〕5號.
_DOC_NUMBER = re.compile(r"(?:[\u4e00-\u9fff]|\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)){1,12}\s?"
                         r"[〔\[［(（]\s?(20\d\d)\s?[〕\]］)）]\s?第?\d{1,4}\s?[号號]")
_DATE = re.compile(r"^(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
# "2020824": a signature date whose 年/月/日 a copy lost; it still marks the line above as the signature.
_BARE_DATE_LINE = re.compile(r"^20\d\d\d{3,4}$")
_CN_DATE_LINE = re.compile(r"^[一二][〇○零Oo一二三四五六七八九]{3}\s*年\s*[一二三四五六七八九十]{1,2}\s*月\s*[一二三四五六七八九十]{1,3}\s*日$")
_ISSUER_LABEL = re.compile(r"^(?:发布机构|发文机关|发布单位|(?:文章|信息)?来源)\s*[:：]\s*(\S+)")
_ISSUER_SUFFIX = re.compile(r"(人民政府|办公厅|办公室|局|委员会|委|中心|政府|厅|办|督查室)$")
_TITLE_WORDS = re.compile(r"政务公开|要点|任务|方案|清单|台账|分工|分解|措施|规划|计划|重点工作|工作事项")
_LABEL_PREFIX = re.compile(r"^(?:名\s*称|标\s*题|附\s*件\s*\d*)\s*[:：]\s*|^【[^】]{1,20}】\s*")  # also a page's 【栏目】 tag
# A mirror site's words in a title line: "365bet账号被限制_beat365在线_…2022年…清单" (an underscore
# joining page-title parts, Latin letters glued to digits).
_SITE_WORDS = re.compile(r"_|[A-Za-z]{3,}\d{2,}|\d{2,}[A-Za-z]{3,}")
# A document number in brackets after a quoted title: "《…的通知》(国办发〔2022〕8号)" names the
# document cited, not this one.
_CITED_NUMBER = re.compile(r"》\s*[(（][^()（）]{0,20}[〔\[［(（]\s*20\d\d\s*[〕\]］)）]\s*第?\s*\d{1,4}\s*号[)）]")
# Titles, labels and issuers are matched in simplified characters (H.simplify keeps the length, so
# the printed text is sliced at the same places): 工作要點, 名稱：, 辦公廳 and 發布機構 are read too.
# What a task table needs, said in every refusal.
NEEDS = ("任务表要有写任务内容的一列（如“工作任务”“具体要求”），并有“责任单位”或“完成时限”一列，最好还有“序号”；"
         "表头换了说法时，请改成“序号、工作任务、责任单位、完成时限”后再导入")


def interpret(doc: Document, layout: str | None = None) -> RawPlan:
    """The task table of the document. `layout` forces one seed layout (no fallback)."""
    lines = Lines.of(doc)
    seed = _seed_case(doc, lines, layout)
    notes: list[str] = []
    if seed is not None and lines is not None:
        builder = seed.builder()
        try:
            return _finish(seed.read(lines, builder), builder, seed.name, notes)
        except NotThisLayout:
            if layout is not None:
                raise
            notes.append(f"原文像“{seed.name}”版式，但按这种版式读不下来，改用通用读法。")
    return _read_general(doc, seed, notes)


def _read_general(doc: Document, seed: Case | None, notes: list[str]) -> RawPlan:
    """The general cases on the document's blocks: the one that places more tasks wins."""
    blocks = _blocks(doc)
    others = _other_tables(blocks)
    tables, read = _by_tables(blocks, others)
    # A table the table case understood is not read again as a sequence of cells: the paragraph
    # case reads the rest of the document, and the reading that places more tasks wins.
    best = max([tables, _by_stream([b for b in blocks if id(b) not in read], others)], key=_score)
    if not _score(best)[0]:
        raise InterpretError(_refusal(doc, best, others, seed))
    plan = _metadata(doc, blocks, notes)
    plan.has_deadline_column = any(t.deadline_text for t in best.tasks)
    return _finish(plan, best, f"通用读取（{doc.format}）", notes)


def interpret_text(text: str, layout: str | None = None, path: Path = Path("粘贴的文字.txt")) -> RawPlan:
    """Pasted or exported text through the same pipeline (read as a .txt file would be)."""
    from generator.readers import text as text_reader

    return interpret(text_reader.read(path, text.encode("utf-8")), layout)


def _seed_case(doc: Document, lines: Lines | None, layout: str | None) -> Case | None:
    if layout is not None:
        if lines is None:
            raise NotThisLayout(f"{layout}: only text sources have this layout")
        return LAYOUTS[layout]
    if lines is None:
        return None
    found = [case for case in LAYOUTS.values() if case.detect(lines)]
    if len(found) > 1:
        raise InterpretError(f"{doc.path}：表头同时像 {'、'.join(c.name for c in found)} 几种版式，无法确定怎么读。"
                             "请把任务表另存为 Word（.docx）或 Excel（.xlsx）后再导入。")
    return found[0] if found else None


def _finish(plan: RawPlan, builder: PlanBuilder, layout: str, notes: list[str]) -> RawPlan:
    _mark_cut_off(builder)
    plan.tasks, plan.unplaced, plan.ignored_columns = builder.tasks, builder.unplaced, builder.ignored_columns
    plan.layout, plan.read_notes = layout, notes
    return plan


def _score(builder: PlanBuilder) -> tuple[int, int]:
    placed = sum(1 for t in builder.tasks if any(getattr(t, f) for f in (*UNITS_FIELDS, "deadline_text")))
    return placed, len(builder.tasks)


SHOWN_PLACES = 5  # places listed in a refusal before "等"
# A numbered line ("1.…", "（一）…") that ends in a bracket: where a prose plan prints its units.
_NUMBERED = re.compile(r"^\s*(?:\d{1,3}\s*[.．、]|[(（]\d{1,3}[)）]|[(（][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、)")
_BRACKET_END = re.compile(r"[)）〕]\s*$")


def _refusal(doc: Document, best: PlanBuilder, others: dict[int, tuple[Table, OtherTable]], seed: Case | None) -> str:
    """No task table: say what the file seems to hold and what a task table needs."""
    if others:
        table, other = next(iter(others.values()))
        found = f"{_where(table, other.row)}起的{other.describe()}。"
    elif best.tasks:
        found = "找到的编号文字里没有一项写了责任单位或完成时限，不像任务分解表。"
    elif places := _numbered_unread_brackets(doc):
        shown = "、".join(places[:SHOWN_PLACES]) + ("等" if len(places) > SHOWN_PLACES else "")
        found = (f"有{len(places)}行编号的文字（{shown}）末尾带括号，但括号里没有认出写单位的说法"
                 "（如“（责任单位：…）”“（…牵头）”“（…负责）”“（…配合）”）。如果原文换了说法（例如转载的网站替换了用词），"
                 "请对照原件改成这些说法后再导入。")
    else:
        found = "没有认出“序号/工作任务/责任单位/完成时限”这样的表头，也没有编号的任务（“1.……”后面跟着责任单位）。"
    hint = (f"（这份文件的表头像“{seed.name}”版式，但标题或行与这种版式对不上，请核对标题是否写了年份和区县名称。）"
            if seed is not None else "")
    scanned = "" if others else "如果表格是图片或扫描件，请先转成文字。"
    return f"{doc.path}：找不到任务表：{found}{NEEDS}。请确认选对了文件。{scanned}{hint}"


def _numbered_unread_brackets(doc: Document) -> list[str]:
    """Where numbered lines end in a bracket that names no unit in words the interpreter reads
    ("第33行", "第5段"): a plan whose role words were written another way."""
    places = []
    for paragraph in doc.paragraphs:
        text = paragraph.text.strip()
        if _NUMBERED.match(text) and _BRACKET_END.search(text) and not inline_units(text):
            position = paragraph.position
            places.append(f"第{position.line}行" if position.line else f"第{position.paragraph or paragraph.order}段")
    return places


def _where(table: Table, row: int) -> str:
    """Where a table row is, in the file's own terms: 第3行, 工作表“Sheet1”第2行, 第1个表格第2行."""
    position = table.rows[row][0].position
    if position.line:
        return f"第{position.line}行"
    sheet = f"工作表“{position.sheet}”" if position.sheet else f"第{position.table or table.index}个表格"
    page = f"第{position.page}页" if position.page else ""
    return f"{page}{sheet}第{position.row or row + 1}行"


# --- blocks: the document in reading order, pipe lines grouped into tables ------------------
def _blocks(doc: Document) -> list[Table | Paragraph]:
    """The document's tables and paragraphs in reading order: pipe lines grouped into tables,
    lines a page wrapped (a PDF's text layer) joined into their paragraphs."""
    return join_wrapped(_grouped(doc))


def _grouped(doc: Document) -> list[Table | Paragraph]:
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


def _other_tables(blocks: list[Table | Paragraph]) -> dict[int, tuple[Table, OtherTable]]:
    """id(table) -> (table, what it holds) for the tables that are not task tables."""
    found = {}
    for block in blocks:
        if isinstance(block, Table) and (other := kind_of_rows([[c.text.strip() for c in row] for row in block.rows])):
            found[id(block)] = (block, other)
    return found


# --- the general table case -------------------------------------------------------------------
def _by_tables(blocks: list[Table | Paragraph],
               others: dict[int, tuple[Table, OtherTable]]) -> tuple[PlanBuilder, set[int]]:
    """The tables whose columns the table case understood, read as tables; and the ids of
    those that gave tasks."""
    builder = PlanBuilder()
    read: set[int] = set()
    for block in blocks:
        if isinstance(block, Table):
            layout = find_layout(block) if id(block) not in others else None
            if layout is not None:
                before = len(builder.tasks)
                TableReader(block, layout, builder).read()
                if len(builder.tasks) > before:
                    read.add(id(block))
        elif read and H.kind(block.text) == H.HEADING:
            builder.set_heading(block.text)  # a section heading printed between tables
    return builder, read


# --- the general paragraph-sequence case ------------------------------------------------------
def _by_stream(blocks: list[Table | Paragraph], others: dict[int, tuple[Table, OtherTable]]) -> PlanBuilder:
    items = _items([b for b in blocks if id(b) not in others])
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
        if isinstance(block, Table) and not any(item_text(c.text) for c in cells):
            items.append(Item("", cells[0].position.line if cells else 0, H.EMPTY, row_end=True))  # "||||"
            continue
        for cell in cells:
            text = item_text(cell.text)
            line = cell.position.line or cell.position.paragraph or cell.position.row or 0
            items.append(Item(text, line, H.kind(text), row_end=isinstance(block, Paragraph) and is_row_end(cell.text),
                              wrapped=isinstance(block, WrappedParagraph)))
    return items


def _stream_start(items: list[Item]) -> tuple[int, list[str]]:
    """After a header printed one cell a line; else at the first heading or numbered task."""
    for index in range(len(items)):
        roles, end = _header_run(items, index)
        if len(roles) >= 2 and any(r in (H.REQUIREMENT, H.CATEGORY) for r in roles) and any(
                r in (H.UNITS, H.LEAD, H.DEADLINE, H.NUMBER) for r in roles):
            return end, roles
    for index, item in enumerate(items):
        if item.kind == H.HEADING or inline_units(item.text) or label_line(item.text):
            return index, []
    return 0, []


def _header_run(items: list[Item], index: int) -> tuple[list[str], int]:
    """The roles of a header printed one cell a line from `index`, and where it ends. A short
    word that is no header word (主要问题) does not end the run when header words follow it."""
    roles: list[str] = []
    while index < len(items):
        item = items[index]
        if item.kind != H.EMPTY:
            role = H.header_role(item.text)
            if role is None and not (roles and _unknown_header_word(items, index)):
                break
            if role is not None:
                roles.append(role)
        index += 1
    return roles, index


def _unknown_header_word(items: list[Item], index: int) -> bool:
    """A short label with no punctuation, between header words of a one-cell-a-line header."""
    text = items[index].text
    if len(text) > 8 or items[index].kind != H.TEXT or re.search(r"[，,。；;：:、\d]", text):
        return False
    following = next((i for i in items[index + 1:] if i.kind != H.EMPTY), None)
    return following is not None and H.header_role(following.text) is not None


def _mark_cut_off(builder: PlanBuilder) -> None:
    """The last task of an excerpt that stops mid-table has no units while the others do."""
    tasks = builder.tasks
    has_units = [any(getattr(t, f) for f in UNITS_FIELDS) for t in tasks]
    if len(tasks) >= 2 and not has_units[-1] and any(has_units[:-1]):
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


def _title(texts: list[str], fallback: str, notes: list[str]) -> str:
    """The first line naming the plan (a year preferred if the next lines repeat it with one)."""
    candidates = [t for t in map(_title_part, texts) if t and _TITLE_WORDS.search(H.simplify(t))]
    if not candidates:
        # the file's own title (a document property or first line), unless it is only a 文号
        usable = _title_part(fallback or "") == fallback and not _DOC_NUMBER.fullmatch(fallback.strip())
        return fallback if usable else ""
    with_year = [t for t in candidates[:3] if _YEAR.search(t)]
    title = candidates[0] if _YEAR.search(candidates[0]) or not with_year else with_year[0]
    printed = next(t for t in texts if _title_part(t) == title)
    if _SITE_WORDS.search(_without_label(printed)):
        notes.append(f"标题一行“{printed}”夹有网站加进去的文字，取“{title}”作标题，请核对；不对时加 --title 重新导入。")
    return title


def _title_part(text: str) -> str:
    """The part of a line that can be a title, or "" when the line is not one: a sentence, a
    label line, a heading or header cell are not titles; a mirror site's words are cut off
    (the title then starts at its year)."""
    text = _without_label(text).strip(" |")
    if _SITE_WORDS.search(text):
        year = _YEAR.search(text)
        text = text[year.start():] if year and not _SITE_WORDS.search(text[year.start():]) else ""
    if (not text or len(text) > 80 or inline_units(text) or label_line(text) or H.header_role(text) is not None
            or H.kind(text) == H.HEADING or "|" in text or re.search(r"印发给你们|现印发|根据《|[:：]$|[，,。;；]", H.simplify(text))):
        return ""
    return text


def _without_label(text: str) -> str:
    """The line without a "名称：" / "名稱：" / "标题：" / "附件：" label or a web page's "【栏目】" tag."""
    label = _LABEL_PREFIX.match(H.simplify(text))
    return text[label.end():] if label else text


def _signature_date(text: str) -> tuple[bool, dt.date | None]:
    """(whether the line is only a date, the date if it is a real day): "2023年4月13日",
    "二○○六年四月二十八日"."""
    text = text.strip()
    if date := _DATE.match(text):
        try:
            return True, dt.date(*map(int, date.groups()))
        except ValueError:
            return True, None
    if _CN_DATE_LINE.match(text):
        return True, chinese_date(text)
    if _BARE_DATE_LINE.match(text):
        return True, None  # which digits are the month and which the day cannot be told apart
    return False, None


def _metadata(doc: Document, blocks: list[Table | Paragraph], notes: list[str]) -> RawPlan:
    texts = [t for t in _texts(blocks)[:40] if t]
    title = _title(texts, doc.title or "", notes)
    issuer, issue_date = _issuer(texts, title)
    own = [_CITED_NUMBER.sub("", t) for t in texts]  # numbers of cited documents left out
    doc_number = next((m.group(0) for t in own if (m := _DOC_NUMBER.search(t))), None)
    return RawPlan(district_name=issuer or "", year=_year(title, doc_number, issue_date, own), title=title,
                   tasks=[], doc_number=doc_number, issuer=issuer, issue_date=issue_date)


def _year(title: str, doc_number: str | None, issue_date: dt.date | None, texts: list[str]) -> int:
    """The year in the title, else in the document's own number, its signature date, or a number
    or date near the top; 0 if none."""
    if (year := year_in_title(title)) is not None:
        return year
    if doc_number and (found := year_from_text(doc_number)):
        return found[0]
    if issue_date:
        return issue_date.year
    found = year_from_text("\n".join(texts[:15]))
    return found[0] if found else 0


def _issuer(texts: list[str], title: str) -> tuple[str | None, dt.date | None]:
    """A signature line just above a date; else 发布机构：…; else the title's "X关于印发"."""
    for above, text in zip(texts, texts[1:]):
        is_date, date = _signature_date(text)
        if is_date and len(above) <= 30 and _ISSUER_SUFFIX.search(H.simplify(above.strip())):
            return above.strip(), date
    for text in texts:
        cells = [c for c in re.split(r"\s*\|\s*|\s+", text) if c]
        for i, cell in enumerate(cells):
            if re.fullmatch(r"(发布机构|发文机关|发布单位|来源)[:：]?", H.simplify(cell)) and i + 1 < len(cells):
                return re.sub(r"[(（].*$", "", cells[i + 1]), None
        if m := _ISSUER_LABEL.match(H.simplify(text)):
            return re.sub(r"[(（].*$", "", text[m.start(1):m.end(1)]), None
    if (m := re.match(r"^(.{2,30}?)关于", H.simplify(title))) and (
            "印发" in title[m.end():m.end() + 4] or _ISSUER_SUFFIX.search(m.group(1))):
        return title[:m.end(1)], None
    if (m := re.match(r"^(.{2,20}?)(?:20\d\d)\s*年", title)) and not re.search(r"关于|《", H.simplify(m.group(1))):
        return m.group(1), None  # "关于印发《X2020年…》" names a plan, not its issuer
    return None, None
