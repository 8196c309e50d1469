"""Read a unit's progress table with the readers of `import` (generator.readers).

A unit may send its table as anything `import` reads: Excel .xlsx (every sheet, merged cells),
CSV (UTF-8, UTF-8 with BOM, GB18030), Word .docx, a saved web page, a PDF with text, or pasted
text; whatever the readers refuse (.doc, .xls, a password, a scan …) is refused with their
message. Tables are laid out a little differently by every unit: a title row (often a merged
cell) above the header, 序号 or 编号, 状态 or 完成情况, 进展 or 工作进展 … The header row is
found by its words (HEADERS), compared after the importer's folding (full/half width, spaces,
traditional characters) without bracketed notes, in the first rows of each table. Every row
below it is returned with its place in the file (sheet or page, row, column), so that whatever
cannot be imported can be named in the review.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from generator.importers.headers import fold
from generator.readers import Cell, Document, ReadError, Table, read_document

MAX_BYTES = 10 * 1024 * 1024  # a unit's table is a few hundred KB
MAX_ROWS = 5000
HEADER_SEARCH_ROWS = 20

# Sheet field -> header words that name it, in folded form (simplified, no spaces, see header_key).
# 完成情况 is a 进展 word: the column holds what was done. When the table has no 状态 column
# and a 进展-named column holds status words (已完成, 进行中 …), that column is the status.
HEADERS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号", "任务序号", "任务编号"),
    "status": ("状态", "进展状态", "完成状态", "任务状态", "推进状态"),
    "text": ("进展", "进展情况", "工作进展", "完成情况", "工作进展情况", "工作完成情况", "完成情况说明", "进展说明",
             "进展情况说明", "推进情况", "落实情况"),
    "url": ("佐证链接", "佐证材料链接", "佐证材料", "佐证", "链接", "佐证网址", "佐证材料网址", "网址", "公开链接"),
    "title": ("佐证材料名称", "佐证材料标题", "佐证标题", "佐证名称"),
    "date": ("日期", "报送日期", "填报日期", "报告日期", "进展日期"),
    "reporter": ("报告单位", "报送单位", "填报单位", "报告部门", "报送部门"),
    "responsible": ("责任单位", "牵头单位"),
    "reason": ("调整原因", "原因"),
}
FIELD_NAMES = {"number": "序号", "status": "状态", "text": "进展", "url": "佐证链接", "title": "佐证材料名称",
               "date": "报送日期", "reporter": "报送单位", "responsible": "责任单位", "reason": "调整原因"}
FORMAT_NAMES = {"xlsx": "Excel 工作簿", "csv": "CSV 表格", "docx": "Word 文档", "html": "网页", "pdf": "PDF",
                "text": "纯文本"}

# Status words in the sheets -> REPORT_STATUSES.
STATUS_WORDS = {
    "已完成": "已完成", "完成": "已完成", "已办结": "已完成",
    "推进中": "推进中", "正在推进": "推进中", "进行中": "推进中", "正在进行": "推进中", "持续推进": "推进中",
    "未启动": "未启动", "未开始": "未启动", "尚未启动": "未启动",
    "常态推进": "常态推进", "长期": "常态推进", "常态": "常态推进", "长期坚持": "常态推进", "常态化推进": "常态推进",
    "已调整": "已调整", "调整": "已调整", "取消": "已调整", "已取消": "已调整", "合并": "已调整", "已合并": "已调整",
}

_BRACKETS = re.compile(r"[(\[【][^)\]】]*[)\]】]")  # after NFKC, （） are ()
_SPACES = re.compile(r"[\s\u3000]+")
_URL_SPLIT = re.compile(r"[\s，,；;、]+")


class SheetError(Exception):
    """The file cannot be read as a progress table; the message (Chinese) names it and says what to do."""


@dataclass(frozen=True)
class SheetRow:
    where: str  # the row as staff find it: "工作表“进展情况”第 5 行", "第 3 行" (CSV, text), "第 2 页第 1 个表格第 4 行"
    cells: dict[str, str]  # sheet field -> cell text ("" when empty)
    labels: dict[str, str] = field(default_factory=dict)  # sheet field -> "B 列（序号）"
    others: tuple[str, ...] = ()  # texts in the row's other columns (任务内容, 备注 …)
    spanning: bool = False  # one merged cell across the row: a heading, never a report

    def get(self, name: str) -> str:
        return self.cells.get(name, "")

    def column(self, name: str) -> str:
        return self.labels.get(name, "")

    def is_note(self) -> bool:
        """A row that is no report: a section heading, 填报人/联系电话, a remark under the table."""
        if self.spanning:
            return True
        return not any(self.get(k) for k in ("status", "text", "url")) and parse_number(self.get("number")) is None

    @property
    def summary(self) -> str:
        """Every text in the row once, for the review's list of skipped rows."""
        texts: list[str] = []
        for text in (*self.cells.values(), *self.others):
            if text and text not in texts:
                texts.append(text)
        return " ".join(texts)


@dataclass
class SheetTable:
    """One table of the file that holds progress rows."""

    header_where: str  # its header row, e.g. "工作表“进展情况”第 2 行" (a continuation: its first row)
    headers: dict[str, str]  # sheet field -> header as written
    unused: list[str] = field(default_factory=list)  # columns not read: "B 列（任务内容）"
    continues: str = ""  # for a table without its own header: the header it continues


@dataclass
class Sheet:
    path: Path
    format: str  # generator.readers.FORMATS
    tables: list[SheetTable]
    rows: list[SheetRow]
    skipped: list[str] = field(default_factory=list)  # other tables: where, and why they were not read

    @property
    def format_name(self) -> str:
        return FORMAT_NAMES.get(self.format, self.format)


def header_key(text: str) -> str:
    """序  号 / 進展情況（限200字）/ *状态： -> 序号 / 进展情况 / 状态: the form HEADERS are written in."""
    return _BRACKETS.sub("", fold(str(text))).strip("*：:")


def header_field(text: str) -> str | None:
    key = header_key(text)
    return next((name for name, words in HEADERS.items() if key in words), None)


def map_status(word: str | None) -> str | None:
    """已完成 / 完成 -> 已完成, 进行中 -> 推进中 ...; None when the word is not known."""
    return STATUS_WORDS.get(header_key(word or ""))


def parse_number(cell: str | None) -> int | None:
    """23, 23.0, "23", "２３", "第23项", "（23）" -> 23; None for anything else."""
    text = _SPACES.sub("", unicodedata.normalize("NFKC", str(cell or "")))
    match = re.fullmatch(r"第?[(]?(\d{1,5})(?:\.0+)?[)]?[项.、]?", text)
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def parse_date(cell: str | None) -> str:
    """2022-06-30, 2022/6/30, 2022.6.30, 2022年6月30日 (a time after it ignored) -> "2022-06-30";
    other text is kept as written, for the validator to name."""
    text = _SPACES.sub("", unicodedata.normalize("NFKC", str(cell or "")))
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:\d{1,2}:\d{2}(?::\d{2})?)?", text)
    if not match:
        return text
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def split_urls(cell: str | None) -> list[str]:
    """A 链接 cell may hold several links, one a line or separated by punctuation."""
    return [part for part in _URL_SPLIT.split(str(cell or "").strip()) if part]


def read_sheet(path: Path) -> Sheet:
    """The progress rows of every table with a header; SheetError (Chinese) when there are none."""
    document = _read(Path(path))
    if not document.tables:
        raise SheetError(f"{path}：文件里没有表格（{FORMAT_NAMES[document.format]}里只有文字）。{_renamed(document)}"
                         "进展表要做成表格：每项任务一行，有序号列和状态列或进展列；PDF 要有表格线。做成表格后再导入。")
    if sum(len(table.rows) for table in document.tables) > MAX_ROWS:
        raise SheetError(f"{path}：超过上限 {MAX_ROWS} 行，不像是一个单位的进展表。删掉无关的内容再导入。")
    sheet = Sheet(document.path, document.format, [], [])
    previous: tuple[Table, dict[int, str], SheetTable] | None = None
    for table in document.tables:
        found = _header(table)
        if found is not None:
            header_row, columns = found
            part = _sheet_table(document, table, header_row, columns)
            sheet.tables.append(part)
            sheet.rows += _rows(document, table, table.rows[header_row + 1:], columns)
            previous = (table, columns, part)
        elif previous is not None and _continues(document, previous[0], table):
            sheet.rows += _rows(document, table, table.rows, previous[1])
            sheet.tables.append(SheetTable(_where(document, table, table.rows[0][0]), previous[2].headers,
                                           continues=previous[2].header_where))
            previous = (table, previous[1], previous[2])
        else:
            sheet.skipped.append(f"{_table_name(document, table)}（{len(table.rows)} 行）：没有序号列和状态列或进展列的表头")
            previous = None
    if not sheet.tables:
        raise SheetError(_no_header_message(Path(path)))
    return sheet


def _read(path: Path) -> Document:
    if not path.is_file():
        raise SheetError(f"{path}：找不到这个文件。检查文件名和路径。")
    if path.stat().st_size > MAX_BYTES:
        raise SheetError(f"{path}：文件太大（超过 {MAX_BYTES // 1024 // 1024} MB），不像是一张进展表。检查是否选错了文件。")
    try:
        return read_document(path)
    except ReadError as exc:
        raise SheetError(str(exc)) from None
    except (KeyboardInterrupt, OSError):
        raise  # the command line has a message for each
    except Exception as exc:  # a reader's bug on an odd file: a sentence, never a traceback
        raise SheetError(f"{path}：读这个文件时程序出错（{type(exc).__name__}：{exc}）。请把这条消息和原始文件发给维护人员；"
                         "也可以先把表格另存为 Excel 工作簿（.xlsx）或 CSV 再试。") from None


# Extensions that promise a format: a text file under one of them was renamed or is damaged.
_SUFFIX_FORMATS = {".xlsx": "xlsx", ".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html"}


def _renamed(document: Document) -> str:
    expected = _SUFFIX_FORMATS.get(document.path.suffix.lower())
    if expected is None or expected == document.format:
        return ""
    return (f"文件名是 {document.path.suffix}，内容却是{FORMAT_NAMES[document.format]}，可能改过扩展名或文件已损坏，"
            f"请重新导出一份。")


def _no_header_message(path: Path) -> str:
    return (f"{path}：每个表格的前 {HEADER_SEARCH_ROWS} 行里都找不到表头。表头一行要有序号列"
            f"（{'、'.join(HEADERS['number'])}），还要有状态列（{'、'.join(HEADERS['status'])}）"
            f"或进展列（{'、'.join(HEADERS['text'])}）。在表头里写上这些列名再导入。")


def _header(table: Table) -> tuple[int, dict[int, str]] | None:
    """(index of the header row, column index -> sheet field), or None when the table has none."""
    for index, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]):
        fields = [header_field(cell.text) for cell in row]
        if "number" in fields and ("status" in fields or "text" in fields):
            return index, _columns(fields, table.rows[index + 1:])
    return None


def _columns(fields: list[str | None], data: list[list[Cell]]) -> dict[int, str]:
    """Each field from its first column; a 进展-named column of status words is the status."""
    columns: dict[int, str] = {}
    if "status" not in fields:
        status_column = next((i for i, name in enumerate(fields) if name == "text" and _mostly_status(data, i)), None)
        if status_column is not None:
            columns[status_column] = "status"
    for index, name in enumerate(fields):
        if name and index not in columns and name not in columns.values():
            columns[index] = name
    return columns


def _mostly_status(data: list[list[Cell]], index: int) -> bool:
    texts = [row[index].text.strip() for row in data if index < len(row) and row[index].text.strip()]
    return bool(texts) and sum(map_status(text) is not None for text in texts) * 2 >= len(texts)


def _continues(document: Document, before: Table, table: Table) -> bool:
    """A table without a header right after one with it, as wide: the same table after a page
    break (PDF), or split by a blank line (pasted text). Excel sheets are separate tables."""
    return document.format != "xlsx" and table.width == before.width


def _sheet_table(document: Document, table: Table, header_row: int, columns: dict[int, str]) -> SheetTable:
    header = table.rows[header_row]
    headers = {name: header[index].text for index, name in sorted(columns.items())}
    unused = [f"{_column_label(document, cell)}（{' '.join(cell.text.split())}）"
              for index, cell in enumerate(header) if index not in columns and cell.text.strip()]
    return SheetTable(_where(document, table, header[0]), headers, unused)


def _rows(document: Document, table: Table, rows: list[list[Cell]], columns: dict[int, str]) -> list[SheetRow]:
    """The rows with any text in them, each with its place in the file."""
    result = []
    for row in rows:
        if not any(cell.text.strip() for cell in row):
            continue
        values: dict[str, str] = {}
        labels: dict[str, str] = {}
        for index, name in columns.items():
            cell = row[index] if index < len(row) else None
            values[name] = _value(name, cell)
            labels[name] = f"{_column_label(document, cell)}（{FIELD_NAMES[name]}）" if cell else FIELD_NAMES[name]
        others = tuple(cell.text.strip() for index, cell in enumerate(row) if index not in columns and cell.text.strip())
        result.append(SheetRow(_where(document, table, row[0]), values, labels, others, _spanning(table, row)))
    return result


def _value(name: str, cell: Cell | None) -> str:
    if cell is None:
        return ""
    text = cell.text.strip()
    # A link cell that shows a title (佐证材料) and links to the page: the page is the evidence.
    if name == "url" and cell.links and not text.startswith("http"):
        return "\n".join(cell.links)
    return text


def _spanning(table: Table, row: list[Cell]) -> bool:
    """One merged cell over every filled place of the row (一、政策解读 across the table)."""
    origins = {table.origin(cell).position for cell in row if cell.text.strip()}
    return len(origins) == 1 and sum(1 for cell in row if cell.text.strip()) > 1


def _where(document: Document, table: Table, cell: Cell) -> str:
    """The row as staff find it: by line in CSV and text, by sheet or table and row elsewhere."""
    position = cell.position
    if document.format in ("csv", "text") and position.line is not None:
        return f"第 {position.line} 行"
    return f"{_table_name(document, table)}第 {position.row} 行"


def _table_name(document: Document, table: Table) -> str:
    if table.sheet is not None:
        return f"工作表“{table.sheet}”"
    if document.format in ("csv", "text"):
        first = table.rows[0][0].position.line if table.rows else None
        return f"第 {first} 行起的表格" if first is not None else "表格"
    page = f"第 {table.page} 页" if table.page is not None else ""
    return f"{page}第 {table.index} 个表格"


def _column_label(document: Document, cell: Cell) -> str:
    """"B 列" in Excel, "第 2 列" elsewhere."""
    column = cell.position.column or 0
    return f"{_letters(column)} 列" if document.format == "xlsx" else f"第 {column} 列"


def _letters(column: int) -> str:
    """1 -> A, 27 -> AA: Excel's column names."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
