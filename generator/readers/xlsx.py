"""Excel .xlsx: every sheet with content is one table; merged ranges resolved; values as shown text."""
from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from generator.readers import Cell, Document, Position, ReadError, Table

CANNOT_OPEN = ("文件有密码保护或已损坏，打不开。如有密码，请先取消密码再导入；"
               "否则请用 Excel 或 WPS 打开后重新“另存为”→“Excel 工作簿（*.xlsx）”。")


def read(path: Path, raw: bytes) -> Document:
    try:
        # read_only=False: merged ranges are only known in the normal mode.
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=False, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, IndexError):
        raise ReadError(path, CANNOT_OPEN) from None
    document = Document(path, "xlsx")
    for sheet in book.worksheets:
        rows = _grid(sheet, path, len(document.tables) + 1)
        if rows:
            index = len(document.tables) + 1
            document.tables.append(Table(rows, index=index, order=index, sheet=sheet.title))
    return document


def value_text(value: object) -> str:
    """The value as staff see it: 3.0 -> "3", dates -> YYYY-MM-DD, Windows line ends -> "\\n"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time(0) else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return str(value).replace("\r\n", "\n").replace("\r", "\n").replace("_x000D_", "")


def _bounds(sheet: Worksheet, origins: dict[tuple[int, int], tuple[int, int, int, int]]) -> tuple[int, int, int, int] | None:
    """(first row, first column, last row, last column) of the cells with text, merges included."""
    places = [(cell.row, cell.column) for row in sheet.iter_rows() for cell in row
              if value_text(cell.value).strip()]
    for (row, column), (_, _, last_row, last_column) in origins.items():
        if value_text(sheet.cell(row, column).value).strip():
            places.append((last_row, last_column))
    if not places:
        return None
    rows = [r for r, _ in places]
    columns = [c for _, c in places]
    return min(rows), min(columns), max(rows), max(columns)


def _grid(sheet: Worksheet, path: Path, index: int) -> list[list[Cell]]:
    """The sheet's used area; row/column in each Position are the sheet's own (1-based)."""
    merged = {(m.min_row, m.min_col): (m.min_row, m.min_col, m.max_row, m.max_col)
              for m in sheet.merged_cells.ranges}
    bounds = _bounds(sheet, merged)
    if bounds is None:
        return []
    top, left, bottom, right = bounds
    covered: dict[tuple[int, int], tuple[int, int]] = {}  # sheet place -> its merge origin
    for (row, column), (_, _, last_row, last_column) in merged.items():
        for r in range(row, last_row + 1):
            for c in range(column, last_column + 1):
                covered[(r, c)] = (row, column)
    rows: list[list[Cell]] = []
    for r in range(top, bottom + 1):
        cells = []
        for c in range(left, right + 1):
            origin = covered.get((r, c), (r, c))
            text = value_text(sheet.cell(*origin).value)
            # merged_from is in grid terms (1-based within this table), like every other reader.
            grid_origin = None if origin == (r, c) else (origin[0] - top + 1, origin[1] - left + 1)
            if grid_origin is not None and (grid_origin[0] < 1 or grid_origin[1] < 1):
                grid_origin = None  # origin outside the used area (empty merge start): treat as plain
            link = sheet.cell(*origin).hyperlink
            links = (link.target,) if link is not None and link.target else ()
            cells.append(Cell(text, Position(path, sheet=sheet.title, table=index, row=r, column=c), grid_origin,
                              links))
        rows.append(cells)
    return rows
