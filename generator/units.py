"""Split a printed units cell (责任单位 / 牵头单位 / 落实单位) into unit names with roles.

The names stay exactly as printed (each is a substring of the cell); only separators and
role words (牵头, 配合, 按职责分工落实 ...) are taken out. Resolving a name to its registry
entry is `resolve`; grouping printed variants of one office is `name_key`.
"""
from __future__ import annotations

import re

# A clause ends at a comma, semicolon or line break (outside brackets).
_CLAUSE_SEPARATORS = "，,；;\n"
# Items inside a clause: 、 and 及 always; 和 only where a new unit starts after it, because
# 和 is also inside names (区住房和城乡建设局, 区发展和改革局).
_ITEM_SPLIT = re.compile(r"、|及|和(?=区|各|市|县|有关|相关)")
_ROLE_SUFFIXES = (("牵头", "lead"), ("配合", "cooperating"))
_DUTY_SUFFIX = re.compile(r"(?:按职责分工|按职能分工|按职责|按职能)?(?:负责)?落实$")
# "区发改局、区工信局等区政府相关部门": the part after 等 is a unit of its own, unless it is
# only a word like 单位 that adds nothing.
_ETC = re.compile(r"等(?=[^、，,]*$)")
_EMPTY_AFTER_ETC = {"", "单位", "部门", "部门单位"}

_OPEN = "（("
_CLOSE = "）)"


def _split_outside_brackets(text: str, is_separator) -> list[str]:
    """Split where `is_separator(text, i)` returns a match length, never inside brackets."""
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            length = is_separator(text, i)
            if length:
                parts.append(text[start:i])
                i += length
                start = i
                continue
        i += 1
    parts.append(text[start:])
    return parts


def _clause_sep(text: str, i: int) -> int:
    if text[i] in _CLAUSE_SEPARATORS:
        return 1
    # "区市场监管局牵头、区政府有关部门配合": a role word closes its clause.
    for word, _ in _ROLE_SUFFIXES:
        if text.startswith(word, i - len(word) + 1) and i + 1 < len(text) and text[i + 1] == "、":
            return 0
    if text[i] == "、" and any(text[:i].endswith(w) for w, _ in _ROLE_SUFFIXES):
        return 1
    return 0


def _item_sep(text: str, i: int) -> int:
    match = _ITEM_SPLIT.match(text, i)
    return len(match.group(0)) if match else 0


def split_units(cell: str | None, default_role: str = "responsible") -> list[tuple[str, str]]:
    """(name, role) pairs in printed order; a name printed twice in one cell is kept once."""
    if not cell:
        return []
    result: list[tuple[str, str]] = []
    for clause in _split_outside_brackets(cell.strip(), _clause_sep):
        clause = clause.strip().strip("、")
        role = default_role
        for word, word_role in _ROLE_SUFFIXES:
            if clause.endswith(word):
                clause, role = clause[: -len(word)].rstrip("、 "), word_role
                break
        clause = _DUTY_SUFFIX.sub("", clause).strip()
        for item in _split_outside_brackets(clause, _item_sep):
            for name in _split_etc(item.strip()):
                if name and all(name != seen for seen, _ in result):
                    result.append((name, role))
    return result


def _split_etc(item: str) -> list[str]:
    match = _ETC.search(item)
    if not match:
        return [item]
    head, tail = item[: match.start()], item[match.end():]
    return [head] + ([] if tail in _EMPTY_AFTER_ETC else [tail])


# Printed variants of one office: each pair maps a long form to the short key used to group
# names within a district (区发展改革局 = 区发改局 = 区发展改革委).
_ABBREVIATIONS = (
    ("发展和改革局", "发改"), ("发展改革局", "发改"), ("发展改革委", "发改"), ("发改委", "发改"), ("发改局", "发改"),
    ("人力资源和社会保障局", "人社"), ("人力资源社会保障局", "人社"), ("人力社保局", "人社"), ("人社局", "人社"),
    ("卫生健康局", "卫健"), ("卫生健康委", "卫健"), ("卫健局", "卫健"),
    ("住房和城乡建设局", "住建"), ("住房城乡建设局", "住建"), ("住建局", "住建"),
    ("市场监督管理局", "市场监管"), ("市场监管局", "市场监管"),
    ("教育体育局", "教体"), ("教体局", "教体"),
    ("交通运输局", "交通"), ("交通局", "交通"),
    ("政府办公室", "府办"), ("府办", "府办"), ("政府办", "府办"),
    ("大数据发展管理中心", "大数据"), ("大数据中心", "大数据"), ("大数据局", "大数据"),
    ("文化和旅游局", "文旅"), ("文化旅游局", "文旅"), ("文旅局", "文旅"),
    ("工业和信息化局", "工信"), ("工信局", "工信"),
)
_ECO_BRANCH = re.compile(r"^市生态环境局\S+?分局$")


def name_key(name: str) -> str:
    """A key equal for printed variants of one unit within a district."""
    key = re.sub(r"\s+", "", name)
    key = key.replace("(", "（").replace(")", "）")
    if _ECO_BRANCH.match(key):
        return "生态环境分局"
    key = key.removeprefix("区")
    for long, short in _ABBREVIATIONS:
        if key.endswith(long) and (key == long):
            return short
    return key


# Forms a citizen may type for an office that the plan prints in one form only.
STANDARD_FORMS = {
    "发改": ("区发改局", "区发展改革局", "区发展和改革局", "区发改委"),
    "人社": ("区人社局", "区人力社保局", "区人力资源社会保障局", "区人力资源和社会保障局"),
    "卫健": ("区卫健局", "区卫生健康局"),
    "住建": ("区住建局", "区住房和城乡建设局"),
    "市场监管": ("区市场监管局", "区市场监督管理局"),
    "教体": ("区教体局", "区教育体育局"),
    "交通": ("区交通局", "区交通运输局"),
    "府办": ("区府办", "区政府办公室", "区政府办"),
    "大数据": ("区大数据局", "区大数据中心", "区大数据发展管理中心"),
    "文旅": ("区文旅局", "区文化和旅游局"),
    "工信": ("区工信局", "区工业和信息化局"),
}

_COLLECTIVE = re.compile(r"各|相关|有关|承办单位|起草单位|^街道办事处$|部门(（单位）|单位)?$|企事业单位$")


def is_collective(name: str) -> bool:
    """各街镇, 区政府各部门, 有关部门单位 ...: many units, not one office."""
    return bool(_COLLECTIVE.search(name.replace("(", "（").replace(")", "）")))
