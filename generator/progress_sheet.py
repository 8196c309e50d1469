"""Read a unit's progress spreadsheet (.xlsx, or .csv in UTF-8 / UTF-8 with BOM / GB18030).

Units keep progress in their own tables, each laid out a little differently: a title row (often
a merged cell) above the header, 序号 or 编号, 状态 or 完成情况, 进展 or 工作进展 … The header row
is found by its words (HEADERS, compared without spaces and bracketed notes), wherever it is in
the first rows. Every row below it is returned with its row number, so that whatever cannot be
imported can be named by row and column in the review.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.readers import ReadError, decode_text

MAX_BYTES = 10 * 1024 * 1024  # a unit's table is a few hundred KB
MAX_ROWS = 5000
HEADER_SEARCH_ROWS = 20

# Sheet field -> header words that name it (after normalize_header).
HEADERS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "序號", "编号", "任务序号", "任务编号"),
    "status": ("状态", "进展状态", "完成情况", "完成状态"),
    "text": ("进展", "进展情况", "工作进展", "完成情况说明", "进展说明", "工作进展情况"),
    "url": ("佐证链接", "佐证材料链接", "链接", "佐证网址"),
    "title": ("佐证材料名称", "佐证材料标题", "佐证标题"),
    "date": ("报送日期", "日期", "填报日期"),
    "reporter": ("报送单位", "填报单位"),
    "responsible": ("责任单位",),
    "reason": ("调整原因", "原因"),
}
FIELD_NAMES = {"number": "序号", "status": "状态", "text": "进展", "url": "佐证链接", "title": "佐证材料名称",
               "date": "报送日期", "reporter": "报送单位", "responsible": "责任单位", "reason": "调整原因"}

# Status words in the sheets -> REPORT_STATUSES.
STATUS_WORDS = {
    "已完成": "已完成", "完成": "已完成", "已办结": "已完成",
    "推进中": "推进中", "正在推进": "推进中", "进行中": "推进中", "正在进行": "推进中", "持续推进": "推进中",
    "未启动": "未启动", "未开始": "未启动", "尚未启动": "未启动",
    "常态推进": "常态推进", "长期": "常态推进", "常态": "常态推进", "长期坚持": "常态推进", "常态化推进": "常态推进",
    "已调整": "已调整", "调整": "已调整", "取消": "已调整", "已取消": "已调整", "合并": "已调整", "已合并": "已调整",
}

_BRACKETS = re.compile(r"[（(【\[][^）)】\]]*[）)】\]]")
_SPACES = re.compile(r"[\s\u3000]+")
_URL_SPLIT = re.compile(r"[\s，,；;、]+")


class SheetError(Exception):
    """The file cannot be read as a progress table; the message (Chinese) says why and what to do."""


@dataclass(frozen=True)
class SheetRow:
    line: int  # row number as the spreadsheet program shows it (CSV: the line)
    cells: dict[str, str]  # sheet field -> cell text ("" when empty)
    labels: dict[str, str] = field(default_factory=dict)  # sheet field -> "B 列（序号）"

    def get(self, name: str) -> str:
        return self.cells.get(name, "")

    def column(self, name: str) -> str:
        return self.labels.get(name, "")

    def is_note(self) -> bool:
        """A row that is no report: a section heading, 填报人/联系电话, a remark under the table."""
        return not any(self.get(k) for k in ("status", "text", "url")) and parse_number(self.get("number")) is None


@dataclass
class Sheet:
    path: Path
    header_line: int
    headers: dict[str, str]  # sheet field -> header as written
    rows: list[SheetRow]


def normalize_header(text: str) -> str:
    """序  号 / 进展情况（限200字）/ *状态： -> 序号 / 进展情况 / 状态."""
    return _SPACES.sub("", _BRACKETS.sub("", str(text))).strip("*：:")


def header_field(text: str) -> str | None:
    word = normalize_header(text)
    return next((name for name, words in HEADERS.items() if word in words), None)


def map_status(word: str | None) -> str | None:
    """已完成 / 完成 -> 已完成, 进行中 -> 推进中 ...; None when the word is not known."""
    return STATUS_WORDS.get(normalize_header(word or ""))


def parse_number(cell: str | None) -> int | None:
    """23, 23.0, "23", "第23项", "（23）" -> 23; None for anything else."""
    text = _SPACES.sub("", str(cell or ""))
    match = re.fullmatch(r"第?[（(]?(\d{1,5})(?:\.0+)?[）)]?[项.、]?", text)
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def parse_date(cell: str | None) -> str:
    """2022-06-30, 2022/6/30, 2022.6.30, 2022年6月30日 -> "2022-06-30"; other text is kept as
    written, for the validator to name."""
    text = _SPACES.sub("", str(cell or ""))
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if not match:
        return text
    year, month, day = (int(g) for g in match.groups())
    return f"{year:04d}-{month:02d}-{day:02d}"


def split_urls(cell: str | None) -> list[str]:
    """A 链接 cell may hold several links, one a line or separated by punctuation."""
    return [part for part in _URL_SPLIT.split(str(cell or "").strip()) if part]


def read_sheet(path: Path) -> Sheet:
    """The header and data rows of a progress table; SheetError (Chinese) when it cannot be read."""
    path = Path(path)
    if not path.is_file():
        raise SheetError(f"{path}：找不到这个文件。检查文件名和路径。")
    if path.stat().st_size > MAX_BYTES:
        raise SheetError(f"{path}：文件太大（超过 {MAX_BYTES // 1024 // 1024} MB），不像是一张进展表。检查是否选错了文件。")
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        grids = _xlsx_grids(path)
    elif suffix == ".csv":
        grids = [_csv_grid(path)]
    elif suffix in (".xls", ".et", ".wps"):
        raise SheetError(f"{path}：不能直接读取 {suffix} 格式。请在 Excel 或 WPS 里“另存为” .xlsx（Excel 工作簿）或 CSV（UTF-8）后再导入。")
    else:
        raise SheetError(f"{path}：只能导入 .xlsx 或 .csv 文件。")
    for grid in grids:
        sheet = _find_table(path, grid)
        if sheet:
            return sheet
    wanted = "、".join(HEADERS["number"]) + " 和 " + "、".join(HEADERS["status"] + HEADERS["text"])
    raise SheetError(f"{path}：前 {HEADER_SEARCH_ROWS} 行里找不到表头。表头一行要有序号列（{'、'.join(HEADERS['number'])}），"
                     f"还要有状态列或进展列（{'、'.join(HEADERS['status'] + HEADERS['text'])}）。"
                     f"在表头里写上这些列名之一再导入。（可识别：{wanted}）")


# A grid: (row number, [(column label, cell text, hyperlink target or ""), ...]) for every row.
Grid = list[tuple[int, list[tuple[str, str, str]]]]


def _xlsx_grids(path: Path) -> list[Grid]:
    import openpyxl  # imported here: only this command needs it
    from openpyxl.utils import get_column_letter

    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SheetError(f"{path}：无法作为 Excel 工作簿打开（{exc}）。在 Excel 或 WPS 里打开后另存为 .xlsx 再试。") from None
    grids = []
    for sheet in workbook.worksheets:
        if sheet.max_row > MAX_ROWS:
            raise SheetError(f"{path}：工作表“{sheet.title}”有 {sheet.max_row} 行，超过上限 {MAX_ROWS} 行。删掉表格下面的空行或无关内容再导入。")
        merged = _merged_values(sheet)
        grid: Grid = []
        for row in sheet.iter_rows():
            cells = []
            for cell in row:
                value = merged.get((cell.row, cell.column), cell.value)
                link = getattr(cell, "hyperlink", None)
                target = link.target if link is not None and link.target else ""
                cells.append((f"{get_column_letter(cell.column)} 列", _cell_text(value), target))
            grid.append((row[0].row if row else 0, cells))
        grids.append(grid)
    return grids


def _merged_values(sheet: Any) -> dict[tuple[int, int], Any]:
    """Every cell of a merged range shows the range's value (a 责任单位 cell merged over rows)."""
    values = {}
    for cell_range in sheet.merged_cells.ranges:
        value = sheet.cell(cell_range.min_row, cell_range.min_col).value
        for row in range(cell_range.min_row, cell_range.max_row + 1):
            for col in range(cell_range.min_col, cell_range.max_col + 1):
                values[(row, col)] = value
    return values


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_grid(path: Path) -> Grid:
    try:
        text = decode_text(path.read_bytes(), path)
    except ReadError:
        raise SheetError(f"{path}：无法识别文件编码。请在 Excel 里“另存为”→“CSV UTF-8（逗号分隔）”后再导入。") from None
    delimiter = "\t" if text.count("\t") > text.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid: Grid = []
    line = 1
    try:
        for row in reader:
            grid.append((line, [(f"第 {i + 1} 列", cell.strip(), "") for i, cell in enumerate(row)]))
            line = reader.line_num + 1
            if len(grid) > MAX_ROWS:
                raise SheetError(f"{path}：超过上限 {MAX_ROWS} 行。删掉无关内容再导入。")
    except csv.Error as exc:
        raise SheetError(f"{path} 第 {line} 行：CSV 格式错误（{exc}）。在 Excel 里打开后重新另存为 CSV。") from None
    return grid


def _find_table(path: Path, grid: Grid) -> Sheet | None:
    for position, (line, cells) in enumerate(grid[:HEADER_SEARCH_ROWS]):
        columns: dict[int, str] = {}
        headers: dict[str, str] = {}
        for index, (_, text, _link) in enumerate(cells):
            name = header_field(text)
            if name and name not in headers:
                columns[index] = name
                headers[name] = text
        if "number" in headers and ("status" in headers or "text" in headers):
            rows = [_row(row_line, row_cells, columns) for row_line, row_cells in grid[position + 1:]]
            return Sheet(path, line, headers, [r for r in rows if any(r.cells.values())])
    return None


def _row(line: int, cells: list[tuple[str, str, str]], columns: dict[int, str]) -> SheetRow:
    values: dict[str, str] = {}
    labels: dict[str, str] = {}
    for index, name in columns.items():
        label, text, link = cells[index] if index < len(cells) else ("", "", "")
        # A link cell that shows a title (佐证材料) and links to the page: the page is the evidence.
        values[name] = link if name == "url" and link and not text.startswith("http") else text
        labels[name] = f"{label}（{FIELD_NAMES[name]}）" if label else FIELD_NAMES[name]
    return SheetRow(line, values, labels)
