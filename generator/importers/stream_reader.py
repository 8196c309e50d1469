"""The general paragraph-sequence case: a table printed one cell a line, or a plan written as prose.

Text exports of web pages and Word files often put each cell on its own line ("|" lines or
blank lines between), or drop the table altogether: numbered task lines followed by
"牵头单位：…" lines, units lines such as "市发改委牵头落实", lines that open with the unit
("办公室  组织……"), or sentences with the units in brackets "（市交通委负责落实）". The cells are
read in order; what a text cell is (a category title or a requirement) is decided by what follows
it. Labels and role words are matched in simplified characters (責任單位 is 责任单位), and a label
typed with a semicolon for its colon ("（责任单位;…") is still a label; the texts kept stay as
printed. A label naming a person ("牵头负责领导：…") gives no unit: it is noted on the task. A
deadline printed without its label at the end of a units field ("责任单位：A、B，6月底完成") is
the task's deadline.

Prose also prints its units with no bracket after the sentence ("…动态更新。办公室牵头，各处室
配合"), or run on from it ("…等信息审批处牵头"); a short title line over a paragraph that ends in
its bracket is the item's section; a passage that a later item repeats word for word (a page's
teaser) is no task; "列第一位者为牵头单位，下同" makes the first unit of each bracket the lead.
Under a header printed one cell a line, rows after a printed units cell that print none up to
the next heading lie under that cell merged down, and carry it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.importers import headers as H
from generator.importers.base import Note, RawTask
from generator.importers.plan_builder import ROLE_VERB, UNITS_FIELDS, PlanBuilder, heading_level, units_fields

_LABEL_WORDS = (r"牵头责任单位|牵头单位|牵头部门|责任单位|责任部门|责任科室|落实单位|配合单位|协办单位|协同责任单位|协同单位|"
                r"协同部门|配合部门|完成时限|完成时间|时限要求|时间节点")
_LABEL = re.compile(rf"^(?P<label>{_LABEL_WORDS})\s*[:：]\s*(?P<value>.*)$", re.S)
# "（责任单位;住建局…）": a label word right after a bracket, a field separator or the line start,
# followed by a semicolon typed for its colon.
_LABEL_SEMICOLON = re.compile(rf"(?:^|(?<=[（(〔；;]))(\s*(?:{_LABEL_WORDS})\s*)[;；]")
# "牵头负责领导：金力。", "责任人：…": a label that names a person, not a unit.
_PERSON = re.compile(r"^(?P<label>(?:牵头负责|牵头|分管|责任|负责|联系|包保|挂点|协调)?(?:市|区|县|州|旗|镇)?领导|"
                     r"责任人|负责人|联系人)\s*[:：]\s*(?P<value>.*)$", re.S)
# One character, or a short bracket inside the units bracket: "各县(市、区)", pinyin "管理(lǐ)局".
_PART = r"(?:[^（）()]|[（(][^（）()]{0,30}[）)])"
# "列第一位者为牵头单位，下同": a note after the units of a bracket saying that the unit listed
# first leads, in this bracket and ("下同") in every later one.
_FIRST_LEADS = (r"[，,]\s*(?:列|排)(?:在)?(?:第一位|首位|第一)(?:者|的)?(?:单位)?为牵头单位"
                r"(?P<below>[，,]\s*下同)?")
_FIRST_LEADS_NOTE = re.compile(_FIRST_LEADS + r"\s*$")
# A list of units (no sentence punctuation) closed by 牵头 or 按职责分工 and a verb of two characters:
# "（市发改委牵头推进）", "（各县区按职责分工实施）" (not "（含牵头单位）").
_VERB_ROLE = rf"(?:[^（）()，,。；;：:]|[（(][^（）()]{{0,30}}[）)]){{2,160}}?(?:牵头|按职责分工|按职能分工){ROLE_VERB}"
# "（市交通委负责落实）", "（牵头单位：…；完成时限：…）", "（区发改局牵头，区财政局配合）", and the
# tortoise-shell kind "〔牵头单位：…，责任单位：…〕"
_INLINE = re.compile(rf"[（(〔](?P<body>{_PART}{{2,160}}?(?:负责落实|牵头落实|负责|牵头|配合|落实)(?:{_FIRST_LEADS})?|"
                     rf"{_VERB_ROLE}|(?:{_LABEL_WORDS})[:：]{_PART}{{1,200}})[）)〕]")
# Where the next labelled field of a bracket starts after a comma: "牵头单位：A，责任单位：B".
_NEXT_LABEL = re.compile(rf"\s*(?:{_LABEL_WORDS})\s*[:：]")
# The field a labelled value goes to, by the label's first two characters.
_LABEL_FIELDS = {"牵头": "lead_units_text", "责任": "units_text", "落实": "units_text", "配合": "cooperating_units_text",
                 "协办": "cooperating_units_text", "协同": "cooperating_units_text", "完成": "deadline_text",
                 "时限": "deadline_text", "时间": "deadline_text"}
_FOOTER = re.compile(r"^(抄送|印发|公开方式|附件[:：]|（此件|\(此件)")
_BOILERPLATE = re.compile(r"印发给你们|现印发|现将.{0,40}印发|请结合实际|请认真|遵照执行|贯彻执行")
# "办公室  组织、协调……": a unit's name, a gap of two spaces (or a tab), then its duties.
_UNIT_FIRST = re.compile(r"^(?P<unit>[^\s，,。；;：:]{2,20})(?:[ \u3000]{2,}|\t|\u3000)\s*(?P<text>\S.*)$", re.S)
# "…重点督办事项 1.加快…", "…通知如下：1.加快…": a task number inside a line, after a space or
# the end of a sentence or a colon (not "2.5%", not a number inside a word).
_NUMBER_INSIDE = re.compile(r"(?<=[\s。；;：:])(\d{1,3})\s*[.．、](?!\d)")
# "…如下: 一、重点督办事项 ": a heading printed inside a line, after a space, a colon or a sentence.
_HEADING_INSIDE = re.compile(r"(?:^|(?<=[\s。；;：:]))(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十]{1,3}[)）])")


@dataclass
class Item:
    text: str  # the cell text, whitespace and separator pipes trimmed (a substring of the line)
    line: int
    kind: str
    row_end: bool = False  # a line of pipes only ("||||"): a row of a one-cell-a-line table ends here
    wrapped: bool = False  # joined from lines a page wrapped (generator.importers.wraps)
    simple: str = field(init=False)  # the text as labels are matched (comparable), same length

    def __post_init__(self) -> None:
        self.simple = comparable(self.text)


def item_text(raw: str) -> str:
    return raw.strip().strip("|").strip()


def is_row_end(raw: str) -> bool:
    """"||" / "||||": the pipes that close a row whose last cells (merged ones) were left out."""
    stripped = raw.strip()
    return len(stripped) >= 2 and set(stripped) == {"|"}


def comparable(text: str) -> str:
    """The text as labels are matched: simplified characters (責任單位 is 责任单位), and a label
    followed by a semicolon typed for its colon read with the colon. Same length as `text`, so a
    match slices the printed text at the same places."""
    return _LABEL_SEMICOLON.sub(lambda m: m.group(1) + "：", H.simplify(text))


def inline_units(text: str) -> re.Match[str] | None:
    """The first bracket naming units or a deadline in a sentence, matched in simplified characters
    (positions are those of `text`)."""
    return _INLINE.search(comparable(text))


def label_line(text: str) -> re.Match[str] | None:
    """"责任单位：…" / "責任單位：…", matched in simplified characters."""
    return _LABEL.match(comparable(text))


def split_deadline(value: str) -> tuple[str, str | None]:
    """A units field whose last part, after a comma, is a deadline the deadline grammar reads
    ("A、B,6月底完成"): (the units, the deadline), both as printed; else (value, None)."""
    parts = H.split_outside_brackets(value, ",，;；")
    last = parts[-1].strip()
    if len(parts) < 2 or not H.is_deadline(last) or H.is_units(last):
        return value, None
    return value[: len(value) - len(parts[-1]) - 1].strip(), last


def _units_and_deadline(fields: dict[str, str], notes: list[Note]) -> dict[str, str]:
    """The fields with an unlabelled deadline taken off the end of the last units field."""
    names = [n for n in fields if n in UNITS_FIELDS]
    if "deadline_text" in fields or not names:
        return fields
    units, deadline = split_deadline(fields[names[-1]])
    if deadline is None or not units:
        return fields
    notes.append(Note("deadline_text", f"“{deadline}”印在单位后面，没有标“完成时限”，按完成时限读入，请核对。"))
    return fields | {names[-1]: units, "deadline_text": deadline}


def _until_sentence_end(body: str) -> tuple[str, str]:
    """A units bracket cut at its first 。 outside inner brackets: (the fields, the note after)."""
    depth = 0
    for index, char in enumerate(body):
        depth += (char in "(（") - (char in ")）" and depth > 0)
        if char == "。" and depth == 0 and not _LABEL.match(comparable(body[index + 1:].strip())):
            return body[:index], body[index + 1:].strip()
    return body, ""


def bracket_fields(body: str) -> tuple[dict[str, str], list[Note]]:
    """The fields of a units bracket: "牵头单位：A；责任单位：B" by label, else units with role
    words ("A、B牵头，C负责"). A sentence after a 。 inside the bracket is a note, not a unit."""
    body, after = _until_sentence_end(body)
    notes = [Note("units_text", f"括号里单位后面的“{after}”是说明，没有当作单位读入，请核对。")] if after else []
    simple = comparable(body)
    fields = [(simple[a:b], body[a:b]) for a, b in _field_spans(simple) if simple[a:b].strip()]
    labelled = [(_LABEL.match(s.strip()), printed.strip()) for s, printed in fields]
    if labelled and all(m for m, _ in labelled):
        fields = {_LABEL_FIELDS[m.group("label")[:2]]: printed[m.start("value"):].strip() for m, printed in labelled}
        return _units_and_deadline(fields, notes), notes
    units, lead, framing = units_fields(body)
    return {name: value for name, value in (("units_text", units), ("lead_units_text", lead)) if value}, notes + framing


def _field_spans(simple: str) -> list[tuple[int, int]]:
    """(start, end) of each field of a units bracket: fields end at a semicolon, or at a comma
    that a label follows ("牵头单位：A，责任单位：B"); a comma inside a list of units does not."""
    spans, start, depth = [], 0, 0
    for index, char in enumerate(simple):
        depth += (char in "(（") - (char in ")）" and depth > 0)
        if depth == 0 and (char in "；;" or char in "，," and _NEXT_LABEL.match(simple, index + 1)):
            spans.append((start, index))
            start = index + 1
    return spans + [(start, len(simple))]


class StreamReader:
    def __init__(self, items: list[Item], builder: PlanBuilder, header_roles: list[str]) -> None:
        self.items, self.builder, self.roles = items, builder, header_roles
        self.group: list[RawTask] = []  # tasks waiting for a units cell printed after them
        self.labelled: list[RawTask] = []  # the tasks the label line just above was for
        self.number: int | None = None  # a 序号 cell printed before its requirement
        self.current: Item | None = None  # the item being read
        self.units_section: list[str] | None = None  # the section whose units cell was printed last
        self.first_leads: str | None = None  # "列第一位者为牵头单位，下同" as printed: the first unit listed leads
        self.known = known_units(items)  # unit names printed in the document's brackets and units lines

    def read(self) -> None:
        if H.STATUS in self.roles:
            self.builder.ignore_column("完成情况")
        for index, item in enumerate(self.items):
            if _FOOTER.match(item.text):
                break
            self._item(index, item)
        self._carry_merged()

    def _next(self, index: int) -> Item | None:
        """The next item with text, or the end of the row when that comes first."""
        for item in self.items[index + 1:]:
            if item.kind != H.EMPTY or item.row_end:
                return item
        return None

    def _item(self, index: int, item: Item) -> None:
        self.current = item
        if item.row_end:
            self._row_end()
            return
        if item.kind == H.EMPTY or H.header_role(item.text) and item.kind in (H.TEXT,):
            return
        if _INLINE.fullmatch(item.simple):
            self._bracket_line(item)
            return
        if _INLINE.search(item.simple):
            if self._is_copy(index, item):
                self.builder.skip(item.line, item.text, "这段文字连同单位括号和后面一项任务的结尾一字不差，"
                                                        "像是网页的摘要或重复，没有作为任务导入，请核对。")
            else:
                self._prose(item)
            return
        label = _LABEL.match(item.simple)
        unit_first = unit_first_line(item)
        if _PERSON.match(item.simple):
            self._person(item)
        elif label:
            self._label(item, label)
        elif item.kind == H.HEADING:
            if self._heads_a_task(index):
                self._heading_task(item)
            else:
                self._carry_merged()
                self.builder.set_heading(item.text)
                self._close()
        elif unit_first is not None:
            self._unit_first(item, unit_first)
        elif item.kind == H.NUMBER_KIND:
            self.number = int(item.text.rstrip(".．、"))
        elif item.kind == H.UNITS_KIND:
            self._units(item)
        elif item.kind == H.DEADLINE_KIND and self.builder.tasks:
            self._deadline(item)
        elif item.kind == H.STATUS_KIND:
            return
        elif self._is_deadline_cell(item):
            self._deadline(item)
        elif not self.roles and (split := trailing_units(item.text, self.known)) is not None:
            self._trailing(item, *split)
        elif self._is_requirement(index, item):
            self._requirement(item)
        else:
            number = self.number
            self._carry_merged()
            self.builder.set_category(item.text)
            self._close()
            self.number = number  # a 序号 cell printed before its row's category cell numbers the row

    def _is_copy(self, index: int, item: Item) -> bool:
        """An unnumbered passage with its units bracket that a later item repeats word for word
        inside a longer text (a web page's teaser or summary before the list): a copy, not a task."""
        text = item.text.strip()
        if H.number_prefix(text)[0] is not None or H.heading_number(text)[1] or len(text) < 20:
            return False
        return any(text in later.text and len(later.text) > len(text) for later in self.items[index + 1:])

    def _is_requirement(self, index: int, item: Item) -> bool:
        following = self._next(index)
        own, _ = H.number_prefix(item.text)
        if following is None:
            return item.kind == H.LONG
        if following.row_end:
            return True  # the row ends after this text: its units cell was merged away
        if _is_item_title(item, following):
            return False
        if following.kind in (H.UNITS_KIND, H.DEADLINE_KIND) or _LABEL.match(following.simple) or (
                _INLINE.fullmatch(following.simple)) or _PERSON.match(following.simple):
            return True
        if following.kind == H.NUMBER_KIND:
            return False
        if _BOILERPLATE.search(item.text):
            return False
        their, _ = H.number_prefix(following.text)
        if own is not None and their is not None:
            return their == own + 1  # 3. 4. 5. sharing a units cell; "1.标题" over "1.要求" is a title
        if following.kind == H.HEADING:
            # the last row of a section; an unnumbered paragraph alone under its heading is body text
            return item.kind == H.LONG and (own is not None or self._section_has_tasks())
        if their is None and item.kind == H.LONG and item.text.endswith(H._SENTENCE_END):
            return True  # a sentence is a requirement: a category title is not written as one
        return item.kind == H.LONG and own is not None or len(item.text) >= 40

    def _section_has_tasks(self) -> bool:
        section = self.builder.section()
        return any(t.section == section for t in self.builder.tasks)

    def _heads_a_task(self, index: int) -> bool:
        """"（一）地区生产总值增长7%以上" followed by its "责任单位：" line is a task, not a heading."""
        following = self._next(index)
        own_text = self.items[index].text[H.heading_number(self.items[index].text)[1]:].strip()
        return bool(own_text) and following is not None and not following.row_end and bool(
            _LABEL.match(following.simple) or _INLINE.fullmatch(following.simple) or _PERSON.match(following.simple)
            or following.kind == H.UNITS_KIND)

    def _is_deadline_cell(self, item: Item) -> bool:
        """Under a header that names a deadline column, a cell that opens with a deadline and goes
        on to say what to do ("6月30日前，完成自查整改……", 完成时限及要求) is the deadline of the
        task just read, not a second requirement."""
        task = self.builder.tasks[-1] if self.builder.tasks else None
        if H.DEADLINE not in self.roles or task is None or task.deadline_text is not None or task not in self._waiting():
            return False
        first = re.split(r"[，,；;。]", item.text, maxsplit=1)[0]
        return first != item.text and H.is_deadline(first)

    def _heading_task(self, item: Item) -> None:
        number, length = H.heading_number(item.text)
        tasks = self._start(self.builder.add(item.text[length:].strip(), item.line, number))
        tasks[-1].notes.append(Note("text", f"“{item.text}”印得像小标题，但下一行写了它的责任单位，按一项任务读入，请核对。"))

    def _requirement(self, item: Item) -> None:
        self._start(self.builder.add(item.text, item.line, self.number))

    def _start(self, tasks: list[RawTask]) -> list[RawTask]:
        """New tasks: they wait for a units cell, a label line or a bracket printed after them."""
        self.number = None
        self.labelled = []
        if self.group and any(t.units_text or t.lead_units_text for t in self.group):
            self.group = []
        self.group += tasks
        self._mark_wrapped(tasks)
        return tasks

    def _mark_wrapped(self, tasks: list[RawTask]) -> None:
        """Tasks read from lines a page wrapped: their line breaks are wraps (see RawTask.wrapped)."""
        if self.current is None or not self.current.wrapped:
            return
        for task in tasks:
            if "\n" in task.text and not task.wrapped:
                task.notes.append(Note("text", "原文按版面折行（如 PDF 的文字层），导入时把折断的几行接成一段，"
                                               "文字里保留了原来的换行，请核对。"))
            task.wrapped = True

    def _close(self) -> None:
        """A new section: tasks still waiting for units keep none."""
        self.group = []
        self.labelled = []
        self.number = None

    def _waiting(self) -> list[RawTask]:
        return [t for t in self.group if not any(getattr(t, name) for name in UNITS_FIELDS)]

    def _units(self, item: Item) -> None:
        waiting = self._waiting()
        if not waiting:
            self.builder.skip(item.line, item.text, "像是责任单位，但前面没有等待单位的任务，无法归入。")
            return
        units, lead, notes = units_fields(item.text)
        self._give(waiting, {"units_text": units, "lead_units_text": lead}, notes, item.line)
        self.group = []

    def _give(self, tasks: list[RawTask], values: dict[str, str | None], notes: list[Note], line: int) -> None:
        """Units (and deadlines) printed once after one or several tasks: each of them gets them,
        and merged cells below may carry them."""
        shared = ("units_text", "单位格") if any(name in UNITS_FIELDS for name in values) else ("deadline_text", "时限")
        self._mark_wrapped(tasks)
        for task in tasks:
            for name, value in values.items():
                setattr(task, name, value)
            task.notes += list(notes)
            if task is not tasks[-1]:
                task.notes.append(Note(shared[0], f"源表{len(tasks)}项任务共用一个{shared[1]}（印在第{line}行），逐项沿用。"))
        for name in UNITS_FIELDS:
            if name in values:
                self.builder.remember(name, values[name], tasks[-1].number, line)
                self.units_section = tasks[-1].section

    def _row_end(self) -> None:
        """A row that ended without a units cell: the cell was merged with the one above."""
        self._carry_units(self._waiting())

    def _carry_merged(self) -> None:
        """Under a header with a units column, rows after a printed units cell that print none up to
        the next heading (or the end) lie under that cell merged down over them (the text export
        prints a merged cell once, in its first row): they carry it, with the carried-cell note."""
        if not any(role in self.roles for role in (H.UNITS, H.LEAD, H.COOPERATING)):
            return
        self._carry_units([t for t in self._waiting() if t.section == self.units_section])

    def _carry_units(self, waiting: list) -> None:
        """The tasks `waiting` take the units cell printed above them (with the carried-cell
        note) and leave the group; nothing when there are none or no cell was printed."""
        if not waiting or not self.builder.has_above(*UNITS_FIELDS):
            return
        for task in waiting:
            for name in UNITS_FIELDS:
                self.builder.carry(task, name, say_if_none=False)
        self.group = [t for t in self.group if t not in waiting]

    def _deadline(self, item: Item) -> None:
        task = self.builder.tasks[-1]
        if task.deadline_text is None:
            task.deadline_text = item.text
            if H.REMARK in self.roles and H.DEADLINE not in self.roles:
                task.notes.append(Note("deadline_text", "完成时限印在“备注”列，按时限读入。"))
        else:
            self.builder.skip(item.line, item.text, "像是完成时限，但上一项任务已经有时限，无法归入。")

    def _targets(self) -> list[RawTask]:
        """The tasks a label line or a bracket line is for: those the label above was for, else the
        tasks waiting for units (items sharing one units line), else the last task."""
        if self.labelled:
            return self.labelled
        return self._waiting() or self.builder.tasks[-1:]

    def _label(self, item: Item, label: re.Match[str]) -> None:
        value = item.text[label.start("value"):].strip()
        targets = self._targets()
        if not targets or not value:
            self.builder.skip(item.line, item.text, "标注了单位或时限，但前面没有任务。")
            return
        notes: list[Note] = []
        values = _units_and_deadline({_LABEL_FIELDS[label.group("label")[:2]]: value}, notes)
        self._give(targets, values, notes, item.line)
        self.labelled = targets
        self.group = []

    def _person(self, item: Item) -> None:
        """"牵头负责领导：金力。": a person, not a unit. The tasks it is for keep waiting for their
        unit lines, with a note saying the line was read and left out."""
        targets = self._targets()
        if not targets:
            self.builder.skip(item.line, item.text, "写的是负责的领导或联系人（个人），不是单位，前面也没有任务，没有导入，请核对。")
            return
        for task in targets:
            task.notes.append(Note("units", f"原文“{item.text}”写的是负责的领导或联系人（个人），不是单位，没有当作单位读入，请核对。"))
        self.labelled = targets

    def _bracket_line(self, item: Item) -> None:
        """A line that is only a units bracket, "（责任单位：…）", after the items waiting for it."""
        targets = self.labelled or self._waiting()
        if not targets:
            self.builder.skip(item.line, item.text, "括号里像是单位或时限，但前面没有等待单位的任务。")
            return
        body = _INLINE.fullmatch(item.simple)
        values, notes = self._bracket(item.text[body.start("body"):body.end("body")])
        self._give(targets, values, notes, item.line)
        self.labelled = targets
        self.group = []

    def _trailing(self, item: Item, start: int, glued: str | None) -> None:
        """A prose item whose units follow its text without a bracket ("…动态更新。办公室牵头,
        各有关处室配合"): the text up to them is the task, the rest its units cell."""
        units = item.text[start:].strip()
        tasks = self._start(self.builder.add(item.text[:start].strip(), item.line, self.number))
        where = (f"紧接在任务文字后面（没有括号，也没有句号），按文中别处写过的单位“{glued}”断开" if glued
                 else "写在任务文字后面，没有括号")
        note = Note("units_text", f"单位“{units}”{where}，请核对任务文字和单位。")
        value, lead, framing = units_fields(units)
        self._give(tasks, {"units_text": value, "lead_units_text": lead}, [note, *framing], item.line)
        self.group = []

    def _bracket(self, body: str) -> tuple[dict[str, str], list[Note]]:
        """The fields of a units bracket. After "列第一位者为牵头单位" (in this bracket, or in an
        earlier one that said "下同"), a bracket naming no lead gives its first unit as the lead."""
        note = _FIRST_LEADS_NOTE.search(comparable(body))
        here = body[note.start():].strip(" ,，") if note else None
        if note is not None:
            self.first_leads = here if note.group("below") else self.first_leads
            body = body[:note.start()]
        values, notes = bracket_fields(body)
        if not (here or self.first_leads) or values.get("lead_units_text") or not values.get("units_text"):
            return values, notes
        lead, rest = _first_listed(values["units_text"])
        said = f"括号里写明“{here}”" if here else f"前文写明“{self.first_leads}”"
        notes.append(Note("lead_units_text", f"{said}，取第一个单位“{lead}”为牵头单位，其余为责任单位，请核对。"))
        return values | {"lead_units_text": lead, "units_text": rest}, notes

    def _unit_first(self, item: Item, match: re.Match[str]) -> None:
        """"办公室  组织……": the unit is printed first, then its duties (the task)."""
        tasks = self._start(self.builder.add(item.text[match.start("text"):].strip(), item.line, self.number))
        self._give(tasks, {"units_text": match.group("unit")}, [], item.line)
        self.group = []

    def _prose(self, item: Item) -> None:
        """Sentences each followed by its units in brackets (several numbered tasks may share the line)."""
        text, simple = item.text, item.simple
        start = self._lead_in(item)
        for match in _INLINE.finditer(simple, start):
            sentence = text[start: match.start()].strip()
            start = match.end()
            if not sentence:
                self.builder.skip(item.line, text[match.start():match.end()], "括号里像是单位或时限，但前面没有任务文字。")
                continue
            task = self._prose_task(sentence, item)
            values, notes = self._bracket(text[match.start("body"):match.end("body")])
            self._give([task], values, notes, item.line)
        self.group = []
        rest = text[start:].strip()
        if rest:
            self.builder.skip(item.line, rest, "句子后面没有标注责任单位，没有作为任务导入，请核对（原文可能在此截断）。")

    def _lead_in(self, item: Item) -> int:
        """Where the first task of a prose line starts. Before the first of its numbered items
        ("…通知如下: 一、重点督办事项 1.加快…"), a heading printed inside the line is the section and
        the rest (a salutation, a notice) is no task. A leading "（一）…。" sentence with more text
        after it before the bracket is the section."""
        text = item.text
        first = _INLINE.search(item.simple)
        chunk = text[:first.start()]
        inside = self._number_inside(chunk)
        if inside is not None:
            lead = chunk[:inside]
            headings = list(_HEADING_INSIDE.finditer(lead))
            cut = headings[-1].start() if headings else len(lead)
            if lead[:cut].strip():
                self.builder.skip(item.line, lead[:cut], "编号任务前面的文字（称呼、通知正文等），不是任务，没有导入；其中如有任务，请照原文补进计划文件。")
            if headings:
                self.builder.set_heading(lead[cut:].strip())
                self._close()
            return inside
        end = text.find("。")
        several = len(list(_INLINE.finditer(item.simple))) > 1  # one bracket: the line is one task, title and all
        if several and heading_level(text) and 0 < end < first.start() and text[end + 1:first.start()].strip():
            self.builder.set_heading(text[: end + 1])
            return end + 1
        return 0

    def _number_inside(self, chunk: str) -> int | None:
        """Where a numbered task starts inside the text before a line's first bracket, when the
        text does not start with it: the next number in order (1, or the last task's + 1)."""
        if H.number_prefix(chunk)[0] is not None:
            return None
        expected = {1, self.builder.tasks[-1].number + 1 if self.builder.tasks else 1}
        return next((m.start() for m in _NUMBER_INSIDE.finditer(chunk) if int(m.group(1)) in expected), None)

    def _prose_task(self, sentence: str, item: Item) -> RawTask:
        """The task of one sentence before its bracket; "（一）…。" right before its bracket is a
        task numbered from its heading numeral, not a heading."""
        number, length = H.heading_number(sentence)
        if length and number is not None and sentence[length:].strip():
            task = self._start(self.builder.add(sentence[length:].strip(), item.line, number))[-1]
            end = sentence.find("。") + 1
            if 0 < end < len(sentence.rstrip()):  # "（一）标题。正文……。（单位）": one bracket for the whole item
                message = f"“{sentence[:end]}”印得像小标题，但这一项只有一个单位括号，按一项任务读入（标题句留在任务文字里），请核对。"
            else:
                message = f"“{sentence}”印得像小标题，但后面紧跟着它的单位，按一项任务读入，请核对。"
            task.notes.append(Note("text", message))
            return task
        return self._start(self.builder.add(sentence, item.line, None))[-1]


# The role word that closes a units list: "…牵头", "…分别负责", "…按职责分工负责", "…配合".
_ROLE_TAIL = re.compile(r"(?:分别)?(?:按职责分工|按职能分工|按职责|按职能)?(?:具体)?(?:牵头|负责|配合|落实)(?:落实|负责)?$")
_MIN_TEXT = 10  # characters of task text before units printed without a bracket


def known_units(items: list[Item]) -> list[str]:
    """The unit names the document prints in its brackets and units lines, longest first (in
    simplified characters): where a name run on from a sentence starts is found among them."""
    names: set[str] = set()
    for item in items:
        for match in _INLINE.finditer(item.simple):
            values, _ = bracket_fields(match.group("body"))
            for name, value in values.items():
                if name in UNITS_FIELDS:
                    names.update(H.unit_names(value))
        if item.kind == H.UNITS_KIND:
            names.update(H.unit_names(item.simple))
    return sorted(names, key=lambda name: (-len(name), name))


def _clause_spans(simple: str) -> list[tuple[int, int]]:
    """(start, end) of the clauses of a line, cut at commas and semicolons outside brackets."""
    spans, start = [], 0
    for part in H.split_outside_brackets(simple, "，,；;"):
        spans.append((start, start + len(part)))
        start += len(part) + 1
    return spans


def trailing_units(text: str, known: list[str]) -> tuple[int, str | None] | None:
    """Units printed after a task's text without a bracket, ending in a role word: (where they
    start in `text`, the known name the text runs into, or None after a full stop). The units
    are the last clauses that read as unit names ("办公室牵头", "各有关处室、民服中心",
    "省信息中心配合"); they start after a full stop, or, run on from the text with no full stop
    ("…等信息审批处牵头"), where a name printed elsewhere in the document ends that clause."""
    simple = comparable(text).rstrip()
    if not _ROLE_TAIL.search(simple):
        return None
    spans = _clause_spans(simple)
    for index in range(len(spans) - 1, -1, -1):
        start, end = spans[index]
        clause = simple[start:end]
        if "。" in clause:
            stop = clause.rfind("。")
            after = clause[stop + 1:].strip()
            if not after or not H.is_units(after):
                return None
            return _with_text(text, start + stop + 1, None)
        if (run_on := _run_on_name(clause, known)) is not None:
            offset, name = run_on
            return _with_text(text, start + offset, text[start + offset:start + offset + len(name)])
        if not H.is_units(clause.strip()):
            return None
    return None  # the whole line is units


def _run_on_name(clause: str, known: list[str]) -> tuple[int, str] | None:
    """(where it starts, the name) of a known unit name that a clause "…文字" + name + role word
    runs into, after at least `_MIN_TEXT` characters of text and no separator; None otherwise."""
    role = _ROLE_TAIL.search(clause)
    head = clause[:role.start()] if role else ""
    name = next((n for n in known if head.endswith(n) and len(head) - len(n) >= _MIN_TEXT), None)
    if name is None or head[: len(head) - len(name)].rstrip().endswith(("、", "和", "及", "与", "等")):
        return None
    return len(head) - len(name), name


def _with_text(text: str, found: int, glued: str | None) -> tuple[int, str | None] | None:
    """(found, glued) when enough task text comes before the units, else None."""
    return (found, glued) if len(text[:found].strip()) >= _MIN_TEXT else None


def _is_item_title(item: Item, following: Item) -> bool:
    """A short line ("（1）推进就业信息公开", "推进住房信息公开。") right above an unnumbered paragraph
    that ends in its units bracket is the title of that item (its section), not a task: it is
    one phrase, with no comma and no full stop before its end."""
    text = item.text.strip()
    body = following.text.strip()
    if len(text) >= 40 or re.search(r"[，,；;：:]", text) or "。" in text[:-1]:
        return False
    if H.number_prefix(body)[0] is not None or H.heading_number(body)[1] or _INLINE.fullmatch(following.simple):
        return False
    return _INLINE.search(following.simple) is not None


def _first_listed(units: str) -> tuple[str, str | None]:
    """(the first unit of a printed list, the rest or None), both as printed."""
    first = H.split_outside_brackets(units, "、，,；;")[0]
    rest = units[len(first) + 1:].strip()
    return first.strip(), rest or None


def unit_first_line(item: Item) -> re.Match[str] | None:
    """A line opening with one unit's name and a wide gap before a sentence of duties."""
    match = _UNIT_FIRST.match(item.text)
    if match is None or not H.is_long(match.group("text")):
        return None
    names = H.unit_names(match.group("unit"))
    return match if len(names) == 1 and H.is_units(match.group("unit")) else None
