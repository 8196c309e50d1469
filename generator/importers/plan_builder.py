"""Shared state of one interpretation: tasks found so far, sections, unplaced passages.

Both interpreter strategies (tables, and paragraph sequences) feed one `PlanBuilder`, so the
numbering, the carried values and their notes are written the same way whatever the layout.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.importers.base import Note, RawTask, Unplaced
from generator.importers.headers import HEADING_RE, number_prefix
from generator.readers import Position

# "…牵头落实" / "…分别负责落实": the framing words around a units phrase (04, 05 in the corpus).
_LEAD_FRAME = re.compile(r"^(?P<units>.+?)(?:分别)?牵头(?:落实|负责)?$")
_DUTY_FRAME = re.compile(r"^(?P<units>.+?)(?:分别)?负责(?:落实)?$")
_INNER_ITEM = re.compile(r"(?:^|\n)\s*(\d{1,3})\s*[.．、](?!\d)")


def line_of(position: Position) -> int:
    """The source line for RawTask.line: the text line, else the table row or paragraph number."""
    for value in (position.line, position.paragraph, position.row):
        if value:
            return value
    return 0


def units_fields(text: str) -> tuple[str | None, str | None, list[Note]]:
    """(units_text, lead_units_text, notes) from a printed units phrase, dropping framing words."""
    stripped = text.strip()
    lead = _LEAD_FRAME.match(stripped)
    if lead and not re.search(r"[，,；;]", stripped):
        name = lead.group("units")
        return None, name, [Note("lead_units_text", f"原文为“{stripped}”，取“{name}”为牵头单位。")]
    duty = _DUTY_FRAME.match(stripped)
    if duty and not re.search(r"[，,；;]", stripped):
        name = duty.group("units")
        return name, None, [Note("units_text", f"原文为“{stripped}”，取“{name}”为责任单位。")]
    return stripped, None, []


def heading_level(text: str) -> int:
    """1 for 一、/第一部分, 2 for （一）; 0 when the text is not a section heading."""
    match = HEADING_RE.match(text.strip())
    if not match:
        return 0
    return 2 if match.group(0)[0] in "(（" else 1


@dataclass
class PlanBuilder:
    tasks: list[RawTask] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    headings: dict[int, str] = field(default_factory=dict)  # level -> printed title
    category: str | None = None  # the 工作任务-like cell above the current rows

    def set_heading(self, text: str) -> None:
        level = heading_level(text) or 1
        self.headings = {k: v for k, v in self.headings.items() if k < level}
        self.headings[level] = text.strip()
        self.category = None

    def section(self) -> list[str]:
        titles = [self.headings[k] for k in sorted(self.headings)]
        return titles + ([self.category] if self.category else [])

    def add(self, text: str, line: int, number: int | None = None) -> list[RawTask]:
        """One task per requirement, or several when the cell lists numbered items on separate
        lines ("6．…\n7．…"); the number prefix is taken off unless the items share one line."""
        items = self._split_items(text)
        made = []
        for offset, item in items:
            printed, length = number_prefix(item)
            inline_subitems = printed is not None and re.search(rf"[。；;]\s*{printed + 1}\s*[.．、]", item)
            body = item if inline_subitems or length == 0 else item[length:]
            notes = []
            if number is None and printed is None:
                notes.append(Note("number", "原文没有印序号，按任务在文中的顺序编号。"))
            task_number = (number if len(items) == 1 and number is not None else printed) or self._next_number()
            task = RawTask(task_number, self.section(), body.strip(), line + offset, notes=notes)
            self.tasks.append(task)
            made.append(task)
        if len(made) > 1:
            for task in made:
                task.notes.append(Note("text", f"源表一格里印了{len(made)}项编号任务，已拆成多项，共用本行的单位和时限。"))
        return made

    def _next_number(self) -> int:
        return (self.tasks[-1].number + 1) if self.tasks else 1

    @staticmethod
    def _split_items(text: str) -> list[tuple[int, str]]:
        """(line offset, text) of each numbered item that starts its own line in the cell."""
        text = text.strip()
        starts = [m.start() + (1 if text[m.start()] == "\n" else 0) for m in _INNER_ITEM.finditer(text)]
        if len(starts) < 2 or starts[0] != 0:
            return [(0, text)]
        bounds = starts + [len(text)]
        return [(text[:bounds[i]].count("\n"), text[bounds[i]:bounds[i + 1]].strip())
                for i in range(len(starts))]

    def skip(self, line: int, text: str, reason: str) -> None:
        self.unplaced.append(Unplaced(line, text.strip(), reason))
