"""Progress reports: read and check site_data/progress/<district>-<year>.yaml, build Report objects.

A plan stays exactly as published; what units report about it lives in a progress file of its
own, one per plan:

    plan: changqing-2022
    reports:
      - task: 23
        date: 2022-06-30
        status: 推进中
        text: 已完成全区养老服务设施摸底……
        unit: 区民政局
        reason: null
        evidence:
          - {title: 长清区民政局关于……的公告, url: https://www.jncq.gov.cn/..., published: 2022-07-01}

Only real, published reports go in site_data/progress/. Made-up reports (the example set in
examples/progress/, test inputs) say `example: true` and are only accepted from another folder
(`--progress DIR`), so an example can never be mistaken for a real one.

Every problem names the file, line, column and field and says what to do, in Chinese, like the
plan checks in generator.validate (whose reader and schema checks are reused here).
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from generator import yamlio
from generator.errors import Problem
from generator.model import Evidence, Plan, Report, Unit
from generator.validate import DataSet, Loaded, _add, _date, _read

CHINA = dt.timezone(dt.timedelta(hours=8))
SCHEMA_REF = "../schema/progress.schema.json"  # from site_data/progress/ to site_data/schema/
PLAN_KEY = re.compile(r"^[a-z][a-z0-9-]*-\d{4}$")

# A host name: dot-separated labels (letters, digits, hyphens; Chinese domains allowed), a
# top-level domain of letters. Bare IP addresses and "localhost" are not public pages.
_HOST = re.compile(r"^(?:[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff-]{0,61}[a-z0-9\u00a1-\uffff])?\.)+"
                   r"[a-z\u00a1-\uffff]{2,63}$")
_URL_HINT = "写公开网页的完整地址，以 https:// 开头，例如 https://www.jncq.gov.cn/art/2022/7/1/art_123.html。"


def china_today() -> dt.date:
    """Today in China (UTC+8): the latest date a report can carry."""
    return dt.datetime.now(CHINA).date()


def progress_path(data_dir: Path, plan_key: str) -> Path:
    """Where the real reports on one plan live."""
    return Path(data_dir) / "progress" / f"{plan_key}.yaml"


# ---------------------------------------------------------------------------------------------
# Reading


def read_progress(ds: DataSet, folder: Path | None) -> None:
    """Read the progress files into `ds.progress` (schema-checked, like the plans)."""
    explicit = folder is not None
    folder = Path(folder) if explicit else ds.root / "progress"
    if not folder.exists():
        if explicit:  # no folder at all is the normal case only for the default one
            ds.problems.append(Problem(folder, None, None, "", "找不到进展报告文件夹。",
                                       "检查 --progress 后面的路径，例如 --progress examples/progress。"))
        return
    if not folder.is_dir():
        ds.problems.append(Problem(folder, None, None, "", "这里应是存放进展报告的文件夹，现在是一个文件。",
                                   "把它改名或移走；进展报告放在 progress 文件夹里，一个计划一个 .yaml 文件。"))
        return
    for path in sorted(folder.glob("*.yaml")):
        loaded = _read(path, "progress", ds)
        if loaded:
            ds.progress.append(loaded)


def is_real_folder(ds: DataSet, loaded: Loaded) -> bool:
    """True for files in <data>/progress: the only place for real reports."""
    return loaded.path.parent.resolve() == (ds.root / "progress").resolve()


# ---------------------------------------------------------------------------------------------
# Checking


def check_progress(ds: DataSet, today: dt.date | None = None) -> None:
    """Check every progress file against its plan and the unit registry.

    `today` is the reference date (today in China when None): nothing can be reported later.
    Errors go to ds.problems, warnings (a reporting unit that is not one of the task's units)
    to ds.warnings.
    """
    today = today or china_today()
    plans = _plans_by_key(ds)
    for loaded in ds.progress:
        _check_file(ds, loaded, plans, today)


def _plans_by_key(ds: DataSet) -> dict[str, Loaded]:
    plans: dict[str, Loaded] = {}
    for plan in ds.plans:
        plans.setdefault(f"{plan.data['district']['slug']}-{plan.data['year']}", plan)
    return plans


def _registry_names(ds: DataSet, slug: str) -> dict[str, dict[str, Any]] | None:
    """Every name and alias in a district's registry -> its entry (None: no registry)."""
    registry = ds.registries.get(slug)
    if registry is None:
        return None
    names: dict[str, dict[str, Any]] = {}
    for unit in registry.data["units"]:
        for name in (unit["name"], *unit.get("aliases", [])):
            names.setdefault(name, unit)
    return names


def _check_file(ds: DataSet, loaded: Loaded, plans: dict[str, Loaded], today: dt.date) -> None:
    data = loaded.data
    _check_example_flag(ds, loaded)
    key = data["plan"]
    if key != loaded.path.stem:
        _add(ds, loaded, ("plan",), f"plan 写的是“{key}”，与文件名“{loaded.path.stem}”不一致。",
             f"一个计划一个进展文件，文件名就是计划：改成 plan: {loaded.path.stem}，或把文件改名为 {key}.yaml。")
        return
    plan = plans.get(key)
    if plan is None:
        if not (ds.root / "plans" / f"{key}.yaml").exists():  # a broken plan file is reported by itself
            close = difflib.get_close_matches(key, list(plans), n=1)
            _add(ds, loaded, ("plan",), f"没有计划“{key}”（site_data/plans/{key}.yaml 不存在）。",
                 (f"是不是“{close[0]}”？" if close else "") + f"现有的计划：{'、'.join(sorted(plans)) or '无'}。")
        return
    slug, year = plan.data["district"]["slug"], plan.data["year"]
    tasks = {task["number"]: task for task in plan.data["tasks"]}
    names = _registry_names(ds, slug)
    seen: dict[tuple[int, str, str], int] = {}
    for i, report in enumerate(data["reports"]):
        at = ("reports", i)
        task = tasks.get(report["task"])
        if task is None:
            _add(ds, loaded, at + ("task",), f"计划 {key} 里没有序号为 {report['task']} 的任务。",
                 _nearest_numbers(report["task"], list(tasks)))
        date = _check_date(ds, loaded, at + ("date",), report["date"], "报告日期", year, today)
        if date is not None:
            _check_duplicate(ds, loaded, at, (report["task"], report["date"], report["status"]), seen)
        _check_words(ds, loaded, at, report)
        for j, evidence in enumerate(report.get("evidence") or []):
            _check_evidence(ds, loaded, at + ("evidence", j), evidence, today)
        if report.get("unit") is not None and names is not None:
            _check_unit(ds, loaded, at, report, task, names, slug)


def _check_example_flag(ds: DataSet, loaded: Loaded) -> None:
    example = loaded.data.get("example") is True
    real_folder = is_real_folder(ds, loaded)
    if example and real_folder:
        _add(ds, loaded, ("example",), "site_data/progress 里只能放真实的进展报告，这个文件却标着 example: true（示例）。",
             "示例数据放到 examples/progress/；如果这些报告是真实的，删掉 example 这一行。")
    elif not example and not real_folder:
        _add(ds, loaded, ("plan",), "这个文件不在 site_data/progress 里，却没有标明是示例（example: true）。",
             "真实的进展报告放到 site_data/progress/；示例或测试数据在文件里加一行 example: true。")


def _nearest_numbers(number: int, numbers: list[int]) -> str:
    """A hint naming the existing numbers nearest to a wrong one (by value and by spelling)."""
    if not numbers:
        return "这个计划还没有任务。"
    by_spelling = [int(n) for n in difflib.get_close_matches(str(number), [str(n) for n in numbers], n=2, cutoff=0.6)]
    by_value = sorted(numbers, key=lambda n: (abs(n - number), n))[:3]
    nearest = list(dict.fromkeys(by_spelling + by_value))[:3]
    return (f"最接近的序号：{'、'.join(map(str, nearest))}。本计划的序号从 {min(numbers)} 到 {max(numbers)}，"
            "以计划文件里的 number 为准。")


def _check_date(ds: DataSet, loaded: Loaded, at: tuple[Any, ...], value: str, what: str,
                year: int, today: dt.date) -> dt.date | None:
    date = _date(ds, loaded, at, value)
    if date is None:
        return None
    if date < dt.date(year, 1, 1):
        _add(ds, loaded, at, f"{what} {date} 早于计划年度 {year} 年。",
             f"检查年份是否写错：这个计划的报告日期从 {year}-01-01 起。")
    elif date > today:
        _add(ds, loaded, at, f"{what} {date} 晚于今天（{today}，中国时间）。",
             "不能写将来的日期：写实际报送的日期。")
    return date


def _check_duplicate(ds: DataSet, loaded: Loaded, at: tuple[Any, ...], key: tuple[int, str, str],
                     seen: dict[tuple[int, str, str], int]) -> None:
    if key in seen:
        first_line, _ = yamlio.position(loaded.positions, ("reports", seen[key]))
        _add(ds, loaded, at, f"第 {key[0]} 项在 {key[1]} 已有一份“{key[2]}”报告（第 {first_line} 行），这一份重复了。",
             "删掉重复的一份；同一天的情况合并写进一份报告。")
    else:
        seen[key] = at[1]


def _check_words(ds: DataSet, loaded: Loaded, at: tuple[Any, ...], report: dict[str, Any]) -> None:
    if not report["text"].strip():
        _add(ds, loaded, at + ("text",), "进展说明（text）是空的。",
             "用平实的话写清做了什么，例如“已在区政府网站公开养老服务补贴政策”。")
    if report["status"] == "已调整" and not (report.get("reason") or "").strip():
        where = at + ("reason",) if "reason" in report else at + ("status",)
        _add(ds, loaded, where, "状态是“已调整”，但没有写调整的原因（reason）。",
             "加上 reason: 写明为什么调整，例如“与第 26 项合并推进”或“已被某某文件取消”。")


def _check_evidence(ds: DataSet, loaded: Loaded, at: tuple[Any, ...], evidence: dict[str, Any],
                    today: dt.date) -> None:
    if not evidence["title"].strip():
        _add(ds, loaded, at + ("title",), "佐证材料的标题是空的。", "写上材料的标题，例如公告或新闻的题目。")
    problem = url_problem(evidence["url"])
    if problem:
        _add(ds, loaded, at + ("url",), problem, _URL_HINT)
    published = _date(ds, loaded, at + ("published",), evidence.get("published"))
    if published and published > today:
        _add(ds, loaded, at + ("published",), f"佐证材料的发布日期 {published} 晚于今天（{today}，中国时间）。",
             "写材料实际发布的日期。")


def url_problem(url: str) -> str | None:
    """What is wrong with an evidence link, in Chinese; None when it is a public https address."""
    if any(ch.isspace() for ch in url):
        return f"链接“{url.strip()}”里有空格或换行。"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return "链接里有不可见的控制字符。"
    lower = url.lower()
    if lower.startswith(("javascript:", "data:", "vbscript:", "file:")):
        return f"链接“{url}”不是网页地址，不能使用。"
    if lower.startswith("http://"):
        return f"链接“{url}”是 http 地址：佐证链接必须是 https（加密）地址。"
    if not url.startswith("https://"):
        return f"链接“{url}”不是以 https:// 开头的网页地址。"
    parts = urlsplit(url)
    if "@" in parts.netloc:
        return "链接里不能带用户名或密码（@ 前面的部分）。"
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return f"链接“{url}”的端口号不对。"
    if not parts.hostname or not _HOST.fullmatch(parts.hostname):
        return f"链接“{url}”的网址（域名）不完整或不对。"
    return None


def _check_unit(ds: DataSet, loaded: Loaded, at: tuple[Any, ...], report: dict[str, Any],
                task: dict[str, Any] | None, names: dict[str, dict[str, Any]], slug: str) -> None:
    name = report["unit"]
    entry = names.get(name)
    if entry is None:
        close = difflib.get_close_matches(name, list(names), n=1, cutoff=0.5)
        _add(ds, loaded, at + ("unit",), f"报送单位“{name}”不在本区单位名录里。",
             (f"是不是“{close[0]}”？" if close else "")
             + f"写名录里的名称或别名；确是新单位的，先加到 site_data/units/{slug}.yaml。")
        return
    if task is None:
        return
    task_ids = {names[u["name"]]["id"] for u in task["units"] if u["name"] in names}
    if entry["id"] not in task_ids:
        listed = "、".join(u["name"] for u in task["units"]) or "（原文没有写）"
        line, column = yamlio.position(loaded.positions, at + ("unit",))
        ds.warnings.append(Problem(
            loaded.path, line, column, yamlio.field_path(at + ("unit",)),
            f"报送单位“{name}”不是第 {task['number']} 项任务的单位（本项的单位：{listed}）。",
            "检查序号和单位是否写错；如果本单位确实承担这项工作（例如属于“各街镇”这类统称），可以不理会这条警告。"))


# ---------------------------------------------------------------------------------------------
# Warnings on screen


def format_warning(problem: Problem, fmt: str = "text") -> str:
    """A warning line: like an error, but says 警告 (GitHub: a ::warning annotation)."""
    if fmt == "github":
        return "::warning " + problem.format_github().removeprefix("::error ")
    field = f"[{problem.field}] " if problem.field else ""
    hint = f" 处理办法：{problem.hint}" if problem.hint else ""
    return f"{problem.location()}: 警告：{field}{problem.message}{hint}"


# ---------------------------------------------------------------------------------------------
# The model


def attach_reports(ds: DataSet, plans: list[Plan], units: dict[str, list[Unit]]) -> None:
    """Put each report on its task (file order kept): the data set passed check_progress."""
    by_key = {plan.key: plan for plan in plans}
    for loaded in ds.progress:
        plan = by_key[loaded.data["plan"]]
        names: dict[str, Unit] = {}
        for unit in units.get(plan.district.slug, []):
            for name in unit.all_names:
                names.setdefault(name, unit)
        tasks = {task.number: task for task in plan.tasks}
        example = loaded.data.get("example") is True
        for item in loaded.data["reports"]:
            tasks[item["task"]].reports.append(_report(item, names, example))


def _report(item: dict[str, Any], names: dict[str, Unit], example: bool) -> Report:
    unit_name = item.get("unit") or ""
    evidence = tuple(
        Evidence(e["title"], e["url"], dt.date.fromisoformat(e["published"]) if e.get("published") else None)
        for e in item.get("evidence") or []
    )
    reason = item.get("reason")
    return Report(
        task_number=item["task"],
        date=dt.date.fromisoformat(item["date"]),
        status=item["status"],
        text=item["text"].strip(),
        unit=names.get(unit_name),
        unit_name=unit_name,
        evidence=evidence,
        reason=reason.strip() if reason and reason.strip() else None,
        example=example,
    )
