"""`python -m generator import SOURCE`: a source text export -> draft plan YAML + review report."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from generator import yamlio
from generator.fsutil import write_atomic
from generator.importers import LAYOUTS, detect_layout
from generator.importers.normalize import PLACEHOLDER, District, build_draft, district_slug, review_report


class ImportFailed(Exception):
    """The source cannot be imported; the message says why and what to do (Chinese)."""


@dataclass
class ImportResult:
    plan_path: Path
    registry_path: Path
    report_path: Path
    report: str
    task_count: int


def decode_source(raw: bytes, name: str) -> str:
    """Sources come from Word/PDF exports: accept UTF-8 (with or without BOM) or GB18030."""
    for encoding in ("utf-8", "gb18030"):
        try:
            text = raw.decode(encoding)
            return text.removeprefix("\ufeff")
        except UnicodeDecodeError:
            continue
    raise ImportFailed(f"{name}：无法识别文件编码。请把文件另存为 UTF-8 文本后再导入。")


def import_source(source: Path, data_dir: Path, *, slug: str | None = None, city: str | None = None,
                  province: str | None = None, force: bool = False) -> ImportResult:
    raw_bytes = source.read_bytes()
    text = decode_source(raw_bytes, source.name)
    layouts = detect_layout(text)
    if not layouts:
        raise ImportFailed(f"{source}：认不出表格版式（支持：{'、'.join(LAYOUTS)}）。"
                           "请确认导出的是任务分解表的纯文本；版式不同时需要新增一个解析器（generator/importers/）。")
    if len(layouts) > 1:
        raise ImportFailed(f"{source}：同时像 {'、'.join(layouts)} 几种版式，无法确定。请联系维护人员。")
    layout = layouts[0]
    raw = LAYOUTS[layout].parse(text)
    district = _district(raw.district_name, data_dir, slug, city or raw.city, province or raw.province)
    plan_path = data_dir / "plans" / f"{district.slug}-{raw.year}.yaml"
    if plan_path.exists() and not force:
        raise ImportFailed(f"{plan_path} 已存在。要重新生成草稿请加 --force（会覆盖人工修改，请先提交或备份）。")

    source_copy = data_dir / "sources" / source.name
    if source_copy.exists() and source_copy.read_bytes() != raw_bytes:
        raise ImportFailed(f"{source_copy} 已存在且内容不同。原始文件不得改动：请给新文件换个名字。")
    registry_path = data_dir / "units" / f"{district.slug}.yaml"
    registry = yaml.safe_load(registry_path.read_text(encoding="utf-8")) if registry_path.exists() else None

    draft = build_draft(raw, district, f"../sources/{source.name}", registry)
    report = review_report(raw, draft, layout, source.name)
    report_path = data_dir / "reports" / f"{district.slug}-{raw.year}.md"
    if not source_copy.exists():
        write_atomic(source_copy, raw_bytes)
    write_atomic(registry_path, yamlio.dump(draft.registry, "../schema/units.schema.json"))
    write_atomic(plan_path, yamlio.dump(draft.plan, "../schema/plan.schema.json"))
    write_atomic(report_path, report)
    return ImportResult(plan_path, registry_path, report_path, report, len(raw.tasks))


def _district(name: str, data_dir: Path, slug: str | None, city: str | None, province: str | None) -> District:
    """Reuse the district block of an earlier plan of the same district, else build one."""
    for path in sorted((data_dir / "plans").glob("*.yaml")):
        try:
            known = yaml.safe_load(path.read_text(encoding="utf-8"))["district"]
        except (yaml.YAMLError, KeyError, TypeError, UnicodeDecodeError):
            continue
        if known.get("name") == name and (slug is None or known.get("slug") == slug):
            return District(known["slug"], name, city or known["city"], province or known["province"])
    return District(slug or district_slug(name), name, city or PLACEHOLDER, province or PLACEHOLDER)
