"""Layout parsers for source text exports; `detect_layout` picks the one that fits."""
from __future__ import annotations

from types import ModuleType

from generator.importers import lead_columns, numbered_cells, tab_cells, tsv_rows, web_notice

# Each module has detect(text) -> bool and parse(text) -> RawPlan.
LAYOUTS: dict[str, ModuleType] = {
    "tab_cells": tab_cells,  # one tab-indented cell per line, 序号 first (长清区 2022)
    "web_notice": web_notice,  # a web page: metadata, notice, table without 序号 (任城区 2023)
    "tsv_rows": tsv_rows,  # tab-separated rows with a header per page (历城区 2023)
    "numbered_cells": numbered_cells,  # several numbered tasks per cell, no deadline (濠江区 2022)
    "lead_columns": lead_columns,  # 牵头单位 and 责任单位 columns (上虞区 2022)
}


# When no seed layout accepts a source, the table interpreter reads it whatever its format
# (generator/importers/interpret.py: `interpret(read_document(path))`).
FALLBACK_LAYOUT = "interpret"


def detect_layout(text: str) -> list[str]:
    """Names of every layout whose detector accepts the text (normally exactly one)."""
    return [name for name, module in LAYOUTS.items() if module.detect(text)]
