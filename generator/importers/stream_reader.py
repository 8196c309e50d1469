"""Interpreter strategy 2: a table printed one cell a line, or a plan written as prose.

Text exports of web pages and Word files often put each cell on its own line ("|" lines or
blank lines between), or drop the table altogether: numbered task lines followed by
"牵头单位：…" lines, units lines such as "市发改委牵头落实", or sentences with the units in
brackets "（市交通委负责落实）". The cells are read in order; what a text cell is (a category
title or a requirement) is decided by what follows it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from generator.importers import headers as H
from generator.importers.base import Note, RawTask
from generator.importers.plan_builder import PlanBuilder, heading_level, units_fields

_LABEL = re.compile(r"^(?P<label>牵头单位|牵头部门|责任单位|责任部门|责任科室|落实单位|配合单位|协办单位|"
                    r"完成时限|完成时间|时限要求|时间节点)\s*[:：]\s*(?P<value>.*)$")
# "（市交通委负责落实）", "（牵头单位：…；完成时限：…）", "（区发改局牵头，区财政局配合）"
_INLINE = re.compile(r"[（(](?P<body>[^（）()]{2,160}?(?:负责落实|牵头落实|负责|牵头|配合|落实)|"
                     r"(?:牵头单位|责任单位|完成时限)[:：][^（）()]{1,160})[）)]")
_FOOTER = re.compile(r"^(抄送|印发|公开方式|附件[:：]|（此件|\(此件)")
_BOILERPLATE = re.compile(r"印发给你们|现印发|现将.{0,40}印发|请结合实际|请认真|遵照执行|贯彻执行")


@dataclass
class Item:
    text: str  # the cell text, whitespace and separator pipes trimmed (a substring of the line)
    line: int
    kind: str


def item_text(raw: str) -> str:
    return raw.strip().strip("|").strip()


class StreamReader:
    def __init__(self, items: list[Item], builder: PlanBuilder, header_roles: list[str]) -> None:
        self.items, self.builder, self.roles = items, builder, header_roles
        self.group: list[RawTask] = []  # tasks waiting for a units cell printed after them
        self.number: int | None = None  # a 序号 cell printed before its requirement

    def read(self) -> None:
        if H.STATUS in self.roles and self.items:
            self.builder.skip(self.items[0].line, "完成情况", "“完成情况”列不是任务内容，导入时没有读取。")
        for index, item in enumerate(self.items):
            if _FOOTER.match(item.text):
                break
            self._item(index, item)

    def _next(self, index: int) -> Item | None:
        for item in self.items[index + 1:]:
            if item.kind != H.EMPTY:
                return item
        return None

    def _item(self, index: int, item: Item) -> None:
        if item.kind == H.EMPTY or H.header_role(item.text) and item.kind in (H.TEXT,):
            return
        if _INLINE.search(item.text):
            self._prose(item)
            return
        label = _LABEL.match(item.text)
        if label:
            self._label(item, label.group("label"), label.group("value").strip())
        elif item.kind == H.HEADING:
            self.builder.set_heading(item.text)
            self._close()
        elif item.kind == H.NUMBER_KIND:
            self.number = int(item.text.rstrip(".．、"))
        elif item.kind == H.UNITS_KIND:
            self._units(item)
        elif item.kind == H.DEADLINE_KIND and self.builder.tasks:
            self._deadline(item)
        elif item.kind == H.STATUS_KIND:
            return
        elif self._is_requirement(index, item):
            self._requirement(item)
        else:
            self.builder.category = item.text
            self._close()

    def _is_requirement(self, index: int, item: Item) -> bool:
        following = self._next(index)
        own, _ = H.number_prefix(item.text)
        if following is None:
            return item.kind == H.LONG
        if following.kind in (H.UNITS_KIND, H.DEADLINE_KIND) or _LABEL.match(following.text):
            return True
        if following.kind == H.NUMBER_KIND:
            return False
        if _BOILERPLATE.search(item.text):
            return False
        their, _ = H.number_prefix(following.text)
        if own is not None and their is not None:
            return their == own + 1  # 3. 4. 5. sharing a units cell; "1.标题" over "1.要求" is a title
        if following.kind == H.HEADING:
            return item.kind == H.LONG
        return item.kind == H.LONG and own is not None or len(item.text) >= 40

    def _requirement(self, item: Item) -> None:
        tasks = self.builder.add(item.text, item.line, self.number)
        self.number = None
        if self.group and any(t.units_text or t.lead_units_text for t in self.group):
            self.group = []
        self.group += tasks

    def _close(self) -> None:
        """A new section: tasks still waiting for units keep none."""
        self.group = []
        self.number = None

    def _units(self, item: Item) -> None:
        waiting = [t for t in self.group if not (t.units_text or t.lead_units_text)]
        if not waiting:
            self.builder.skip(item.line, item.text, "像是责任单位，但前面没有等待单位的任务，无法归入。")
            return
        units, lead, notes = units_fields(item.text)
        for task in waiting:
            task.units_text, task.lead_units_text = units, lead
            task.notes += list(notes)
            if task is not waiting[-1]:
                task.notes.append(Note("units_text", f"源表{len(waiting)}项任务共用一个单位格（印在第{item.line}行），逐项沿用。"))
        self.group = []

    def _deadline(self, item: Item) -> None:
        task = self.builder.tasks[-1]
        if task.deadline_text is None:
            task.deadline_text = item.text
            if H.REMARK in self.roles and H.DEADLINE not in self.roles:
                task.notes.append(Note("deadline_text", "完成时限印在“备注”列，按时限读入。"))
        else:
            self.builder.skip(item.line, item.text, "像是完成时限，但上一项任务已经有时限，无法归入。")

    def _label(self, item: Item, label: str, value: str) -> None:
        if not self.builder.tasks or not value:
            self.builder.skip(item.line, item.text, "标注了单位或时限，但前面没有任务。")
            return
        task = self.builder.tasks[-1]
        if label.startswith("牵头"):
            task.lead_units_text = value
        elif label.startswith(("配合", "协办")):
            task.notes.append(Note("units_text", f"配合单位印作“{value}”，请把这些单位的角色改为配合（cooperating）。"))
            task.units_text = task.units_text or value
        elif label.startswith(("完成", "时限", "时间")):
            task.deadline_text = value
        else:
            task.units_text = value
        self.group = [t for t in self.group if t is not task]

    def _prose(self, item: Item) -> None:
        """Sentences each followed by its units in brackets; a leading （一）… sentence is the section."""
        text, start = item.text, 0
        if heading_level(text):
            end = text.find("。")
            first = _INLINE.search(text)
            if 0 < end < first.start():
                self.builder.set_heading(text[: end + 1])
                start = end + 1
        for match in _INLINE.finditer(text, start):
            sentence = text[start: match.start()].strip()
            start = match.end()
            if not sentence:
                self.builder.skip(item.line, match.group(0), "括号里像是单位或时限，但前面没有任务文字。")
                continue
            task = self.builder.add(sentence, item.line, None)[-1]
            self._inline_fields(task, match.group("body"))
        rest = text[start:].strip()
        if rest:
            self.builder.skip(item.line, rest, "句子后面没有标注责任单位，没有作为任务导入，请核对（原文可能在此截断）。")

    @staticmethod
    def _inline_fields(task: RawTask, body: str) -> None:
        fields = [f for f in re.split(r"[；;]", body) if f.strip()]
        labelled = [(_LABEL.match(f.strip()), f) for f in fields]
        if all(m for m, _ in labelled):
            for match, _ in labelled:
                label, value = match.group("label"), match.group("value").strip()
                if label.startswith("牵头"):
                    task.lead_units_text = value
                elif label.startswith(("完成", "时限", "时间")):
                    task.deadline_text = value
                else:
                    task.units_text = value
            return
        task.units_text, task.lead_units_text, notes = units_fields(body)
        task.notes += notes
