"""`python -m generator validate` rejects each kind of broken input with file, line and a fix."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator import yamlio
from generator.build import build_site
from generator.errors import DataError, Problem
from generator.loader import load_site
from generator.validate import validate
from tests.helpers import DATA, ROOT

PLAN = "plans/rencheng-2023.yaml"


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


# ---- Untrusted data: sources, what build would refuse, size limits, annotations (issue 9) ----

def _set_source(data: Path, value: str, plan: str = PLAN) -> tuple[Path, int]:
    """Point the plan's `source:` at `value`; return the plan file and the line."""
    path = data / plan
    text = path.read_text(encoding="utf-8")
    start = text.index("\nsource: ") + 1
    end = text.index("\n", start)
    path.write_text(text[:start] + f"source: {json.dumps(value, ensure_ascii=False)}" + text[end:], encoding="utf-8")
    return path, text[:start].count("\n") + 1


def _source_problem(data: Path, value: str) -> Problem:
    path, line = _set_source(data, value)
    problems = [p for p in validate(data) if p.field == "source"]
    assert len(problems) == 1, [p.format() for p in validate(data)]
    assert (problems[0].file, problems[0].line) == (path, line) and problems[0].hint
    return problems[0]


@pytest.mark.parametrize(("source", "words"), [
    ("/etc/passwd", "绝对路径"),
    ("C:/site_data/sources/a.txt", "绝对路径"),
    ("..\\sources\\001_ad703b9d0ec3c11c.txt", "反斜杠"),
    ("../../outside.txt", "不在 site_data/sources/"),
    ("../sources/../../outside.txt", "不在 site_data/sources/"),
    ("../sources/link.txt", "不在 site_data/sources/"),  # a symbolic link to ../../outside.txt
    ("../sources/evil.js", "类型“.js”"),
    ("../sources/evil", "没有扩展名"),
    ("../sources/a b#c.txt", "不能直接用的字符"),
    ("../sources/.hidden.txt", "不能直接用的字符"),
    ("../sources", "不是一个普通文件"),
    ("../sources/missing.txt", "找不到原始文件"),
])
def test_source_must_be_a_harmless_file_in_sources(data: Path, source: str, words: str) -> None:
    (data.parent / "outside.txt").write_text("root:x:0:0\n", encoding="utf-8")
    (data / "sources" / "link.txt").symlink_to(data.parent / "outside.txt")
    for name in ("evil.js", "evil", "a b#c.txt", ".hidden.txt"):
        (data / "sources" / name).write_text("alert(1)\n", encoding="utf-8")
    problem = _source_problem(data, source)
    assert words in problem.message, problem.format()
    with pytest.raises(DataError):
        load_site(data)  # build_site's first step: nothing is copied or published


@pytest.mark.parametrize("source", ["../sources/原文.html", "../sources/说明.md", "../sources/sub/报告.pdf",
                                    "../sources/link-in.txt", "../sources/../sources/001_ad703b9d0ec3c11c.txt"])
def test_good_sources_are_accepted(data: Path, source: str) -> None:
    (data / "sources" / "sub").mkdir()
    for name in ("原文.html", "说明.md", "sub/报告.pdf"):
        (data / "sources" / name).write_text("<script>alert(1)</script>\n# 标题\n", encoding="utf-8")
    (data / "sources" / "link-in.txt").symlink_to(data / "sources" / "001_ad703b9d0ec3c11c.txt")
    _set_source(data, source)
    assert validate(data) == []


def test_two_sources_published_under_one_name(data: Path) -> None:
    (data / "sources" / "sub").mkdir()
    (data / "sources" / "sub" / "002_2e6bec67672e9675.txt").write_text("另一份原文\n", encoding="utf-8")
    path, line = _set_source(data, "../sources/sub/002_2e6bec67672e9675.txt")
    problems = validate(data)
    assert any(p.file == path and p.line == line and "同名" in p.message for p in problems), problems


def test_html_and_md_sources_are_published_as_text_not_pages(data: Path, tmp_path: Path) -> None:
    html = "<script>alert(1)</script><h1>原文</h1>\n"
    (data / "sources" / "原文.html").write_text(html, encoding="utf-8")
    (data / "sources" / "说明.md").write_text("# 说明\n\n正文\n", encoding="utf-8")
    _set_source(data, "../sources/原文.html")
    _set_source(data, "../sources/说明.md", plan="plans/licheng-2023.yaml")
    out = tmp_path / "site"
    build_site(data, out, config_file=ROOT / "mkdocs.yml", search=False)
    published = sorted(p.name for p in (out / "sources").iterdir())
    assert "原文.html.txt" in published and "说明.md.txt" in published, published
    assert not any(p.suffix in (".html", ".md", ".js") for p in (out / "sources").rglob("*"))
    assert (out / "sources" / "原文.html.txt").read_text(encoding="utf-8") == html
    plan_page = (out / "rencheng" / "2023" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../sources/原文.html.txt"' in plan_page
    record = json.loads((out / "data" / "licheng-2023.json").read_text(encoding="utf-8"))
    assert record["source_url"].endswith("sources/说明.md.txt")


@pytest.mark.parametrize("slug", ["assets", "search", "data", "sources", "staff-guide", "pagefind"])
def test_reserved_district_slug_is_refused_before_build(data: Path, tmp_path: Path, slug: str) -> None:
    path = data / PLAN
    line = _replace(path, "  slug: rencheng\n", f"  slug: {slug}\n")
    registry = data / "units" / "rencheng.yaml"
    _replace(registry, "district: rencheng\n", f"district: {slug}\n")
    registry.rename(data / "units" / f"{slug}.yaml")
    problems = validate(data)
    assert any(p.file == path and p.line == line and p.field == "district.slug" and f"/{slug}/" in p.message
               for p in problems), [p.format() for p in problems]
    with pytest.raises(DataError):
        build_site(data, tmp_path / "site", config_file=ROOT / "mkdocs.yml", search=False)


def test_every_content_page_address_is_reserved() -> None:
    """A district code equal to a hand-written page would give two pages one address."""
    from generator.pages import reserved_slugs

    names = {p.stem if p.is_file() else p.name for p in (ROOT / "content").iterdir() if not p.name.startswith(".")}
    assert names and names <= reserved_slugs()


def test_one_district_written_two_ways(data: Path) -> None:
    text = (data / PLAN).read_text(encoding="utf-8")
    other = data / "plans" / "rencheng-2024.yaml"
    other.write_text(text.replace("year: 2023\n", "year: 2024\n").replace("  name: 任城区\n", "  name: 任城新区\n"),
                     encoding="utf-8")
    line = text[: text.index("  name: 任城区\n")].count("\n") + 1
    problems = validate(data)
    assert any(p.file == other and p.line == line and "不一致" in p.message for p in problems), problems


@pytest.mark.parametrize("char", ["\udc80", "\x07", "\x1b", "\r", "\x85"])
def test_unusable_characters_are_refused_before_build(data: Path, tmp_path: Path, char: str) -> None:
    """A lone surrogate (written "\\udc80" in a double-quoted YAML string) crashed the build.
    The YAML reader may refuse it itself (the C parser does): either way, validate names the line."""
    path = data / PLAN
    text = path.read_text(encoding="utf-8")
    start = text.index("  text: ") + len("  text: ")
    end = text.index("\n", start)
    value = text[start:end] + char + "结尾"
    path.write_text(text[:start] + json.dumps(value) + text[end:], encoding="utf-8")  # \uXXXX escapes
    line = text[:start].count("\n") + 1
    problem = _only(validate(data), path)
    assert problem.line == line and problem.hint, problem.format()
    if problem.field or char != "\udc80":
        assert problem.field == "tasks[0].text" and ascii(char)[1:-1] in problem.message, problem.format()
    with pytest.raises(DataError):
        build_site(data, tmp_path / "site", config_file=ROOT / "mkdocs.yml", search=False)
    result = subprocess.run([sys.executable, "-m", "generator", "validate", str(data)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"{path}:{line}:" in result.stderr


def test_text_longer_than_the_limit(data: Path) -> None:
    path = data / PLAN
    line = _replace(path, "  text: ", "  text: " + "很长的要求" * 1100)
    problem = _only(validate(data), path)
    assert (problem.line, problem.field) == (line, "tasks[0].text")
    assert "超过上限 5000 字" in problem.message and "5" in problem.hint
    assert len(problem.message) < 100


def test_a_huge_value_gives_a_short_message(data: Path) -> None:
    path = data / PLAN
    _replace(path, "  slug: rencheng\n", "  slug: " + "Rencheng" * 10_000 + "\n")
    problems = validate(data)
    assert problems and all(len(p.message) + len(p.hint) < 400 for p in problems)


@pytest.mark.parametrize(("file", "key", "limit"), [(PLAN, "tasks", 2000), (PLAN, "sections", 500),
                                                     ("units/rencheng.yaml", "units", 2000)])
def test_list_longer_than_the_limit(data: Path, file: str, key: str, limit: int) -> None:
    path = data / file
    loaded, positions = yamlio.load(path)
    items = loaded[key]
    loaded[key] = [json.loads(json.dumps(items[i % len(items)])) for i in range(limit + 1)]  # no YAML aliases
    path.write_text(yamlio.dump(loaded), encoding="utf-8")
    line = yamlio.load(path)[1][(key,)][0]
    problems = [p for p in validate(data) if p.field == key]
    assert len(problems) == 1 and problems[0].file == path and problems[0].line == line
    assert f"{limit + 1} 项，超过上限 {limit} 项" in problems[0].message, problems[0].format()


def test_github_annotation_escapes_its_properties() -> None:
    problem = Problem(Path("a,b:c%d\ne.yaml"), 3, 4, "tasks[0].text", "第一行\n100%", "改正")
    assert problem.format_github() == "::error file=a%2Cb%3Ac%25d%0Ae.yaml,line=3,col=4,title=tasks[0].text::第一行%0A100%25 处理办法：改正"


def test_messages_quoting_unusable_characters_can_be_printed() -> None:
    problem = Problem(Path("p\udc80.yaml"), 1, 1, "text", "“a\udc80b\x1b[2J”", "删掉")
    for line in (problem.format(), problem.format_github()):
        line.encode("utf-8")  # a lone surrogate would raise UnicodeEncodeError here
        assert "\x1b" not in line and "\\udc80" in line
