"""`python -m generator import SOURCE`: a task table in any supported format -> draft plan YAML + review report.

Every source takes one path: generator.readers reads it into one Document, and
generator.importers.interpret finds its task table (the five seed layouts are cases of that one
interpreter). Every failure is an ImportFailed whose Chinese message names the file and says what
to do, raised before anything is written. After writing, the draft is validated and the problems
are listed with their task numbers, so no draft fails `validate` unannounced.
"""
from __future__ import annotations

import dataclasses
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator import yamlio
from generator.fsutil import write_atomic
from generator.importers.base import RawPlan
from generator.importers.interpret import InterpretError, interpret
from generator.importers.normalize import (PLACEHOLDER, District, Draft, build_draft, district_slug,
                                           review_report)
from generator.importers.years import YEAR_RANGE, year_from_text, year_in_title
from generator.model import DEFAULT_LEVEL, LEVELS
from generator.readers import Document, ReadError, read_document

SLUG_PATTERN = re.compile(r"^[a-z][a-z0-9-]*$")
SLUG_MAX = 50  # plan.schema.json district.slug maxLength
# The extensions validate accepts for a source (validate.SOURCE_SUFFIXES), by reader format.
FORMAT_SUFFIXES = {"docx": ".docx", "xlsx": ".xlsx", "pdf": ".pdf", "html": ".html", "csv": ".csv", "text": ".txt"}
SUMMARY_ITEMS = 8  # names or numbers listed on one summary line before "等"
SUMMARY_PROBLEMS = 12  # validation problems printed before "还有 N 个"


class ImportFailed(Exception):
    """The source cannot be imported; the message says why and what to do (Chinese)."""


@dataclass
class Parsed:
    """The table as printed, and how it was read."""

    raw: RawPlan
    layout: str  # a seed layout's name, or "通用读取（docx）" …
    text: str  # all the source's text, for finding the year
    suffix: str  # the extension the copied source gets
    notes: list[str] = field(default_factory=list)  # for the review report's 导入说明


@dataclass
class ImportResult:
    plan_path: Path
    registry_path: Path
    report_path: Path
    report: str
    task_count: int
    summary: list[str] = field(default_factory=list)  # one screen for the terminal
    problems: list[str] = field(default_factory=list)  # validation problems of the written draft


# ---- the issuer ---------------------------------------------------------------------------

_GOVERNMENT = re.compile(r"(人民)?政府(办公室|办公厅)?$")
_DEPARTMENT = re.compile(r"(委员会|委|局|办公室|办公厅|办|厅|中心|署|院|队|站|所|会|部)$")
_PLACE_PREFIX = re.compile(r"^(\S{2,3}?[省市区县旗])")
_LEVEL_SUFFIXES = (("街道办事处", "街道"), ("街道", "街道"), ("镇", "镇"), ("乡", "镇"), ("旗", "旗"), ("县", "县"),
                   ("区", "区"), ("省", "省"))


# 济南市2023年政务公开工作要点, 2023年济南市卫生健康委员会政务公开工作要点: the issuer opens the title.
_TITLE_ISSUER = re.compile(r"^(?:关于印发)?(?:\d{4}\s*年度?)?(?P<name>[\u4e00-\u9fff]{1,20}?"
                           r"(?:省|市|区|县|旗|镇|街道|委员会|局|委|办公室|办公厅|中心))(?:人民政府(?:办公室|办公厅)?)?"
                           r"(?:\d{4}\s*年度?)?(?:政务公开|贯彻落实)")


def issuer_in_title(title: str) -> str | None:
    """The issuer a title opens with, for layouts that only know district titles (济南市2023年… -> 济南市)."""
    match = _TITLE_ISSUER.match(unicodedata.normalize("NFKC", title).replace(" ", ""))
    return match.group("name") if match else None


def infer_level(name: str, city: str | None = None) -> str:
    """区/县/市/省/部门 … from the issuer's name; a 市 inside another city is a 县级市."""
    place = _GOVERNMENT.sub("", name) or name
    if place == name and _DEPARTMENT.search(name):
        return "部门"
    for suffix, level in _LEVEL_SUFFIXES:
        if place.endswith(suffix):
            return level
    if place.endswith("市"):
        return "县级市" if city and city not in (place, PLACEHOLDER) else "市"
    return DEFAULT_LEVEL


def split_place(name: str) -> tuple[str, str | None, str | None]:
    """济南市长清区人民政府办公室 -> (长清区, 济南市, None): a government's office stands for its
    place, and a place names its province and city first. A department's name is kept whole."""
    place = _GOVERNMENT.sub("", name)
    if place == name and _DEPARTMENT.search(name) or not place:
        return name, None, None
    province = re.match(r"^\S{2,3}?省(?=\S{2,})", place)
    place = place[province.end():] if province else place
    city = re.match(r"^\S{2,3}?市(?=\S{2,})", place)
    place = place[city.end():] if city else place
    return place, city.group(0) if city else None, province.group(0) if province else None


def issuer_slug(name: str, level: str, city: str | None = None) -> str:
    """The URL code: 长清区 -> changqing; 济南市卫生健康委员会 -> jinan-weishengjiankang."""
    if level != "部门":
        stem = split_place(name)[0]
        stem = re.sub(r"(街道办事处|街道|镇|乡)$", "", stem) or stem
        return district_slug(stem)[:SLUG_MAX]
    place_match = _PLACE_PREFIX.match(name)
    place = place_match.group(1) if place_match else (city if city and city != PLACEHOLDER else "")
    rest = name[len(place_match.group(1)):] if place_match else name.removeprefix("市").removeprefix("区")
    rest = _DEPARTMENT.sub("", _GOVERNMENT.sub("", rest)) or rest
    parts = [district_slug(place) if place else "", district_slug(rest)]
    slug = "-".join(p for p in parts if p and p != "district") or "district"
    return slug[:SLUG_MAX].rstrip("-")


# ---- the source's copy --------------------------------------------------------------------

def safe_source_name(name: str, suffix: str) -> str:
    """A name `validate` accepts for the copy in site_data/sources/: letters (汉字 too), digits
    and . _ - only, no leading dot, ending in `suffix` (the extension of the format read, which
    replaces the file's own: 附件1 -> 附件1.docx, 表.htm -> 表.html, 表.TXT -> 表.txt)."""
    stem, dot, ext = name.rpartition(".")
    if not (dot and stem.strip(".") and ext.isascii() and ext.isalnum() and len(ext) <= 5):
        stem = name  # no extension, or a dot inside the name (2023.年度)
    safe = "".join(ch if ch.isalnum() or ch in "._-" else "-" for ch in stem)
    return (re.sub(r"-{2,}", "-", safe).strip("-.") or "source") + suffix


# ---- reading ------------------------------------------------------------------------------

def _read_bytes(source: Path) -> bytes:
    try:
        return source.read_bytes()
    except FileNotFoundError:
        raise ImportFailed(f"{source}：找不到这个文件。请检查文件名和路径（可以把文件拖进终端窗口得到完整路径）。") from None
    except IsADirectoryError:
        raise ImportFailed(f"{source}：这是一个文件夹，不是文件。请写出任务表文件本身的路径。") from None
    except OSError as exc:
        raise ImportFailed(f"{source}：无法读取文件（{exc.strerror or exc}）。请确认文件没有被其他程序占用、有读取权限。") from None


def _parse(source: Path) -> Parsed:
    """The task table of the source, through the readers and the one interpreter."""
    try:
        document = read_document(source)
    except ReadError as exc:
        raise ImportFailed(str(exc)) from None
    try:
        raw = interpret(document)
    except InterpretError as exc:  # one headline for every "no task table here" failure
        message = str(exc).removeprefix(f"{document.path}：")
        raise ImportFailed(f"{source}：认不出表格版式。{message}") from None
    suffix = FORMAT_SUFFIXES.get(document.format, ".txt")
    if document.format == "text" and source.suffix.lower() == ".md":
        suffix = ".md"
    return Parsed(raw, raw.layout, _document_text(document), suffix, list(raw.read_notes))


def _document_text(document: Document) -> str:
    """The paragraphs, then every table cell once: where a year may be printed."""
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row if cell.merged_from is None]
    return "\n".join(texts)


# ---- import -------------------------------------------------------------------------------

def import_source(source: Path, data_dir: Path, *, slug: str | None = None, city: str | None = None,
                  province: str | None = None, force: bool = False, year: int | str | None = None,
                  name: str | None = None, title: str | None = None, level: str | None = None) -> ImportResult:
    source = Path(source)
    year = _check_options(year, level, slug)
    raw_bytes = _read_bytes(source)
    parsed = _parse(source)
    raw = _settle_plan(parsed, source, year, name, title)
    try:
        district = _district(raw.district_name, data_dir, slug, city or raw.city, province or raw.province,
                             level or getattr(raw, "level", None), parsed.notes)
    except ImportFailed as exc:  # the URL code is taken: say which file was being imported
        raise ImportFailed(f"{source}：{exc}") from None
    plan_path = data_dir / "plans" / f"{district.slug}-{raw.year}.yaml"
    if plan_path.exists() and not force:
        raise ImportFailed(f"{plan_path} 已存在。要重新生成草稿请加 --force（会覆盖人工修改，请先提交或备份）。")

    copy_name = safe_source_name(source.name, parsed.suffix)
    if copy_name != source.name:
        parsed.notes.append(f"原始文件名“{source.name}”不能直接用在网址里，已复制为 sources/{copy_name}（内容未改动）。")
    source_copy = data_dir / "sources" / copy_name
    if source_copy.exists() and _read_bytes(source_copy) != raw_bytes:
        raise ImportFailed(f"{source_copy} 已存在且内容不同。原始文件不得改动：请给新文件换个名字。")
    registry_path = data_dir / "units" / f"{district.slug}.yaml"
    registry = _load_registry(registry_path)

    draft = build_draft(raw, district, f"../sources/{copy_name}", registry)
    parsed.notes += _ignored_columns(raw)
    report = review_report(raw, draft, parsed.layout, copy_name) + _notes_section(parsed.notes)
    report_path = data_dir / "reports" / f"{district.slug}-{raw.year}.md"
    files = [(registry_path, yamlio.dump(draft.registry, "../schema/units.schema.json").encode("utf-8")),
             (plan_path, yamlio.dump(draft.plan, "../schema/plan.schema.json").encode("utf-8")),
             (report_path, report.encode("utf-8"))]
    if not source_copy.exists():
        files.insert(0, (source_copy, raw_bytes))
    _write_all(files)
    problems = draft_problems(data_dir, plan_path, registry_path, draft.plan)
    result = ImportResult(plan_path, registry_path, report_path, report, len(raw.tasks), problems=problems)
    result.summary = _summary(raw, draft, parsed, result, source_copy)
    return result


def _check_options(year: int | str | None, level: str | None, slug: str | None) -> int | None:
    """The command line's values, refused in Chinese before anything is read."""
    if level is not None and level not in LEVELS:
        raise ImportFailed(f"--level “{level}”不是可用的层级。只能写其中之一：{'、'.join(LEVELS)}。")
    if slug is not None and (not SLUG_PATTERN.match(slug) or len(slug) > SLUG_MAX):
        raise ImportFailed(f"--slug “{slug}”不能用作网址代码。只用小写字母、数字和连字符，以字母开头，"
                           f"不超过 {SLUG_MAX} 个字符，如 changqing 或 jinan-weijian。")
    if year is None:
        return None
    text = unicodedata.normalize("NFKC", str(year)).strip()
    if not text.isdigit() or int(text) not in YEAR_RANGE:
        raise ImportFailed(f"--year “{year}”不是计划年度。写四位数字的年份，如 --year 2023。")
    return int(text)


def _settle_plan(parsed: Parsed, source: Path, year: int | None, name: str | None, title: str | None) -> RawPlan:
    """The RawPlan with the issuer, title and year that will be written: the command line's
    values first, then the source's; each value not printed in the title is noted for review."""
    raw = parsed.raw
    title = title.strip() if title else raw.title  # the parser's title stays verbatim
    if not (title or "").strip():
        raise ImportFailed(f"{source}：没有找到文件标题。请加 --title 写上原文标题，如 --title \"2023年长清区政务公开重点工作任务分解表\"。")
    name = name.strip() if name else raw.district_name
    if not (name or "").strip() and (name := issuer_in_title(title)):
        parsed.notes.append(f"发文单位按标题认作“{name}”；不对时加 --name 重新导入。")
    elif name == raw.district_name and name and split_place(name)[0] != name:
        place, city, province = split_place(name)
        parsed.notes.append(f"发文单位“{name}”按地区记作“{place}”；不对时加 --name 重新导入。")
        name = place
        raw = dataclasses.replace(raw, city=raw.city or city, province=raw.province or province)
    if not (name or "").strip():
        raise ImportFailed(f"{source}：标题“{title}”里没有认出发文的区县或部门。"
                           "请加 --name 写明，如 --name 长清区 或 --name 济南市卫生健康委员会。")
    in_title = year_in_title(title)
    if year is not None:
        if in_title is not None and in_title != year:
            parsed.notes.append(f"标题里的年份是 {in_title}，按 --year 写的 {year} 导入，请核对。")
    elif in_title is not None:
        year = in_title
    elif raw.year in YEAR_RANGE:  # the layout or interpreter read it elsewhere (a table title, a 文号)
        year = raw.year
        parsed.notes.append(f"标题里没有年份，计划年度 {year} 是从原文其他位置读出的，请核对；不对时加 --year 重新导入。")
    else:
        found = year_from_text(parsed.text)
        if found is None:
            raise ImportFailed(f"{source}：标题“{title}”里没有年份，原文里也没有找到发文字号或日期。"
                               "请加 --year 写明计划年度，如 --year 2023。没有写入任何文件。")
        year, words = found
        parsed.notes.append(f"标题里没有年份，计划年度 {year} 取自原文里的“{words}”，请核对；不对时加 --year 重新导入。")
    return dataclasses.replace(raw, year=year, title=title, district_name=name)


def _district(name: str, data_dir: Path, slug: str | None, city: str | None, province: str | None,
              level: str | None, notes: list[str]) -> District:
    """Reuse the district block of an earlier plan of the same issuer, else build one."""
    for path in sorted((data_dir / "plans").glob("*.yaml")):
        known = _known_district(path)
        if known and known.get("name") == name and (slug is None or known.get("slug") == slug):
            return District(known["slug"], name, city or known["city"], province or known["province"],
                            level or known.get("level", DEFAULT_LEVEL))
    if level is None:
        level = infer_level(name, city)
        if level != DEFAULT_LEVEL:
            notes.append(f"层级按名称推断为“{level}”；不对时加 --level 重新导入（可选：{'、'.join(LEVELS)}）。")
    city = city or _own_city(name, level)
    if city and city.endswith("省"):  # a province or its department: no city above it
        province = province or city
    if slug is None:
        slug = issuer_slug(name, level, city)
        if level == "部门":
            notes.append(f"网址代码按名称生成为“{slug}”；想换一个更短好记的，加 --slug 重新导入（如 jinan-weijian）。")
    _check_slug_free(slug, name, data_dir)
    return District(slug, name, city or PLACEHOLDER, province or PLACEHOLDER, level)


def _own_city(name: str, level: str) -> str | None:
    """The city an issuer names itself: 济南市 for the city, 济南市卫生健康委员会 for its department;
    a province and its departments stand in the province's own place (山东省, as 北京市 is both
    city and province)."""
    if level in ("市", "省"):
        return _GOVERNMENT.sub("", name) or name
    prefix = _PLACE_PREFIX.match(name)
    if level == "部门" and prefix and prefix.group(1).endswith(("市", "省")):
        return prefix.group(1)
    return None


def _known_district(path: Path) -> dict[str, Any] | None:
    try:
        known = yaml.safe_load(path.read_text(encoding="utf-8"))["district"]
    except (OSError, yaml.YAMLError, KeyError, TypeError, UnicodeDecodeError):
        return None
    return known if isinstance(known, dict) else None


def _check_slug_free(slug: str, name: str, data_dir: Path) -> None:
    """A new issuer's URL code must not be another issuer's, nor one of the site's own addresses."""
    from generator.pages import reserved_slugs

    if slug in reserved_slugs():
        raise ImportFailed(f"网址代码“{slug}”与网站自己的地址 /{slug}/ 冲突。请加 --slug 另起一个，如 {slug}-gov。")
    for path in sorted((data_dir / "plans").glob("*.yaml")):
        known = _known_district(path)
        if known and known.get("slug") == slug and known.get("name") != name:
            raise ImportFailed(f"网址代码“{slug}”已经是 {path.name} 里“{known.get('name')}”的。"
                               f"请加 --slug 给“{name}”另起一个，如 {slug}-2。")


def _load_registry(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        registry = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ImportFailed(f"{path}：单位名录读不出来（{exc}）。请先运行 python -m generator validate 改正它，再导入。") from None
    if not isinstance(registry, dict) or not isinstance(registry.get("units"), list):
        raise ImportFailed(f"{path}：单位名录的格式不对（缺少 units 列表）。请先运行 python -m generator validate 改正它，再导入。")
    return registry


def _ignored_columns(raw: RawPlan) -> list[str]:
    """Labelled columns the interpreter read past (完成情况, 备注 …; the seed layouts have none)."""
    ignored = raw.ignored_columns
    return [f"忽略的列：{'、'.join(ignored)}（导入时没有读取，请确认其中没有任务内容）。"] if ignored else []


def _notes_section(notes: list[str]) -> str:
    """The review report's 导入说明: only when there is something to say, so the seed reports stay."""
    if not notes:
        return ""
    return "\n## 导入说明（请核对）\n\n" + "\n".join(f"- {note}" for note in notes) + "\n"


def _write_all(files: list[tuple[Path, bytes]]) -> None:
    """Write every file, or (a full disk, no permission) put back what was there and fail."""
    before: dict[Path, bytes | None] = {}
    try:
        for path, data in files:
            before[path] = path.read_bytes() if path.exists() else None
            write_atomic(path, data)
    except OSError as exc:
        for path, old in before.items():
            try:
                if old is None:
                    path.unlink(missing_ok=True)
                else:
                    write_atomic(path, old)
            except OSError:
                pass  # the message below still tells staff to check and import again
        where = exc.filename or (list(before)[-1] if before else "")
        raise ImportFailed(f"{where}：写不进去（{exc.strerror or exc}）。请检查磁盘空间和文件夹权限后重新导入；"
                           "已写的文件已撤回。") from None


# ---- after writing: validation and the summary --------------------------------------------

_TASK_FIELD = re.compile(r"^tasks\[(\d+)\]")


def draft_problems(data_dir: Path, plan_path: Path, registry_path: Path, plan: dict[str, Any]) -> list[str]:
    """`validate`'s problems in the files just written, each led by the task it concerns."""
    from generator.errors import DataError
    from generator.validate import check, read_dataset

    try:
        dataset = read_dataset(data_dir)
        problems = check(dataset)  # includes the problems found while reading
    except DataError as exc:
        problems = exc.problems
    ours = {plan_path.resolve(), registry_path.resolve()}
    lines = []
    for problem in problems:
        if problem.file.resolve() not in ours:
            continue
        match = _TASK_FIELD.match(problem.field)
        tasks = plan["tasks"]
        if match and int(match.group(1)) < len(tasks):
            lines.append(f"第 {tasks[int(match.group(1))]['number']} 项任务：{problem.format()}")
        else:
            lines.append(problem.format())
    return lines


def _summary(raw: RawPlan, draft: Draft, parsed: Parsed, result: ImportResult, source_copy: Path) -> list[str]:
    """One screen: what was found, what needs a look, what was written, what to do next."""
    plan = draft.plan
    inferred = [t["number"] for t in plan["tasks"] if t.get("notes")]
    district = plan["district"]
    lines = [f"导入审核报告：{result.report_path}（请逐条核对）",
             f"  {district['name']}（{district.get('level', DEFAULT_LEVEL)}） {plan['year']} 年《{plan['title']}》",
             f"  任务：{len(plan['tasks'])} 项；章节：{len(plan['sections'])} 个；版式：{parsed.layout}",
             f"  新加入单位名录的单位：{_listed(draft.new_units, '个')}",
             f"  有推断值的任务：{_listed([f'第{n}项' for n in inferred], '项')}",
             f"  无法归入任务的内容：{_listed([f'第{u.line}行' for u in raw.unplaced], '处')}",
             f"  忽略的列：{_listed(raw.ignored_columns, '列')}"]
    missing = [label for key, label in (("city", "所属市"), ("province", "所属省")) if district[key] == PLACEHOLDER]
    if missing:
        lines.append(f"  需要补充：{'、'.join(missing)}（在计划文件的 district 里填写，或导入时加 --city / --province）")
    lines += [f"  说明：{note}" for note in parsed.notes]
    lines.append(f"已写入：{result.plan_path}（{result.task_count} 项任务）、{result.registry_path}、{source_copy}")
    if result.problems:
        numbers = sorted({int(m.group(1)) for p in result.problems if (m := re.match(r"第 (\d+) 项任务", p))})
        which = f"，涉及第 {'、'.join(map(str, numbers[:20]))}{' 等' if len(numbers) > 20 else ''} 项任务" if numbers else ""
        lines.append(f"数据检查：草稿还有 {len(result.problems)} 个问题{which}。请先改正：")
        lines += [f"  {p}" for p in result.problems[:SUMMARY_PROBLEMS]]
        if len(result.problems) > SUMMARY_PROBLEMS:
            lines.append(f"  ……还有 {len(result.problems) - SUMMARY_PROBLEMS} 个，运行 python -m generator validate 看全部。")
    else:
        lines.append("数据检查：草稿通过了检查。")
    lines.append("下一步：逐条核对审核报告，改正后运行 python -m generator validate。")
    return lines


def _listed(items: list[str], measure: str) -> str:
    if not items:
        return "没有"
    shown = "、".join(items[:SUMMARY_ITEMS]) + (" 等" if len(items) > SUMMARY_ITEMS else "")
    return f"{len(items)} {measure}（{shown}）"
