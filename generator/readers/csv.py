"""CSV/TSV: one table; encoding UTF-8 (BOM or not) or GB18030; delimiter sniffed; quoted newlines kept."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from generator.readers import Cell, Document, Position, ReadError, Table, decode_text

DELIMITERS = ",\t;|"


def sniff_delimiter(text: str) -> str:
    """The delimiter among , tab ; | that splits the first records most consistently."""
    sample = text[:16384]
    try:
        return csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    best, best_score = ",", -1
    for delimiter in DELIMITERS:
        rows = [row for row in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter) if row][:20]
        widths = [len(row) for row in rows]
        if not widths or max(widths) < 2:
            continue
        # Most rows with the same width > 1 wins; ties go to the earlier (commoner) delimiter.
        score = max(widths.count(w) for w in set(widths) if w > 1)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def read(path: Path, raw: bytes) -> Document:
    text = decode_text(raw, path)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []  # (first line, fields)
    line = 1
    try:
        for fields in reader:
            if any(field.strip() for field in fields):
                records.append((line, fields))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ReadError(path, f"第 {reader.line_num} 行格式有误（{exc}），请用 Excel 或 WPS 打开后重新另存为 CSV。") from None
    document = Document(path, "csv")
    if records:
        width = max(len(fields) for _, fields in records)
        rows = [[Cell(fields[c - 1].replace("\r\n", "\n") if c <= len(fields) else "",
                      Position(path, table=1, row=r, column=c, line=first_line))
                 for c in range(1, width + 1)]
                for r, (first_line, fields) in enumerate(records, start=1)]
        document.tables.append(Table(rows, index=1, order=1))
    return document
