"""What a table cell is: a header word (by role) or, in a data row, a number, a heading, units …

Header words are compared after folding (full/half width, every space removed, traditional
characters read as simplified), so 序　号, 序號 and "具 体 要 求" all match; the texts
themselves are never changed. Content kinds let the interpreter read tables without a header
and rows whose merged cells were dropped by the export.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from generator.deadlines import parse_deadline

# Roles a column can have. "category" is a coarser task column (工作任务 beside 具体要求):
# it gives the task's section, the finest requirement column gives its text.
NUMBER, REQUIREMENT, CATEGORY = "number", "requirement", "category"
UNITS, LEAD, COOPERATING, DEADLINE = "units", "lead", "cooperating", "deadline"
REMARK, STATUS = "remark", "status"  # 备注 (may hold the deadline), 完成情况 (ignored)

# Synonyms, matched against the folded header (simplified, no spaces). Order matters: the
# first role whose word the header contains wins, so 牵头单位 is tested before 单位.
_SYNONYMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (NUMBER, ("序号", "编号", "序列")),
    (STATUS, ("完成情况", "进展情况", "落实情况", "推进情况")),
    (LEAD, ("牵头单位", "牵头部门", "牵头科室", "牵头处室", "牵头")),
    (COOPERATING, ("配合单位", "配合部门", "协办单位", "配合科室", "配合")),
    (UNITS, ("责任单位", "落实单位", "责任科室", "责任部门", "责任处室", "责任主体", "负责科室", "负责单位",
             "落实科室", "落实部门", "承办单位", "实施单位", "责任股室")),
    (DEADLINE, ("完成时限", "时限要求", "完成时间", "时间节点", "完成期限", "时间安排", "时限")),
    (REMARK, ("备注",)),
    (REQUIREMENT, ("具体要求", "细化分工", "具体内容", "主要内容", "工作措施", "任务内容", "工作内容", "具体任务",
                   "具体措施", "二级要点", "工作举措", "任务分解", "重点工作内容")),
    (CATEGORY, ("工作任务", "重点工作", "重点任务", "工作要求", "一级要点", "工作事项", "任务名称", "工作类别",
                "目标", "任务", "要点", "类别", "项目")),
)
# A header cell is a short label; longer cells are never headers even if they hold a word above.
_MAX_HEADER = 12


@lru_cache(maxsize=1)
def _converter():  # noqa: ANN202 - opencc has no type hints
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Comparison form: NFKC, no whitespace, simplified characters. Only for matching."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return _converter().convert(text) if text else text


def header_role(text: str) -> str | None:
    """The role of a header cell, or None when the cell is not a header word."""
    folded = fold(text).strip("|:：")
    folded = re.sub(r"[(（][^)）]*[)）]$", "", folded)  # 落实科室(部门)
    if not folded or len(folded) > _MAX_HEADER or HEADING_RE.match(folded) or NUMBER_PREFIX.match(folded):
        return None
    for role, words in _SYNONYMS:
        if any(word in folded for word in words):
            if role == CATEGORY and folded not in words and not folded.endswith(("任务", "工作", "要点", "要求")):
                continue  # "任务" inside a longer label such as 任务完成率 is not the column
            return role
    return None


# --- content kinds -------------------------------------------------------------------------
EMPTY, HEADING, TEXT, LONG = "empty", "heading", "text", "long"
STATUS_KIND, DEADLINE_KIND, UNITS_KIND, NUMBER_KIND = "status", "deadline", "units", "number"

CN_NUMERAL = "一二三四五六七八九十"
HEADING_RE = re.compile(rf"^(?:[{CN_NUMERAL}]+[、.．]|[(（][{CN_NUMERAL}]+[)）]|第[{CN_NUMERAL}\d]+(?:部分|章|节|项|条)?[、，,\s]?)")
NUMBER_PREFIX = re.compile(r"^\s*(?:(\d{1,3})\s*[.．、](?!\d)|[(（](\d{1,3})[)）])\s*")
_UNIT_SUFFIX = re.compile(
    r"(局|办|委|中心|街道|镇|乡|科|室|处|所|院|站|队|部|部门|单位|机构|政府|专班|公司|集团|银行|支行|分行|分局|开发区|园区|"
    r"管委会|委员会|法院|检察院|小组|协会|团|联|工会|社|馆|校|组|会|厅|署|庭|街镇|各级|区县|县市区|社区|村)$")
_ROLE_TAIL = re.compile(r"(?:分别)?(?:牵头|负责|配合)?(?:按职责分工|按职能分工|按职责|按职能)?(?:负责)?(?:落实|负责|牵头|配合|实施)$")
_STATUS_WORDS = {"推进中", "已完成", "未完成", "进行中", "正在推进", "已启动", "未启动", "持续推进中", "完成", "正在进行"}
_DEADLINE_WORDS = re.compile(r"\d{1,2}月|年底|年末|季度|半年|年内|全年|每月|每季|每年|\d{1,2}日|前完成|底前")
_SENTENCE_END = ("。", "；", ";", "！", "？")


def number_prefix(text: str) -> tuple[int | None, int]:
    """(the task number printed at the start, e.g. "1." / "1、" / "（1）", and its length)."""
    match = NUMBER_PREFIX.match(text)
    if not match:
        return None, 0
    return int(match.group(1) or match.group(2)), match.end()


def unit_names(text: str) -> list[str]:
    """The parts of a units-like cell, role words and framing dropped; [] when it is not one."""
    folded = unicodedata.normalize("NFKC", text).strip()
    if not folded or len(folded) > 90 or "。" in folded or folded.endswith((":", "：")):
        return []
    parts = re.split(r"[、,，;；\n]|(?<=牵头)|(?<=配合)", folded)
    names = []
    for part in parts:
        part = _ROLE_TAIL.sub("", part.strip()).strip()
        part = re.sub(r"等$", "", part)
        part = re.sub(r"[(（][^)）]*[)）]$", "", part).strip()
        if not part:
            continue
        if len(part) > 22:
            return []
        names.append(part)
    return names


def is_units(text: str) -> bool:
    names = unit_names(text)
    return bool(names) and all(_UNIT_SUFFIX.search(fold(name)) for name in names)


def is_deadline(text: str) -> bool:
    stripped = text.strip()
    if not stripped or len(stripped) > 40 or stripped.endswith("。"):
        return False
    if parse_deadline(stripped, 2000).kind not in ("unresolved", "none"):
        return True
    if len(stripped) <= 10 and re.search(r"及时|随时|即时|立即|长期|持续|常态", stripped):
        return True
    return bool(_DEADLINE_WORDS.search(stripped)) and not is_units(stripped)


def is_long(text: str) -> bool:
    stripped = text.strip()
    return len(stripped) >= 20 or stripped.endswith(_SENTENCE_END)


def kind(text: str) -> str:
    """The kind of a data cell's content."""
    stripped = text.strip().strip("|").strip()
    if not stripped:
        return EMPTY
    if re.fullmatch(r"\d{1,3}[.．、]?", stripped):
        return NUMBER_KIND
    if stripped in _STATUS_WORDS:
        return STATUS_KIND
    if HEADING_RE.match(stripped) and len(stripped) <= 60:
        return HEADING
    if is_units(stripped):
        return UNITS_KIND
    if is_deadline(stripped):
        return DEADLINE_KIND
    return LONG if is_long(stripped) or number_prefix(stripped)[0] is not None else TEXT


# How well a cell of each kind fits a column of each role (used to align rows whose merged
# cells the export dropped, and to check a header against its data).
_FIT: dict[str, dict[str, float]] = {
    NUMBER: {NUMBER_KIND: 3, EMPTY: 0},
    REQUIREMENT: {LONG: 3, TEXT: 1, HEADING: 0, EMPTY: -1},
    CATEGORY: {TEXT: 2, HEADING: 2, LONG: 0.5, EMPTY: 0},
    UNITS: {UNITS_KIND: 3, TEXT: 0, EMPTY: 0},
    LEAD: {UNITS_KIND: 3, TEXT: 0, EMPTY: 0},
    COOPERATING: {UNITS_KIND: 3, TEXT: 0, EMPTY: 0},
    DEADLINE: {DEADLINE_KIND: 3, STATUS_KIND: -1, EMPTY: 0, TEXT: -0.5},
    REMARK: {DEADLINE_KIND: 1, EMPTY: 0.5, TEXT: 0},
    STATUS: {STATUS_KIND: 2, EMPTY: 0.5, TEXT: 0},
}


def fit(role: str | None, cell_kind: str) -> float:
    if role is None:
        return 0.0 if cell_kind == EMPTY else -0.5
    return _FIT[role].get(cell_kind, -2.0)
