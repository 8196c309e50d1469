"""Check the data in site_data/: schema, references, duplicates, dates, empty text.

Every problem names the file, the line and column, the field path, what is wrong and what to
do, in Chinese, for the district staff who edit these files. Nothing here builds pages.
"""
from __future__ import annotations

import datetime as dt
import difflib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from generator import yamlio
from generator.deadlines import parse_deadline
from generator.errors import DataError, Problem
from generator.importers.normalize import PLACEHOLDER
from generator.model import Theme
from generator.themes import task_themes

SCHEMAS = {"plan": "plan.schema.json", "units": "units.schema.json", "themes": "themes.schema.json"}
_TYPE_NAMES = {"string": "文字", "integer": "整数", "boolean": "true 或 false", "array": "列表", "object": "键值对", "null": "null"}


@dataclass
class Loaded:
    """One data file as read: its content and where each value stands."""

    path: Path
    data: Any
    positions: yamlio.Positions


@dataclass
class DataSet:
    """Everything in one data folder, read and schema-checked."""

    root: Path
    themes: Loaded | None = None
    registries: dict[str, Loaded] = field(default_factory=dict)  # district slug -> file
    plans: list[Loaded] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def data_root(path: Path) -> Path:
    """The data folder a file belongs to: the nearest folder holding themes.yaml."""
    path = path.resolve()
    for folder in [path, *path.parents]:
        if (folder / "themes.yaml").is_file():
            return folder
    raise DataError([Problem(path, None, None, "", "找不到数据文件夹（含 themes.yaml 的文件夹）。",
                             "在项目根目录运行，或给出 site_data 里的文件。")])


@cache
def _schema(root: Path, kind: str) -> dict[str, Any]:
    """The JSON Schema for one kind of file; DataError when it is missing or broken."""
    path = root / "schema" / SCHEMAS[kind]
    try:
        return json.loads(yamlio.read_bytes(path).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DataError([Problem(path, getattr(exc, "lineno", None), getattr(exc, "colno", None), "",
                                 f"数据格式说明（JSON Schema）文件损坏：{exc}。",
                                 "从仓库恢复这个文件（git checkout -- 文件名），不要手工改动。")]) from None
    except DataError as exc:
        raise DataError([Problem(path, None, None, "", f"缺少数据格式说明文件 schema/{SCHEMAS[kind]}（{p.message}）",
                                 "从仓库恢复 site_data/schema 文件夹（git checkout -- site_data/schema）。")
                         for p in exc.problems]) from None


def read_dataset(root: Path) -> DataSet:
    """Read every data file, collecting problems instead of stopping at the first."""
    ds = DataSet(root)
    if not root.is_dir():
        ds.problems.append(Problem(root, None, None, "", "找不到数据文件夹。", "检查路径；数据默认在 site_data/。"))
        return ds
    if not (root / "themes.yaml").exists() and not (root / "themes.yaml").is_symlink():
        ds.problems.append(Problem(root / "themes.yaml", None, None, "", "缺少主题文件 themes.yaml。",
                                   "从仓库恢复 site_data/themes.yaml（git checkout -- site_data/themes.yaml）。"))
        return ds
    ds.themes = _read(root / "themes.yaml", "themes", ds)
    for path in sorted((root / "units").glob("*.yaml")):
        loaded = _read(path, "units", ds)
        if loaded:
            ds.registries[loaded.data["district"]] = loaded
            if loaded.data["district"] != path.stem:
                _add(ds, loaded, ("district",), f"区代码“{loaded.data['district']}”与文件名“{path.stem}”不一致。",
                     f"把文件改名为 {loaded.data['district']}.yaml，或改正区代码。")
    for path in sorted((root / "plans").glob("*.yaml")):
        loaded = _read(path, "plan", ds)
        if loaded:
            ds.plans.append(loaded)
    if not ds.plans and not ds.problems:
        ds.problems.append(Problem(root / "plans", None, None, "", "没有任何计划文件。", "在 plans 文件夹里放入计划 YAML。"))
    return ds


def _read(path: Path, kind: str, ds: DataSet) -> Loaded | None:
    try:
        data, positions = yamlio.load(path)
        schema = _schema(ds.root, kind)
    except DataError as exc:
        ds.problems.extend(p for p in exc.problems if p not in ds.problems)
        return None
    loaded = Loaded(path, data, positions)
    errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(data),
                    key=lambda e: yamlio.position(positions, tuple(e.absolute_path)))
    for error in errors:
        ds.problems.append(_schema_problem(loaded, error))
    return None if errors else loaded


def _add(ds: DataSet, loaded: Loaded, path: tuple[Any, ...], message: str, hint: str) -> None:
    line, column = yamlio.position(loaded.positions, path)
    ds.problems.append(Problem(loaded.path, line, column, yamlio.field_path(path), message, hint))


def _schema_problem(loaded: Loaded, error: jsonschema.ValidationError) -> Problem:
    path = tuple(error.absolute_path)
    if error.validator == "additionalProperties":
        # Point at the unknown key itself, not at the start of its mapping.
        allowed = error.schema.get("properties", {})
        extras = [key for key in error.instance if key not in allowed]
        path = path + (extras[0],)
    line, column = yamlio.position(loaded.positions, path)
    message, hint = _explain(error)
    return Problem(loaded.path, line, column, yamlio.field_path(path), message, hint)


def _explain(error: jsonschema.ValidationError) -> tuple[str, str]:
    """A schema error in plain Chinese, with what to do."""
    kind, schema = error.validator, error.schema
    if kind == "required":
        missing = error.message.split("'")[1]
        return f"缺少必填字段“{missing}”。", f"在这一项里加上 {missing}: …（参照其他任务的写法）。"
    if kind == "additionalProperties":
        allowed = list(schema.get("properties", {}))
        extras = [e for e in error.instance if e not in allowed]
        tips = []
        for extra in extras:
            close = difflib.get_close_matches(str(extra), allowed, n=1)
            tips.append(f"“{extra}”是不是想写“{close[0]}”？" if close else f"删掉“{extra}”。")
        return f"有不认识的字段：{'、'.join(map(str, extras))}。", " ".join(tips) + f" 可用的字段：{'、'.join(allowed)}。"
    if kind == "type":
        wanted = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        names = "或".join(_TYPE_NAMES.get(t, t) for t in wanted)
        return f"这里应是{names}，现在是“{error.instance}”。", "按要求改正；文字里有冒号等符号时，整段加引号。"
    if kind == "enum":
        return f"“{error.instance}”不是允许的值。", f"只能写其中之一：{'、'.join(map(str, schema['enum']))}。"
    if kind == "pattern":
        if "\\d{4}" in schema["pattern"]:
            return f"日期“{error.instance}”格式不对。", "日期写成 YYYY-MM-DD，例如 2023-07-26。"
        return f"“{error.instance}”格式不对。", schema.get("description", "按说明改正。")
    if kind == "minLength":
        return "这里不能为空。", "填上内容；原文没有时写 null。"
    if kind == "minItems":
        return "列表不能为空。", "至少写一项，或删掉这个字段。"
    if kind in ("minimum", "maximum"):
        return f"数值 {error.instance} 超出范围。", "检查是否填错。"
    return error.message, "对照 site_data/schema 里的说明改正。"


def check(ds: DataSet) -> list[Problem]:
    """Cross-file checks on files that passed the schema."""
    themes = _check_themes(ds)
    names = _check_registries(ds)
    seen_plans: dict[tuple[str, int], Path] = {}
    for plan in ds.plans:
        key = (plan.data["district"]["slug"], plan.data["year"])
        if key in seen_plans:
            _add(ds, plan, ("year",), f"{key[0]} {key[1]} 年的计划已在 {seen_plans[key].name} 里。", "一个区一年只能有一个计划文件。")
        seen_plans[key] = plan.path
        _check_plan(ds, plan, names.get(key[0]), themes)
    return ds.problems


def _check_themes(ds: DataSet) -> list[Theme]:
    if not ds.themes:
        return []
    themes = []
    seen: set[str] = set()
    for i, item in enumerate(ds.themes.data["themes"]):
        if item["id"] in seen:
            _add(ds, ds.themes, ("themes", i, "id"), f"主题代码“{item['id']}”重复。", "每个主题的代码要不同。")
        seen.add(item["id"])
        themes.append(Theme(item["id"], item["name"], item["description"], tuple(item["keywords"])))
    return themes


def _check_registries(ds: DataSet) -> dict[str, dict[str, str]]:
    """district slug -> printed name -> unit id; each name must point to one unit only."""
    result: dict[str, dict[str, str]] = {}
    for slug, reg in ds.registries.items():
        names: dict[str, str] = {}
        ids: set[str] = set()
        for i, unit in enumerate(reg.data["units"]):
            if unit["id"] in ids:
                _add(ds, reg, ("units", i, "id"), f"单位代码“{unit['id']}”重复。", "每个单位的代码要不同。")
            ids.add(unit["id"])
            for j, name in enumerate([unit["name"], *unit.get("aliases", [])]):
                where = ("units", i, "name") if j == 0 else ("units", i, "aliases", j - 1)
                if name in names and names[name] != unit["id"]:
                    _add(ds, reg, where, f"名称“{name}”同时属于单位 {names[name]} 和 {unit['id']}。",
                         "一个名称只能对应一个单位：删掉其中一处。")
                names[name] = unit["id"]
        result[slug] = names
    return result


def _check_plan(ds: DataSet, plan: Loaded, unit_names: dict[str, str] | None,
                themes: list[Theme]) -> None:
    data = plan.data
    slug, year = data["district"]["slug"], data["year"]
    if unit_names is None:
        _add(ds, plan, ("district", "slug"), f"没有区“{slug}”的单位名录。",
             f"新建 site_data/units/{slug}.yaml（可用 python -m generator import 生成草稿）。")
        unit_names = {}
    for key in ("city", "province"):
        if data["district"][key] == PLACEHOLDER:
            _add(ds, plan, ("district", key), f"区的{'所属市' if key == 'city' else '所属省'}还没填写。", "填上真实的名称。")
    if not (plan.path.parent / data["source"]).is_file():
        _add(ds, plan, ("source",), f"找不到原始文件 {data['source']}。", "把原始文件放进 site_data/sources/，并写对相对路径。")
    issue_date = _date(ds, plan, ("issue_date",), data.get("issue_date"))
    if issue_date and not (year - 1 <= issue_date.year <= year + 1):
        _add(ds, plan, ("issue_date",), f"印发日期 {issue_date} 与计划年度 {year} 相差太远。", "检查年份是否填错。")
    section_ids = _check_sections(ds, plan)
    numbers: dict[int, int] = {}
    for i, task in enumerate(data["tasks"]):
        at = ("tasks", i)
        if task["number"] in numbers:
            _add(ds, plan, at + ("number",), f"序号 {task['number']} 重复（第 {numbers[task['number']] + 1} 项任务也用了它）。",
                 "改成不重复的序号；任务网址由序号决定，已发布的序号不要改动。")
        numbers.setdefault(task["number"], i)
        if task["section"] not in section_ids:
            _add(ds, plan, at + ("section",), f"章节“{task['section']}”不存在。", "写 sections 里已有的章节 id。")
        if not task["text"].strip():
            _add(ds, plan, at + ("text",), "具体要求是空的。", "照原文填写具体要求。")
        elif task["text"] != task["text"].strip():
            _add(ds, plan, at + ("text",), "具体要求首尾有多余的空白。", "删掉开头和结尾的空格或空行。")
        _check_units(ds, plan, at, task, unit_names)
        _check_deadline(ds, plan, at, task, year, issue_date)
        for j, theme_id in enumerate(task.get("themes", [])):
            if theme_id not in {t.id for t in themes}:
                close = difflib.get_close_matches(theme_id, [t.id for t in themes], n=1)
                _add(ds, plan, at + ("themes", j), f"没有代码为“{theme_id}”的主题。",
                     (f"是不是“{close[0]}”？" if close else "") + "主题代码见 site_data/themes.yaml。")
        if themes and not task_themes(task["text"], task.get("themes"), themes):
            _add(ds, plan, at + ("text",), "这项任务没有归入任何主题。",
                 "在 site_data/themes.yaml 里给合适的主题加关键词，或在任务里写 themes: [主题代码]。")


def _check_sections(ds: DataSet, plan: Loaded) -> set[str]:
    ids: set[str] = set()
    for i, section in enumerate(plan.data["sections"]):
        if section["id"] in ids:
            _add(ds, plan, ("sections", i, "id"), f"章节 id“{section['id']}”重复。", "每个章节的 id 要不同。")
        parent = section["id"].rsplit(".", 1)[0] if "." in section["id"] else None
        if parent and parent not in ids:
            _add(ds, plan, ("sections", i, "id"), f"章节“{section['id']}”的上级章节“{parent}”不存在或排在它后面。",
                 "先写上级章节，再写下级章节。")
        ids.add(section["id"])
    return ids


def _check_units(ds: DataSet, plan: Loaded, at: tuple[Any, ...], task: dict[str, Any],
                 unit_names: dict[str, str]) -> None:
    notes = {n["field"] for n in task.get("notes", [])}
    if not task["units"] and not notes & {"units", "units_text"}:
        _add(ds, plan, at + ("units",), "没有责任单位。", "照原文填写单位；原文确实没有时，在 notes 里写明（field: units）。")
    slug = plan.data["district"]["slug"]
    for j, unit in enumerate(task["units"]):
        if unit["name"] not in unit_names:
            close = difflib.get_close_matches(unit["name"], list(unit_names), n=1, cutoff=0.5)
            _add(ds, plan, at + ("units", j, "name"), f"单位“{unit['name']}”不在本区单位名录里。",
                 (f"是不是“{close[0]}”？" if close else "")
                 + f"若是新单位或新写法，加到 site_data/units/{slug}.yaml（新单位，或已有单位的 aliases）。")


def _check_deadline(ds: DataSet, plan: Loaded, at: tuple[Any, ...], task: dict[str, Any],
                    year: int, issue_date: dt.date | None) -> None:
    deadline = task["deadline"]
    text = task.get("deadline_text")
    due = _date(ds, plan, at + ("deadline", "due"), deadline.get("due"))
    kind = deadline["kind"]
    if kind in ("due", "year_round", "due_then_ongoing") and not deadline.get("due"):
        _add(ds, plan, at + ("deadline",), f"时限类型是 {kind}，但没有 due 日期。", "补上 due: YYYY-MM-DD。")
    if due and not (year - 1 <= due.year <= year + 2):
        _add(ds, plan, at + ("deadline", "due"), f"截止日期 {due} 与计划年度 {year} 不符。", "检查年份是否填错。")
    if text is None and plan.data["has_deadline_column"] and not {n["field"] for n in task.get("notes", [])} & {"deadline", "deadline_text"}:
        _add(ds, plan, at + ("deadline_text",), "没有完成时限。", "照原文填写；原文确实没有时，在 notes 里写明（field: deadline_text）。")
    expected = parse_deadline(text, year, issue_date)
    if expected.kind != "unresolved" and (
        expected.kind != kind or (expected.due.isoformat() if expected.due else None) != deadline.get("due")
    ):
        want = f"kind: {expected.kind}" + (f", due: {expected.due.isoformat()}" if expected.due else "")
        _add(ds, plan, at + ("deadline",), f"时限“{text}”换算结果与 deadline 不一致。", f"改成 {want}。")


def _date(ds: DataSet, loaded: Loaded, path: tuple[Any, ...], value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _add(ds, loaded, path, f"日期 {value} 不存在。", "改成真实的日期（注意大小月和闰年）。")
        return None


def validate(root: Path) -> list[Problem]:
    """All problems in one data folder."""
    ds = read_dataset(root)
    return check(ds)


def summary_markdown(roots: list[Path], problems: list[Problem]) -> str:
    """A short Markdown report for CI's job summary."""
    if not problems:
        return "### 数据检查通过\n\n" + "\n".join(f"- `{r}`：没有发现问题" for r in roots) + "\n"
    lines = [f"### 数据检查发现 {len(problems)} 个问题", "", "| 位置 | 字段 | 问题 | 处理办法 |", "|---|---|---|---|"]
    for p in problems:
        cells = [p.location(), p.field or "—", p.message, p.hint]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
