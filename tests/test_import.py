"""`python -m generator import`: the committed plans are what the importer produces."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.importers import detect_layout
from tests.helpers import DATA, ROOT

# The district facts the sources do not print, given on the command line as staff would.
IMPORTS = {
    "000_acdabe4e565eb526.txt": ("changqing-2022", ["--slug", "changqing", "--city", "济南市", "--province", "山东省"]),
    "001_ad703b9d0ec3c11c.txt": ("rencheng-2023", ["--slug", "rencheng", "--province", "山东省"]),
    "002_2e6bec67672e9675.txt": ("licheng-2023", ["--slug", "licheng", "--province", "山东省"]),
    "003_2fd57c1ac15aeeb3.txt": ("haojiang-2022", ["--slug", "haojiang", "--province", "广东省"]),
    "004_200ffe01f1f38338.txt": ("shangyu-2022", ["--slug", "shangyu", "--city", "绍兴市", "--province", "浙江省"]),
}


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("import") / "site_data"
    data.mkdir()
    shutil.copy(DATA / "themes.yaml", data)
    shutil.copytree(DATA / "schema", data / "schema")
    for source, (_, args) in IMPORTS.items():
        result = subprocess.run([sys.executable, "-m", "generator", "import", str(DATA / "sources" / source),
                                 "--data", str(data), *args], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert "导入审核报告" in result.stdout
    return data


def test_each_source_has_exactly_one_layout() -> None:
    for source in IMPORTS:
        assert len(detect_layout((DATA / "sources" / source).read_text(encoding="utf-8"))) == 1


@pytest.mark.parametrize("source", sorted(IMPORTS))
def test_committed_plan_is_the_importer_output(imported: Path, source: str) -> None:
    name = IMPORTS[source][0]
    assert (imported / "plans" / f"{name}.yaml").read_text(encoding="utf-8") == \
        (DATA / "plans" / f"{name}.yaml").read_text(encoding="utf-8")
    assert (imported / "sources" / source).read_bytes() == (DATA / "sources" / source).read_bytes()
    report = (imported / "reports" / f"{name}.md").read_text(encoding="utf-8")
    assert report == (DATA / "reports" / f"{name}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("district", ["changqing", "rencheng", "licheng", "haojiang", "shangyu"])
def test_reviewed_registry_keeps_every_imported_name(imported: Path, district: str) -> None:
    """Review may merge printed variants into one unit; it never loses a name."""
    def names(path: Path) -> set[str]:
        units = yaml.safe_load(path.read_text(encoding="utf-8"))["units"]
        return {n for u in units for n in [u["name"], *u.get("aliases", [])]}
    assert names(imported / "units" / f"{district}.yaml") <= names(DATA / "units" / f"{district}.yaml")


def test_imported_drafts_validate(imported: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "generator", "validate", str(imported)], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_report_lists_inferred_values_and_unplaced_rows() -> None:
    report = (DATA / "reports" / "haojiang-2022.md").read_text(encoding="utf-8")
    assert "第 33 项" in report and "合并单元格" in report
    assert "第 220 行" in report  # the stray "、" the parser could not place


def test_refuses_to_overwrite_without_force(imported: Path) -> None:
    source = DATA / "sources" / "000_acdabe4e565eb526.txt"
    result = subprocess.run([sys.executable, "-m", "generator", "import", str(source), "--data", str(imported),
                             "--slug", "changqing"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1 and "--force" in result.stderr


def test_unknown_layout_is_a_clear_error(tmp_path: Path) -> None:
    source = tmp_path / "notes.txt"
    source.write_text("这不是任务分解表。\n只是一段文字。\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "generator", "import", str(source), "--data", str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 1 and "认不出表格版式" in result.stderr
    assert not (tmp_path / "plans").exists()


def test_new_district_gets_placeholders_that_validation_flags(tmp_path: Path) -> None:
    data = tmp_path / "site_data"
    data.mkdir()
    shutil.copy(DATA / "themes.yaml", data)
    shutil.copytree(DATA / "schema", data / "schema")
    text = (DATA / "sources" / "004_200ffe01f1f38338.txt").read_text(encoding="utf-8").replace("上虞区", "柯桥区")
    source = tmp_path / "keqiao.txt"
    source.write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "generator", "import", str(source), "--data", str(data)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert (data / "plans" / "keqiao-2022.yaml").is_file()
    check = subprocess.run([sys.executable, "-m", "generator", "validate", str(data)], cwd=ROOT,
                           capture_output=True, text=True)
    assert check.returncode == 1 and "还没填写" in check.stderr and "keqiao-2022.yaml:5" in check.stderr


def test_import_prints_a_one_screen_summary(tmp_path: Path) -> None:
    """Not the whole report: counts, the rows not placed, and the validation result of the draft."""
    data = tmp_path / "site_data"
    data.mkdir()
    shutil.copy(DATA / "themes.yaml", data)
    shutil.copytree(DATA / "schema", data / "schema")
    result = subprocess.run([sys.executable, "-m", "generator", "import", str(DATA / "sources" / "003_2fd57c1ac15aeeb3.txt"),
                             "--data", str(data), "--slug", "haojiang"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "任务：50 项；章节：21 个；版式：numbered_cells" in out
    assert "无法归入任务的内容：1 处（第220行）" in out and "忽略的列：没有" in out
    assert "需要补充：所属省" in out  # the source names 汕头市 but no province
    assert "数据检查：草稿还有" in out and "[district.province]" in out
    assert len(out.splitlines()) <= 25


def test_the_level_option_lists_every_level_an_issuer_can_have(capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """`import --help` names each level the model knows (a province's plan imports with --level 省)."""
    from generator.cli import main
    from generator.model import LEVELS

    monkeypatch.setenv("COLUMNS", "200")
    with pytest.raises(SystemExit) as done:
        main(["import", "--help"])
    assert done.value.code == 0
    assert "层级：" + "、".join(LEVELS) + "（默认按名称判断）" in "".join(capsys.readouterr().out.split())
