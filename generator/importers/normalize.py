"""Turn a parsed RawPlan into plan YAML data, registry additions and a review report.

The requirement texts and cells stay verbatim; this adds the parsed units with roles, the
normalized deadline, section ids, and a note for every value that was inferred.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pypinyin import lazy_pinyin

from generator.deadlines import parse_deadline
from generator.importers.base import RawPlan, RawTask
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


def district_slug(name: str) -> str:
    """长清区 -> changqing: pinyin of the name without its 区/县/市 suffix."""
    stem = re.sub(r"(区|县|市|旗)$", "", name) or name
    return re.sub(r"[^a-z0-9]", "", "".join(lazy_pinyin(stem)).lower()) or "district"


def unit_slug(name: str, taken: set[str]) -> str:
    """区发改局 -> fagaiju; a number is added when two units would share a slug."""
    stem = name.removeprefix("区") if len(name) > 2 else name
    base = re.sub(r"[^a-z0-9]", "", "".join(lazy_pinyin(stem)).lower())[:40] or "unit"
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    taken.add(slug)
    return slug


def build_draft(raw: RawPlan, district: District, source_ref: str, registry: dict[str, Any] | None) -> Draft:
    registry = registry or {"district": district.slug, "units": []}
    draft = Draft(plan={}, registry=registry)
    section_ids = _section_ids(raw.tasks)
    tasks = [_task(t, raw, section_ids, draft) for t in raw.tasks]
    has_lead = any(t.lead_units_text for t in raw.tasks)
    if not has_lead:
        for task in tasks:
            task.pop("lead_units_text", None)
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


def _section_ids(tasks: list[RawTask]) -> dict[tuple[str, ...], str]:
    """Dotted ids in order of first appearance: ("一、…",) -> "1", ("一、…", "(二)…") -> "1.2"."""
    ids: dict[tuple[str, ...], str] = {}
    children: dict[tuple[str, ...], int] = {}
    for task in tasks:
        for depth in range(1, len(task.section) + 1):
            path = tuple(task.section[:depth])
            if path not in ids:
                parent = path[:-1]
                children[parent] = children.get(parent, 0) + 1
                ids[path] = (ids[parent] + "." if parent else "") + str(children[parent])
    return ids


def _task(raw: RawTask, plan: RawPlan, section_ids: dict[tuple[str, ...], str], draft: Draft) -> dict[str, Any]:
    notes = [{"field": n.field, "message": n.message} for n in raw.notes]
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
        "section": section_ids[tuple(raw.section)] if raw.section else "1",
        "source_line": raw.line,
        "text": raw.text,
        "lead_units_text": raw.lead_units_text,
        "units_text": raw.units_text,
        "units": [{"name": n, "role": r} for n, r in units],
        "deadline_text": raw.deadline_text,
        "deadline": dl,
    }
    if notes:
        task["notes"] = notes
    return task


def _units(raw: RawTask, notes: list[dict[str, str]]) -> list[tuple[str, str]]:
    units = split_units(raw.lead_units_text, "lead")
    clause_break = re.search(r"[，,；;]", raw.lead_units_text or "")
    if raw.units_text is None and clause_break:
        # Only one units cell printed in a table with 牵头 and 责任 columns: the cell may span
        # both. Read its first clause as lead and the rest as responsible, and say so.
        first = raw.lead_units_text[: clause_break.start()]
        rest = raw.lead_units_text[clause_break.end():]
        units = split_units(first, "lead")
        units += [u for u in split_units(rest, "responsible") if all(u[0] != n for n, _ in units)]
        notes.append({"field": "units", "message": f"只印了一格单位，按逗号前“{first}”为牵头单位、其余为责任单位拆分。"})
    for name, role in split_units(raw.units_text, "responsible"):
        if all(name != n for n, _ in units):
            units.append((name, role))
    return units


def _register(name: str, draft: Draft) -> None:
    """Make sure `name` resolves to one registry entry: an alias of a variant, or a new unit."""
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
    aliases = [f for f in STANDARD_FORMS.get(key, ()) if f != name]
    entry: dict[str, Any] = {"id": unit_slug(name, taken), "name": name}
    if aliases:
        entry["aliases"] = aliases
    entry["kind"] = "collective" if is_collective(name) else "office"
    entries.append(entry)
    draft.new_units.append(name)


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
