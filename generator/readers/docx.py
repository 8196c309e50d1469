"""Word .docx: body tables (merged cells resolved) and the paragraphs between them, in order."""
from __future__ import annotations

import io
from pathlib import Path

import docx
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph

from generator.readers import Cell, Document, Paragraph, Position, ReadError, Table

CANNOT_OPEN = ("文件有密码保护或已损坏，打不开。如有密码，请先取消密码再导入；"
               "否则请用 Word 或 WPS 打开后重新“另存为”→“Word 文档（*.docx）”。")


def read(path: Path, raw: bytes) -> Document:
    try:
        word = docx.Document(io.BytesIO(raw))
    except Exception:  # python-docx raises many kinds (KeyError, PackageNotFoundError, XML errors)
        raise ReadError(path, CANNOT_OPEN) from None
    document = Document(path, "docx")
    paragraph_number = 0
    for order, block in enumerate(word.iter_inner_content(), start=1):
        if isinstance(block, DocxParagraph):
            paragraph_number += 1
            if block.text.strip():
                document.paragraphs.append(_paragraph(block, Position(path, paragraph=paragraph_number), order))
        else:
            index = len(document.tables) + 1
            document.tables.append(Table(_grid(block, path, index), index=index, order=order))
    return document


def _paragraph(block: DocxParagraph, position: Position, order: int) -> Paragraph:
    style = block.style.name if block.style is not None else None
    return Paragraph(block.text, position, order, style=style, numbered=_numbered(block))


def _numbered(block: DocxParagraph) -> bool:
    """Automatic numbering, set on the paragraph or inherited from its style chain."""
    if block._p.pPr is not None and block._p.pPr.numPr is not None:
        return True
    style, seen = block.style, 0
    while style is not None and seen < 20:  # a style loop in a broken file must not hang
        p_pr = style.element.pPr
        if p_pr is not None and p_pr.numPr is not None:
            return True
        style, seen = style.base_style, seen + 1
    return False


def _grid(table: DocxTable, path: Path, index: int) -> list[list[Cell]]:
    """Rows of Cells; python-docx repeats a merged cell (same <w:tc>) at every grid place it covers."""
    # Keyed by the <w:tc> element itself (not its id): holding it keeps lxml from reusing the proxy.
    origins: dict[object, tuple[int, int]] = {}  # <w:tc> -> first grid place
    texts: dict[object, str] = {}
    links: dict[object, tuple[str, ...]] = {}
    rows: list[list[Cell]] = []
    for r, row in enumerate(table.rows, start=1):
        cells: list[Cell] = []
        start = row.grid_cols_before
        for c in range(1, start + 1):  # Word rows may start after the first grid column
            cells.append(Cell("", Position(path, table=index, row=r, column=c)))
        for c, docx_cell in enumerate(row.cells, start=start + 1):
            key = docx_cell._tc
            if key not in origins:
                origins[key] = (r, c)
                texts[key] = cell_text(docx_cell)
                links[key] = tuple(link.url for paragraph in docx_cell.paragraphs
                                   for link in paragraph.hyperlinks if link.url)
            origin = origins[key]
            cells.append(Cell(texts[key], Position(path, table=index, row=r, column=c),
                              None if origin == (r, c) else origin, links[key]))
        rows.append(cells)
    width = max((len(cells) for cells in rows), default=0)
    for r, cells in enumerate(rows, start=1):
        cells.extend(Cell("", Position(path, table=index, row=r, column=c))
                     for c in range(len(cells) + 1, width + 1))
    return rows


def cell_text(docx_cell) -> str:
    """The cell's paragraphs joined with "\\n"; a nested table becomes one line per row."""
    parts: list[str] = []
    for block in docx_cell.iter_inner_content():
        if isinstance(block, DocxParagraph):
            parts.append(block.text)
        else:
            parts.extend(_nested_lines(block))
    # Word needs a paragraph in every cell and after a nested table: drop those empty ends.
    while parts and not parts[-1]:
        parts.pop()
    while parts and not parts[0]:
        parts.pop(0)
    return "\n".join(parts)


def _nested_lines(table: DocxTable) -> list[str]:
    """A table inside a cell: each row's distinct cells joined by a space."""
    lines = []
    for row in table.rows:
        cells = row.cells  # held, so the <w:tc> proxies (and their ids) stay alive
        seen: set[int] = set()
        texts = []
        for docx_cell in cells:
            if id(docx_cell._tc) not in seen:
                seen.add(id(docx_cell._tc))
                texts.append(cell_text(docx_cell).replace("\n", " "))
        lines.append(" ".join(text for text in texts if text))
    return lines
