"""The open-data files: every plan as YAML (the committed file), JSON and CSV, and all tasks.

CSV is UTF-8 with a BOM so that Excel opens Chinese text correctly. Rows and keys come out
in a fixed order so the files are byte-identical between builds.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

from generator import views
from generator.model import Plan, Site, Task

# Column name and its meaning (shown on the open data page). JSON uses the same keys.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("district", "区的英文简称，如 changqing"),
    ("district_name", "区的名称，如 长清区"),
    ("year", "任务表的年份"),
    ("number", "任务在原表里的序号"),
    ("section_id", "所属部分的编号，如 2.3 表示第二部分的第三小节"),
    ("section", "所属部分的标题，从大到小，用“ / ”隔开"),
    ("text", "任务内容（具体要求），与原文一致"),
    ("units_text", "原文的责任单位一栏"),
    ("lead_units_text", "原文的牵头单位一栏（只有部分区的表格有这一栏）"),
    ("lead_units", "牵头单位（统一后的名称）"),
    ("units", "全部负责单位（统一后的名称），含牵头、责任和配合单位"),
    ("deadline_text", "原文的完成时限一栏"),
    ("deadline_kind", "时限类型：due 有截止日期；year_round 全年；due_then_ongoing 限期完成后长期坚持；"
                      "ongoing 长期坚持；unresolved 无法换算成日期；none 原文没有写"),
    ("deadline", "完成时限的通俗说法"),
    ("due_date", "截止日期（年-月-日），没有则为空"),
    ("themes", "所属主题"),
    ("url", "这项任务在本站的网页地址"),
)
COLUMN_NAMES = tuple(name for name, _ in COLUMNS)
LIST_SEPARATOR = "；"


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def task_record(task: Task, site_url: str) -> dict[str, Any]:
    plan = task.plan
    chain = views.section_chain(plan, task.section)
    return {
        "district": plan.district.slug,
        "district_name": plan.district.name,
        "year": plan.year,
        "number": task.number,
        "section_id": task.section.id,
        "section": " / ".join(s.title for s in chain),
        "text": task.text,
        "units_text": task.units_text,
        "lead_units_text": task.lead_units_text,
        "lead_units": _unique([tu.unit.name for tu in task.lead_units]),
        "units": _unique([tu.unit.name for tu in task.units]),
        "deadline_text": task.deadline.text,
        "deadline_kind": task.deadline.kind,
        "deadline": views.deadline_words(task.deadline),
        "due_date": task.deadline.due.isoformat() if task.deadline.due else None,
        "themes": [t.name for t in task.themes],
        "url": site_url + views.task_url(task),
    }


def plan_record(plan: Plan, site_url: str) -> dict[str, Any]:
    return {
        "district": plan.district.slug,
        "district_name": plan.district.name,
        "city": plan.district.city,
        "province": plan.district.province,
        "year": plan.year,
        "title": plan.title,
        "doc_number": plan.doc_number,
        "issuer": plan.issuer,
        "issue_date": plan.issue_date.isoformat() if plan.issue_date else None,
        "url": site_url + views.plan_url(plan),
        "source_url": site_url + views.source_url(plan),
        "tasks": [task_record(t, site_url) for t in plan.tasks],
    }


def _csv_bytes(records: list[dict[str, Any]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")  # what Excel expects
    writer.writerow(COLUMN_NAMES)
    for record in records:
        writer.writerow([_cell(record[name]) for name in COLUMN_NAMES])
    return buffer.getvalue().encode("utf-8-sig")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return LIST_SEPARATOR.join(value)
    return str(value)


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_open_data(site: Site, data_dir: Path, site_url: str = "/") -> list[Path]:
    """Write the files into `data_dir` (the /data/ folder of the site); return them."""
    if not site_url.endswith("/"):
        site_url += "/"
    data_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for plan in site.plans:
        yaml_out = data_dir / f"{plan.key}.yaml"
        shutil.copyfile(plan.path, yaml_out)
        record = plan_record(plan, site_url)
        (data_dir / f"{plan.key}.json").write_bytes(_json_bytes(record))
        (data_dir / f"{plan.key}.csv").write_bytes(_csv_bytes(record["tasks"]))
        written += [yaml_out, data_dir / f"{plan.key}.json", data_dir / f"{plan.key}.csv"]
    everything = [task_record(t, site_url) for t in site.tasks]
    (data_dir / "all-tasks.json").write_bytes(_json_bytes({"columns": dict(COLUMNS), "tasks": everything}))
    (data_dir / "all-tasks.csv").write_bytes(_csv_bytes(everything))
    written += [data_dir / "all-tasks.json", data_dir / "all-tasks.csv"]
    return written
