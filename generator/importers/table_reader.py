"""Interpreter strategy 1: a grid of cells (Word/Excel/CSV/web/PDF table, or pipe rows of text).

The header row(s) give each column a role; without a header the roles come from the cells'
content. A data row shorter than the header lost merged cells in the export: its cells are
aligned to the columns they fit best, leading merged (category) columns being the ones to skip.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from generator.importers import headers as H
from generator.importers.base import Note, RawTask
from generator.importers.plan_builder import PlanBuilder, heading_level, line_of, units_fields
from generator.readers import Cell, Table

# Cost of skipping a column in the middle of a row (a merged cell the export left out).
_SKIP_COST = {H.CATEGORY: 0.3, H.NUMBER: 1.0, H.REMARK: 1.0, H.STATUS: 1.0, None: 1.0,
              H.DEADLINE: 2.0, H.UNITS: 2.0, H.LEAD: 2.0, H.COOPERATING: 2.0, H.REQUIREMENT: 5.0}
_NOTE_START = ("说明", "备注", "注：", "注:", "注 ")
_ROLE_NAMES = {H.NUMBER: "序号", H.REQUIREMENT: "任务内容", H.CATEGORY: "任务类别", H.UNITS: "责任单位",
               H.LEAD: "牵头单位", H.COOPERATING: "配合单位", H.DEADLINE: "完成时限", H.REMARK: "备注",
               H.STATUS: "完成情况"}


@dataclass
class Layout:
    roles: list[str | None]  # one per column
    header_rows: int  # rows taken by the header (0 when classified by content)
    header_texts: list[str]


def clean(cell: Cell) -> str:
    return cell.text.strip().strip("|").strip()


def header_roles(texts: list[str]) -> list[str | None] | None:
    """Roles of a header row, or None when the row is not a header."""
    roles = [H.header_role(t) if t else None for t in texts]
    found = [r for r in roles if r]
    filled = [t for t in texts if t]
    if len(found) < 2 or len(found) * 2 < len(filled):
        return None
    if not any(r in (H.REQUIREMENT, H.CATEGORY) for r in found) or not any(
            r in (H.UNITS, H.LEAD, H.COOPERATING, H.DEADLINE, H.NUMBER) for r in found):
        return None
    return roles


def _resolve_requirement(roles: list[str | None]) -> list[str | None]:
    """The finest task column is the requirement; coarser task columns left of it are categories."""
    strong = [i for i, r in enumerate(roles) if r == H.REQUIREMENT]
    weak = [i for i, r in enumerate(roles) if r == H.CATEGORY]
    chosen = strong[-1] if strong else (weak[-1] if weak else None)
    return [H.REQUIREMENT if i == chosen else (H.CATEGORY if r in (H.REQUIREMENT, H.CATEGORY) else r)
            for i, r in enumerate(roles)]


def find_layout(table: Table) -> Layout | None:
    texts = [[clean(c) for c in row] for row in table.rows]
    for index, row in enumerate(texts[:8]):
        roles = header_roles(row)
        if roles is None:
            continue
        used = 1
        if index + 1 < len(texts):  # a second header row: sub-headers under a merged cell
            below = [H.header_role(t) if t else None for t in texts[index + 1]]
            if any(below) and all(r for r, t in zip(below, texts[index + 1]) if t):
                roles = [b or r for r, b in zip(roles, below)]
                used = 2
        labels = [" ".join(t for t in dict.fromkeys(col) if t) for col in zip(*texts[index:index + used])]
        roles, labels = _align_header(roles, labels, texts[index + used:], table.width)
        return Layout(_fill_unlabeled(_resolve_requirement(roles), texts[index + used:]), index + used, labels)
    return _content_layout(texts)


def _align_header(roles: list[str | None], row: list[str], data: list[list[str]],
                  width: int) -> tuple[list[str | None], list[str]]:
    """A header row that lost its first cells (printed right-aligned over the data): pick the
    placement of its labels that fits the full-width data rows best."""
    labels = [r for r, t in zip(roles, row) if t]
    last = max((i for i, t in enumerate(row) if t), default=-1)
    if last + 1 >= width or len(labels) != last + 1:
        return roles, row
    pad = width - len(labels)
    right = [None] * pad + labels
    full = _full_rows(data, width)
    if not full:
        return roles, row
    score = lambda rs: sum(H.fit(role, H.kind(t)) for r in full for role, t in zip(rs, r) if role)  # noqa: E731
    if score(right) > score(roles):
        return right, [""] * pad + row[: len(labels)]
    return roles, row


def _full_rows(data: list[list[str]], width: int) -> list[list[str]]:
    """Data rows with every cell filled: the ones whose columns no merged cell has shifted."""
    return [r for r in data if len(r) >= width and all(r[:width])]


def _fill_unlabeled(roles: list[str | None], data: list[list[str]]) -> list[str | None]:
    """Unlabeled columns (the 序号 column often has no label; 备注 may hold dates) by content."""
    result = list(roles)
    rows = _full_rows(data, len(roles)) or data
    requirement = roles.index(H.REQUIREMENT) if H.REQUIREMENT in roles else len(roles)
    for col, role in enumerate(roles):
        if role not in (None, H.REMARK):
            continue
        kinds = [H.kind(r[col]) for r in rows if col < len(r) and r[col]]
        if not kinds:
            continue
        top = max(set(kinds), key=kinds.count)
        if kinds.count(top) * 2 <= len(kinds):
            continue
        if top == H.DEADLINE_KIND and H.DEADLINE not in roles:
            result[col] = H.DEADLINE
        elif role is None and top == H.NUMBER_KIND and H.NUMBER not in roles:
            result[col] = H.NUMBER
        elif role is None and top in (H.HEADING, H.TEXT) and col < requirement:
            result[col] = H.CATEGORY  # an unlabeled section column left of the requirements
    return result


def _content_layout(texts: list[list[str]]) -> Layout | None:
    """No header: a column is what most of its cells are; needs a text column and a units column."""
    if len(texts) < 2:
        return None
    width = max(len(r) for r in texts)
    roles: list[str | None] = []
    for col in range(width):
        kinds = [H.kind(r[col]) for r in texts if col < len(r) and r[col]]
        top = max(set(kinds), key=kinds.count) if kinds else H.EMPTY
        roles.append({H.NUMBER_KIND: H.NUMBER, H.UNITS_KIND: H.UNITS, H.DEADLINE_KIND: H.DEADLINE,
                      H.LONG: H.REQUIREMENT, H.TEXT: H.CATEGORY, H.HEADING: H.CATEGORY}.get(top))
    if H.REQUIREMENT not in roles or H.UNITS not in roles:
        return None
    return Layout(_resolve_requirement(roles), 0, [""] * width)


def align(cells: list[Cell], roles: list[str | None]) -> dict[int, Cell]:
    """Column index -> cell. A full row maps one to one; a shorter one (trailing cells empty)
    keeps the order of its cells and skips the columns that fit it best to skip."""
    filled = [i for i, c in enumerate(cells) if clean(c)]
    used = cells[: filled[-1] + 1] if filled else []
    width = len(roles)
    if len(used) >= width:
        return dict(enumerate(cells[:width]))
    kinds = [H.kind(c.text) for c in used]
    best, best_score = None, float("-inf")
    for columns in combinations(range(width), len(used)):
        score = sum(H.fit(roles[col], k) for col, k in zip(columns, kinds))
        skipped = [c for c in range(columns[-1] if columns else 0) if c not in columns]
        score -= sum(_SKIP_COST[roles[c]] for c in skipped)
        if score > best_score:
            best, best_score = columns, score
    return dict(zip(best or (), used))


class TableReader:
    def __init__(self, table: Table, layout: Layout, builder: PlanBuilder) -> None:
        self.table, self.layout, self.builder = table, layout, builder
        self.roles = layout.roles
        self.previous: RawTask | None = None

    def col(self, role: str) -> int | None:
        return self.roles.index(role) if role in self.roles else None

    def read(self) -> None:
        self._report_ignored()
        for row in self.table.rows[self.layout.header_rows:]:
            self._row(row)

    def _report_ignored(self) -> None:
        if not self.layout.header_rows:
            return
        line = line_of(self.table.rows[0][0].position)
        for col, role in enumerate(self.roles):
            label = self.layout.header_texts[col] if col < len(self.layout.header_texts) else ""
            if role in (H.STATUS, H.REMARK) or (role is None and label):
                self.builder.skip(line, label or f"第{col + 1}列",
                                  f"“{label}”列不是任务内容（{_ROLE_NAMES.get(role, '未识别的列')}），导入时没有读取；如有需要请手工补到计划里。")

    def _row(self, row: list[Cell]) -> None:
        texts = [clean(c) for c in row]
        line = line_of(row[0].position)
        filled = [t for t in texts if t]
        if not filled:
            return
        if header_roles(texts) is not None:
            return  # the header reprinted after a page break
        if filled[0].startswith(_NOTE_START):
            self.builder.skip(line, filled[0], "说明文字，不是任务。")
            return
        if len(set(filled)) == 1 and self._is_section(filled[0], row):
            self.builder.set_heading(filled[0])
            return
        cells = align(row, self.roles)
        value = {self.roles[c]: cell for c, cell in cells.items() if self.roles[c]}
        requirement = value.get(H.REQUIREMENT)
        if H.CATEGORY in value and clean(value[H.CATEGORY]):
            self._category(clean(value[H.CATEGORY]))
        if requirement is None or not clean(requirement):
            self._no_requirement(row, texts, line)
            return
        if self._continuation(value, line):
            return
        self._task(requirement, value, line)

    def _is_section(self, text: str, row: list[Cell]) -> bool:
        spans = sum(1 for c in row if c.merged_from is not None) >= len(row) - 1 > 0
        return spans or heading_level(text) > 0 or H.kind(text) in (H.TEXT, H.HEADING)

    def _category(self, text: str) -> None:
        if heading_level(text):
            self.builder.set_heading(text)
        else:
            self.builder.category = text

    def _no_requirement(self, row: list[Cell], texts: list[str], line: int) -> None:
        leftover = [t for t, c in zip(texts, row) if t and H.kind(t) not in (H.NUMBER_KIND,)]
        if leftover and not all(t == self.builder.category or t in self.builder.headings.values() for t in leftover):
            self.builder.skip(line, " | ".join(leftover), "这一行没有任务内容（要求）格，无法归入任务，请核对。")

    def _continuation(self, value: dict[str, Cell], line: int) -> bool:
        """A row holding only requirement text with no number, under a task cut mid-sentence."""
        number = value.get(H.NUMBER)
        others = [value.get(r) for r in (H.UNITS, H.LEAD, H.DEADLINE)]
        if (self.previous is None or self.col(H.NUMBER) is None or (number is not None and clean(number))
                or any(c is not None and clean(c) for c in others)
                or self.previous.text.endswith(H._SENTENCE_END)):
            return False
        text = clean(value[H.REQUIREMENT])
        if H.number_prefix(text)[0] is not None:
            return False
        self.builder.skip(line, text, f"像是上一项任务（第{self.previous.number}项）要求的续行（分页断开），没有并入，请人工合并。")
        self.previous.notes.append(Note("text", f"要求可能在第{line}行续写（分页断开），请核对是否完整。"))
        return True

    def _task(self, requirement: Cell, value: dict[str, Cell], line: int) -> None:
        number_cell = value.get(H.NUMBER)
        number_text = clean(number_cell) if number_cell else ""
        number = int(number_text.rstrip(".．、")) if H.kind(number_text) == H.NUMBER_KIND else None
        tasks = self.builder.add(clean(requirement), line_of(requirement.position), number)
        for task in tasks:
            self._units(task, value)
            self._deadline(task, value)
        self.previous = tasks[-1]

    def _carried(self, cell: Cell | None) -> bool:
        return cell is None or not clean(cell) or (cell.merged_from is not None and cell.merged_from[0] != cell.position.row)

    def _units(self, task: RawTask, value: dict[str, Cell]) -> None:
        lead, units, coop = value.get(H.LEAD), value.get(H.UNITS), value.get(H.COOPERATING)
        if lead is not None and clean(lead):
            task.lead_units_text = clean(lead)
        if units is not None and clean(units):
            task.units_text, framed_lead, notes = units_fields(clean(units))
            task.lead_units_text = task.lead_units_text or framed_lead
            task.notes += notes
        if coop is not None and clean(coop):
            if task.units_text is None:
                task.units_text = clean(coop)
            task.notes.append(Note("units_text", f"配合单位列印的是“{clean(coop)}”，请把这些单位的角色改为配合（cooperating）。"))
        if task.units_text is None and task.lead_units_text is None and self.previous is not None and (
                self.col(H.UNITS) is not None or self.col(H.LEAD) is not None):
            prev = self.previous
            task.units_text, task.lead_units_text = prev.units_text, prev.lead_units_text
            if prev.units_text or prev.lead_units_text:
                task.notes.append(Note("units_text", f"源表此格为空（合并单元格），沿用第{prev.number}项任务（第{prev.line}行）的责任单位。"))

    def _deadline(self, task: RawTask, value: dict[str, Cell]) -> None:
        cell = value.get(H.DEADLINE)
        if cell is not None and clean(cell):
            task.deadline_text = clean(cell)
            if self.layout.header_texts and "备注" in self.layout.header_texts[self.col(H.DEADLINE)]:
                task.notes.append(Note("deadline_text", "完成时限印在“备注”列，按时限读入。"))
            return
        prev = self.previous
        if self.col(H.DEADLINE) is not None and prev is not None and prev.deadline_text and self._carried(cell) and (
                cell is not None and cell.merged_from is not None):
            task.deadline_text = prev.deadline_text
            task.notes.append(Note("deadline_text", f"源表此格为合并单元格，沿用第{prev.number}项任务（第{prev.line}行）的完成时限。"))
