"""Readers: a government's task-table file (Word, Excel, CSV, web page, PDF, text) -> one `Document`.

Every reader gives the same intermediate form, so one table interpreter can serve every format:
tables as rectangular grids of cells (merged cells resolved, each copy pointing at its origin),
and the paragraphs outside tables, each with where it came from. Readers interpret nothing.

`read_document(path)` picks the reader from the file's bytes first (zip with word/ or xl/ inside,
%PDF, OLE2) and only then from the extension; bad inputs raise `ReadError` with a Chinese
message that names the file and says what to do.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

FORMATS = ("docx", "xlsx", "csv", "html", "pdf", "text")
SUPPORTED = "Word（.docx）、Excel（.xlsx）、CSV（.csv）、网页（.html）、带文字层的 PDF（.pdf）、纯文本（.txt/.md）"


class ReadError(Exception):
    """The file cannot be read; the message (Chinese) names the file and says what to do."""

    def __init__(self, path: Path, message: str):
        self.path = path
        super().__init__(f"{path}：{message}")


@dataclass(frozen=True)
class Position:
    """Where a cell or paragraph is in the source file; fields that do not apply are None.

    row/column are 1-based places in the file's own terms: the sheet row and column for Excel,
    the record and field for CSV, the row and column of the table's grid elsewhere.
    """

    file: Path
    page: int | None = None  # PDF page
    sheet: str | None = None  # Excel sheet name
    table: int | None = None  # 1-based table number within the document
    row: int | None = None
    column: int | None = None
    line: int | None = None  # line in a text, CSV or HTML source
    paragraph: int | None = None  # Word body paragraph number

    def describe(self) -> str:
        """Chinese location for messages, e.g. "a.pdf 第2页 第1个表格 第3行第4列"."""
        parts = [str(self.file)]
        if self.sheet is not None:
            parts.append(f"工作表“{self.sheet}”")
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.table is not None:
            parts.append(f"第{self.table}个表格")
        if self.line is not None:
            parts.append(f"第{self.line}行（文件行号）")
        if self.paragraph is not None:
            parts.append(f"第{self.paragraph}段")
        if self.row is not None and self.column is not None:
            parts.append(f"第{self.row}行第{self.column}列")
        return " ".join(parts)


@dataclass(frozen=True)
class Cell:
    text: str  # verbatim; paragraph breaks inside the cell kept as "\n"
    position: Position
    # (row, column), 1-based in the table grid, of the cell this one is a merged copy of;
    # None for an origin or an unmerged cell. Lets the interpreter tell "same as above" from a repeat.
    merged_from: tuple[int, int] | None = None
    # Link targets in the cell (an Excel cell's hyperlink, <a href>, a Word or PDF link): a
    # 佐证材料 cell of a progress table often shows a title and links to the page.
    links: tuple[str, ...] = ()


@dataclass
class Table:
    rows: list[list[Cell]]  # rectangular
    index: int  # 1-based number of the table in the document
    order: int  # place among the document's tables and paragraphs (reading order)
    page: int | None = None
    sheet: str | None = None

    @property
    def width(self) -> int:
        return len(self.rows[0]) if self.rows else 0

    def texts(self) -> list[list[str]]:
        return [[cell.text for cell in row] for row in self.rows]

    def origin(self, cell: Cell) -> Cell:
        """The cell a merged copy came from (the cell itself when not a copy)."""
        if cell.merged_from is None:
            return cell
        row, column = cell.merged_from
        return self.rows[row - 1][column - 1]


@dataclass(frozen=True)
class Paragraph:
    text: str
    position: Position
    order: int  # place among the document's tables and paragraphs (reading order)
    style: str | None = None  # Word paragraph style, e.g. "Heading 1", "List Number"
    numbered: bool = False  # Word automatic numbering (the number itself is not in `text`)


@dataclass
class Document:
    path: Path
    format: str  # one of FORMATS
    tables: list[Table] = field(default_factory=list)
    paragraphs: list[Paragraph] = field(default_factory=list)
    # A text source's decoded text, line endings as in the file: layouts printed one cell a line
    # are cut out of its lines, and a cell that runs over lines is sliced from it verbatim.
    text: str | None = None

    @property
    def title(self) -> str | None:
        """A guess: the first paragraph with a letter or digit in it (not a lone "|" separator)."""
        for paragraph in self.paragraphs:
            if any(ch.isalnum() for ch in paragraph.text):
                return paragraph.text.strip()
        return None

    @property
    def is_empty(self) -> bool:
        return not any(p.text.strip() for p in self.paragraphs) and not any(
            cell.text.strip() for table in self.tables for row in table.rows for cell in row)


class GridBuilder:
    """Places cells with row/column spans into a rectangular grid (HTML table model).

    Each spanned position gets a copy of the origin's text with `merged_from` set;
    missing positions at the end of short rows become empty cells.
    """

    def __init__(self) -> None:
        self._grid: dict[tuple[int, int], tuple[str, tuple[int, int] | None, dict, tuple[str, ...]]] = {}

    def occupied(self, row: int, column: int) -> bool:
        return (row, column) in self._grid

    def next_free(self, row: int, column: int) -> int:
        while (row, column) in self._grid:
            column += 1
        return column

    def place(self, row: int, column: int, text: str, rowspan: int = 1, colspan: int = 1,
              links: tuple[str, ...] = (), **where: object) -> None:
        """Put a cell whose top-left is (row, column), 1-based; `where` adds Position fields."""
        for r in range(row, row + max(rowspan, 1)):
            for c in range(column, column + max(colspan, 1)):
                if (r, c) in self._grid:  # overlapping spans: the first one wins, as in browsers
                    continue
                origin = None if (r, c) == (row, column) else (row, column)
                self._grid[(r, c)] = (text, origin, dict(where), links)

    def build(self, path: Path, **where: object) -> list[list[Cell]]:
        """The grid as rows of Cells; `where` (page, sheet, table) goes into every Position."""
        if not self._grid:
            return []
        height = max(r for r, _ in self._grid)
        width = max(c for _, c in self._grid)
        rows: list[list[Cell]] = []
        for r in range(1, height + 1):
            row: list[Cell] = []
            for c in range(1, width + 1):
                text, origin, own, links = self._grid.get((r, c), ("", None, {}, ()))
                fields = {"row": r, "column": c, **where, **own}
                row.append(Cell(text, Position(path, **fields), origin, links))
            rows.append(row)
        return rows


def decode_text(raw: bytes, path: Path) -> str:
    """Text files from Chinese offices: UTF-8 (with or without BOM), UTF-16 with BOM, or GB18030."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            pass
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError(path, "无法识别文件编码。请用记事本或 WPS 把文件另存为 UTF-8 编码后再导入。")


def read_document(path: Path) -> Document:
    """Read any supported file into a Document; raises ReadError for anything else."""
    from generator.readers import sniff  # local: sniff imports the readers, which import this module

    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ReadError(path, f"无法读取文件（{exc.strerror or exc}）。请确认文件存在且有读取权限。") from None
    if not raw.strip():
        raise ReadError(path, "文件是空的。请确认选对了文件，或重新导出一份。")
    document = sniff.reader_for(path, raw)(path, raw)
    if document.is_empty:
        raise ReadError(path, "文件里没有找到表格，也没有文字。请确认选对了文件；"
                              "如果是扫描件或图片，请先用文字识别（OCR）软件转成文字。")
    return document
