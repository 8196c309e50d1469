"""`python -m generator import` on every format and every kind of issuer, and its failures.

Bad inputs must each give a Chinese sentence that names the file and says what to do, a non-zero
exit code, and leave the data folder exactly as it was. Good inputs from issuers beyond districts
(a city, a department) must become drafts that validate and pages that word the issuer right.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
import yaml

from generator import importing, opendata, render, views
from generator.cli import main
from generator.importing import (ImportFailed, infer_level, issuer_in_title, issuer_slug, safe_source_name,
                                 split_place, year_from_text, year_in_title)
from generator.loader import load_site
from generator.model import LEVELS, District
from tests.helpers import DATA
from tests.test_readers import TASK1, TASK2, ole2

SEED_LEAD_COLUMNS = DATA / "sources" / "004_200ffe01f1f38338.txt"  # 上虞区 2022, lead_columns layout
SEED_TITLE = "2022年上虞区政务公开工作重点任务清单"
HEADER = ["序号", "工作任务", "具体要求", "责任单位", "完成时限"]


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (content) and folder (None) under `folder`."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))}


def run_import(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["import", *args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_refused(capsys: pytest.CaptureFixture[str], data: Path, source: Path, *phrases: str,
                   options: tuple[str, ...] = ()) -> str:
    """The import fails with a Chinese sentence naming `source`, and writes nothing."""
    before = snapshot(data)
    code, out, err = run_import(capsys, str(source), "--data", str(data), *options)
    assert code != 0
    assert err.startswith("导入失败：") and str(source) in err, err
    assert "Traceback" not in err + out
    for phrase in phrases:
        assert phrase in err, err
    assert snapshot(data) == before
    return err


def write_xlsx(path: Path, title: str, rows: list[list[str]], merges: tuple[str, ...] = ()) -> Path:
    """A one-sheet workbook: the title merged across the first row, then `rows`."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(path)
    return path


def write_csv(path: Path, title: str, rows: list[list[str]]) -> Path:
    import csv

    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write(title + "\n")
        csv.writer(handle).writerows(rows)
    return path


def write_docx(path: Path, title: str, rows: list[list[str]]) -> Path:
    import docx

    word = docx.Document()
    word.add_paragraph(title)
    table = word.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    word.save(path)
    return path


def scanned_pdf() -> bytes:
    """A one-page PDF that shows a 2×2 grey image and has no text at all, as a scanner makes."""
    image = b"\x00\xff\xff\x00"
    content = b"q 200 0 0 200 0 0 cm /Im1 Do Q"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << /XObject << /Im1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8 "
        b"/Length %d >>\nstream\n" % len(image) + image + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# ---- small functions ------------------------------------------------------------------------


@pytest.mark.parametrize(("title", "year"), [
    ("济南市2023年政务公开工作要点", 2023),
    ("2022年长清区政务公开重点工作任务分解表", 2022),
    ("二〇二三年济南市卫生健康委员会政务公开工作要点", 2023),
    ("２０２１年度历城区政务公开工作要点", 2021),  # full-width digits
    ("长清区政务公开重点工作任务分解表", None),
    ("关于做好第2023号文件落实的通知", None),  # a number that is not a year
    ("二OO八年政府工作目标任务分解", 2008),  # Latin O's typed for 〇
])
def test_year_in_title(title: str, year: int | None) -> None:
    assert year_in_title(title) == year


@pytest.mark.parametrize(("text", "found"), [
    ("济南市人民政府办公厅\n济政办字〔2023〕5号\n各区县人民政府", (2023, "〔2023〕5号")),
    ("济卫发[2022]12号", (2022, "[2022]12号")),
    ("鲁政办（2021）第3号", (2021, "(2021)第3号")),  # full-width brackets compared as half-width
    ("2023年12月底前完成\n济南市卫生健康委员会\n2023年3月15日", (2023, "2023年3月15日")),
    ("印发日期：2024-02-29", (2024, "2024-02-29")),
    # a document number wins over an earlier date: the notice's own number names its year
    ("2022年12月30日\n济政办字〔2023〕1号", (2023, "〔2023〕1号")),
    ("2023年年底前完成，长期坚持", None),  # a deadline is not a date of the document
    ("根据第（12）号令", None),
    ("穗府辦〔2006〕19號", (2006, "〔2006〕19號")),  # 號 in traditional characters
    ("廣州市人民政府辦公廳\n二○○六年四月二十八日", (2006, "二○○六年四月二十八日")),  # a date in Chinese numerals
    ("(二OO八年二月二十六日)", (2008, "二OO八年二月二十六日")),
    ("二〇二〇年十月", (2020, "二〇二〇年十月")),
    ("二〇二〇年十月底前完成", None),  # a deadline, not the document's date
])
def test_year_from_text(text: str, found: tuple[int, str] | None) -> None:
    assert year_from_text(text) == found


@pytest.mark.parametrize(("name", "city", "level"), [
    ("长清区", None, "区"), ("平阴县", None, "县"), ("达拉特旗", None, "旗"), ("济南市", None, "市"),
    ("寿光市", "潍坊市", "县级市"), ("济南市卫生健康委员会", None, "部门"), ("市信访局", "济南市", "部门"),
    ("济南市人民政府", None, "市"), ("长清区人民政府办公室", None, "区"), ("侨城街道", None, "街道"),
    ("文祖镇", None, "镇"), ("山东省", None, "省"), ("山东省人民政府办公厅", None, "省"), ("山东省大数据局", None, "部门"),
])
def test_infer_level(name: str, city: str | None, level: str) -> None:
    assert infer_level(name, city) == level
    assert level in LEVELS


@pytest.mark.parametrize(("name", "level", "city", "slug"), [
    ("历城区", "区", None, "licheng"),
    ("济南市", "市", None, "jinan"),
    ("济南市卫生健康委员会", "部门", None, "jinan-weishengjiankang"),
    ("市信访局", "部门", "济南市", "jinan-xinfang"),
    ("济南市历城区人民政府办公室", "区", None, "licheng"),
    ("侨城街道", "街道", None, "qiaocheng"),
    ("山东省", "省", None, "shandong"),
])
def test_issuer_slug(name: str, level: str, city: str | None, slug: str) -> None:
    assert issuer_slug(name, level, city) == slug
    assert re.fullmatch(r"[a-z][a-z0-9-]*", slug) and len(slug) <= 50


def test_split_place_and_issuer_in_title() -> None:
    assert split_place("山东省济南市历城区人民政府") == ("历城区", "济南市", "山东省")
    assert split_place("济南市卫生健康委员会") == ("济南市卫生健康委员会", None, None)
    assert issuer_in_title("济南市2023年政务公开工作要点") == "济南市"
    assert issuer_in_title("2023年济南市卫生健康委员会政务公开工作要点") == "济南市卫生健康委员会"
    assert issuer_in_title("关于印发2023年政务公开工作要点的通知") is None


@pytest.mark.parametrize(("name", "suffix", "safe"), [
    ("000_acdabe4e565eb526.txt", ".txt", "000_acdabe4e565eb526.txt"),
    ("任务 表#1 (终稿).docx", ".docx", "任务-表-1-终稿.docx"),
    (".隐藏的%表'\".xlsx", ".xlsx", "隐藏的-表.xlsx"),
    ("附件1", ".docx", "附件1.docx"),  # no extension: the format read gives one
    ("任务表.htm", ".html", "任务表.html"),
    ("任务表.TSV", ".csv", "任务表.csv"),
    ("2023.年度任务", ".txt", "2023.年度任务.txt"),  # a dot inside the name is not an extension
    ("###.pdf", ".pdf", "source.pdf"),
])
def test_safe_source_name(name: str, suffix: str, safe: str) -> None:
    assert safe_source_name(name, suffix) == safe


def test_levels_match_the_schema() -> None:
    schema = json.loads((DATA / "schema" / "plan.schema.json").read_text(encoding="utf-8"))
    level = schema["properties"]["district"]["properties"]["level"]
    assert tuple(level["enum"]) == LEVELS and level["default"] == "区"


def test_full_name_and_own_word_follow_the_level() -> None:
    assert District("changqing", "长清区", "济南市", "山东省").full_name == "山东省济南市长清区"
    assert District("changqing", "长清区", "济南市", "山东省").own_word == "本区"
    city = District("jinan", "济南市", "济南市", "山东省", "市")
    assert (city.full_name, city.own_word) == ("山东省济南市", "本市")
    dept = District("jinan-weijian", "济南市卫生健康委员会", "济南市", "山东省", "部门")
    assert (dept.full_name, dept.own_word) == ("山东省济南市卫生健康委员会", "本部门")
    assert District("jinan-xinfang", "市信访局", "济南市", "山东省", "部门").full_name == "山东省济南市信访局"
    assert District("chaoyang", "朝阳区", "北京市", "北京市").full_name == "北京市朝阳区"
    province = District("shandong", "山东省", "山东省", "山东省", "省")
    assert (province.full_name, province.own_word) == ("山东省", "本省")


# ---- bad inputs: a sentence, a non-zero exit, nothing written -----------------------------


def test_binary_junk(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "照片.jpg"
    source.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4)
    assert_refused(capsys, data, source, "认不出文件格式", "另存为")


def test_legacy_doc(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "2023年任务表.doc"
    source.write_bytes(ole2("WordDocument", "1Table"))
    assert_refused(capsys, data, source, "老式 Word 文档", "Word 文档（*.docx）")


def test_legacy_xls(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "任务表.xls"
    source.write_bytes(ole2("Workbook"))
    assert_refused(capsys, data, source, "老式 Excel 表格", "Excel 工作簿（*.xlsx）")


def test_encrypted_docx(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "任务表.docx"
    source.write_bytes(ole2("EncryptionInfo", "EncryptedPackage"))
    assert_refused(capsys, data, source, "密码保护", "取消密码")


def test_scanned_pdf(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "扫描件.pdf"
    source.write_bytes(scanned_pdf())
    assert_refused(capsys, data, source, "没有文字层", "文字识别（OCR）")


def test_empty_file(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "任务表.txt"
    source.write_bytes(b"\r\n \n")
    assert_refused(capsys, data, source, "文件是空的")


def test_table_with_header_only(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "任务表.csv"
    source.write_text("2023年长清区政务公开重点工作任务分解表\n" + ",".join(HEADER) + "\n", encoding="utf-8")
    assert_refused(capsys, data, source, "认不出表格版式")


def test_empty_word_table(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_docx(tmp_path / "任务表.docx", "2023年长清区政务公开重点工作任务分解表", [[""] * 5, [""] * 5])
    assert_refused(capsys, data, source, "认不出表格版式")


def test_table_without_recognisable_columns(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "通讯录.csv"
    rows = ["姓名,电话,地址", "张三,0531-12345678,长清区文昌街道", "李四,0531-87654321,长清区平安街道"]
    source.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert_refused(capsys, data, source, "认不出表格版式", "第1行起的表格像是通讯录（有“姓名”、“电话”、“地址”等列）")


def test_title_without_a_year(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """No year in the title nor anywhere else: say to add --year; with --year the import works."""
    rows = [HEADER, [TASK1[0], TASK1[1], TASK1[2], TASK1[3], "全年"], [TASK2[0], TASK2[1], TASK2[2], TASK1[3], "长期坚持"]]
    source = write_docx(tmp_path / "任务表.docx", "长清区政务公开重点工作任务分解表", rows)
    assert_refused(capsys, data, source, "没有年份", "--year 2023", "没有写入任何文件")
    code, out, err = run_import(capsys, str(source), "--data", str(data), "--year", "2024", "--slug", "changqing")
    assert code == 0, err
    plan = yaml.safe_load((data / "plans" / "changqing-2024.yaml").read_text(encoding="utf-8"))
    assert plan["year"] == 2024 and plan["title"] == "长清区政务公开重点工作任务分解表"


def test_text_title_without_a_year(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A seed layout (lead_columns) whose title and text lose every year: --title, then --year."""
    text = SEED_LEAD_COLUMNS.read_text(encoding="utf-8")
    text = text.replace(SEED_TITLE, "上虞区政务公开工作重点任务清单").replace("2021年", "").replace("2022年", "")
    assert not re.search(r"20\d\d", text)
    source = tmp_path / "shangyu.txt"
    source.write_text(text, encoding="utf-8")
    assert_refused(capsys, data, source, "--title")
    assert_refused(capsys, data, source, "没有年份", "--year", options=("--title", "上虞区政务公开工作重点任务清单"))


def test_year_from_the_document_number(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = SEED_LEAD_COLUMNS.read_text(encoding="utf-8").replace("2022年上虞区", "上虞区")
    source = tmp_path / "shangyu.txt"
    source.write_text("虞政办发〔2022〕8号\n" + text, encoding="utf-8")
    code, out, err = run_import(capsys, str(source), "--data", str(data), "--slug", "shangyu-b", "--title",
                                "上虞区政务公开工作重点任务清单", "--city", "绍兴市", "--province", "浙江省")
    assert code == 0, err
    assert (data / "plans" / "shangyu-b-2022.yaml").is_file()
    report = (data / "reports" / "shangyu-b-2022.md").read_text(encoding="utf-8")
    assert "计划年度 2022 取自原文里的“〔2022〕8号”" in report
    assert "计划年度 2022 取自原文里的“〔2022〕8号”" in out


@pytest.mark.parametrize(("options", "phrase"), [
    (("--level", "村"), "--level “村”不是可用的层级"),
    (("--year", "二三"), "--year “二三”不是计划年度"),
    (("--year", "1999"), "写四位数字的年份"),
    (("--slug", "Jinan Wei"), "不能用作网址代码"),
    (("--slug", "search"), "与网站自己的地址 /search/ 冲突"),
])
def test_bad_options(data: Path, capsys: pytest.CaptureFixture[str], options: tuple[str, ...], phrase: str) -> None:
    before = snapshot(data)
    code, out, err = run_import(capsys, str(SEED_LEAD_COLUMNS), "--data", str(data), *options)
    assert code == 1 and phrase in err and "Traceback" not in err
    assert snapshot(data) == before


def test_missing_source_and_folder(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert_refused(capsys, data, tmp_path / "没有这个文件.docx", "找不到这个文件")
    (tmp_path / "文件夹").mkdir()
    assert_refused(capsys, data, tmp_path / "文件夹", "是一个文件夹")


def test_slug_of_another_issuer_is_refused(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = SEED_LEAD_COLUMNS.read_text(encoding="utf-8").replace("上虞区", "柯桥区")
    source = tmp_path / "keqiao.txt"
    source.write_text(text, encoding="utf-8")
    assert_refused(capsys, data, source, "网址代码“changqing”已经是", "--slug", options=("--slug", "changqing"))


def test_write_failure_puts_back_what_was_there(tmp_path: Path) -> None:
    kept = tmp_path / "plan.yaml"
    kept.write_text("old", encoding="utf-8")
    blocker = tmp_path / "reports"
    blocker.write_text("a file where a folder must be", encoding="utf-8")
    with pytest.raises(ImportFailed, match="写不进去.*已写的文件已撤回"):
        importing._write_all([(tmp_path / "new.txt", b"new"), (kept, b"new"), (blocker / "x.md", b"report")])
    assert kept.read_text(encoding="utf-8") == "old" and not (tmp_path / "new.txt").exists()


# ---- tables that are not task tables: refused even with every option given ------------------

ADDRESS_BOOK = [["序号", "单位", "姓名", "职务", "办公电话", "手机", "办公地址"],
                ["1", "区政府办公室", "张伟", "主任", "0531-87221001", "13805310001", "长清区龙泉街1号区政府大楼三楼301室"],
                ["2", "区发改局", "李娜", "局长", "0531-87221002", "13805310002", "长清区龙泉街1号区政府大楼四楼402室"],
                ["3", "区财政局", "王强", "局长", "0531-87221003", "13805310003", "长清区经十西路15888号财政大厦"],
                ["4", "文昌街道", "陈静", "党工委书记", "0531-87221005", "13805310005", "长清区文昌街道办事处二楼"]]
PRICE_LIST = [["序号", "商品名称", "规格", "计价单位", "零售价（元）", "价格执行时间", "备注"],
              ["1", "东北大米", "散装", "元/公斤", "5.20", "2023年6月1日起", "平价商店统一销售，凭市民卡限购每人每日5公斤。"],
              ["2", "标准粉", "25公斤/袋", "元/袋", "95.00", "2023年6月1日起", "平价商店统一销售，不限购，售完为止，次日补货。"],
              ["3", "大豆油", "5升/桶", "元/桶", "68.00", "2023年6月底前", "由区商务局监督执行，区市场监管局负责价格巡查。"],
              ["4", "鸡蛋", "散装", "元/公斤", "9.80", "2023年年底前", "区商务局"]]
MEETINGS = [["时间", "地点", "会议内容", "参会人员", "承办单位"],
            ["3月15日上午9:00", "区政府三楼第一会议室", "传达学习2023年全省政务公开工作要点，部署全区政务公开重点工作任务。",
             "各街镇、区政府各部门分管负责同志", "区政府办公室"],
            ["3月16日下午2:30", "区政务服务中心二楼", "开展政府信息公开申请办理业务培训，讲解典型案例和答复文书规范。",
             "各单位政务公开工作人员", "区行政审批局"],
            ["4月20日上午9:00", "区政府三楼第二会议室", "召开政务公开第一季度工作调度会，通报政府网站检查结果。",
             "区政府各部门分管负责同志", "区大数据局"]]
STAFF_OPTIONS = ("--title", "2023年长清区政务公开重点工作任务分解表", "--year", "2023", "--name", "长清区")


@pytest.mark.parametrize(("name", "write", "rows", "kind", "where", "said"), [
    ("通讯录.csv", write_csv, ADDRESS_BOOK, "通讯录", "第2行", "“姓名”"),
    ("通讯录.xlsx", write_xlsx, ADDRESS_BOOK, "通讯录", "工作表“Sheet”第2行", "“办公电话”"),
    ("价格表.csv", write_csv, PRICE_LIST, "价格表", "第2行", "“规格”"),
    ("价格表.xlsx", write_xlsx, PRICE_LIST, "价格表", "工作表“Sheet”第2行", "“零售价（元）”"),
    ("会议日程.csv", write_csv, MEETINGS, "会议日程", "第2行", "“参会人员”"),
    ("会议日程.xlsx", write_xlsx, MEETINGS, "会议日程", "工作表“Sheet”第2行", "“会议内容”"),
])
def test_a_table_that_is_not_a_task_table_is_refused(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     name: str, write, rows: list[list[str]], kind: str, where: str,
                                                     said: str) -> None:
    """Long texts, unit names and dates in it, but an address book, a price list or a meeting
    schedule: the refusal says what the file seems to hold and what a task table needs."""
    source = write(tmp_path / name, "长清区2023年表格", rows)
    assert_refused(capsys, data, source, "找不到任务表", f"{where}起的表格像是{kind}", said,
                   "任务表要有写任务内容的一列", "“责任单位”或“完成时限”", options=STAFF_OPTIONS)


def test_an_address_book_without_a_header_is_refused_by_its_cells(data: Path, tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    source = write_csv(tmp_path / "电话.csv", "长清区部门电话", [row[1:] for row in ADDRESS_BOOK[1:]])
    assert_refused(capsys, data, source, "像是通讯录", "“0531-87221001”", options=STAFF_OPTIONS)


def test_a_task_table_with_contact_columns_still_imports(data: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    """Telephone numbers beside the tasks do not make it an address book: those columns are
    left out and listed for review."""
    rows = [[*HEADER, "联系人", "联系电话"], [*TASK1, "张伟", "0531-87221001"], [*TASK2, "李娜", "0531-87221002"]]
    source = write_xlsx(tmp_path / "任务表.xlsx", "2023年长清区政务公开重点工作任务分解表", rows)
    code, out, err = run_import(capsys, str(source), "--data", str(data), "--slug", "changqing")
    assert code == 0, err
    assert "忽略的列：2 列（联系人、联系电话）" in out
    plan = yaml.safe_load((data / "plans" / "changqing-2023.yaml").read_text(encoding="utf-8"))
    assert [t["units_text"] for t in plan["tasks"]] == [TASK1[3], TASK2[3]]


# ---- a 配合单位 column --------------------------------------------------------------------------


def test_cooperating_column_gives_cooperating_units(data: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """牵头单位 and 配合单位 columns (配合 merged down over two rows in Excel): the draft's units have
    the roles lead and cooperating, the 配合单位 cell is kept verbatim, and the draft validates."""
    rows = [["序号", "工作任务", "牵头单位", "配合单位", "完成时限"], ["一、突出重点领域，推动高质量政务公开"] + [""] * 4,
            ["1", TASK1[2], "区发改局", "区财政局、区统计局", "全年"],
            ["2", TASK2[2], "区商务局", "", "2022年年底前完成，长期坚持"]]
    source = write_xlsx(tmp_path / "任务表.xlsx", "2022年长清区政务公开重点工作任务分解表", rows,
                        merges=("A3:E3", "D4:D5"))
    code, out, err = run_import(capsys, str(source), "--data", str(data), "--slug", "changqing-b", "--city", "济南市",
                                "--province", "山东省")
    assert code == 0, err
    first, second = yaml.safe_load((data / "plans" / "changqing-b-2022.yaml").read_text(encoding="utf-8"))["tasks"]
    assert first["units"] == [{"name": "区发改局", "role": "lead"}, {"name": "区财政局", "role": "cooperating"},
                              {"name": "区统计局", "role": "cooperating"}]
    assert (first["cooperating_units_text"], first["units_text"], first.get("notes")) == ("区财政局、区统计局", None, None)
    assert second["units"] == [{"name": "区商务局", "role": "lead"}, {"name": "区财政局", "role": "cooperating"},
                               {"name": "区统计局", "role": "cooperating"}]
    assert second["notes"] == [{"field": "cooperating_units_text",
                                "message": "源表此格为空（合并单元格），沿用第1项任务（第4行）的配合单位"}]
    assert "数据检查：草稿通过了检查" in out, out
    assert main(["validate", str(data)]) == 0, capsys.readouterr().err

    # The printed 配合单位 cell reaches the model, the task page's "原文写的是" line and the open data.
    site = load_site(data)
    plan = next(p for p in site.plans if p.key == "changqing-b-2022")
    assert [t.cooperating_units_text for t in plan.tasks] == ["区财政局、区统计局", "区财政局、区统计局"]
    render.render_pages(site, tmp_path / "docs", as_of=dt.date(2022, 6, 1))
    page = (tmp_path / "docs" / "changqing-b" / "2022" / "1" / "index.md").read_text(encoding="utf-8")
    assert "原文写的是：牵头单位“区发改局”，配合单位“区财政局、区统计局”</p>" in page
    opendata.write_open_data(site, tmp_path / "data", as_of=dt.date(2022, 6, 1))
    rows = [r for r in csv.DictReader(io.StringIO((tmp_path / "data" / "changqing-b-2022.csv").read_text(encoding="utf-8-sig")))]
    assert [(r["lead_units_text"], r["cooperating_units_text"]) for r in rows] == [
        ("区发改局", "区财政局、区统计局"), ("区商务局", "区财政局、区统计局")]
    seed = json.loads((tmp_path / "data" / "changqing-2022.json").read_text(encoding="utf-8"))
    assert {t["cooperating_units_text"] for t in seed["tasks"]} == {None}  # the seed tables print no such column


def test_a_task_with_only_a_cooperating_cell_shows_what_the_source_printed(data: Path, tmp_path: Path,
                                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A table whose only units column is 配合单位: the task page still says what the source printed."""
    rows = [["序号", "具体要求", "配合单位", "完成时限"], ["1", TASK1[2], "区财政局、区统计局", "全年"]]
    source = write_xlsx(tmp_path / "任务表.xlsx", "2022年长清区政务公开重点工作任务分解表", rows)
    code, out, err = run_import(capsys, str(source), "--data", str(data), "--slug", "changqing-c", "--city", "济南市",
                                "--province", "山东省")
    assert code == 0, err
    site = load_site(data)
    render.render_pages(site, tmp_path / "docs", as_of=dt.date(2022, 6, 1))
    page = (tmp_path / "docs" / "changqing-c" / "2022" / "1" / "index.md").read_text(encoding="utf-8")
    assert "原文写的是：配合单位“区财政局、区统计局”</p>" in page


# ---- issuers beyond districts ---------------------------------------------------------------


def test_a_province_table_without_sections_gets_one_honest_section(data: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A province's table with no section heading at all: the draft puts every task in one section
    titled 全部任务 (the source prints none, each task says so), so it validates; the issuer is a 省."""
    rows = [["序号", "具体要求", "责任单位", "完成时限"], ["1", TASK1[2], "省发展改革委、省工业和信息化厅", "全年"],
            ["2", TASK2[2], "省商务厅", "长期坚持"]]
    source = write_csv(tmp_path / "任务表.csv", "山东省2023年政务公开工作要点", rows)
    code, out, err = run_import(capsys, str(source), "--data", str(data))
    assert code == 0, err
    plan = yaml.safe_load((data / "plans" / "shandong-2023.yaml").read_text(encoding="utf-8"))
    assert plan["district"] == {"name": "山东省", "level": "省", "city": "山东省", "province": "山东省", "slug": "shandong"}
    assert plan["sections"] == [{"id": "1", "title": "全部任务"}]
    assert [t["section"] for t in plan["tasks"]] == ["1", "1"]
    assert all({"field": "section", "message": "原文没有分节标题，导入时放进章节“全部任务”（原文没有这个标题），请核对。"}
               in t["notes"] for t in plan["tasks"])
    assert "数据检查：草稿通过了检查" in out, out
    assert main(["validate", str(data)]) == 0, capsys.readouterr().err
    site = load_site(data)
    render.render_pages(site, tmp_path / "docs", as_of=dt.date(2023, 6, 1))
    page = (tmp_path / "docs" / "shandong" / "index.md").read_text(encoding="utf-8")
    assert "山东省。本省共有 1 份年度任务表，2 项任务。" in page


def test_tasks_before_the_first_heading_get_a_section_of_their_own(data: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["序号", "具体要求", "责任单位", "完成时限"], ["1", TASK1[2], "区发改局", "全年"],
            ["一、突出重点领域", "", "", ""], ["2", TASK2[2], "区商务局", "长期坚持"]]
    source = write_csv(tmp_path / "任务表.csv", "2023年长清区政务公开重点工作任务分解表", rows)
    code, out, err = run_import(capsys, str(source), "--data", str(data), "--slug", "changqing")
    assert code == 0, err
    plan = yaml.safe_load((data / "plans" / "changqing-2023.yaml").read_text(encoding="utf-8"))
    assert plan["sections"] == [{"id": "1", "title": "未归入章节的任务"}, {"id": "2", "title": "一、突出重点领域"}]
    assert [t["section"] for t in plan["tasks"]] == ["1", "2"]
    assert "数据检查：草稿通过了检查" in out, out


def test_city_level_title(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """济南市2022年政务公开工作要点 through a seed layout: a 市 plan that validates and reads 本市."""
    text = SEED_LEAD_COLUMNS.read_text(encoding="utf-8").replace(SEED_TITLE, "济南市2022年政务公开工作要点")
    source = tmp_path / "济南市 工作要点.txt"
    source.write_text(text, encoding="utf-8")
    code, out, err = run_import(capsys, str(source), "--data", str(data), "--province", "山东省")
    assert code == 0, err
    plan = yaml.safe_load((data / "plans" / "jinan-2022.yaml").read_text(encoding="utf-8"))
    assert plan["district"] == {"name": "济南市", "level": "市", "city": "济南市", "province": "山东省", "slug": "jinan"}
    assert plan["source"] == "../sources/济南市-工作要点.txt"
    assert (data / "sources" / "济南市-工作要点.txt").read_bytes() == source.read_bytes()
    report = (data / "reports" / "jinan-2022.md").read_text(encoding="utf-8")
    assert "已复制为 sources/济南市-工作要点.txt" in report and "层级按名称推断为“市”" in report
    assert "数据检查：草稿通过了检查" in out and "任务：49 项" in out

    site = load_site(data)
    render.render_pages(site, tmp_path / "docs", as_of=dt.date(2022, 6, 1))
    page = (tmp_path / "docs" / "jinan" / "index.md").read_text(encoding="utf-8")
    assert "山东省济南市。本市共有 1 份年度任务表，49 项任务。" in page
    seed_page = (tmp_path / "docs" / "changqing" / "index.md").read_text(encoding="utf-8")
    assert "山东省济南市长清区。本区共有 1 份年度任务表，66 项任务。" in seed_page


def test_department_from_word(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A department's Word table: --name/--level/--slug, the source copied under a safe name."""
    rows = [HEADER, TASK1, TASK2]
    source = write_docx(tmp_path / "附件1 卫健委#工作要点.docx", "2023年济南市卫生健康委员会政务公开工作要点", rows)
    code, out, err = run_import(capsys, str(source), "--data", str(data), "--name", "济南市卫生健康委员会",
                                "--level", "部门", "--slug", "jinan-weijian", "--province", "山东省")
    assert code == 0, err
    plan = yaml.safe_load((data / "plans" / "jinan-weijian-2023.yaml").read_text(encoding="utf-8"))
    assert plan["district"]["level"] == "部门" and plan["district"]["city"] == "济南市"
    assert plan["source"] == "../sources/附件1-卫健委-工作要点.docx"
    assert [t["number"] for t in plan["tasks"]] == [1, 2]
    assert "版式：通用读取（docx）" in out
    assert main(["validate", str(data)]) == 0, capsys.readouterr().err

    site = load_site(data)
    render.render_pages(site, tmp_path / "docs", as_of=dt.date(2023, 6, 1))
    page = (tmp_path / "docs" / "jinan-weijian" / "index.md").read_text(encoding="utf-8")
    assert "山东省济南市卫生健康委员会。本部门共有 1 份年度任务表，2 项任务。" in page


def test_csv_source_is_kept_and_published_as_text(data: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "历城区 2022.csv"
    lines = ["2022年历城区政务公开重点工作任务分解表", ",".join(HEADER),
             *(",".join(f'"{cell}"' for cell in row) for row in (TASK1, TASK2))]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    code, out, err = run_import(capsys, str(source), "--data", str(data), "--slug", "licheng",
                                "--title", "2022年历城区政务公开重点工作任务分解表")
    assert code == 0, err
    plan = yaml.safe_load((data / "plans" / "licheng-2022.yaml").read_text(encoding="utf-8"))
    assert plan["source"] == "../sources/历城区-2022.csv"
    assert main(["validate", str(data)]) == 0, capsys.readouterr().err
    assert views.source_file_name("历城区-2022.csv") == "历城区-2022.csv.txt"  # never opened as a spreadsheet


def test_draft_problems_name_the_task(data: Path) -> None:
    """A draft that fails validate is listed problem by problem, each with its task number."""
    plan_path = data / "plans" / "changqing-2022.yaml"
    plan = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
    plan["tasks"][2]["units"][0]["name"] = "区不存在局"
    plan_path.write_text("# yaml-language-server: $schema=../schema/plan.schema.json\n"
                         + yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    lines = importing.draft_problems(data, plan_path, data / "units" / "changqing.yaml", plan)
    number = plan["tasks"][2]["number"]
    assert any(line.startswith(f"第 {number} 项任务：") and "区不存在局" in line for line in lines), lines
    assert all("rencheng" not in line for line in lines)  # only the files this import wrote


def test_validate_checks_the_level(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = data / "plans" / "changqing-2022.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  name: 长清区\n", "  name: 长清区\n  level: 村\n", 1), encoding="utf-8")
    assert main(["validate", str(data)]) == 1
    assert "“村”不是允许的值" in capsys.readouterr().err
    path.write_text(text.replace("  name: 长清区\n", "  name: 长清区\n  level: 县\n", 1), encoding="utf-8")
    assert main(["validate", str(data)]) == 0  # a level other than 区 is fine on its own
    capsys.readouterr()
    second = data / "plans" / "changqing-2023.yaml"
    second.write_text(text.replace("year: 2022", "year: 2023"), encoding="utf-8")
    assert main(["validate", str(data)]) == 1
    assert "层级“区”与同一区代码的 changqing-2022.yaml 里的“县”不一致" in capsys.readouterr().err


def test_staff_guide_department_example_works(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The guide's 导入新一年的任务表 example runs as printed (on a Word file of the same name)."""
    import shlex

    guide = (Path(__file__).resolve().parents[1] / "content" / "staff-guide.md").read_text(encoding="utf-8")
    section = guide.split("## 导入新一年的任务表", 1)[1].split("\n## ", 1)[0]
    for heading in ("### 第一步", "### 第二步", "### 第三步", "### 导入失败时怎么办"):
        assert heading in section
    [command] = [line[4:] for line in section.splitlines() if line.startswith("    python -m generator import 卫健委")]
    args = shlex.split(command)[3:]
    write_docx(tmp_path / args[1], "2023年济南市卫生健康委员会政务公开工作要点", [HEADER, TASK1, TASK2])
    monkeypatch.chdir(tmp_path)
    code, out, err = run_import(capsys, *args[1:], "--data", str(data))
    assert code == 0, err
    assert (data / "plans" / "jinan-weijian-2023.yaml").is_file()
