"""Plain or pasted text (.txt, .md, no extension): rows split on tabs or pipes, other lines paragraphs.

A row needs a separator between two pieces of text: a line that only starts with tabs (the
one-cell-per-line exports of the seed plans), or a lone "|" line between cells of a web export,
is a paragraph kept verbatim, so the interpreter still sees the indent, the separators and the
empty cells. Consecutive rows form one table; any
other line ends it.
"""
from __future__ import annotations

import re
from pathlib import Path

from generator.readers import Cell, Document, Paragraph, Position, Table, decode_text

LONE_PIPES = re.compile(r"^\s*\|[|\s]*$")
MARKDOWN_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


def read(path: Path, raw: bytes) -> Document:
    decoded = decode_text(raw, path)
    lines = decoded.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    split = _pipe_cells if _mostly_pipes(lines) else _tab_cells
    document = Document(path, "text", text=decoded)
    pending: list[tuple[int, list[str]]] = []  # (line number, cells) of the table being read
    between: list[tuple[int, str]] = []  # lone "|" lines after a row: row separators if a row follows
    for number, line in enumerate(lines, start=1):
        if MARKDOWN_RULE.match(line) and "-" in line and split is _pipe_cells:
            continue  # the |---|---| line under a Markdown header row
        cells = split(line)
        if cells is not None:
            pending.append((number, cells))
            between = []
            continue
        if pending and LONE_PIPES.match(line):
            between.append((number, line))
            continue
        _close_table(document, pending)
        pending = []
        for separator_number, separator in between:
            _add_paragraph(document, separator, separator_number)
        between = []
        if line:
            _add_paragraph(document, line, number)
    _close_table(document, pending)
    for separator_number, separator in between:
        _add_paragraph(document, separator, separator_number)
    return document


def _add_paragraph(document: Document, line: str, number: int) -> None:
    order = len(document.tables) + len(document.paragraphs) + 1
    document.paragraphs.append(Paragraph(line, Position(document.path, line=number), order))


def _mostly_pipes(lines: list[str]) -> bool:
    filled = [line for line in lines if line.strip()]
    return bool(filled) and sum("|" in line for line in filled) * 2 > len(filled)


def _tab_cells(line: str) -> list[str] | None:
    return line.split("\t") if "\t" in line.strip("\t ") else None


def _pipe_cells(line: str) -> list[str] | None:
    stripped = line.strip()
    if "|" not in stripped:
        return None
    if stripped.startswith("|"):
        stripped = stripped[1:]
    if stripped.endswith("|") and not stripped.endswith("\\|"):
        stripped = stripped[:-1]
    if not re.search(r"(?<!\\)\|", stripped):
        return None  # "|" alone or "| text |": a separator line or one cell per line, not a row
    return [cell.strip().replace("\\|", "|") for cell in re.split(r"(?<!\\)\|", stripped)]


def _close_table(document: Document, pending: list[tuple[int, list[str]]]) -> None:
    if not pending:
        return
    index = len(document.tables) + 1
    width = max(len(cells) for _, cells in pending)
    rows = [[Cell(cells[c - 1] if c <= len(cells) else "",
                  Position(document.path, table=index, row=r, column=c, line=number))
             for c in range(1, width + 1)]
            for r, (number, cells) in enumerate(pending, start=1)]
    order = len(document.tables) + len(document.paragraphs) + 1
    document.tables.append(Table(rows, index=index, order=order))
