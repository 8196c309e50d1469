"""Tables that are not task tables: an address book, a price list, a meeting schedule …

Staff pick the wrong file from time to time. Such a table can look like a task table to the
interpreter (long texts, a column of unit names, a column of dates), so it is recognised by what
its header says it holds, or, without a header, by what its cells hold (telephone numbers,
prices, clock times), and left out; the refusal then says what the file seems to hold.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from generator.importers.headers import CATEGORY, REQUIREMENT, fold, header_role

# What a table holds -> header words that say so (compared folded: width, spacing, traditional).
_KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("通讯录", ("姓名", "电话", "手机", "联系方式", "联系人", "职务", "职位", "邮箱", "传真", "地址", "邮编", "办公室号")),
    ("价格表", ("单价", "价格", "零售价", "批发价", "售价", "金额", "规格", "型号", "计价单位", "品名", "商品", "收费标准",
             "数量")),
    ("会议日程", ("会议", "议程", "议题", "地点", "参会", "出席", "列席", "主持", "日程", "会场", "场次")),
    ("人员名单", ("性别", "年龄", "出生", "民族", "学历", "籍贯", "身份证", "政治面貌", "工号", "考号", "准考证")),
    ("财务报表", ("预算数", "决算数", "科目", "收入", "支出", "余额", "借方", "贷方", "合计")),
)
# Cell contents that give a headerless table away.
_CONTENT: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("通讯录", re.compile(r"^(?:0\d{2,3}[-－—]?\d{7,8}(?:[-转]\d{1,5})?|1[3-9]\d{9})$")),
    # ¥45, 45.00, 45元, 5.20元/公斤: a bare integer is not a price (it may be a 序号)
    ("价格表", re.compile(r"^(?:[¥￥]\d+(?:\.\d{1,2})?|\d+\.\d{1,2}|\d+(?:\.\d{1,2})?元(?:/\S{1,4})?)$")),
    ("会议日程", re.compile(r"^(?:\d{1,2}月\d{1,2}日)?\s*(?:上午|下午|晚上)?\s*\d{1,2}[:：]\d{2}(?:\s*[-—~至]\s*\d{1,2}[:：]\d{2})?$")),
)
_HEADER_ROWS = 3  # a header sits in the first rows of a table
_MIN_WORDS = 2  # header cells naming another kind of table


def kind_of_header(texts: list[str]) -> tuple[str, list[str]] | None:
    """(what the table holds, the header cells that say so) for a header row of another kind of
    table; None when the row names a task column or is not such a header."""
    cells = [t.strip() for t in texts if t and t.strip()]
    if any(header_role(t) in (REQUIREMENT, CATEGORY) for t in cells):
        return None
    for kind, words in _KINDS:
        said = [t for t in cells if len(fold(t)) <= 12 and any(w in fold(t) for w in words)]
        if len(said) >= _MIN_WORDS:
            return kind, said
    return None


def kind_of_content(columns: list[list[str]]) -> tuple[str, list[str]] | None:
    """(what the table holds, a few telling cells) when most filled cells of some column are
    telephone numbers, prices or clock times."""
    for cells in columns:
        filled = [c.strip() for c in cells if c and c.strip()]
        for kind, pattern in _CONTENT:
            hits = [c for c in filled if pattern.match(c)]
            if len(hits) >= 2 and len(hits) * 2 > len(filled):
                return kind, hits[:2]
    return None


@dataclass(frozen=True)
class OtherTable:
    kind: str  # 通讯录, 价格表 …
    evidence: list[str]  # the header words or cells that tell
    row: int  # 0-based row of the table that tells (its header; the first row for content)
    by_header: bool = True

    def describe(self) -> str:
        """Chinese: what the table seems to hold, for the refusal."""
        shown = "、".join(f"“{e}”" for e in self.evidence[:4])
        return f"表格像是{self.kind}（有{shown}等{'列' if self.by_header else '内容'}），不是任务分解表"


def kind_of_rows(rows: list[list[str]]) -> OtherTable | None:
    """What a grid of cell texts holds when it is not a task table, from its header or cells;
    None for a table whose header names a task column (its 联系电话 column does not count)."""
    for index, row in enumerate(rows[:_HEADER_ROWS]):
        if any(header_role(t) in (REQUIREMENT, CATEGORY) for t in row if t):
            return None
        found = kind_of_header(row)
        if found:
            return OtherTable(*found, index)
    width = max((len(r) for r in rows), default=0)
    found = kind_of_content([[r[c] for r in rows if c < len(r)] for c in range(width)])
    return OtherTable(*found, 0, by_header=False) if found else None
