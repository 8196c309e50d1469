"""The YAML reader treats pull-request data as untrusted (issue 9).

Each input here used to end in a traceback, a hang or a silently wrong value. Now each is a
Chinese message naming the file (and the line where there is one), from `validate` and
`build` alike, and nothing else runs.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import yamlio
from generator.cli import main
from generator.errors import DataError
from generator.validate import validate
from tests.helpers import ROOT

PLAN = "plans/rencheng-2023.yaml"


def _cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out + out.err


# ~600 bytes of nested aliases: PyYAML expands them to 9^9 strings (111 s and 2.9 GB before).
ALIAS_BOMB = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
)


def test_alias_bomb_is_refused_at_the_first_anchor(data: Path) -> None:
    path = data / PLAN
    path.write_text(ALIAS_BOMB, encoding="utf-8")
    # In a child with 1 GB of address space and a 20 s limit: the old reader ran out of both.
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from generator.validate import validate\n"
        f"problems = validate(__import__('pathlib').Path({str(data)!r}))\n"
        "print('\\n'.join(p.format() for p in problems))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=20)
    assert done.returncode == 0, done.stderr
    assert f"{PLAN.split('/')[1]}:1:4" in done.stdout and "锚点和别名" in done.stdout


def test_a_lone_alias_is_refused_with_its_line(data: Path) -> None:
    path = data / PLAN
    text = path.read_text(encoding="utf-8").replace("year: 2023", "year: &y 2023", 1)
    path.write_text(text, encoding="utf-8")
    problems = validate(data)
    assert len(problems) == 1 and problems[0].file == path
    assert problems[0].line == text[: text.index("&y")].count("\n") + 1 and "锚点和别名" in problems[0].message


def test_duplicate_key_names_the_second_one(data: Path) -> None:
    path = data / PLAN
    text = path.read_text(encoding="utf-8")
    first = text.index("  text: ")
    end = text.index("\n", first)
    text = text[: end + 1] + "  text: 第二个要求，会悄悄覆盖第一个\n" + text[end + 1:]
    path.write_text(text, encoding="utf-8")
    problems = validate(data)
    assert len(problems) == 1, [p.format() for p in problems]
    problem = problems[0]
    assert problem.line == text[:end].count("\n") + 2 and problem.field == "tasks[0].text"
    assert "写了两次" in problem.message and f"第 {text[:first].count(chr(10)) + 1} 行" in problem.message


def test_nul_byte_is_a_message_with_its_position(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data / PLAN
    text = path.read_text(encoding="utf-8")
    at = text.index("具体") if "具体" in text else text.index("text: ") + 6
    path.write_text(text[:at] + "\x00" + text[at:], encoding="utf-8")
    code, out = _cli(["validate", str(data)], capsys)
    line = text[:at].count("\n") + 1
    assert code == 1 and "Traceback" not in out
    assert f"rencheng-2023.yaml:{line}:" in out and "U+0000" in out


def test_deep_nesting_is_refused(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data / PLAN).write_text("tasks: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    code, out = _cli(["validate", str(data)], capsys)
    assert code == 1 and "Traceback" not in out and "嵌套层数超过上限" in out and "rencheng-2023.yaml:1:" in out


def test_a_folder_named_like_a_data_file(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data / "plans" / "x.yaml").mkdir()
    code, out = _cli(["validate", str(data)], capsys)
    assert code == 1 and "Traceback" not in out and "x.yaml" in out and "文件夹" in out


def test_a_dangling_symlink(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.symlink(data / "plans" / "nowhere.yaml", data / "plans" / "broken.yaml")
    code, out = _cli(["validate", str(data)], capsys)
    assert code == 1 and "Traceback" not in out and "broken.yaml" in out and "指向的文件不存在" in out


def test_missing_schema_folder(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.rmtree(data / "schema")
    code, out = _cli(["validate", str(data)], capsys)
    assert code == 1 and "Traceback" not in out and "plan.schema.json" in out and "git checkout" in out


def test_broken_schema_file(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data / "schema" / "units.schema.json").write_text("{ not json", encoding="utf-8")
    code, out = _cli(["validate", str(data)], capsys)
    assert code == 1 and "Traceback" not in out and "units.schema.json:1:" in out


def test_missing_themes_file_in_build(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data / "themes.yaml").unlink()
    code, out = _cli(["build", "--data", str(data), "--out", str(tmp_path / "out"), "--no-search"], capsys)
    assert code == 1 and "Traceback" not in out and "themes.yaml" in out and "缺少主题文件" in out
    assert not (tmp_path / "out").exists()


def test_file_size_is_capped(data: Path) -> None:
    path = data / PLAN
    with path.open("a", encoding="utf-8") as handle:
        handle.write("# " + "长" * (yamlio.MAX_FILE_BYTES // 3) + "\n")
    problems = validate(data)
    assert len(problems) == 1 and problems[0].file == path and "超过上限 8 MB" in problems[0].message


def test_plain_yaml_with_ampersand_text_still_reads(tmp_path: Path) -> None:
    """Only real anchors are refused: & and * inside quoted or plain text are text."""
    path = tmp_path / "x.yaml"
    path.write_text('a: "&b *c"\nb: 甲&乙 * 丙\n', encoding="utf-8")
    data, positions = yamlio.load(path)
    assert data == {"a": "&b *c", "b": "甲&乙 * 丙"} and positions[("b",)] == (2, 4)


def test_every_problem_names_a_real_file(data: Path) -> None:
    (data / "plans" / "x.yaml").mkdir()
    os.symlink(data / "nowhere", data / "units" / "gone.yaml")
    with pytest.raises(DataError) as caught:
        from generator.loader import load_site
        load_site(data)
    names = {p.file.name for p in caught.value.problems}
    assert {"x.yaml", "gone.yaml"} <= names
