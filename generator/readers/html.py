"""Saved web pages: every data table (rowspan/colspan resolved) and the text outside tables.

A table that holds another table is page layout, not data: its own text is read as paragraphs
and the inner tables as tables. Site chrome (nav, header, footer, script, style) is skipped.
"""
from __future__ import annotations

import re
from pathlib import Path

import lxml.html
from lxml import etree

from generator.readers import Document, GridBuilder, Paragraph, Position, ReadError, Table, decode_text

SKIPPED = {"nav", "header", "footer", "script", "style", "noscript", "template", "head", "iframe", "select",
           "button", "svg"}
BLOCKS = {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "section",
          "article", "main", "blockquote", "pre", "form", "fieldset", "figure", "figcaption", "address",
          "caption", "center", "hr", "tr", "table", "tbody", "thead", "tfoot", "body"}
META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_-]+)", re.IGNORECASE)
XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
MAX_SPAN = 1000  # a bad colspan="100000" must not build a huge grid


def decode_page(raw: bytes, path: Path) -> str:
    """The charset of the meta tag when it decodes the bytes, else UTF-8 / GB18030 by trial."""
    match = META_CHARSET.search(raw[:8192])
    if match:
        declared = match.group(1).decode("ascii").lower()
        if declared in ("gb2312", "gbk", "gb_2312-80", "x-gbk", "cp936"):
            declared = "gb18030"  # pages declared GB2312 routinely hold GBK/GB18030 characters
        try:
            return raw.decode(declared).removeprefix("\ufeff")
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(raw, path)


def read(path: Path, raw: bytes) -> Document:
    text = XML_DECLARATION.sub("", decode_page(raw, path))
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError):
        raise ReadError(path, "网页文件里没有内容。请在浏览器里打开原网页，用“另存为”→“网页，全部”重新保存。") from None
    walker = _Walker(path)
    walker.walk(root)
    walker.flush()
    return Document(path, "html", tables=walker.tables, paragraphs=walker.paragraphs)


class _Walker:
    """Walks the page in reading order, cutting text into paragraphs at block boundaries."""

    def __init__(self, path: Path):
        self.path = path
        self.tables: list[Table] = []
        self.paragraphs: list[Paragraph] = []
        self.order = 0
        self.buffer: list[str] = []
        self.buffer_line: int | None = None

    def walk(self, element: etree._Element) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag in SKIPPED:
            pass
        elif tag == "table" and not element.xpath(".//table"):
            self.flush()
            self._table(element)
        else:
            self._inside(element, tag)
        if element.tail:
            parent = element.getparent()
            self._text(element.tail, parent if parent is not None else element)

    def _inside(self, element: etree._Element, tag: str) -> None:
        if tag == "br":
            self.buffer.append("\n")
        elif tag in BLOCKS:
            self.flush()
        if tag and element.text:
            self._text(element.text, element)
        for child in element:
            self.walk(child)
        if tag in BLOCKS:
            self.flush()

    def _text(self, text: str, element: etree._Element) -> None:
        if self.buffer_line is None and text.strip():
            self.buffer_line = element.sourceline
        self.buffer.append(_source_text(text))

    def flush(self) -> None:
        """Close the current paragraph (one per line of text)."""
        text = _collapse("".join(self.buffer))
        line = self.buffer_line
        self.buffer, self.buffer_line = [], None
        for part in text.split("\n"):
            if part:
                self.order += 1
                self.paragraphs.append(Paragraph(part, Position(self.path, line=line), self.order))

    def _table(self, element: etree._Element) -> None:
        index = len(self.tables) + 1
        grid = GridBuilder()
        rows = [tr for tr in element.iter("tr")]
        for r, tr in enumerate(rows, start=1):
            column = 1
            for td in tr:
                if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                    continue
                column = grid.next_free(r, column)
                rowspan = _span(td.get("rowspan"))
                if rowspan == 0:  # rowspan="0": to the end of the table
                    rowspan = len(rows) - r + 1
                colspan = max(_span(td.get("colspan")), 1)
                grid.place(r, column, cell_text(td), rowspan, colspan, links=_links(td), line=td.sourceline)
                column += colspan
        cells = grid.build(self.path, table=index)
        if cells:
            self.order += 1
            self.tables.append(Table(cells, index=index, order=self.order))


def _links(td: etree._Element) -> tuple[str, ...]:
    """The cell's <a href> targets, page anchors and scripts left out."""
    hrefs = (str(href).strip() for href in td.xpath(".//a/@href"))
    return tuple(href for href in hrefs if href and not href.startswith(("#", "javascript:")))


def _span(value: str | None) -> int:
    try:
        return min(max(int((value or "1").strip()), 0), MAX_SPAN)
    except ValueError:
        return 1


def _collapse(text: str) -> str:
    """HTML whitespace rules: runs of spaces and source newlines are one space; <br> and blocks are "\\n"."""
    lines = text.replace("\r", "").split("\n")
    # Source newlines were turned into spaces by _source_text; remaining "\n" are breaks.
    return "\n".join(re.sub(r"[ \t\f\u00a0]+", " ", line).strip() for line in lines)


def cell_text(td: etree._Element) -> str:
    """The cell's text with <br> and block elements (<p>, <div>) as "\\n"."""
    parts: list[str] = []

    def walk(element: etree._Element) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag in SKIPPED:
            parts.append(_source_text(element.tail))
            return
        if tag == "br":
            parts.append("\n")
        elif tag in BLOCKS and element is not td:
            parts.append("\n")
        if tag:
            parts.append(_source_text(element.text))
        for child in element:
            walk(child)
        if tag in BLOCKS and element is not td:
            parts.append("\n")
        if element is not td:
            parts.append(_source_text(element.tail))

    walk(td)
    text = _collapse("".join(parts))
    return re.sub(r"\n{2,}", "\n", text).strip("\n")


def _source_text(text: str | None) -> str:
    """Newlines in the HTML source are only whitespace."""
    return (text or "").replace("\r", " ").replace("\n", " ")
