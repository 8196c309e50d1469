"""`python -m generator import-progress`: a unit's progress table (.xlsx or .csv) becomes reports;
rows that cannot be placed are listed in the review, never dropped."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from generator.cli import main
from generator.loader import load_site
from generator.progress import china_today
from generator.progress_sheet import SheetError, map_status, normalize_header, parse_date, parse_number, read_sheet
from generator.validate import check, read_dataset
from tests.helpers import ROOT

GB18030_CSV = ROOT / "tests" / "fixtures" / "progress" / "licheng-2023-gb18030.csv"


def _workbook(path: Path) -> Path:
    """A unit's table as they come: a merged title row, the header on row 2, five rows (one
    with a 序号 the plan does not have, one saying 进行中), and a signature line."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "进展情况"
    sheet.append(["长清区民政局2022年政务公开重点工作任务进展情况表（测试用，编造）"])
    sheet.merge_cells("A1:F1")
    sheet.append(["序  号", "任务内容", "责任单位", "进展状态", "工作进展（200字以内）", "佐证链接"])
    sheet.append([23, "多渠道发布养老保障……", "区民政局", "已完成", "养老服务补贴政策已全部公开。",
                  "https://example.gov.cn/changqing/2022/yanglao.html"])
    sheet.append([24, "做好城乡低保……", "区民政局、区教体局", "进行中", "低保标准已公开，救助政策正在整理。", None])
    sheet.append([99, "（不存在的任务）", "区民政局", "已完成", "这一行的序号在计划里没有。", None])
    sheet.append(["20", "围绕稳就业……", "区人社局", "正在推进", "高校毕业生就业政策清单已公开。", "佐证材料"])
    sheet["F6"].hyperlink = "https://example.gov.cn/changqing/2022/jiuye.html"
    sheet.append([22, "加大养老保险……", "区人社局", "完成", "养老保险政策已公开。\n医疗保险政策已公开。", None])
    sheet.append(["填报人：张三    联系电话：0531-00000000"])
    book.save(path)
    return path


def test_xlsx_import_writes_good_rows_and_lists_the_bad(data: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    workbook = _workbook(tmp_path / "长清区民政局进展表.xlsx")
    code = main(["import-progress", str(workbook), "changqing-2022", "--unit", "区民政局", "--date", "2022-10-08",
                 "--data", str(data)])
    assert code == 1  # one row was not imported
    out = capsys.readouterr()
    review_path = data / "reports" / f"progress-changqing-2022-{china_today().isoformat()}.md"
    review = review_path.read_text(encoding="utf-8")
    assert review in out.out
    assert "第 5 行（序号 99）" in review and "A 列（序号）" in review and "没有序号为 99 的任务" in review
    assert "已写入 4 份报告" in review and "第 8 行" in review  # the signature line is listed as skipped
    assert "有 1 行没有导入" in out.err

    ds = read_dataset(data)
    assert check(ds) == []
    tasks = {t.number: t for t in load_site(data).plans[0].tasks if t.plan.key == "changqing-2022"}
    assert [(r.status, r.date, r.unit_name) for r in tasks[24].reports] == [("推进中", dt.date(2022, 10, 8), "区民政局")]
    assert tasks[23].reports[0].evidence[0].url == "https://example.gov.cn/changqing/2022/yanglao.html"
    assert tasks[20].reports[0].status == "推进中"
    assert tasks[20].reports[0].evidence[0].url == "https://example.gov.cn/changqing/2022/jiuye.html"  # the cell's link
    assert tasks[22].reports[0].text == "养老保险政策已公开。\n医疗保险政策已公开。"
    assert all(not r.example for t in tasks.values() for r in t.reports)
    # 区民政局 reported on 区人社局's tasks 20 and 22: imported, but flagged for a check
    assert "已导入、但请核对的行" in review and "第 6 行（第 20 项）：--unit：" in review


def test_gb18030_csv_with_title_rows(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["import-progress", str(GB18030_CSV), "licheng-2023", "--data", str(data)])
    assert code == 0, capsys.readouterr()
    site = load_site(data)
    tasks = {t.number: t for t in site.tasks if t.plan.key == "licheng-2023"}
    assert [(r.status, r.date) for r in tasks[10].reports] == [("推进中", dt.date(2023, 7, 10))]
    assert tasks[12].reports[0].date == dt.date(2023, 3, 20) and tasks[12].reports[0].unit.name == "区司法局"
    adjusted = tasks[29].reports[0]
    assert adjusted.status == "已调整" and adjusted.reason.startswith("市政府办公厅统一建设")
    assert tasks[39].reports[0].date == dt.date(2023, 12, 18)
    review = capsys.readouterr().out
    assert "未导入 0 行" in review and "填报人：李四" in review


def test_utf8_bom_csv_and_a_rejected_adjustment(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "progress.csv"
    path.write_bytes("\ufeff序号,状态,进展\n23,推进中,补贴政策已公开第一批\n25,合并,与第26项合并\n".encode("utf-8"))
    code = main(["import-progress", str(path), "changqing-2022", "--date", "2022-08-01", "--data", str(data)])
    assert code == 1
    review = capsys.readouterr().out
    assert "第 3 行（序号 25）" in review and "调整原因" in review  # 已调整 needs a reason column
    tasks = {t.key: t for t in load_site(data).tasks}
    assert [r.text for r in tasks["changqing-2022-23"].reports] == ["补贴政策已公开第一批"]
    assert tasks["changqing-2022-25"].reports == []


def test_a_second_import_of_the_same_rows_is_refused_as_duplicates(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["import-progress", str(GB18030_CSV), "licheng-2023", "--data", str(data)]) == 0
    before = (data / "progress" / "licheng-2023.yaml").read_bytes()
    assert main(["import-progress", str(GB18030_CSV), "licheng-2023", "--data", str(data)]) == 1
    assert (data / "progress" / "licheng-2023.yaml").read_bytes() == before
    assert "重复" in capsys.readouterr().out
    reviews = sorted(p.name for p in (data / "reports").glob("progress-licheng-2023-*.md"))
    assert len(reviews) == 2  # the second review does not overwrite the first


def test_unknown_status_word_is_listed(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.csv"
    path.write_text("序号,状态,进展\n23,办理中,已公开\n", encoding="utf-8")
    assert main(["import-progress", str(path), "changqing-2022", "--data", str(data)]) == 1
    out = capsys.readouterr().out
    assert "第 2 行（序号 23）" in out and "状态“办理中”认不出" in out and "没有写入任何报告" in out
    assert not (data / "progress").exists()


def test_sheet_without_a_header_row(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("任务,说明\n23,已公开\n", encoding="utf-8")
    with pytest.raises(SheetError) as caught:
        read_sheet(path)
    assert "找不到表头" in str(caught.value) and "序号" in str(caught.value)


def test_old_excel_format_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "p.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(SheetError, match="另存为” .xlsx"):
        read_sheet(path)


def test_broken_xlsx_is_a_message(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: Path) -> None:
    path = tmp_path / "p.xlsx"
    path.write_bytes(b"not a zip")
    assert main(["import-progress", str(path), "changqing-2022", "--data", str(data)]) == 1
    err = capsys.readouterr().err
    assert "导入失败" in err and "Traceback" not in err


def test_merged_unit_cell_applies_to_every_row(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "报送单位", "状态", "进展"])
    sheet.append([23, "区民政局", "推进中", "一"])
    sheet.append([24, None, "推进中", "二"])
    sheet.merge_cells("B2:B3")
    book.save(tmp_path / "m.xlsx")
    rows = read_sheet(tmp_path / "m.xlsx").rows
    assert [(r.line, r.get("reporter")) for r in rows] == [(2, "区民政局"), (3, "区民政局")]


@pytest.mark.parametrize("header, name", [("序  号", "序号"), ("进展情况（限200字）", "进展情况"), ("*状态：", "状态")])
def test_normalize_header(header: str, name: str) -> None:
    assert normalize_header(header) == name


@pytest.mark.parametrize("word, status", [("已完成", "已完成"), ("完成", "已完成"), ("正在推进", "推进中"),
                                          ("进行中", "推进中"), ("未开始", "未启动"), ("长期", "常态推进"),
                                          ("常态", "常态推进"), ("取消", "已调整"), ("合并", "已调整"), ("办理中", None)])
def test_status_words(word: str, status: str | None) -> None:
    assert map_status(word) == status


def test_numbers_and_dates() -> None:
    assert [parse_number(v) for v in ("23", "23.0", "第23项", "（23）", "一", "", "0")] == [23, 23, 23, 23, None, None, None]
    assert [parse_date(v) for v in ("2022/6/30", "2022.6.30", "2022年6月30日", "2022-06-30", "六月")] == [
        "2022-06-30", "2022-06-30", "2022-06-30", "2022-06-30", "六月"]
