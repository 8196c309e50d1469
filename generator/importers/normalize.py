"""Turn a parsed RawPlan into plan YAML data, registry additions and a review report.

The requirement texts and cells stay verbatim; this adds the parsed units with roles, the
normalized deadline, section ids, and a note for every value that was inferred.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from generator.deadlines import parse_deadline
from generator.importers.base import RawPlan, RawTask
from generator.importers.headers import simplify, split_outside_brackets
from generator.importers.place_pinyin import pinyin_slug, place_slug
from generator.units import STANDARD_FORMS, is_collective, name_key, split_units


@dataclass
class District:
    """The plan's issuer: a district, county, city, department or town (model.District)."""

    slug: str
    name: str
    city: str
    province: str
    level: str = "区"  # model.LEVELS; written to the plan only when it is not the default 区


@dataclass
class Draft:
    plan: dict[str, Any]
    registry: dict[str, Any]  # the district's unit registry, existing entries plus new ones
    new_units: list[str] = field(default_factory=list)  # names added to the registry
    new_aliases: list[tuple[str, str]] = field(default_factory=list)  # (alias, canonical)


PLACEHOLDER = "待填写"
# The section given to tasks the source prints under no heading: validate needs every task in a
# section that exists, and the title says plainly that the source has none.
NO_SECTIONS = "全部任务"  # no heading anywhere in the source
UNSECTIONED = "未归入章节的任务"  # tasks printed before the first heading


def district_slug(name: str) -> str:
    """长清区 -> changqing: pinyin of the name (place names read right) without its 区/县/市 suffix."""
    return place_slug(name) or "district"


def unit_slug(name: str, taken: set[str]) -> str:
    """区发改局 -> fagaiju; a number is added when two units would share a slug."""
    stem = name.removeprefix("区") if len(name) > 2 else name
    base = pinyin_slug(stem)[:40] or "unit"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def build_draft(raw: RawPlan, district: District, source_ref: str, registry: dict[str, Any] | None) -> Draft:
    registry = registry or {"district": district.slug, "units": []}
    draft = Draft(plan={}, registry=registry)
    paths = _section_paths(raw.tasks)
    section_ids = _section_ids(paths)
    tasks = [_task(t, path, raw, section_ids, draft) for t, path in zip(raw.tasks, paths)]
    for column in ("lead_units_text", "cooperating_units_text"):  # only tables that print the column
        if not any(getattr(t, column) for t in raw.tasks):
            for task in tasks:
                task.pop(column, None)
    draft.plan = {
        "district": _district_block(district),
        "year": raw.year,
        "title": raw.title,
        "doc_number": raw.doc_number,
        "issuer": raw.issuer,
        "issue_date": raw.issue_date.isoformat() if raw.issue_date else None,
        "source": source_ref,
        "has_deadline_column": raw.has_deadline_column,
        "sections": [{"id": sid, "title": path[-1]} for path, sid in section_ids.items()],
        "tasks": tasks,
    }
    return draft


def _district_block(district: District) -> dict[str, str]:
    """The plan's district block; `level` is left out for a 区, so the seed plans stay as they were."""
    block = {"name": district.name}
    if district.level != "区":
        block["level"] = district.level
    return block | {"city": district.city, "province": district.province, "slug": district.slug}


def _section_paths(tasks: list[RawTask]) -> list[tuple[str, ...]]:
    """Each task's section path; a task printed under no heading goes to a section of its own,
    titled so that nobody takes it for one the source prints."""
    fallback = (UNSECTIONED,) if any(t.section for t in tasks) else (NO_SECTIONS,)
    return [tuple(t.section) or fallback for t in tasks]


def _section_ids(paths: list[tuple[str, ...]]) -> dict[tuple[str, ...], str]:
    """Dotted ids in order of first appearance: ("一、…",) -> "1", ("一、…", "(二)…") -> "1.2"."""
    ids: dict[tuple[str, ...], str] = {}
    children: dict[tuple[str, ...], int] = {}
    for section in paths:
        for depth in range(1, len(section) + 1):
            path = tuple(section[:depth])
            if path not in ids:
                parent = path[:-1]
                children[parent] = children.get(parent, 0) + 1
                ids[path] = (ids[parent] + "." if parent else "") + str(children[parent])
    return ids


def _task(raw: RawTask, section: tuple[str, ...], plan: RawPlan, section_ids: dict[tuple[str, ...], str],
          draft: Draft) -> dict[str, Any]:
    notes = [{"field": n.field, "message": n.message} for n in raw.notes]
    if not raw.section:
        where = "原文没有分节标题" if section == (NO_SECTIONS,) else "原文这项任务印在第一个分节标题之前"
        notes.append({"field": "section", "message": f"{where}，导入时放进章节“{section[0]}”（原文没有这个标题），请核对。"})
    units = _units(raw, notes)
    for name, _role in units:
        _register(name, draft)
    if not units:
        notes.append({"field": "units", "message": "原文没有写责任单位。"})
    deadline = parse_deadline(raw.deadline_text, plan.year, plan.issue_date)
    if raw.deadline_text is None and plan.has_deadline_column:
        notes.append({"field": "deadline_text", "message": "原文这一行没有写完成时限。"})
    dl: dict[str, Any] = {"kind": deadline.kind}
    if deadline.due:
        dl["due"] = deadline.due.isoformat()
    if deadline.after_issue_days is not None:
        dl["after_issue_days"] = deadline.after_issue_days
    task: dict[str, Any] = {
        "number": raw.number,
        "section": section_ids[section],
        "source_line": raw.line,
        "text": raw.text,
        "lead_units_text": raw.lead_units_text,
        "units_text": raw.units_text,
        "cooperating_units_text": raw.cooperating_units_text,
        "units": [{"name": n, "role": r} for n, r in units],
        "deadline_text": raw.deadline_text,
        "deadline": dl,
    }
    if notes:
        task["notes"] = notes
    return task


def _units(raw: RawTask, notes: list[dict[str, str]]) -> list[tuple[str, str]]:
    """(name, role) of every unit the task's cells print: 牵头 lead, 责任 responsible, 配合 cooperating."""
    units: list[tuple[str, str]] = []

    def add(cell: str | None, role: str, *, only_role: bool = False) -> None:
        for name, printed_role in split_printed(cell, role, notes, wrapped=raw.wrapped):
            if all(name != n for n, _ in units):
                units.append((name, role if only_role else printed_role))

    clause_break = re.search(r"[，,；;]", raw.lead_units_text or "")
    if raw.units_text is None and raw.cooperating_units_text is None and clause_break:
        # Only one units cell printed in a table with 牵头 and 责任 columns: the cell may span
        # both. Read its first clause as lead and the rest as responsible, and say so.
        first = raw.lead_units_text[: clause_break.start()]
        add(first, "lead")
        add(raw.lead_units_text[clause_break.end():], "responsible")
        notes.append({"field": "units", "message": f"只印了一格单位，按逗号前“{first}”为牵头单位、其余为责任单位拆分。"})
    else:
        add(raw.lead_units_text, "lead")
    add(raw.units_text, "responsible")
    add(raw.cooperating_units_text, "cooperating", only_role=True)  # the 配合单位 column
    return units


# "宣传处会办公室", "区发改局会同区财政局、区统计局": 会(同) between two unit names means "together
# with": the units before it do the task, the units after it (to the end of the clause) cooperate.
# A bare 会 counts only after an office's own ending (处, 科, 局 …) and not before a word that
# starts with 会 (会员, 会计, 会议 …), so names that hold 会 stay whole: 区工商联会员部,
# 区卫生健康委员会, 区财政局会计核算中心, 经济开发区管委会办公室, 区妇女联合会.
_OFFICE_END = ("处", "科", "室", "局", "办", "中心", "院", "所", "站", "队", "部", "厅", "署", "股", "公司")
_TOGETHER_END = _OFFICE_END + ("委", "联", "政府", "街道", "镇", "乡", "集团", "组")
_UNIT_END = _TOGETHER_END + ("会", "社", "馆", "团", "校")
_HUI_WORDS = tuple("员计议展务商签审馆所场诊谈见考演聚长餐客晤费籍徽标堂期址")
_TOGETHER = re.compile(r"会同|会")
_CLAUSE_END = re.compile(r"[，,；;\n]")


def joins_two_units(before: str, word: str, after: str) -> bool:
    """Whether 会/会同 (`word`) between the unit name ending `before` and the one starting `after`
    means "together with" rather than being part of a name."""
    if len(before) < 2 or len(after) < 2 or not after.endswith(_UNIT_END):
        return False
    if word == "会同":
        return before.endswith(_TOGETHER_END)
    return before.endswith(_OFFICE_END) and not after.startswith(_HUI_WORDS)


def _split_cell(cell: str | None, role: str, notes: list[dict[str, str]]) -> list[tuple[str, str]]:
    """A units cell split into (name, role), the units joined by 会/会同 cooperating."""
    for match in _TOGETHER.finditer(cell or ""):
        before = re.split(r"[、，,；;\n]", cell[:match.start()])[-1].strip()
        clause = _CLAUSE_END.split(cell[match.end():])[0]
        if joins_two_units(before, match.group(0), clause.split("、")[0].strip()):
            rest = cell[match.end() + len(clause):]
            helpers = split_units(clause, "cooperating")
            notes.append({"field": "units", "message": f"“{before}{match.group(0)}{clause.strip()}”里的“{match.group(0)}”"
                                                       f"读作“会同”：{before}负责，{'、'.join(n for n, _ in helpers)}配合，请核对。"})
            return (_split_clauses(cell[:match.start()], role) + [(n, "cooperating") for n, _ in helpers]
                    + _split_cell(rest, role, notes))
    return _split_clauses(cell, role)


# A role word inside a clause: "A、B牵头", "C按职责分工负责", "D负责做好……", "E具体落实".
_CLAUSE_ROLE = re.compile(r"(?:分别)?(?:按职责分工|按职能分工|按职责|按职能)?(?:具体)?(?P<word>牵头|负责|配合|落实)")
_WORD_ROLES = {"牵头": "lead", "配合": "cooperating"}
# Words that only say "and the units" after a 、: "市直有关部门、单位" is one collective.
_GENERIC_TAIL = {"单位", "部门", "机构", "部门单位", "单位部门"}
# A bare level word between 、 joins its neighbours into one collective: "各县、市、区政府" is the
# county, city and district governments, not units called 市 and 区政府.
_LEVEL_WORDS = {"县", "市", "区", "乡", "镇", "旗", "县市", "市区"}


def _split_clauses(cell: str, role: str) -> list[tuple[str, str]]:
    """Each clause's units with the role its role word gives: the words from the role word on
    ("负责做好本单位……", "按职责分工负责") say what they do, and are not part of a name. After a
    clause with a role word, clauses without one share the role word that closes their list:
    in "A牵头，B、C，D配合" the list "B、C，D" (mixing 、 and ，) cooperates. Before any role word,
    a clause keeps the cell's role ("A，B配合": A does the task, B cooperates)."""
    pairs: list[tuple[str, str]] = []
    pending: list[str] = []  # clauses without a role word, after one that has one
    seen_role = False
    for clause, separator in _clauses(cell):
        word = _CLAUSE_ROLE.search(clause)
        rest = clause[word.end():] if word else ""
        if word is None or word.start() == 0 or rest.startswith("、"):
            if word is None and seen_role and separator in ("，", ","):
                pending.append(clause)  # its role is the one the list ends with
                continue
            pairs += _flush(pending, role) + split_units(clause, role)  # "A牵头、B配合": split_units reads the role words
            pending = []
            seen_role = seen_role or word is not None
            continue
        clause_role = _WORD_ROLES.get(word.group("word"), role)
        pairs += _flush(pending, clause_role) + split_units(clause[:word.start()], clause_role)
        pending, seen_role = [], True
    return pairs + _flush(pending, role)


def _clauses(cell: str) -> list[tuple[str, str]]:
    """(clause, the separator after it: "" at the end) of a units cell, split outside brackets."""
    parts = split_outside_brackets(cell, "，,；;\n")
    out, end = [], 0
    for part in parts:
        end += len(part)
        out.append((part.strip(), cell[end:end + 1]))
        end += 1
    return out


def _flush(clauses: list[str], role: str) -> list[tuple[str, str]]:
    """The units of clauses waiting for the role word that closes their list."""
    return [pair for clause in clauses for pair in split_units(clause, role)]


def split_printed(cell: str | None, role: str, notes: list[dict[str, str]], *,
                  wrapped: bool = False) -> list[tuple[str, str]]:
    """A units cell as printed -> (name, role), names as printed: the words are read in simplified
    characters (牽頭 is 牵头), a final 。 is dropped, a bare "单位" after a 、 stays with the
    name before it, and "各县、市、区政府" is one name. In a cell read from lines a page wrapped
    (`wrapped`), a line break is where the line was full: "园区党工\n委" is one name, kept as
    printed (with a note)."""
    if not cell:
        return []
    if wrapped and "\n" in cell:
        kept = [i for i, char in enumerate(cell) if char not in "\r\n"]
        flat = "".join(cell[i] for i in kept)
        spans = [(kept[start], kept[end - 1] + 1, name_role) for start, end, name_role in _spans(flat, role, notes)]
    else:
        spans = _spans(cell, role, notes)
    pairs: list[tuple[str, str]] = []
    for start, end, name_role in spans:
        name = cell[start:end]
        if all(name != n for n, _ in pairs):
            pairs.append((name, name_role))
            if "\n" in name and wrapped:
                flat_name = name.replace("\r", "").replace("\n", "")
                notes.append({"field": "units", "message": f"单位名称“{flat_name}”在原文折成两行，按一个名称读入（名称里保留了换行），请核对。"})
    return pairs


def _spans(cell: str, role: str, notes: list[dict[str, str]]) -> list[tuple[int, int, str]]:
    """(start, end, role) of each unit name in the cell."""
    simple = simplify(cell)
    found: list[tuple[int, int, str]] = []  # (start, end, role) in the cell
    cursor = 0
    joining = False  # the name before ended in a bare level word ("各县、市"): the next one joins it
    for name, name_role in _split_cell(simple, role, notes):
        start = simple.find(name, cursor)
        start = start if start >= 0 else simple.find(name)
        if start < 0:
            continue
        end = start + len(name.rstrip("。．."))
        cursor = start + len(name)
        after_comma = bool(found) and simple[found[-1][1]:start] == "、"
        level = simple[start:end] in _LEVEL_WORDS
        if after_comma and (simple[start:end] in _GENERIC_TAIL or level or joining):
            found[-1] = (found[-1][0], end, found[-1][2])
        elif end > start:
            found.append((start, end, name_role))
        joining = after_comma and level
    return found


def _register(name: str, draft: Draft) -> None:
    """Make sure `name` resolves to one registry entry: an alias of a variant, or a new unit. A
    name a page wrapped ("园区党工\n委") is registered whole, its printed form as an alias."""
    entries = draft.registry["units"]
    for entry in entries:
        if name == entry["name"] or name in entry.get("aliases", []):
            return
    key = name_key(name)
    for entry in entries:
        if name_key(entry["name"]) == key or any(name_key(a) == key for a in entry.get("aliases", [])):
            entry.setdefault("aliases", []).append(name)
            draft.new_aliases.append((name, entry["name"]))
            return
    taken = {e["id"] for e in entries}
    whole = re.sub(r"\s*[\r\n]+\s*", "", name)
    aliases = ([name] if whole != name else []) + [f for f in STANDARD_FORMS.get(key, ()) if f not in (name, whole)]
    entry: dict[str, Any] = {"id": unit_slug(whole, taken), "name": whole}
    if aliases:
        entry["aliases"] = aliases
    entry["kind"] = "collective" if is_collective(whole) else "office"
    entries.append(entry)
    draft.new_units.append(whole)


def review_report(raw: RawPlan, draft: Draft, layout: str, source_name: str) -> str:
    """Markdown for the staff who review the draft: inferred values, unplaced rows, new units."""
    plan = draft.plan
    out = [f"# 导入审核报告：{plan['district']['name']} {plan['year']} 年", "",
           f"- 原始文件：`{source_name}`（版式：{layout}）",
           f"- 任务数：{len(plan['tasks'])}",
           f"- 章节数：{len(plan['sections'])}", ""]
    missing = [k for k in ("city", "province") if plan["district"][k] == PLACEHOLDER]
    if missing:
        out += ["## 需要补充", "", f"- 区的 {'、'.join(missing)} 原文没有给出，请在计划文件 district 里填写。", ""]
    out += ["## 推断出的值（请逐条核对）", ""]
    inferred = [(t["number"], n) for t in plan["tasks"] for n in t.get("notes", [])]
    out += [f"- 第 {num} 项（{n['field']}）：{n['message']}" for num, n in inferred] or ["- 没有。"]
    out += ["", "## 无法归入任务的内容", ""]
    out += [f"- 第 {u.line} 行：“{u.text}”——{u.reason}" for u in raw.unplaced] or ["- 没有。"]
    out += ["", "## 新加入单位名录的单位", ""]
    out += [f"- {n}" for n in draft.new_units] or ["- 没有。"]
    out += ["", "## 作为已有单位别名加入的写法", ""]
    out += [f"- {a} → {c}" for a, c in draft.new_aliases] or ["- 没有。"]
    deadlines = [(t["number"], t["deadline_text"]) for t in plan["tasks"] if t["deadline"]["kind"] == "unresolved"]
    out += ["", "## 无法换算成日期的完成时限", ""]
    out += [f"- 第 {num} 项：“{text}”" for num, text in deadlines] or ["- 没有。"]
    return "\n".join(out) + "\n"
