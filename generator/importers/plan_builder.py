"""The shared end of every layout case: tasks found so far, sections, carried cells, unplaced text.

Every case (a seed layout, the table reader, the paragraph-sequence reader) cuts rows and cells
out of its layout and hands them to one `PlanBuilder`, so the section path, the numbering, the
carried (merged) cells and their notes are written the same way whatever the layout.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.importers.base import Note, RawTask, Unplaced, section_key
from generator.importers.headers import HEADING_RE, number_prefix
from generator.readers import Position

# A verb of two characters after 牵头 / 按职责分工 ("牵头推进", "按职责分工实施"), not a noun that
# makes a label or a name of them ("牵头单位", "牵头领导", "牵头小组").
ROLE_VERB = r"(?!单位|部门|科室|处室|领导|责任|小组|专班|机构)[\u4e00-\u9fff]{2}"
# "…牵头落实" / "…分别负责落实": the framing words around a units phrase (04, 05 in the corpus),
# and "…牵头推进" / "…按职责分工实施".
_LEAD_FRAME = re.compile(rf"^(?P<units>.+?)(?:分别)?牵头(?:落实|负责|{ROLE_VERB})?$")
_DUTY_FRAME = re.compile(rf"^(?P<units>.+?)(?:分别)?(?:(?:按职责分工|按职能分工|按职责|按职能)?负责(?:落实)?|"
                         rf"(?:按职责分工|按职能分工){ROLE_VERB})$")
_INNER_ITEM = re.compile(r"(?:^|\n)\s*(\d{1,3})\s*[.．、](?!\d)")

CATEGORY_LEVEL = 3  # a 工作任务-like cell above the rows: the innermost section
# The note on a value taken from a merged cell above. A case says how it cites that cell's row
# (`origin`), e.g. "第{number}号任务（源文件第{line}行）" or "序号{number}任务（第{line}行）".
CARRIED = "源表此格为空（合并单元格），沿用{origin}的{label}"
NOTHING_ABOVE = "源表此格为空，上方也没有可沿用的{label}"
LABELS = {"units_text": "责任单位", "lead_units_text": "牵头单位", "cooperating_units_text": "配合单位",
          "deadline_text": "完成时限"}
UNITS_FIELDS = ("units_text", "lead_units_text", "cooperating_units_text")


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


class Sections:
    """The section path in force. A title printed again (after a page break, with other
    punctuation or spacing) keeps its first printed form, and reprinting an outer title keeps
    the inner one open: the page break did not start a new section."""

    def __init__(self) -> None:
        self.open: dict[int, str] = {}  # level -> title, in its first printed form
        self.first_form: dict[tuple[str, ...], str] = {}

    def enter(self, title: str, level: int) -> str:
        outer = tuple(section_key(t) for k, t in sorted(self.open.items()) if k < level)
        form = self.first_form.setdefault(outer + (section_key(title),), title)
        if self.open.get(level) != form:
            self.open = {k: t for k, t in self.open.items() if k < level}
        self.open[level] = form
        return form

    def get(self, level: int) -> str | None:
        return self.open.get(level)

    def path(self) -> list[str]:
        return [self.open[k] for k in sorted(self.open)]


@dataclass
class Printed:
    """A cell value as printed in some row, kept to fill the merged cells below it."""

    value: str | None
    number: int
    line: int


@dataclass
class PlanBuilder:
    origin: str = "第{number}项任务（第{line}行）"  # how a carried-cell note cites the row it copies
    labels: dict[str, str] = field(default_factory=lambda: dict(LABELS))  # column names for notes
    tasks: list[RawTask] = field(default_factory=list)
    unplaced: list[Unplaced] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    sections: Sections = field(default_factory=Sections)
    above: dict[str, Printed] = field(default_factory=dict)  # field -> the last printed cell

    # --- sections ----------------------------------------------------------------------
    def set_heading(self, text: str, level: int | None = None) -> str:
        """Enter a section; its level is given by the layout's column, else read from 一、/（一）."""
        return self.sections.enter(text.strip(), level or heading_level(text) or 1)

    def set_category(self, text: str) -> None:
        self.sections.enter(text.strip(), CATEGORY_LEVEL)

    def section(self) -> list[str]:
        return self.sections.path()

    # --- tasks -------------------------------------------------------------------------
    def task(self, number: int, text: str, line: int) -> RawTask:
        """One task whose number and text the layout has cut out exactly. A number printed
        before (numbering that restarts under each heading) cannot tell tasks apart, and the task
        address is made from it: the task takes the next free number, with a note."""
        used = {t.number for t in self.tasks}
        renumbered = number in used
        made = RawTask(max(used) + 1 if renumbered else number, self.section(), text, line)
        if renumbered:
            made.notes.append(Note("number", f"原文序号“{number}”与前面的任务重复（序号在各标题下重新编起，或前面有没印序号的任务），"
                                             f"任务网址由序号决定，导入时按文中顺序编为第{made.number}项，请核对。"))
        self.tasks.append(made)
        return made

    def add(self, text: str, line: int, number: int | None = None) -> list[RawTask]:
        """One task per requirement, or several when the cell lists numbered items on separate
        lines ("6．…\n7．…"); the number prefix is taken off unless the items share one line."""
        items = self._split_items(text)
        made = []
        for offset, item in items:
            printed, length = number_prefix(item)
            inline_subitems = printed is not None and re.search(rf"[。；;]\s*{printed + 1}\s*[.．、]", item)
            body = item if inline_subitems or length == 0 else item[length:]
            task_number = (number if len(items) == 1 and number is not None else printed) or self.next_number()
            task = self.task(task_number, body.strip(), line + offset)
            if number is None and printed is None:
                task.notes.append(Note("number", "原文没有印序号，按任务在文中的顺序编号。"))
            made.append(task)
        if len(made) > 1:
            for task in made:
                task.notes.append(Note("text", f"源表一格里印了{len(made)}项编号任务，已拆成多项，共用本行的单位和时限。"))
        return made

    def next_number(self) -> int:
        """The number of a task the source prints without one: the next in document order."""
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

    # --- cells printed, and cells merged with the one above -------------------------------
    def remember(self, field_name: str, value: str | None, number: int, line: int) -> None:
        """A cell printed in row `number` (at `line`): merged cells below it will carry it."""
        self.above[field_name] = Printed(value, number, line)

    def cell(self, task: RawTask, field_name: str, value: str, line: int) -> None:
        """A cell printed in the task's own row."""
        setattr(task, field_name, value)
        self.remember(field_name, value, task.number, line)

    def has_above(self, *field_names: str) -> bool:
        """Whether a cell of one of these columns was printed above, to be carried."""
        return any(self.above.get(name) is not None and self.above[name].value is not None for name in field_names)

    def carry(self, task: RawTask, field_name: str, *, say_if_none: bool = True) -> bool:
        """An empty (merged) cell: take the value printed above, with a note saying from where."""
        above = self.above.get(field_name)
        label = self.labels.get(field_name, LABELS[field_name])
        if above is None or above.value is None:
            if say_if_none:
                task.notes.append(Note(field_name, NOTHING_ABOVE.format(label=label)))
            return False
        setattr(task, field_name, above.value)
        origin = self.origin.format(number=above.number, line=above.line)
        task.notes.append(Note(field_name, CARRIED.format(origin=origin, label=label)))
        return True

    # --- what is not a task --------------------------------------------------------------
    def skip(self, line: int, text: str, reason: str) -> None:
        self.unplaced.append(Unplaced(line, text.strip(), reason))

    def ignore_column(self, label: str) -> None:
        if label not in self.ignored_columns:
            self.ignored_columns.append(label)
