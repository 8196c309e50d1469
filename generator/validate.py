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
from typing import Any, Iterator

import jsonschema

from generator import yamlio
from generator.deadlines import parse_deadline
from generator.errors import DataError, Problem, unusable_char
from generator.importers.normalize import PLACEHOLDER
from generator.model import DEFAULT_LEVEL, Theme
from generator.themes import task_themes

SCHEMAS = {"plan": "plan.schema.json", "units": "units.schema.json", "themes": "themes.schema.json",
           "progress": "progress.schema.json", "synonyms": "synonyms.schema.json"}
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
    progress: list[Loaded] = field(default_factory=list)  # progress report files (generator.progress)
    warnings: list[Problem] = field(default_factory=list)  # shown as 警告; they do not fail a check
    synonyms: Loaded | None = None  # the search's synonym list (generator.synonyms)


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


def read_dataset(root: Path, progress_dir: Path | None = None) -> DataSet:
    """Read every data file, collecting problems instead of stopping at the first.

    Progress reports come from `progress_dir` (None: root/progress, the real ones)."""
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
    from generator.progress import read_progress  # imported here: generator.progress imports this module

    read_progress(ds, progress_dir)
    from generator.synonyms import read_synonyms  # the search's synonym list, optional

    read_synonyms(ds)
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
        return f"这里应是{names}，现在是“{_shown(error.instance)}”。", "按要求改正；文字里有冒号等符号时，整段加引号。"
    if kind == "enum":
        return f"“{_shown(error.instance)}”不是允许的值。", f"只能写其中之一：{'、'.join(map(str, schema['enum']))}。"
    if kind == "pattern":
        if "\\d{4}" in schema["pattern"]:
            return f"日期“{_shown(error.instance)}”格式不对。", "日期写成 YYYY-MM-DD，例如 2023-07-26。"
        return f"“{_shown(error.instance)}”格式不对。", schema.get("description", "按说明改正。")
    if kind == "minLength":
        return "这里不能为空。", "填上内容；原文没有时写 null。"
    if kind == "maxLength":
        return (f"文字太长：有 {len(error.instance)} 字，超过上限 {schema['maxLength']} 字。",
                f"删减到 {schema['maxLength']} 字以内；是否把别的内容误粘贴进来了？")
    if kind == "maxItems":
        return (f"列表太长：有 {len(error.instance)} 项，超过上限 {schema['maxItems']} 项。",
                f"减少到 {schema['maxItems']} 项以内；内容确实这么多时，分成几个文件，或请技术人员评估后调高上限。")
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
    # What build would refuse or garble, refused here first (see the functions at the end).
    _check_districts(ds)
    _check_source_names(ds)
    _check_characters(ds)
    from generator.progress import check_progress  # imported here: generator.progress imports this module

    check_progress(ds)
    from generator.synonyms import check_synonyms

    check_synonyms(ds)
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
        _check_members(ds, reg)
        result[slug] = names
    return result


def _check_members(ds: DataSet, reg: Loaded) -> None:
    """A collective's members are offices of the same registry."""
    kinds = {unit["id"]: unit["kind"] for unit in reg.data["units"]}
    for i, unit in enumerate(reg.data["units"]):
        if "members" in unit and unit["kind"] != "collective":
            _add(ds, reg, ("units", i, "members"), f"“{unit['name']}”是单个单位（office），不能有 members。",
                 "删掉 members，或把 kind 改成 collective。")
            continue
        for j, member in enumerate(unit.get("members", [])):
            if kinds.get(member) != "office":
                close = difflib.get_close_matches(member, [k for k, v in kinds.items() if v == "office"], n=1)
                what = "不是单个单位（office）" if member in kinds else "不在本名录里"
                _add(ds, reg, ("units", i, "members", j), f"成员“{member}”{what}。",
                     (f"是不是“{close[0]}”？" if close else "") + "members 里只写本名录中 kind: office 的单位代码。")


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
    _check_source(ds, plan)
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


def validate(root: Path, progress_dir: Path | None = None) -> list[Problem]:
    """All problems in one data folder (warnings are left out: see DataSet.warnings)."""
    ds = read_dataset(root, progress_dir)
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


def _shown(value: Any, limit: int = 60) -> str:
    """A value quoted in a message: shortened, so that a huge value gives a readable message."""
    text = str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---- What build would refuse: refused here first, with file and line ---------------------------

# The types a plan's original may have. Each is published as a file to read or download, never
# as a page (views.source_file_name: .html, .md and .csv get ".txt" appended, so that neither a
# web server nor a spreadsheet program opening a download acts on their content).
SOURCE_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".xlsx", ".html", ".csv")
_RELATIVE_HINT = "写成相对于本文件的路径，用正斜杠 /，如 ../sources/原文.txt。"


def _check_source(ds: DataSet, plan: Loaded) -> None:
    problem = _source_problem(ds, plan)
    if problem:
        _add(ds, plan, ("source",), *problem)


def _source_problem(ds: DataSet, plan: Loaded) -> tuple[str, str] | None:
    """What is wrong with the plan's `source:` as (message, hint), or None.

    Everything under site_data/sources/ is published: a source must be a regular file in that
    folder (after following links), of a harmless type, with a name usable in an address."""
    source: str = plan.data["source"]
    shown = _shown(source)
    if "\\" in source:
        return f"原始文件路径“{shown}”里有反斜杠“\\”。", _RELATIVE_HINT
    if source.startswith("/") or (source[1:2] == ":" and source[:1].isascii() and source[:1].isalpha()):
        return f"原始文件路径“{shown}”是绝对路径。", _RELATIVE_HINT
    folder = (ds.root / "sources").resolve()
    try:
        path = (plan.path.parent / source).resolve()
    except (OSError, RuntimeError, ValueError):  # a symbolic-link loop, a NUL character
        return f"原始文件路径“{shown}”无法识别。", _RELATIVE_HINT
    if not path.is_relative_to(folder):
        return (f"原始文件“{shown}”不在 site_data/sources/ 文件夹里（路径里的 .. 或链接指到了文件夹外面）。",
                "把原始文件复制进 site_data/sources/，这里写 ../sources/文件名。只有这个文件夹里的文件会发布到网站上。")
    if not path.exists():
        return f"找不到原始文件 {shown}。", "把原始文件放进 site_data/sources/，并写对相对路径。"
    if not path.is_file():
        return f"“{shown}”不是一个普通文件。", "写 site_data/sources/ 里一个文件的路径。"
    if path.suffix.lower() not in SOURCE_SUFFIXES:
        return (f"原始文件的类型“{path.suffix or '没有扩展名'}”不能发布。",
                f"原始文件只能是 {'、'.join(SOURCE_SUFFIXES)} 文件：请另存为其中一种（一般用纯文本 .txt）。")
    if path.name.startswith(".") or not all(ch.isalnum() or ch in "._-" for ch in path.name):
        return (f"原始文件名“{_shown(path.name)}”里有网址里不能直接用的字符。",
                "文件名只用汉字、字母、数字和 . _ -，不要有空格、引号、#、% 等，也不要以点开头；改名后把这里的路径一起改。")
    return None


def _check_source_names(ds: DataSet) -> None:
    """Two different files must not be published under one name in /sources/."""
    from generator.views import source_file_name  # the published name, as the build writes it

    folder = (ds.root / "sources").resolve()
    published: dict[str, Path] = {}
    for plan in ds.plans:
        if _source_problem(ds, plan) is not None:
            continue
        path = (plan.path.parent / plan.data["source"]).resolve()
        name = source_file_name(path.name)
        other = published.setdefault(name, path)
        if other != path:
            _add(ds, plan, ("source",), f"原始文件 sources/{path.relative_to(folder).as_posix()} 与另一个计划的原始文件 "
                 f"sources/{other.relative_to(folder).as_posix()} 发布到网站上后同名（/sources/{name}）。",
                 "给其中一个文件改一个不同的名字，再改这里的路径。")


def _check_districts(ds: DataSet) -> None:
    """District codes that are the site's own addresses; one district written two ways."""
    from generator.pages import reserved_slugs  # the addresses build refuses (render_pages)

    reserved = reserved_slugs()
    first: dict[str, Loaded] = {}
    for plan in ds.plans:
        district = plan.data["district"]
        slug = district["slug"]
        if slug in reserved:
            _add(ds, plan, ("district", "slug"), f"区代码“{slug}”与网站自己的地址 /{slug}/ 冲突。",
                 f"换一个区代码（一般用区名的拼音，如 changqing），并把单位名录改成同样的文件名和 district。"
                 f"不能用的代码：{'、'.join(sorted(reserved))}。")
        earlier = first.setdefault(slug, plan)
        for key, label in (("name", "区名"), ("city", "所属市"), ("province", "所属省"), ("level", "层级")):
            was = earlier.data["district"].get(key, DEFAULT_LEVEL)  # only level may be left out
            now = district.get(key, DEFAULT_LEVEL)
            if earlier is not plan and now != was:
                _add(ds, plan, ("district", key), f"{label}“{now}”与同一区代码的 {earlier.path.name} 里的“{was}”不一致。",
                     f"同一个区代码的各年计划，{label}要写得一样。")


def _check_characters(ds: DataSet) -> None:
    """Text that can't be written as UTF-8 (a lone surrogate, e.g. from the escape "\\udc80")
    crashes the build; control characters garble pages and spreadsheets. Refuse both."""
    files = [ds.themes, *ds.registries.values(), *ds.plans, *ds.progress]
    for loaded in files:
        if loaded is None:
            continue
        for path, text in _strings(loaded.data, ()):
            if text.isprintable():  # the common case, checked in C
                continue
            for index, ch in enumerate(text):
                if unusable_char(ch):
                    _add(ds, loaded, path, *_character_problem(index, ch))
                    break


def _strings(data: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(path, text) of every string value in `data`."""
    if isinstance(data, str):
        yield path, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _strings(value, path + (key,))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from _strings(value, path + (index,))


def _character_problem(index: int, ch: str) -> tuple[str, str]:
    code = ascii(ch)[1:-1]  # shown as an escape: \udc80, \x00, \x1b
    if "\ud800" <= ch <= "\udfff":
        return (f"第 {index + 1} 个字是不成对的代理字符 {code}，无法保存为 UTF-8，网站会生成失败。",
                f"删掉它：多半是写成了 \"{code}\" 这样的转义，或是从别处复制来的乱码。")
    return (f"第 {index + 1} 个字是控制字符 {code}，网页和表格都无法正常显示。",
            "删掉这个字符（多半是从别处复制来的）；要换行就直接换行，不要写 \\r、\\0 这样的转义。")
