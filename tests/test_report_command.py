"""`python -m generator report`: appends a valid report keeping the file's comments; refuses an
invalid one and leaves the file exactly as it was."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.cli import main
from generator.loader import load_site
from generator.progress import china_today
from generator.validate import check, read_dataset
from tests.helpers import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "progress" / "changqing-2022.yaml"


def _report(data: Path, *args: str) -> int:
    return main(["report", *args, "--data", str(data)])


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_first_report_creates_the_file(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = _report(data, "changqing-2022", "23", "--status", "推进中", "--text", "已完成全区养老服务设施摸底",
                   "--date", "2022-06-30", "--unit", "区民政局", "--evidence", "https://www.jncq.gov.cn/art/2022/7/1/a.html",
                   "--evidence-title", "长清区民政局关于养老服务补贴的公告", "--evidence-date", "2022-07-01")
    assert code == 0
    path = data / "progress" / "changqing-2022.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[:3] == ["# yaml-language-server: $schema=../schema/progress.schema.json",
                                     "plan: changqing-2022", "reports:"]
    assert "    date: 2022-06-30\n" in text  # a date as people write it, not quoted
    assert "已追加到" in capsys.readouterr().out
    ds = read_dataset(data)
    assert check(ds) == [] and ds.warnings == []
    report = next(t for t in load_site(data).tasks if t.key == "changqing-2022-23").reports[0]
    assert (report.date, report.status, report.unit.name, report.example) == (dt.date(2022, 6, 30), "推进中", "区民政局", False)
    assert report.evidence[0].title == "长清区民政局关于养老服务补贴的公告"
    assert _leftovers(path.parent) == []


def test_appending_keeps_comments_and_layout(data: Path) -> None:
    path = data / "progress" / "changqing-2022.yaml"
    path.parent.mkdir()
    shutil.copy(FIXTURE, path)
    before = path.read_text(encoding="utf-8")
    code = _report(data, "changqing-2022", "20", "--status", "推进中", "--text", "高校毕业生就业创业政策清单已公开",
                   "--date", "2022-09-15", "--unit", "区人社局")
    assert code == 0
    after = path.read_text(encoding="utf-8")
    body, closing = before.removesuffix("# 文件结束\n"), "# 文件结束\n"
    assert after.startswith(body)  # every old line, comments and spacing included, unchanged
    assert after.endswith("  - task: 20\n    date: 2022-09-15\n    status: 推进中\n"
                          "    text: 高校毕业生就业创业政策清单已公开\n    unit: 区人社局\n" + closing)
    assert "    status: 推进中       # 上半年摸底\n" in after and "  # 区民政局 6 月报送\n" in after
    tasks = {t.key: t for t in load_site(data).tasks}
    assert [r.status for r in tasks["changqing-2022-23"].reports] == ["推进中", "已完成"]
    assert [r.text for r in tasks["changqing-2022-20"].reports] == ["高校毕业生就业创业政策清单已公开"]


def test_invalid_report_is_refused_and_the_file_unchanged(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data / "progress" / "changqing-2022.yaml"
    path.parent.mkdir()
    shutil.copy(FIXTURE, path)
    before = path.read_bytes()
    code = _report(data, "changqing-2022", "99", "--status", "已调整", "--text", "合并", "--date", "2022-05-01",
                   "--evidence", "http://www.jncq.gov.cn/a.html")
    assert code == 1
    assert path.read_bytes() == before and _leftovers(path.parent) == []
    err = capsys.readouterr().err
    assert "没有序号为 99 的任务" in err and "TASK" in err
    assert "https" in err and "--evidence" in err
    assert "没有写调整的原因" in err and "--reason" in err
    assert "没有写入" in err and "changqing-2022.yaml" in err and "Traceback" not in err


def test_refused_first_report_creates_no_file(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = _report(data, "changqing-2022", "23", "--status", "推进中", "--text", "摸底", "--date", "2099-01-01")
    assert code == 1
    assert not (data / "progress" / "changqing-2022.yaml").exists()
    assert "--date" in capsys.readouterr().err


def test_unknown_status_is_refused(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _report(data, "changqing-2022", "23", "--status", "完成", "--text", "摸底", "--date", "2022-06-30") == 1
    err = capsys.readouterr().err
    assert "“完成”不是允许的值" in err and "常态推进" in err


def test_duplicate_report_is_refused(data: Path) -> None:
    args = ("changqing-2022", "23", "--status", "推进中", "--text", "摸底", "--date", "2022-06-30")
    assert _report(data, *args) == 0
    before = (data / "progress" / "changqing-2022.yaml").read_bytes()
    assert _report(data, *args) == 1
    assert (data / "progress" / "changqing-2022.yaml").read_bytes() == before


def test_unknown_plan_is_refused(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _report(data, "changqing-2021", "23", "--status", "推进中", "--text", "摸底") == 1
    err = capsys.readouterr().err
    assert "没有计划“changqing-2021”" in err and "changqing-2022" in err
    assert not (data / "progress").exists()


def test_plan_that_is_a_path_is_refused(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _report(data, "../../evil", "23", "--status", "推进中", "--text", "摸底") == 1
    assert "区代码-年份" in capsys.readouterr().err
    assert not (data / "progress").exists() and not (data.parent / "evil.yaml").exists()


def test_task_that_is_not_a_number(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _report(data, "changqing-2022", "二十三", "--status", "推进中", "--text", "摸底") == 1
    assert "不是数字" in capsys.readouterr().err


def test_a_broken_progress_file_is_not_edited(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data / "progress" / "changqing-2022.yaml"
    path.parent.mkdir()
    path.write_text(FIXTURE.read_text(encoding="utf-8").replace("  - task: 25\n", "  - task: 999\n"), encoding="utf-8")
    before = path.read_bytes()
    assert _report(data, "changqing-2022", "20", "--status", "推进中", "--text", "清单已公开", "--date", "2022-09-15") == 1
    assert path.read_bytes() == before
    err = capsys.readouterr().err
    assert f"{path}:21:" in err and "改正之前，不能追加" in err


def test_unit_outside_the_task_is_written_with_a_warning(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _report(data, "changqing-2022", "23", "--status", "推进中", "--text", "摸底", "--date", "2022-06-30",
                   "--unit", "区财政局") == 0
    err = capsys.readouterr().err
    assert "警告" in err and "区财政局" in err and "区民政局" in err


def test_default_date_is_today_in_china(data: Path) -> None:
    assert _report(data, "changqing-2022", "20", "--status", "推进中", "--text", "清单已公开") == 0
    text = (data / "progress" / "changqing-2022.yaml").read_text(encoding="utf-8")
    assert f"    date: {china_today().isoformat()}\n" in text


def test_multi_line_text_is_kept(data: Path) -> None:
    assert _report(data, "changqing-2022", "20", "--status", "推进中", "--date", "2022-09-15",
                   "--text", "一、清单已公开\n二、帮扶政策正在整理") == 0
    task = next(t for t in load_site(data).tasks if t.key == "changqing-2022-20")
    assert task.reports[0].text == "一、清单已公开\n二、帮扶政策正在整理"


def test_command_line_end_to_end(data: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "generator", "report", "licheng-2023", "10", "--status", "推进中",
                             "--text", "救助标准已公开", "--date", "2023-07-10", "--unit", "区民政局", "--data", str(data)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (data / "progress" / "licheng-2023.yaml").is_file()
