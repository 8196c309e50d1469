"""Progress reports (site_data/progress/): each broken kind is refused with file, line and a fix;
the example set validates and loads as examples; the real plans have no reports at all."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.errors import DataError, Problem
from generator.loader import load_site
from generator.model import REPORT_STATUSES
from generator.progress import check_progress, url_problem
from generator.validate import check, read_dataset, validate
from tests.helpers import DATA, ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "progress" / "changqing-2022.yaml"
EXAMPLES = ROOT / "examples" / "progress"


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    """A copy of the real data with one (made-up) progress file in its progress/ folder."""
    copy = tmp_path / "site_data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns("reports"))
    (copy / "progress").mkdir()
    shutil.copy(FIXTURE, copy / "progress" / "changqing-2022.yaml")
    return copy


def _progress(data: Path) -> Path:
    return data / "progress" / "changqing-2022.yaml"


def _replace(path: Path, old: str, new: str) -> int:
    """Replace text once and return the 1-based line where it starts."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def _one(problems: list[Problem], path: Path) -> Problem:
    assert len(problems) == 1, [p.format() for p in problems]
    assert problems[0].file == path and problems[0].hint
    return problems[0]


# ---- the real data and the example set --------------------------------------------------------

def test_real_plans_have_no_progress_reports() -> None:
    """Honesty: no plan has published progress, so no page may show any."""
    site = load_site(DATA)
    assert [t.key for t in site.tasks if t.reports] == []
    assert not list((DATA / "progress").glob("*.yaml"))


def test_schema_statuses_are_the_model_statuses() -> None:
    schema = json.loads((DATA / "schema" / "progress.schema.json").read_text(encoding="utf-8"))
    assert tuple(schema["$defs"]["report"]["properties"]["status"]["enum"]) == REPORT_STATUSES


def test_fixture_is_valid_and_loads_on_its_tasks(data: Path) -> None:
    ds = read_dataset(data)
    assert check(ds) == [] and ds.warnings == []
    site = load_site(data)
    task = next(t for t in site.tasks if t.key == "changqing-2022-23")
    assert [(r.date, r.status) for r in task.reports] == [(dt.date(2022, 6, 30), "推进中"), (dt.date(2022, 12, 20), "已完成")]
    first = task.reports[0]
    assert first.unit is not None and first.unit.name == "区民政局" and first.example is False
    assert first.evidence[0].published == dt.date(2022, 7, 1) and first.evidence[0].url.startswith("https://")
    adjusted = next(t for t in site.tasks if t.key == "changqing-2022-25").reports[0]
    assert adjusted.reason == "经区政务公开领导小组同意，与第26项合并推进"


def test_example_set_validates_and_loads_as_examples() -> None:
    ds = read_dataset(DATA, EXAMPLES)
    assert check(ds) == [] and ds.warnings == []
    site = load_site(DATA, EXAMPLES)
    reports = [(t, r) for t in site.tasks for r in t.reports]
    assert 10 <= len(reports) <= 16
    assert all(r.example and r.text.startswith("【示例】") for _, r in reports)
    assert all(e.url.startswith("https://example.gov.cn/") for _, r in reports for e in r.evidence)
    assert {r.status for _, r in reports} == set(REPORT_STATUSES)
    done = [(t, r) for t, r in reports if r.status == "已完成" and t.deadline.due]
    assert any(r.date <= t.deadline.due for t, r in done) and any(r.date > t.deadline.due for t, r in done)
    assert any(r.status == "推进中" and r.date <= t.deadline.due for t, r in reports if t.deadline.due)
    assert all(r.reason for _, r in reports if r.status == "已调整")
    routine = [(t, r) for t, r in reports if r.status == "常态推进"]
    assert all(t.deadline.ongoing for t, _ in routine)
    year_end = {t.plan.key: dt.date(t.plan.year, 12, 31) for t, _ in reports}
    ages = [(year_end[t.plan.key] - r.date).days for t, r in routine]
    assert min(ages) < 183 < max(ages)  # one fresh, one stale by more than 6 months at year end
    # dates stay valid for a long time: never after the end of the year after the plan year
    assert all(r.date <= dt.date(t.plan.year + 1, 12, 31) for t, r in reports)
    assert len({t.plan.key for t, _ in reports}) == 2
    assert any(not t.reports for t in site.tasks if t.plan.key == "changqing-2022")


def test_example_file_is_refused_among_real_reports(data: Path) -> None:
    shutil.copy(EXAMPLES / "licheng-2023.yaml", data / "progress" / "licheng-2023.yaml")
    path = data / "progress" / "licheng-2023.yaml"
    problem = _one(validate(data), path)
    assert problem.field == "example" and "example: true" in problem.message and "examples/progress" in problem.hint
    assert problem.line == path.read_text(encoding="utf-8").splitlines().index("example: true") + 1


def test_unmarked_file_outside_site_data_is_refused(data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    shutil.copy(FIXTURE, folder / "changqing-2022.yaml")
    problem = _one(validate(data, folder), folder / "changqing-2022.yaml")
    assert "example: true" in problem.message and "site_data/progress" in problem.hint


def test_missing_progress_folder_given_on_the_command_line(data: Path, tmp_path: Path) -> None:
    problem = _one(validate(data, tmp_path / "nope"), tmp_path / "nope")
    assert "找不到进展报告文件夹" in problem.message and "--progress" in problem.hint


# ---- each broken kind: file, line, field and what to do ----------------------------------------

def test_plan_does_not_match_file_name(data: Path) -> None:
    path = _progress(data)
    line = _replace(path, "plan: changqing-2022", "plan: changqing-2023")
    problem = _one(validate(data), path)
    assert (problem.line, problem.field) == (line, "plan") and "文件名" in problem.message


def test_no_such_plan(data: Path) -> None:
    path = _progress(data).rename(data / "progress" / "changqing-2021.yaml")
    line = _replace(path, "plan: changqing-2022", "plan: changqing-2021")
    problem = _one(validate(data), path)
    assert problem.line == line and "没有计划“changqing-2021”" in problem.message
    assert "changqing-2022" in problem.hint


def test_unknown_task_number_suggests_the_nearest(data: Path) -> None:
    path = _progress(data)
    line = _replace(path, "  - task: 25\n", "  - task: 67\n")
    problem = _one(validate(data), path)
    assert (problem.line, problem.field) == (line, "reports[2].task")
    assert "没有序号为 67 的任务" in problem.message and "66" in problem.hint and "1 到 66" in problem.hint


def test_unknown_status_lists_the_allowed_ones(data: Path) -> None:
    path = _progress(data)
    line = _replace(path, "    status: 已完成\n", "    status: 完成\n")
    problem = _one(validate(data), path)
    assert (problem.line, problem.field) == (line, "reports[1].status") and "“完成”不是允许的值" in problem.message
    assert all(status in problem.hint for status in REPORT_STATUSES)


def test_date_before_the_plan_year(data: Path) -> None:
    path = _progress(data)
    line = _replace(path, "date: 2022-12-20", "date: 2021-12-20")
    problem = _one(validate(data), path)
    assert (problem.line, problem.field) == (line, "reports[1].date") and "早于计划年度 2022" in problem.message


def test_date_after_today(data: Path) -> None:
    path = _progress(data)
    line = _replace(path, "date: 2022-12-20", "date: 2099-12-20")
    problem = _one(validate(data), path)
    assert (problem.line, problem.field) == (line, "reports[1].date") and "晚于今天" in problem.message


def test_reference_date_can_be_given(data: Path) -> None:
    """A report dated 2022-12-20 is in the future for a check run on 2022-12-01."""
    ds = read_dataset(data)
    check_progress(ds, today=dt.date(2022, 12, 1))
    lines = {(p.field, p.line) for p in ds.problems}
    assert ("reports[1].date", 17) in lines and all("2022-12-01" in p.message for p in ds.problems)


def test_impossible_date(data: Path) -> None:
    path = _progress(data)
    line = _replace(path, "date: 2022-08-10", "date: 2023-02-30")
    problem = _one(validate(data), path)
    assert (problem.line, problem.field) == (line, "reports[2].date") and "2023-02-30 不存在" in problem.message


def test_malformed_date(data: Path) -> None:
    path = _progress(data)
    line = _replace(path, "date: 2022-08-10", "date: 2022年8月10日")
    problem = _one(validate(data), path)
    assert problem.line == line and "格式不对" in problem.message and "YYYY-MM-DD" in problem.hint


@pytest.mark.parametrize("url, words", [
    ("http://example.gov.cn/changqing/a.html", "https"),
    ("https://example.gov.cn/a b.html", "空格"),
    ("javascript:alert(1)", "不是网页地址"),
    ("https://user:secret@example.gov.cn/a.html", "密码"),
    ("https://localhost/a.html", "域名"),
    ("ftp://example.gov.cn/a", "https://"),
    ("www.jncq.gov.cn/a.html", "https://"),
])
def test_bad_evidence_link(data: Path, url: str, words: str) -> None:
    path = _progress(data)
    line = _replace(path, "url: https://example.gov.cn/changqing/2022/yanglao-1.html", f"url: '{url}'")
    problem = _one(validate(data), path)
    assert (problem.line, problem.field) == (line, "reports[0].evidence[0].url")
    assert words in problem.message and "https://" in problem.hint


def test_url_problem_accepts_public_https_pages() -> None:
    assert url_problem("https://www.jncq.gov.cn/art/2022/7/1/art_123.html?id=5#p") is None
    assert url_problem("https://政府.公益/a") is None
    assert url_problem("https://www.jncq.gov.cn:99999/") is not None


def test_adjusted_without_reason(data: Path) -> None:
    path = _progress(data)
    line = _replace(path, "    reason: 经区政务公开领导小组同意，与第26项合并推进\n", "    reason: '  '\n")
    problem = _one(validate(data), path)
    assert (problem.line, problem.field) == (line, "reports[2].reason") and "已调整" in problem.message
    assert "reason" in problem.hint


def test_adjusted_with_no_reason_key_points_at_the_status(data: Path) -> None:
    path = _progress(data)
    _replace(path, "    reason: 经区政务公开领导小组同意，与第26项合并推进\n", "")
    line = path.read_text(encoding="utf-8").splitlines().index("    status: 已调整") + 1
    problem = _one(validate(data), path)
    assert (problem.line, problem.field) == (line, "reports[2].status")


def test_whitespace_only_text(data: Path) -> None:
    path = _progress(data)
    line = _replace(path, "    text: 养老服务补贴政策已全部公开。\n", "    text: '   '\n")
    problem = _one(validate(data), path)
    assert (problem.line, problem.field) == (line, "reports[1].text") and "空的" in problem.message


def test_evidence_published_after_today(data: Path) -> None:
    path = _progress(data)
    line = _replace(path, "published: 2022-07-01", "published: 2099-07-01")
    problem = _one(validate(data), path)
    assert (problem.line, problem.field) == (line, "reports[0].evidence[0].published") and "晚于今天" in problem.message


def test_unit_not_in_registry_gets_a_suggestion(data: Path) -> None:
    path = _progress(data)
    line = _replace(path, "    unit: 区发改局\n", "    unit: 区发改委员会\n")
    problem = _one(validate(data), path)
    assert (problem.line, problem.field) == (line, "reports[2].unit") and "不在本区单位名录" in problem.message
    assert "区发改" in problem.hint and "site_data/units/changqing.yaml" in problem.hint


def test_unit_alias_resolves_to_the_registry_unit(data: Path) -> None:
    path = _progress(data)
    _replace(path, "    unit: 区发改局\n", "    unit: 区发展和改革局\n")
    ds = read_dataset(data)
    assert check(ds) == [] and ds.warnings == []
    task = next(t for t in load_site(data).tasks if t.key == "changqing-2022-25")
    assert task.reports[0].unit.name == "区发改局" and task.reports[0].unit_name == "区发展和改革局"


def test_unit_not_among_the_task_units_is_a_warning(data: Path) -> None:
    path = _progress(data)
    line = _replace(path, "    unit: 区发改局\n", "    unit: 区民政局\n")
    ds = read_dataset(data)
    assert check(ds) == []  # not an error: the site still builds
    assert len(ds.warnings) == 1
    warning = ds.warnings[0]
    assert (warning.file, warning.line, warning.field) == (path, line, "reports[2].unit")
    assert "区民政局" in warning.message and "区发改局" in warning.message and "区教体局" in warning.message


def test_validate_command_prints_warnings_and_passes(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _progress(data)
    line = _replace(path, "    unit: 区发改局\n", "    unit: 区民政局\n")
    assert main(["validate", str(data)]) == 0
    out = capsys.readouterr()
    assert f"{path}:{line}:" in out.err and "警告" in out.err and "错误" not in out.err
    assert "数据检查通过" in out.out


def test_validate_command_github_warning_annotation(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _progress(data)
    line = _replace(path, "    unit: 区发改局\n", "    unit: 区民政局\n")
    assert main(["validate", "--format", "github", str(data)]) == 0
    assert f"::warning file={path},line={line}," in capsys.readouterr().out


def test_duplicate_report(data: Path) -> None:
    path = _progress(data)
    _replace(path, "    date: 2022-12-20\n    status: 已完成\n", "    date: 2022-06-30\n    status: 推进中\n")
    line = path.read_text(encoding="utf-8").splitlines().index("  - task: 23", 6) + 1
    problem = _one(validate(data), path)
    assert (problem.line, problem.field) == (line, "reports[1]") and "重复" in problem.message
    assert "第 6 行" in problem.message  # where the first one is


def test_unknown_field_in_a_report(data: Path) -> None:
    path = _progress(data)
    line = _replace(path, "    unit: 区发改局\n", "    units: 区发改局\n")
    problem = _one(validate(data), path)
    assert (problem.line, problem.field) == (line, "reports[2].units") and "unit" in problem.hint


def test_broken_progress_never_reaches_a_page(data: Path) -> None:
    path = _progress(data)
    _replace(path, "  - task: 25\n", "  - task: 999\n")
    with pytest.raises(DataError) as caught:
        load_site(data)
    assert [p.file for p in caught.value.problems] == [path]


def test_cli_validate_with_the_example_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["validate", "--progress", str(EXAMPLES), str(DATA)]) == 0
    assert "数据检查通过" in capsys.readouterr().out


# ---- the staff guide's examples are the real thing ---------------------------------------------

def _guide_blocks() -> list[list[str]]:
    """The staff guide's indented code blocks."""
    blocks: list[list[str]] = [[]]
    for line in (ROOT / "content" / "staff-guide.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("    "):
            blocks[-1].append(line[4:])
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def test_staff_guide_progress_example_is_valid(data: Path) -> None:
    [example] = [b for b in _guide_blocks() if b[0].startswith("plan:")]
    _progress(data).write_text("\n".join(example) + "\n", encoding="utf-8")
    ds = read_dataset(data)
    assert check(ds) == [] and ds.warnings == []


def test_staff_guide_report_command_works(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shlex

    _progress(data).unlink()
    [command] = [b[0] for b in _guide_blocks() if b[0].startswith("python -m generator report ")]
    assert main(shlex.split(command)[3:] + ["--data", str(data)]) == 0, capsys.readouterr().err
    assert [len(t.reports) for t in load_site(data).tasks if t.key == "changqing-2022-23"] == [1]


# ---- untrusted input and the build ------------------------------------------------------------

@pytest.mark.parametrize("old, new, words", [
    ("  - task: 23\n    date: 2022-12-20\n", "  - task: 23\n    date: 2022-12-20\n    date: 2022-12-21\n", "写了两次"),
    ("    unit: 区发改局\n", "    unit: &u 区发改局\n", "锚点"),
])
def test_untrusted_yaml_rules_apply_to_progress_files(data: Path, old: str, new: str, words: str) -> None:
    path = _progress(data)
    line = _replace(path, old, new)
    problem = _one(validate(data), path)
    assert problem.line in (line, line + 1, line + 2) and words in problem.message


def test_build_with_the_example_set_and_refusal_of_broken_progress(data: Path, tmp_path: Path) -> None:
    from generator.build import build_site

    out = tmp_path / "site-example"
    build_site(DATA, out, config_file=ROOT / "mkdocs.yml", search=False, progress_dir=EXAMPLES)
    assert (out / "index.html").is_file()
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    _replace(_progress(data), "  - task: 25\n", "  - task: 999\n")
    with pytest.raises(DataError):
        build_site(data, out, config_file=ROOT / "mkdocs.yml", search=False)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before  # the last site is kept
