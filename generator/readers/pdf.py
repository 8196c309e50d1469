"""PDF with a text layer: each page's ruled tables and the text lines outside them.

A table that runs over several pages stays one table per page (each with its page number);
the interpreter joins them. Inside a cell, PDF cannot tell a wrapped line from a paragraph
break: a line is joined to the one above (with a space only between Latin letters) unless it
starts a numbered item (1．… 2、… （3）… 四、…), which keeps its own line.
"""
from __future__ import annotations

import io
import logging
import re
import unicodedata
from pathlib import Path

import pdfplumber
from pdfplumber.page import Page
from pdfplumber.table import Table as PlumberTable
from pdfplumber.utils import extract_text

from generator.readers import Document, GridBuilder, Paragraph, Position, ReadError, Table

NO_TEXT_LAYER = ("这个 PDF 没有文字层（可能是扫描件），请先用文字识别（OCR）软件转成文字，"
                 "或向发文单位要 Word/Excel 原件。")
PASSWORD = "这个 PDF 有密码保护，请先取消密码再导入，或向发文单位要 Word/Excel 原件。"
BROKEN = "这个 PDF 已损坏，打不开。请重新下载一份，或向发文单位要 Word/Excel 原件。"
TOLERANCE = 2.0  # points: cell edges closer than this are the same grid line

# PDFs made by Chromium, WPS and some Word versions map common characters (长, 门, 工, 大 ...) to CJK
# radical code points in their ToUnicode tables. The page shows the ideograph, so restore it:
# Kangxi radicals through NFKC, the simplified radicals supplement by Unicode's
# EquivalentUnifiedIdeograph table (the entries that stand for a whole character).
SIMPLIFIED_RADICALS = str.maketrans({
    "\u2ea0": "民", "\u2eb0": "纟", "\u2ec4": "西", "\u2ec5": "见", "\u2ec6": "角", "\u2ec8": "讠",
    "\u2ec9": "贝", "\u2ecb": "车", "\u2ed0": "钅", "\u2ed3": "长", "\u2ed4": "门", "\u2ed8": "青",
    "\u2ed9": "韦", "\u2eda": "页", "\u2edb": "风", "\u2edc": "飞", "\u2edd": "食", "\u2ee0": "饣",
    "\u2ee1": "首", "\u2ee2": "马", "\u2ee3": "骨", "\u2ee4": "鬼", "\u2ee5": "鱼", "\u2ee6": "鸟",
    "\u2ee7": "卤", "\u2ee8": "麦", "\u2ee9": "黄", "\u2eea": "黾", "\u2eec": "齐", "\u2eee": "齿",
    "\u2ef0": "龙", "\u2ef3": "龟",
})

# pdfminer logs a warning for every odd font descriptor; staff must not see that noise.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def restore_radicals(text: str) -> str:
    text = text.translate(SIMPLIFIED_RADICALS)
    if any("\u2f00" <= ch <= "\u2fd5" for ch in text):
        text = "".join(unicodedata.normalize("NFKC", ch) if "\u2f00" <= ch <= "\u2fd5" else ch for ch in text)
    return text


_ITEM_START = re.compile(r"^\s*(?:\d{1,3}\s*[．.、)）]|[（(]\s*[\d一二三四五六七八九十]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}、)")


def unwrap(text: str) -> str:
    """A cell's visual lines as the text they print: wrapped lines joined, items kept apart."""
    lines = [line.strip() for line in text.split("\n")]
    out = lines[0] if lines else ""
    for line in lines[1:]:
        if not line:
            continue
        if _ITEM_START.match(line):
            out += "\n" + line
        elif out and out[-1].isascii() and out[-1].isalpha() and line[0].isascii() and line[0].isalpha():
            out += " " + line  # a wrapped phrase in a Latin script: the line end was a space
        else:
            out += line  # Chinese, numbers, dates (2022-\n12-31): the line end was nothing
    return out


def read(path: Path, raw: bytes) -> Document:
    try:
        with pdfplumber.open(io.BytesIO(raw)) as pdf:
            if not any(page.chars for page in pdf.pages):
                raise ReadError(path, NO_TEXT_LAYER)
            document = Document(path, "pdf")
            for number, page in enumerate(pdf.pages, start=1):
                _read_page(page, number, document)
            return document
    except ReadError:
        raise
    except Exception as exc:  # pdfminer raises many kinds for broken or encrypted files
        raise ReadError(path, PASSWORD if "password" in repr(exc).lower() else BROKEN) from None


def _read_page(page: Page, number: int, document: Document) -> None:
    """Add the page's tables and lines to `document`, in top-to-bottom order."""
    found = page.find_tables()
    outside = page
    for table in found:
        outside = outside.outside_bbox(table.bbox, strict=False)
    items: list[tuple[float, object]] = [(line["top"], restore_radicals(line["text"])) for line in outside.extract_text_lines()]
    items += [(table.bbox[1], table) for table in found]
    line_number = 0
    for _, item in sorted(items, key=lambda pair: pair[0]):
        order = len(document.tables) + len(document.paragraphs) + 1
        if isinstance(item, PlumberTable):
            index = len(document.tables) + 1
            rows = _grid(item, page, document.path, number, index)
            if rows:
                document.tables.append(Table(rows, index=index, order=order, page=number))
        elif str(item).strip():
            line_number += 1
            document.paragraphs.append(Paragraph(str(item), Position(document.path, page=number, line=line_number),
                                                 order))


def _grid_lines(values: list[float]) -> list[float]:
    """Distinct grid lines: edges within TOLERANCE of each other are one line."""
    lines: list[float] = []
    for value in sorted(values):
        if not lines or value - lines[-1] > TOLERANCE:
            lines.append(value)
    return lines


def _nearest(lines: list[float], value: float) -> int:
    return min(range(len(lines)), key=lambda i: abs(lines[i] - value))


def _grid(table: PlumberTable, page: Page, path: Path, page_number: int, index: int):
    """Place each cell by its box: a box over several grid lines is a merged cell."""
    xs = _grid_lines([x for cell in table.cells for x in (cell[0], cell[2])])
    ys = _grid_lines([y for cell in table.cells for y in (cell[1], cell[3])])
    grid = GridBuilder()
    uris = [link for link in page.hyperlinks if link.get("uri")]
    for x0, top, x1, bottom in sorted(table.cells, key=lambda c: (c[1], c[0])):
        first_col, last_col = _nearest(xs, x0), _nearest(xs, x1)
        first_row, last_row = _nearest(ys, top), _nearest(ys, bottom)
        chars = [char for char in page.chars
                 if x0 <= (char["x0"] + char["x1"]) / 2 <= x1 and top <= (char["top"] + char["bottom"]) / 2 <= bottom]
        links = tuple(str(link["uri"]) for link in uris if x0 <= (link["x0"] + link["x1"]) / 2 <= x1
                      and top <= (link["top"] + link["bottom"]) / 2 <= bottom)
        grid.place(first_row + 1, first_col + 1, unwrap(restore_radicals(extract_text(chars).strip())),
                   max(last_row - first_row, 1), max(last_col - first_col, 1), links=links)
    return grid.build(path, page=page_number, table=index)
