"""The open-data files: every plan as YAML (the committed file), JSON and CSV, and all tasks.

CSV is UTF-8 with a BOM so that Excel opens Chinese text correctly. Rows and keys come out
in a fixed order so the files are byte-identical between builds. A CSV cell that a spreadsheet
would run as a formula gets a leading ' (OWASP's rule against CSV injection); JSON and YAML
keep the exact text.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path
from typing import Any

from generator import views, yamlio
from generator.model import Plan, Report, Site, Task
from generator.status import Status

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
    ("cooperating_units_text", "原文的配合单位一栏（只有部分表格有这一栏）"),
    ("lead_units", "牵头单位（统一后的名称）"),
    ("units", "全部负责单位（统一后的名称），含牵头、责任和配合单位"),
    ("deadline_text", "原文的完成时限一栏"),
    ("deadline_kind", "时限类型：due 有截止日期；year_round 全年；due_then_ongoing 限期完成后长期坚持；"
                      "ongoing 长期坚持；unresolved 无法换算成日期；none 原文没有写"),
    ("deadline", "完成时限的通俗说法"),
    ("due_date", "截止日期（年-月-日），没有则为空"),
    ("themes", "所属主题"),
    ("url", "这项任务在本站的网页地址"),
    ("status", "进展状态的代码：done 已完成；done_late 逾期完成；overdue 已过时限未见完成情况；in_progress 推进中；"
               "not_due 未到时限；routine 常态推进；undetermined 时限待定；adjusted 已调整"),
    ("status_label", "进展状态（按 status_as_of 那一天计算，规则见关于本站）"),
    ("status_as_of", "进展状态按哪一天计算（年-月-日）"),
    ("report_count", "这项任务的进展报告份数"),
    ("last_report_date", "最近一次进展报告的日期（年-月-日），没有则为空"),
)
COLUMN_NAMES = tuple(name for name, _ in COLUMNS)

# The progress reports (all-reports.*, <plan>-reports.*), one row per report.
REPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("district", "区的英文简称"),
    ("district_name", "区的名称"),
    ("year", "任务表的年份"),
    ("number", "任务在原表里的序号"),
    ("date", "报告日期（年-月-日）"),
    ("status", "报告的状态：未启动、推进中、已完成、常态推进、已调整"),
    ("text", "做了什么，与报告原文一致"),
    ("unit", "报告单位"),
    ("reason", "已调整的原因"),
    ("evidence", "佐证材料：标题和链接，多份之间用“；”隔开"),
    ("example", "true 表示这是编造的示例数据，不是真实报告"),
    ("task_url", "这项任务在本站的网页地址"),
)
REPORT_COLUMN_NAMES = tuple(name for name, _ in REPORT_COLUMNS)
LIST_SEPARATOR = "；"
# First characters that make Excel, WPS or LibreOffice read a cell as a formula (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def task_record(task: Task, site_url: str, status: Status, as_of: dt.date) -> dict[str, Any]:
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
        "cooperating_units_text": task.cooperating_units_text,
        "lead_units": _unique([tu.unit.name for tu in task.lead_units]),
        "units": _unique([tu.unit.name for tu in task.units]),
        "deadline_text": task.deadline.text,
        "deadline_kind": task.deadline.kind,
        "deadline": views.deadline_words(task.deadline),
        "due_date": task.deadline.due.isoformat() if task.deadline.due else None,
        "themes": [t.name for t in task.themes],
        "url": site_url + views.task_url(task),
        "status": status.code,
        "status_label": status.label,
        "status_as_of": as_of.isoformat(),
        "report_count": len(task.reports),
        "last_report_date": _iso(views.last_report_date([task])),
    }


def report_record(task: Task, report: Report, site_url: str) -> dict[str, Any]:
    return {
        "district": task.plan.district.slug,
        "district_name": task.plan.district.name,
        "year": task.plan.year,
        "number": task.number,
        "date": report.date.isoformat(),
        "status": report.status,
        "text": report.text,
        "unit": report.unit.name if report.unit else report.unit_name or None,
        "reason": report.reason,
        "evidence": [{"title": e.title, "url": e.url, "published": _iso(e.published)} for e in report.evidence],
        "example": report.example,
        "task_url": site_url + views.task_url(task),
    }


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def plan_record(plan: Plan, site_url: str, statuses: dict[str, Status], as_of: dt.date) -> dict[str, Any]:
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
        "tasks": [task_record(t, site_url, statuses[t.key], as_of) for t in plan.tasks],
        "reports": [report_record(t, r, site_url) for t in plan.tasks for r in t.reports],
    }


def _csv_bytes(records: list[dict[str, Any]], columns: tuple[str, ...] = COLUMN_NAMES) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")  # what Excel expects
    writer.writerow(columns)
    for record in records:
        writer.writerow([_cell(record[name]) for name in columns])
    return buffer.getvalue().encode("utf-8-sig")


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        value = [f"{v['title']} {v['url']}" if isinstance(v, dict) else v for v in value]
    text = LIST_SEPARATOR.join(value) if isinstance(value, list) else str(value)
    return neutralize_formula(text)


def neutralize_formula(text: str) -> str:
    """A cell the spreadsheet would run as a formula (=HYPERLINK(...), +1, -1, @SUM(...)) is
    prefixed with ' so that it is shown as text, as typed."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _yaml_bytes(data: Any) -> bytes:
    return yamlio.dump(data).encode("utf-8")


def write_open_data(site: Site, data_dir: Path, site_url: str = "/", *, as_of: dt.date) -> list[Path]:
    """Write the files into `data_dir` (the /data/ folder of the site); return them.

    Each task carries its status on `as_of` (the build's reference date) and that date, so
    nobody reads a status without knowing when it was true."""
    if not site_url.endswith("/"):
        site_url += "/"
    data_dir.mkdir(parents=True, exist_ok=True)
    statuses = views.task_statuses(site, as_of)
    files: dict[str, bytes] = {}
    for plan in site.plans:
        record = plan_record(plan, site_url, statuses, as_of)
        files[f"{plan.key}.json"] = _json_bytes(record)
        files[f"{plan.key}.csv"] = _csv_bytes(record["tasks"])
        if record["reports"]:
            files[f"{plan.key}-reports.csv"] = _csv_bytes(record["reports"], REPORT_COLUMN_NAMES)
            files[f"{plan.key}-reports.yaml"] = _yaml_bytes({"plan": plan.key, "reports": record["reports"]})
    everything = [task_record(t, site_url, statuses[t.key], as_of) for t in site.tasks]
    reports = [report_record(t, r, site_url) for t in site.tasks for r in t.reports]
    files["all-tasks.json"] = _json_bytes({"columns": dict(COLUMNS), "status_as_of": as_of.isoformat(),
                                           "tasks": everything})
    files["all-tasks.csv"] = _csv_bytes(everything)
    files["all-reports.json"] = _json_bytes({"columns": dict(REPORT_COLUMNS), "reports": reports})
    files["all-reports.csv"] = _csv_bytes(reports, REPORT_COLUMN_NAMES)
    files["all-reports.yaml"] = _yaml_bytes({"reports": reports})
    written = []
    for plan in site.plans:
        yaml_out = data_dir / f"{plan.key}.yaml"
        shutil.copyfile(plan.path, yaml_out)
        written.append(yaml_out)
    for name, content in files.items():
        (data_dir / name).write_bytes(content)
        written.append(data_dir / name)
    return written
