"""The general table case: a grid of cells (Word/Excel/CSV/web/PDF table, or pipe rows of text).

The header row(s) give each column a role; without a header the roles come from the cells'
content. A data row shorter than the header lost merged cells in the export: its cells are
aligned to the columns they fit best, leading merged (category) columns being the ones to skip.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import combinations

from generator.importers import headers as H
from generator.importers.base import Note, RawTask
from generator.importers.plan_builder import UNITS_FIELDS, PlanBuilder, heading_level, line_of, units_fields
from generator.readers import Cell, Table

# Cost of skipping a column in the middle of a row (a merged cell the export left out).
_SKIP_COST = {H.CATEGORY: 0.3, H.NUMBER: 1.0, H.REMARK: 1.0, H.STATUS: 1.0, H.OTHER: 1.0, None: 1.0,
              H.DEADLINE: 2.0, H.UNITS: 2.0, H.LEAD: 2.0, H.COOPERATING: 2.0, H.REQUIREMENT: 5.0}
_NOTE_START = ("说明", "备注", "注：", "注:", "注 ")
# "标题：" / "发布机构:" / "索 引 号": the label cells of a page's document-information form.
_FORM_LABEL = re.compile(r"^[^\s:：|]{1,6}[:：]$|^(?:索\s*引\s*号|发布机构|发文日期|文\s*号|成文日期|主题分类)$")


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


def is_form(texts: list[list[str]]) -> bool:
    """A page's document-information form ("标题： | …", "发布机构： | …"), not a task table:
    most rows open with a label cell."""
    rows = [[t for t in row if t] for row in texts]
    rows = [r for r in rows if r and not set("".join(r)) <= set("-:| ")]  # "---|---|" rules are not rows
    labelled = [r for r in rows if _FORM_LABEL.match(r[0])]
    return len(labelled) >= 2 and len(labelled) * 2 > len(rows)


def find_layout(table: Table) -> Layout | None:
    texts = [[clean(c) for c in row] for row in table.rows]
    if is_form(texts):
        return None
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
        data = texts[index + used:]
        resolved = _sentences_right_of_titles(_resolve_requirement(roles), data, weak=H.REQUIREMENT not in roles)
        return Layout(_fill_unlabeled(resolved, data), index + used, labels)
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


def _sentences_right_of_titles(roles: list[str | None], data: list[list[str]], *, weak: bool) -> list[str | None]:
    """A header whose only task word is a coarse one (重点任务) over short titles, with a column
    of sentences right of it under a word the header does not know (主要问题): the sentences are
    the requirements, the titles their category."""
    if not weak or H.REQUIREMENT not in roles:
        return roles
    chosen = roles.index(H.REQUIREMENT)
    rows = _full_rows(data, len(roles)) or data

    def kinds(col: int) -> list[str]:
        return [H.kind(r[col]) for r in rows if col < len(r) and r[col]]

    titles = kinds(chosen)
    if not titles or sum(k in (H.TEXT, H.HEADING) for k in titles) * 2 <= len(titles):
        return roles  # the task column holds the sentences itself
    for col in range(chosen + 1, len(roles)):
        found = kinds(col)
        if roles[col] is None and found and found.count(H.LONG) * 2 > len(found):
            return [H.CATEGORY if i == chosen else H.REQUIREMENT if i == col else r for i, r in enumerate(roles)]
    return roles


def _fill_unlabeled(roles: list[str | None], data: list[list[str]]) -> list[str | None]:
    """Unlabeled columns (the 序号 column often has no label; 备注 may hold dates) by content."""
    result = list(roles)
    rows = _full_rows(data, len(roles)) or data
    requirement = roles.index(H.REQUIREMENT) if H.REQUIREMENT in roles else len(roles)
    for col, role in enumerate(roles):
        if role not in (None, H.REMARK, H.CATEGORY):
            continue
        kinds = [H.kind(r[col]) for r in rows if col < len(r) and r[col]]
        if not kinds:
            continue
        top = max(set(kinds), key=kinds.count)
        if kinds.count(top) * 2 <= len(kinds):
            continue
        if role == H.CATEGORY:
            if top == H.NUMBER_KIND and H.NUMBER not in result:
                result[col] = H.NUMBER  # bare numbers under a label printed over shifted columns: the 序号
            continue
        if top == H.DEADLINE_KIND and H.DEADLINE not in roles:
            result[col] = H.DEADLINE
        elif role is None and top == H.NUMBER_KIND and H.NUMBER not in roles:
            result[col] = H.NUMBER
        elif role is None and top in (H.HEADING, H.TEXT) and col < requirement:
            result[col] = H.CATEGORY  # an unlabeled section column left of the requirements
    return result


def _content_layout(texts: list[list[str]]) -> Layout | None:
    """No header: a column is what most of its cells are, read in the fullest rows (the rows
    that lost merged cells are shifted); needs a text column and a units column."""
    if len(texts) < 2:
        return None
    width = max(len(r) for r in texts)
    most = max(sum(1 for t in r if t) for r in texts)
    rows = [r for r in texts if sum(1 for t in r if t) == most]
    roles: list[str | None] = []
    for col in range(width):
        kinds = [H.kind(r[col]) for r in rows if col < len(r) and r[col]]
        top = max(set(kinds), key=kinds.count) if kinds else H.EMPTY
        roles.append({H.NUMBER_KIND: H.NUMBER, H.UNITS_KIND: H.UNITS, H.DEADLINE_KIND: H.DEADLINE,
                      H.LONG: H.REQUIREMENT, H.TEXT: H.CATEGORY, H.HEADING: H.CATEGORY}.get(top))
    if H.REQUIREMENT not in roles or H.UNITS not in roles:
        return None
    roles = _longest_requirement(roles, rows)
    return Layout(_group_number(roles, rows), 0, [""] * width)


def _longest_requirement(roles: list[str | None], texts: list[list[str]]) -> list[str | None]:
    """Several long-text columns and no header: the requirement is the column with the longest
    texts; one left of it is a category (the task's group), one right of it a remark or target
    (工作标准 "公开率达100%") that is not read."""
    long_cols = [c for c, r in enumerate(roles) if r == H.REQUIREMENT]
    if len(long_cols) < 2:
        return roles
    mean = {c: sum(len(r[c]) for r in texts if c < len(r)) / max(1, sum(1 for r in texts if c < len(r) and r[c]))
            for c in long_cols}
    chosen = max(long_cols, key=lambda c: mean[c])
    return [r if c not in long_cols or c == chosen else (H.CATEGORY if c < chosen else H.OTHER)
            for c, r in enumerate(roles)]


def _group_number(roles: list[str | None], texts: list[list[str]]) -> list[str | None]:
    """A number column just left of a category column numbers the category when the requirement
    cells print numbers of their own ("12.…"): the tasks take those, the column is not read."""
    if H.NUMBER not in roles or H.REQUIREMENT not in roles:
        return roles
    number, requirement = roles.index(H.NUMBER), roles.index(H.REQUIREMENT)
    cells = [r[requirement] for r in texts if requirement < len(r) and r[requirement]]
    own = [t for t in cells if H.number_prefix(t)[0] is not None]
    if number + 1 < len(roles) and roles[number + 1] == H.CATEGORY and own and len(own) * 2 > len(cells):
        return [None if c == number else r for c, r in enumerate(roles)]
    return roles


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
        self.grid_row = 0  # 1-based row of the table being read, in the grid's terms (Cell.merged_from)

    def col(self, role: str) -> int | None:
        return self.roles.index(role) if role in self.roles else None

    def read(self) -> None:
        self._report_ignored()
        for self.grid_row, row in enumerate(self.table.rows, start=1):
            if self.grid_row > self.layout.header_rows:
                self._row(row)

    def _report_ignored(self) -> None:
        """Columns that hold no part of a task (完成情况, 备注, a target column, unknown ones), for review."""
        for col, role in enumerate(self.roles):
            label = self.layout.header_texts[col] if col < len(self.layout.header_texts) else ""
            if role == H.OTHER or self.layout.header_rows and (role in (H.STATUS, H.REMARK) or (role is None and label)):
                self.builder.ignore_column(label or f"第{col + 1}列")

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
        for col, cell in sorted(cells.items()):  # outer heading columns first: 一、… then （一）…
            if self.roles[col] == H.CATEGORY and clean(cell):
                self._category(clean(cell))
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
            self.builder.set_category(text)

    def _no_requirement(self, row: list[Cell], texts: list[str], line: int) -> None:
        leftover = [t for t, c in zip(texts, row) if t and H.kind(t) not in (H.NUMBER_KIND,)]
        if leftover and not all(t in self.builder.section() for t in leftover):
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

    def _from_above(self, cell: Cell | None) -> bool:
        """A copy of a cell merged down from a row above (Word, Excel, web): not printed in this row."""
        return cell is not None and cell.merged_from is not None and cell.merged_from[0] < self.grid_row

    def _units(self, task: RawTask, value: dict[str, Cell]) -> None:
        """The row's 牵头/责任/配合 cells. A cell merged down from a row above is carried from the
        row that printed it; when all are empty (a text export drops merged cells), all are."""
        cells = dict(zip(UNITS_FIELDS, map(value.get, (H.UNITS, H.LEAD, H.COOPERATING))))
        texts = {name: clean(cell) if cell is not None else "" for name, cell in cells.items()}
        merged = [name for name, text in texts.items() if text and self.previous is not None
                  and self._from_above(cells[name]) and self.builder.has_above(name)]
        printed = {name: text for name, text in texts.items() if text and name not in merged}
        if not printed and not merged:
            if self.previous is not None and any(self.col(r) is not None for r in (H.UNITS, H.LEAD, H.COOPERATING)):
                for name in UNITS_FIELDS:
                    self.builder.carry(task, name, say_if_none=False)
            return
        if "units_text" in printed:
            task.units_text, framed_lead, notes = units_fields(printed["units_text"])
            task.lead_units_text = task.lead_units_text or framed_lead
            task.notes += notes
        task.lead_units_text = printed.get("lead_units_text") or task.lead_units_text
        task.cooperating_units_text = printed.get("cooperating_units_text")
        for name in UNITS_FIELDS:  # the row's units group is what empty rows below repeat
            if name not in merged:
                self.builder.remember(name, getattr(task, name), task.number, task.line)
        for name in merged:
            self.builder.carry(task, name)

    def _deadline(self, task: RawTask, value: dict[str, Cell]) -> None:
        cell = value.get(H.DEADLINE)
        if cell is not None and cell.merged_from is not None and self.previous is not None and (
                self._from_above(cell) or not clean(cell)):
            if self.builder.carry(task, "deadline_text", say_if_none=False):  # a merged cell, copied or left empty
                return
        if cell is not None and clean(cell):
            self.builder.cell(task, "deadline_text", clean(cell), task.line)
            if self.layout.header_texts and "备注" in self.layout.header_texts[self.col(H.DEADLINE)]:
                task.notes.append(Note("deadline_text", "完成时限印在“备注”列，按时限读入。"))
