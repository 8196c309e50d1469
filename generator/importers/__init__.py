"""The import interpreter: a Document -> RawPlan (`interpret.interpret`), then a draft (`normalize`).

The seed layouts are cases of the one interpreter (generator/importers/interpret.py): each cuts
the rows and cells of one known text export out of its lines and feeds the shared PlanBuilder.
"""
from __future__ import annotations

from generator.importers import lead_columns, numbered_cells, tab_cells, tsv_rows, web_notice
from generator.importers.cases import Case
from generator.importers.lines import Lines

# Tried before the general table and paragraph cases; a source matches at most one.
LAYOUTS: dict[str, Case] = {case.name: case for case in (
    tab_cells.CASE,  # one tab-indented cell per line, 序号 first (长清区 2022)
    web_notice.CASE,  # a web page: metadata, notice, table without 序号 (任城区 2023)
    tsv_rows.CASE,  # tab-separated rows with a header per page (历城区 2023)
    numbered_cells.CASE,  # several numbered tasks per cell, no deadline (濠江区 2022)
    lead_columns.CASE,  # 牵头单位 and 责任单位 columns (上虞区 2022)
)}


def detect_layout(text: str) -> list[str]:
    """Names of every seed layout whose header the text shows (normally at most one)."""
    lines = Lines(text)
    return [name for name, case in LAYOUTS.items() if case.detect(lines)]
