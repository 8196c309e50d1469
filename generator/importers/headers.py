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
OTHER = "other"  # a text column right of the requirements (工作标准: targets, not tasks), not read

# Synonyms, matched against the folded header (simplified, no spaces). Order matters: the
# first role whose word the header contains wins, so 牵头单位 is tested before 单位.
_SYNONYMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (NUMBER, ("序号", "编号", "序列")),
    (STATUS, ("完成情况", "进展情况", "落实情况", "推进情况")),
    # a person (牵头领导 金力), not a unit: a column that is not read, tested before 牵头
    (OTHER, ("牵头领导", "牵头负责领导", "责任领导", "分管领导", "负责领导", "联系领导", "包保领导", "牵头市领导",
             "牵头区领导", "牵头县领导", "责任人", "联系人", "负责人")),
    (LEAD, ("牵头单位", "牵头部门", "牵头科室", "牵头处室", "牵头")),
    (COOPERATING, ("配合单位", "配合部门", "协办单位", "配合科室", "协同单位", "协同部门", "协同责任单位", "配合")),
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


@lru_cache(maxsize=8192)
def _simple_char(char: str) -> str:
    converted = _converter().convert(char)
    return converted if len(converted) == 1 else char


@lru_cache(maxsize=4096)
def simplify(text: str) -> str:
    """Simplified characters, one for one: the same length as `text`, so a match found in the
    simplified form (責任單位 read as 责任单位) slices the printed text at the same places."""
    converted = _converter().convert(text) if text else text
    return converted if len(converted) == len(text) else "".join(map(_simple_char, text))


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
# "一、" / "（一）" / "(十二)": a heading's own number, in Chinese numerals.
_CN_PREFIX = re.compile(rf"^\s*(?:([{CN_NUMERAL}]{{1,3}})[、.．]|[(（]([{CN_NUMERAL}]{{1,3}})[)）])\s*")
_UNIT_SUFFIX = re.compile(
    r"(局|办|委|中心|街道|镇|乡|科|室|处|股|所|院|站|队|部|部门|单位|机构|政府|专班|公司|集团|银行|支行|分行|分局|开发区|园区|"
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


def cn_number(numeral: str) -> int | None:
    """一 -> 1, 十 -> 10, 十二 -> 12, 二十三 -> 23; None for anything else."""
    digits = [CN_NUMERAL.index(c) + 1 for c in numeral]
    if not digits or len(digits) > 3:
        return None
    if 10 not in digits:
        return digits[0] if len(digits) == 1 else None
    tens, _, ones = numeral.partition("十")
    value = (CN_NUMERAL.index(tens) + 1 if tens else 1) * 10 + (CN_NUMERAL.index(ones) + 1 if ones else 0)
    return value if "十" not in tens + ones else None


def heading_number(text: str) -> tuple[int | None, int]:
    """(the number of a "一、" / "（一）" prefix, and its length); (None, 0) without one."""
    match = _CN_PREFIX.match(text)
    if not match:
        return None, 0
    return cn_number(match.group(1) or match.group(2)), match.end()


def split_outside_brackets(text: str, separators: str) -> list[str]:
    """`text` cut at each separator character that is not inside brackets: "各镇(园区、街道)"
    stays one part when splitting on 、."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += (char in "(（") - (char in ")）" and depth > 0)
        if depth == 0 and char in separators:
            parts.append(text[start:index])
            start = index + 1
    return parts + [text[start:]]


def _comparable(text: str) -> str:
    """NFKC and simplified, for reading a cell's words (牽頭 as 牵头); texts stay as printed."""
    return simplify(unicodedata.normalize("NFKC", text).strip())


# A units cell may list many offices (fifteen 市X局 and a collective); each name is short, which is
# what tells a list of names from a sentence.
_MAX_UNITS_CELL = 400


def unit_names(text: str) -> list[str]:
    """The parts of a units-like cell, role words and framing dropped; [] when it is not one.
    A final 。 is the end of the cell, not of a sentence; a 、 inside brackets does not split."""
    folded = _comparable(text).removesuffix("。")
    if not folded or len(folded) > _MAX_UNITS_CELL or "。" in folded or folded.endswith((":", "：")):
        return []
    parts = [p for piece in split_outside_brackets(folded, "、,;\n") for p in re.split(r"(?<=牵头)|(?<=配合)", piece)]
    names = []
    for part in parts:
        part = _ROLE_TAIL.sub("", part.strip()).strip()
        part = re.sub(r"等$", "", part)
        part = re.sub(r"[(（](?:[^()（）]|[(（][^()（）]*[)）])*[)）]$", "", part).strip()
        if not part:
            continue
        if len(part) > 22:
            return []
        names.append(part)
    return names


# "区司法局牵头区级规范性文件集中公开工作": a unit, its role word, then what it does.
_DUTY_CLAUSE = re.compile(r"^(?P<name>.{2,40}?)(?:分别)?(?:按职责分工|按职能分工|按职责|按职能)?(?:具体)?"
                          r"(?P<role>牵头|负责|配合|落实)(?P<rest>.*)$")


def is_duty_phrase(text: str) -> bool:
    """A units cell written as clauses, each a unit with its role and duty: "区司法局牵头…工作，
    区各行政规范性文件制定主体具体落实；各成员单位负责做好…". Two clauses at least, so that one
    sentence saying who does something ("区政府办公室负责组织…") stays a requirement."""
    folded = _comparable(text)
    if "。" in folded or len(folded) > 200:  # a sentence ending in 。 is a requirement
        return False
    clauses = [c.strip() for c in split_outside_brackets(folded, ",;") if c.strip()]
    matches = [_DUTY_CLAUSE.match(c) for c in clauses]
    if len(clauses) < 2 or not all(matches):
        return False
    names = [unit_names(m.group("name")) for m in matches]
    return all(names) and any(_UNIT_SUFFIX.search(fold(n[-1])) for n in names)


def is_units(text: str) -> bool:
    names = unit_names(text)
    return bool(names) and all(_UNIT_SUFFIX.search(fold(name)) for name in names) or is_duty_phrase(text)


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
    OTHER: {LONG: 2, TEXT: 1, DEADLINE_KIND: 0.5, HEADING: 0, EMPTY: 0},
}


def fit(role: str | None, cell_kind: str) -> float:
    if role is None:
        return 0.0 if cell_kind == EMPTY else -0.5
    return _FIT[role].get(cell_kind, -2.0)
