"""`python -m generator validate` rejects each kind of broken input with file, line and a fix."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.errors import Problem
from generator.loader import load_site
from generator.validate import validate
from tests.helpers import DATA, ROOT

PLAN = "plans/rencheng-2023.yaml"


@pytest.fixture()
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "site_data"
    shutil.copytree(DATA, copy, ignore=shutil.ignore_patterns("reports"))
    return copy


def _replace(path: Path, old: str, new: str, count: int = 1) -> int:
    """Replace text in a file and return the 1-based line of the first replacement."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def _only(problems: list[Problem], path: Path) -> Problem:
    assert len(problems) >= 1
    assert all(p.file == path for p in problems), [p.format() for p in problems]
    return problems[0]


def test_committed_data_is_valid() -> None:
    assert validate(DATA) == []


def test_invalid_yaml_syntax(data: Path) -> None:
    path = data / PLAN
    line = _replace(path, "  text: ", "  text: [unclosed ")
    problem = _only(validate(data), path)
    assert problem.line in (line, line + 1) and "YAML 格式错误" in problem.message and problem.hint


def test_missing_field(data: Path) -> None:
    path = data / PLAN
    line = _replace(path, "    kind: due\n", "    due_only: 1\n")
    problems = validate(data)
    problem = _only(problems, path)
    assert problem.line == line  # the deadline mapping that lacks `kind` starts here
    assert "缺少必填字段“kind”" in " ".join(p.message for p in problems)
    assert problem.field.startswith("tasks[0].deadline")


def test_mistyped_field_name_gets_a_suggestion(data: Path) -> None:
    path = data / PLAN
    line = _replace(path, "  deadline_text:", "  dedline_text:")
    problem = _only(validate(data), path)
    assert (problem.line, problem.field) == (line, "tasks[0].dedline_text")
    assert "dedline_text" in problem.message and "deadline_text" in problem.hint


def test_wrong_type(data: Path) -> None:
    path = data / PLAN
    line = _replace(path, "- number: 1\n", "- number: 一\n")
    problem = _only(validate(data), path)
    assert (problem.line, problem.field) == (line, "tasks[0].number") and "整数" in problem.message


def test_unknown_unit(data: Path) -> None:
    path = data / PLAN
    line = _replace(path, "  - name: 区商务局\n", "  - name: 区商务委员会\n")
    problem = _only(validate(data), path)
    assert problem.line == line and "区商务委员会" in problem.message
    assert "site_data/units/rencheng.yaml" in problem.hint


def test_unknown_theme(data: Path) -> None:
    path = data / PLAN
    line = _replace(path, "  deadline_text: 12月底前\n", "  deadline_text: 12月底前\n  themes: [busines]\n")
    problem = _only(validate(data), path)
    assert problem.line == line + 1 and "busines" in problem.message and "business" in problem.hint


def test_duplicate_task_number(data: Path) -> None:
    path = data / PLAN
    line = _replace(path, "- number: 2\n", "- number: 1\n")
    problem = _only(validate(data), path)
    assert problem.line == line and "序号 1 重复" in problem.message


def test_impossible_date(data: Path) -> None:
    path = data / PLAN
    line = _replace(path, "issue_date: '2023-07-26'", "issue_date: 2023-02-30")
    problem = _only(validate(data), path)
    assert (problem.line, problem.field) == (line, "issue_date") and "2023-02-30 不存在" in problem.message


def test_implausible_due_date(data: Path) -> None:
    path = data / PLAN
    line = _replace(path, "due: '2023-12-31'", "due: '2032-12-31'")
    problems = validate(data)
    assert any(p.line == line and "不符" in p.message for p in problems)


def test_empty_text(data: Path) -> None:
    path = data / PLAN
    text = path.read_text(encoding="utf-8")
    start = text.index("  text: ")
    end = text.index("\n", start)
    path.write_text(text[:start] + "  text: '   '" + text[end:], encoding="utf-8")
    line = text[:start].count("\n") + 1
    problem = _only(validate(data), path)
    assert problem.line == line and "空" in problem.message


def test_empty_file(data: Path) -> None:
    path = data / PLAN
    path.write_text("", encoding="utf-8")
    problem = _only(validate(data), path)
    assert problem.line == 1 and "空的" in problem.message


def test_non_utf8_file(data: Path) -> None:
    path = data / PLAN
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("gb18030"))
    problem = _only(validate(data), path)
    assert problem.line == 3 and "UTF-8" in problem.message  # lines 1-2 are ASCII; 任城区 is on line 3


def test_utf8_bom(data: Path) -> None:
    path = data / PLAN
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    problem = _only(validate(data), path)
    assert problem.line == 1 and "BOM" in problem.message and "UTF-8" in problem.hint


def test_tab_indentation(data: Path) -> None:
    path = data / PLAN
    line = _replace(path, "  text: ", "\ttext: ")
    problem = _only(validate(data), path)
    assert problem.line == line and "制表符" in problem.message


def test_html_and_template_text_is_valid_and_kept_exactly(data: Path) -> None:
    path = data / PLAN
    tricky = "<script>alert(1)</script> {{ x }} {% raw %} [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    _replace(path, "  text: ", f"  text: '{tricky} ")
    text = path.read_text(encoding="utf-8")
    # close the quote at the end of that line
    start = text.index(tricky)
    end = text.index("\n", start)
    path.write_text(text[:end] + "'" + text[end:], encoding="utf-8")
    assert validate(data) == []
    site = load_site(data)
    plan = next(p for p in site.plans if p.district.slug == "rencheng")
    assert plan.tasks[0].text.startswith(tricky)


def test_cli_names_file_and_line_and_exits_non_zero(data: Path) -> None:
    path = data / PLAN
    line = _replace(path, "- number: 2\n", "- number: 1\n")
    result = subprocess.run([sys.executable, "-m", "generator", "validate", str(data)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert f"{path}:{line}:" in result.stderr and "处理办法" in result.stderr


def test_cli_github_annotations(data: Path, tmp_path: Path) -> None:
    path = data / PLAN
    line = _replace(path, "  - name: 区商务局\n", "  - name: 区商务委员会\n")
    summary = tmp_path / "summary.md"
    result = subprocess.run([sys.executable, "-m", "generator", "validate", "--format", "github",
                             "--summary", str(summary), str(data / PLAN)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1
    assert f"::error file={path},line={line}," in result.stdout
    assert "区商务委员会" in summary.read_text(encoding="utf-8")


def test_registry_name_claimed_by_two_units(data: Path) -> None:
    path = data / "units" / "rencheng.yaml"
    line = _replace(path, "  name: 区审计局\n", "  name: 区审计局\n  aliases:\n  - 区商务局\n")
    problems = validate(data)
    assert any(p.file == path and p.line == line + 2 and "区商务局" in p.message for p in problems)
