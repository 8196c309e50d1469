"""`report` and `import-progress`: append progress reports to site_data/progress/<plan>.yaml.

Both go through `append_reports`, which
- refuses when the plan does not exist or the progress file already has problems (it would
  not know what it is editing);
- appends with ruamel.yaml's round-trip mode, so the comments and layout of the file stay;
- validates the result together with the whole data set, exactly as `validate` does, on a
  copy: a report that would make the data invalid is refused and the file is left unchanged;
- writes atomically (temporary file, then rename).
`import-progress` reads a unit's progress table (generator.progress_sheet, with the readers of
`import`), appends the rows that pass, and lists every other row in a review (screen and
site_data/reports/), never dropping one.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import io
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError as RuamelError
from ruamel.yaml.scalarstring import LiteralScalarString
from ruamel.yaml.util import load_yaml_guess_indent

from generator import yamlio
from generator.errors import DataError, Problem
from generator.fsutil import write_atomic
from generator.progress import PLAN_KEY, SCHEMA_REF, china_today, format_warning, progress_path
from generator.progress_sheet import (FIELD_NAMES, Sheet, SheetError, SheetRow, map_status, parse_date, parse_number,
                                      read_sheet, split_urls)
from generator.validate import DataSet, Loaded, _read, check, read_dataset

TEMPLATES_DIR = Path(__file__).parent / "templates"
DEFAULT_EVIDENCE_TITLE = "佐证材料"
_NEW_INDEX = re.compile(r"^reports\[(\d+)\]")
# Control characters other than the line break: spreadsheets leave them in cells (_x000B_ ...),
# and the YAML reader refuses them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


@dataclass
class Outcome:
    """What happened to one append: written or refused, and why."""

    path: Path
    written: bool = False
    problems: list[Problem] = field(default_factory=list)  # refusals (new problems only)
    warnings: list[Problem] = field(default_factory=list)  # about the new reports
    first_new: int = 0  # index of the first new report in the file's reports list
    checked: bool = False  # the new reports were checked (False: refused before, for the file itself)

    def new_index(self, problem: Problem) -> int | None:
        """Which new report (0-based) a problem is about; None when it is about the file."""
        match = _NEW_INDEX.match(problem.field)
        if not self.checked or problem.file != self.path or not match or int(match.group(1)) < self.first_new:
            return None
        return int(match.group(1)) - self.first_new


# ---------------------------------------------------------------------------------------------
# One report


def clean_text(value: str | None) -> str:
    """Cell or option text as it should stand in the file: plain line breaks, no tabs, no
    invisible characters, no spaces at line ends."""
    if value is None:
        return ""
    value = _CONTROL.sub("", str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " "))
    return "\n".join(line.rstrip() for line in value.split("\n")).strip()


def make_report(task: int, date: str, status: str, text: str, *, unit: str | None = None,
                reason: str | None = None, evidence: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A report as it will be written: key order as in the documented format."""
    report: dict[str, Any] = {"task": task, "date": date, "status": status.strip(), "text": clean_text(text)}
    if unit and unit.strip():
        report["unit"] = unit.strip()
    if reason is not None or status.strip() == "已调整":
        report["reason"] = clean_text(reason) or None
    if evidence:
        report["evidence"] = evidence
    return report


def make_evidence(url: str, title: str | None = None, published: str | None = None) -> dict[str, Any]:
    return {"title": clean_text(title) or DEFAULT_EVIDENCE_TITLE, "url": url.strip(), "published": published or None}


# ---------------------------------------------------------------------------------------------
# Appending


def append_reports(data_dir: Path, plan_key: str, reports: list[dict[str, Any]], *, write: bool = True) -> Outcome:
    """Append `reports` to the plan's progress file if the whole data set stays valid."""
    data_dir = Path(data_dir)
    path = progress_path(data_dir, plan_key)
    outcome = Outcome(path)
    if not PLAN_KEY.fullmatch(plan_key):
        outcome.problems.append(Problem(path, None, None, "plan", f"“{plan_key}”不是计划的写法。",
                                        "写成 区代码-年份，例如 changqing-2022（就是 site_data/plans 里的文件名）。"))
        return outcome
    baseline_ds = read_dataset(data_dir)
    baseline = check(baseline_ds)
    refusal = _preflight(baseline_ds, baseline, plan_key, path)
    if refusal:
        outcome.problems = refusal
        return outcome
    old = next((loaded for loaded in baseline_ds.progress if _same(loaded.path, path)), None)
    outcome.first_new = len(old.data["reports"]) if old else 0
    try:
        text = render(yamlio.read_text(path) if old else None, plan_key, reports)
    except (RuamelError, DataError) as exc:
        outcome.problems.append(Problem(path, None, None, "", f"无法在保留原有格式的情况下追加报告：{exc}",
                                        "先运行 python -m generator validate 检查这个文件，改正后再追加。"))
        return outcome
    problems, warnings, candidate = _check_candidate(data_dir, path, text)
    outcome.checked = True
    outcome.problems = [p for p in problems if p not in baseline]
    outcome.warnings = [w for w in warnings if outcome.new_index(w) is not None]
    if not outcome.problems and old and candidate and not _keeps_old(old, candidate, outcome.first_new):
        outcome.problems.append(Problem(path, None, None, "", "追加后，文件里原有的报告会被改动。",
                                        "请手工在文件末尾追加这份报告，然后运行 python -m generator validate。"))
    if write and not outcome.problems:
        write_atomic(path, text)
        outcome.written = True
    return outcome


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _preflight(ds: DataSet, baseline: list[Problem], plan_key: str, path: Path) -> list[Problem]:
    """Reasons not to touch the file at all: no such plan, or the file is already broken."""
    plans = {f"{p.data['district']['slug']}-{p.data['year']}" for p in ds.plans}
    if plan_key not in plans:
        return [Problem(path, None, None, "plan", f"没有计划“{plan_key}”，或者它的计划文件有错误。",
                        f"现有的计划：{'、'.join(sorted(plans)) or '无'}；计划文件有错误时，先运行 python -m generator validate 改正。")]
    broken = [p for p in baseline if _same(p.file, path)]
    if broken:
        return [dataclasses.replace(p, hint=(p.hint + " " if p.hint else "") + "这个文件改正之前，不能追加新报告。")
                for p in broken]
    return []


def _check_candidate(data_dir: Path, path: Path, text: str) -> tuple[list[Problem], list[Problem], Loaded | None]:
    """Check the data set with `text` in place of the progress file, without touching it."""
    ds = read_dataset(data_dir)
    ds.progress = [loaded for loaded in ds.progress if not _same(loaded.path, path)]
    ds.problems = [p for p in ds.problems if not _same(p.file, path)]
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / path.name
        copy.write_text(text, encoding="utf-8")
        before = len(ds.problems)
        candidate = _read(copy, "progress", ds)
        ds.problems[before:] = [dataclasses.replace(p, file=path) for p in ds.problems[before:]]
    if candidate:
        candidate.path = path  # so that messages, and the real-folder rule, see the real place
        ds.progress.append(candidate)
        ds.progress.sort(key=lambda loaded: loaded.path.name)
    problems = check(ds)
    return problems, ds.warnings, candidate


def _keeps_old(old: Loaded, new: Loaded, count: int) -> bool:
    """The reports (and other keys) that were there are still there, unchanged."""
    rest_old = {k: v for k, v in old.data.items() if k != "reports"}
    rest_new = {k: v for k, v in new.data.items() if k != "reports"}
    return rest_old == rest_new and new.data["reports"][:count] == old.data["reports"]


# ---------------------------------------------------------------------------------------------
# YAML text, comments kept


def render(old_text: str | None, plan_key: str, reports: list[dict[str, Any]]) -> str:
    """The file's text with `reports` appended (a new file when `old_text` is None)."""
    if old_text is None:
        old_text = f"# yaml-language-server: $schema={SCHEMA_REF}\nplan: {plan_key}\nreports: []\n"
    yaml = _round_trip(old_text)
    doc = yaml.load(old_text)
    seq = doc.get("reports")
    if not isinstance(seq, CommentedSeq):
        seq = doc["reports"] = CommentedSeq()
    seq.fa.set_block_style()  # `reports: []` in a new file
    old_last = seq[-1] if len(seq) else None
    for report in reports:
        seq.append(_commented(report))
    if old_last is not None and reports:
        _move_trailing_comment(old_last, seq[-1])
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def _round_trip(text: str) -> YAML:
    """A round-trip YAML writer with the file's own sequence indentation."""
    _, sequence, offset = load_yaml_guess_indent(text)
    if not isinstance(sequence, int) or not isinstance(offset, int) or offset >= sequence:
        sequence, offset = 4, 2  # the documented layout: "reports:\n  - task: 23"
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never fold long Chinese lines
    yaml.indent(mapping=2, sequence=sequence, offset=offset)
    # ruamel writes None as nothing; the files say null.
    yaml.representer.add_representer(type(None), lambda rep, _: rep.represent_scalar("tag:yaml.org,2002:null", "null"))
    return yaml


def _last_key(node: CommentedMap) -> tuple[CommentedMap, Any]:
    """The mapping and key of the last scalar in a report (inside its evidence list, if last)."""
    while True:
        key = list(node)[-1]
        value = node[key]
        if isinstance(value, CommentedSeq) and len(value) and isinstance(value[-1], CommentedMap) and len(value[-1]):
            node = value[-1]
        elif isinstance(value, CommentedMap) and len(value):
            node = value
        else:
            return node, key


def _move_trailing_comment(old_last: Any, new_last: CommentedMap) -> None:
    """Comment lines that followed the last report close the file (# 以上为……): keep them
    after the new reports instead of between the old and the new."""
    if not isinstance(old_last, CommentedMap) or not len(old_last):
        return
    node, key = _last_key(old_last)
    entry = node.ca.items.get(key)
    token = entry[2] if entry and len(entry) > 2 else None
    if token is None or not isinstance(token.value, str):
        return
    same_line, newline, below = token.value.partition("\n")
    if not below.strip():
        return
    token.value = same_line + newline  # an end-of-line comment stays where it was
    moved = copy.copy(token)
    moved.value = "\n" + below
    target, target_key = _last_key(new_last)
    target.ca.items[target_key] = [None, None, moved, None]


def _commented(value: Any) -> Any:
    """Plain values -> ruamel's round-trip types: dates unquoted, long text as a block."""
    if isinstance(value, dict):
        return CommentedMap((k, _date_or_text(k, _commented(v))) for k, v in value.items())
    if isinstance(value, list):
        seq = CommentedSeq(_commented(v) for v in value)
        seq.fa.set_block_style()
        return seq
    if isinstance(value, str) and "\n" in value:
        return LiteralScalarString(value)
    return value


def _date_or_text(key: str, value: Any) -> Any:
    """A valid date is written unquoted (2022-06-30), like a person would; anything else stays
    a string so that the validator can say what is wrong with it."""
    if key in ("date", "published") and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    return value


# ---------------------------------------------------------------------------------------------
# `report`

# Field of a new report -> the command-line option that sets it.
_OPTIONS = {"task": "TASK（序号）", "date": "--date", "status": "--status", "text": "--text", "unit": "--unit",
            "reason": "--reason", "evidence": "--evidence", "url": "--evidence", "title": "--evidence-title",
            "published": "--evidence-date"}


def describe_for_option(problem: Problem) -> str:
    """A problem about the report being added, named by its option (it has no line yet)."""
    leaf = re.findall(r"[a-z_]+", problem.field.split("]", 1)[-1])
    option = _OPTIONS.get(leaf[-1], "") if leaf else ""
    where = f"{problem.display_path}（要追加的报告{('，' + option) if option else ''}）"
    hint = f" 处理办法：{problem.hint}" if problem.hint else ""
    return f"{where}: 错误：{problem.message}{hint}"


def run_report(args: Any) -> int:
    """`python -m generator report PLAN TASK --status … --text …`; the exit code."""
    task = parse_number(args.task)
    if task is None:
        return _fail(f"错误：任务序号“{args.task}”不是数字。处理办法：写计划里这项任务的序号，例如 23。")
    if not args.evidence and (args.evidence_title or args.evidence_date):
        return _fail("错误：--evidence-title 和 --evidence-date 要和 --evidence（佐证链接）一起用。处理办法：加上 --evidence https://……")
    evidence = [make_evidence(args.evidence, args.evidence_title, args.evidence_date)] if args.evidence else []
    date = args.date or china_today().isoformat()
    report = make_report(task, date, args.status, args.text, unit=args.unit, reason=args.reason, evidence=evidence)
    outcome = append_reports(args.data, args.plan, [report])
    if not outcome.written:
        for problem in outcome.problems:
            print(describe_for_option(problem) if outcome.new_index(problem) is not None else problem.format(),
                  file=sys.stderr)
        return _fail(f"没有写入：{display_path(outcome.path)} 保持不变。改正上面的问题后重新运行。")
    for warning in outcome.warnings:
        print(format_warning(warning), file=sys.stderr)
    print(f"已追加到 {display_path(outcome.path)}：第 {task} 项，{date}，{report['status']}。")
    print("下一步：运行 python -m generator validate 检查，然后提交合并请求。")
    return 0


def run_import(args: Any) -> int:
    """`python -m generator import-progress FILE PLAN`; 0 only when every row was imported."""
    if not PLAN_KEY.fullmatch(args.plan):
        return _fail(f"导入失败：“{args.plan}”不是计划的写法。处理办法：写成 区代码-年份，例如 changqing-2022。")
    try:
        sheet = read_sheet(args.file)
    except SheetError as exc:
        return _fail(f"导入失败：{exc}")
    result = import_progress(sheet, args.data, args.plan, unit=args.unit, date=args.date)
    print(result.review)
    print(f"审核报告已写入 {display_path(result.review_path)}。" if result.review_path else "")
    if result.imported:
        print(f"已追加 {len(result.imported)} 份报告到 {display_path(result.progress_file)}。")
    if result.rejected or result.general:
        print(f"有 {len(result.rejected)} 行没有导入（原因见上）。改正这些行后，只把它们重新导入；"
              "已导入的行不要再导入，否则会被当作重复报告拒绝。", file=sys.stderr)
    return result.exit_code


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


# ---------------------------------------------------------------------------------------------
# `import-progress`


@dataclass
class RowResult:
    row: SheetRow
    report: dict[str, Any] | None = None
    problems: list[str] = field(default_factory=list)  # why it was not imported (Chinese)
    warnings: list[str] = field(default_factory=list)
    unit_from: str = ""  # where the reporting unit came from: a column, or --unit


@dataclass
class ImportResult:
    sheet: Sheet
    plan_key: str
    imported: list[RowResult]
    rejected: list[RowResult]
    ignored: list[SheetRow]
    general: list[Problem]  # problems with the file as a whole: nothing was written
    progress_file: Path
    review_path: Path | None = None
    review: str = ""

    @property
    def exit_code(self) -> int:
        return 0 if self.imported and not self.rejected and not self.general else 1


def import_progress(sheet: Sheet, data_dir: Path, plan_key: str, *, unit: str | None = None,
                    date: str | None = None, today: dt.date | None = None) -> ImportResult:
    """Append every good row of `sheet`; list the others. Writes the review file too."""
    today = today or china_today()
    rows: list[RowResult] = []
    ignored: list[SheetRow] = []
    for row in sheet.rows:
        if row.is_note():
            ignored.append(row)
        else:
            rows.append(_row_report(row, unit, date or today.isoformat()))
    candidates = [r for r in rows if r.report is not None]
    general = _validate_rows(data_dir, plan_key, candidates)
    good = [r for r in candidates if not r.problems]
    path = progress_path(data_dir, plan_key)
    if good and not general:
        outcome = append_reports(data_dir, plan_key, [r.report for r in good])  # type: ignore[misc]
        general = [] if outcome.written else (outcome.problems or [Problem(path, None, None, "", "没有写入。", "")])
    result = ImportResult(sheet, plan_key, good if not general else [], [r for r in rows if r.problems],
                          ignored, general, path)
    result.review = review_markdown(result, today)
    result.review_path = _review_path(data_dir, plan_key, today)
    write_atomic(result.review_path, result.review)
    return result


def _row_report(row: SheetRow, unit: str | None, default_date: str) -> RowResult:
    """A report from one row, or the reasons it cannot be one."""
    result = RowResult(row)
    number = parse_number(row.get("number"))
    if number is None:
        result.problems.append(f"序号“{row.get('number')}”不是数字。" if row.get("number") else "没有序号。")
    status = map_status(row.get("status"))
    if status is None:
        result.problems.append(
            (f"状态“{row.get('status')}”认不出。" if row.get("status") else "没有填状态。")
            + "可用的写法：已完成/完成、推进中/正在推进/进行中、未启动/未开始、常态推进/长期/常态、已调整/取消/合并。")
    if result.problems:
        return result
    date = parse_date(row.get("date")) if row.get("date") else default_date
    evidence = [make_evidence(url, row.get("title")) for url in split_urls(row.get("url"))]
    if row.get("reporter"):
        reporter, result.unit_from = row.get("reporter"), row.column("reporter")
    elif unit:
        reporter, result.unit_from = unit, "--unit"
    else:
        reporter, result.unit_from = _single_unit(row.get("responsible")), row.column("responsible")
    result.report = make_report(number, date, status, row.get("text"), unit=reporter,  # type: ignore[arg-type]
                                reason=row.get("reason") or None, evidence=evidence)
    return result


def _single_unit(cell: str) -> str | None:
    """A 责任单位 cell names the reporting unit only when it holds one name."""
    cell = cell.strip()
    return cell if cell and not re.search(r"[、，,；;\s/]", cell) else None


def _validate_rows(data_dir: Path, plan_key: str, rows: list[RowResult]) -> list[Problem]:
    """Check all candidate rows at once; put each problem on its row. Returns file-level ones."""
    if not rows:
        return []
    outcome = append_reports(data_dir, plan_key, [r.report for r in rows], write=False)  # type: ignore[misc]
    general = []
    for problem in outcome.problems:
        index = outcome.new_index(problem)
        if index is None:
            general.append(problem)
        else:
            rows[index].problems.append(_row_message(problem, rows[index]))
    for warning in outcome.warnings:
        index = outcome.new_index(warning)
        if index is not None:
            rows[index].warnings.append(_row_message(warning, rows[index]))
    return general


# Report field -> the sheet field it came from.
_SHEET_FIELDS = {"task": "number", "date": "date", "status": "status", "text": "text", "unit": "reporter",
                 "reason": "reason", "url": "url", "title": "title", "published": "url"}


def _row_message(problem: Problem, result: RowResult) -> str:
    leaf = re.findall(r"[a-z_]+", problem.field.split("]", 1)[-1])
    sheet_field = _SHEET_FIELDS.get(leaf[-1]) if leaf else None
    column = result.row.column(sheet_field) if sheet_field else ""
    if sheet_field == "reporter":
        column = result.unit_from
    elif sheet_field == "date" and not column:
        column = "--date"  # no date column: the date came from the command line (or today)
    hint = problem.hint
    if sheet_field == "reason":
        hint = "在表格里加一列“调整原因”，写明为什么调整（例如与哪一项合并、被哪个文件取消）。"
    where = f"{column}：" if column else ""
    return f"{where}{problem.message}" + (f" 处理办法：{hint}" if hint else "")


def _review_path(data_dir: Path, plan_key: str, today: dt.date) -> Path:
    """site_data/reports/progress-<plan>-<date>.md; a second import that day gets -2, -3 ..."""
    folder = Path(data_dir) / "reports"
    path = folder / f"progress-{plan_key}-{today.isoformat()}.md"
    n = 2
    while path.exists():
        path = folder / f"progress-{plan_key}-{today.isoformat()}-{n}.md"
        n += 1
    return path


def review_markdown(result: ImportResult, today: dt.date) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=False,
                             keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["oneline"] = lambda s: " ".join(str(s or "").split()).replace("|", "｜")
    env.filters["display"] = display_path
    return env.get_template("progress_review.md.j2").render(r=result, today=today, names=FIELD_NAMES)


def display_path(path: Path) -> str:
    """A path relative to the working folder where possible, as the error messages show it."""
    return Problem(Path(path), None, None, "", "").display_path
