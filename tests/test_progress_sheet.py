"""`python -m generator import-progress`: a unit's progress table becomes reports; rows that
cannot be placed are listed in the review, never dropped.

The table is read by the readers of `import` (generator.readers), so every format they read
works here too: each is written in the test (openpyxl, python-docx, lxml-readable HTML, a PDF
printed by Chromium, pasted text) and imported end to end into a copy of site_data/. The
reports are made up (测试用，编造) for real tasks of changqing-2022.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from generator.cli import main
from generator.loader import load_site
from generator.progress import china_today
from generator.progress_sheet import SheetError, header_key, map_status, parse_date, parse_number, read_sheet
from generator.readers.sniff import ENCRYPTED_MESSAGE, SAVE_AS_DOCX, SAVE_AS_XLSX, UNSUPPORTED
from generator.validate import check, read_dataset
from tests.helpers import ROOT
from tests.test_readers import ole2

GB18030_CSV = ROOT / "tests" / "fixtures" / "progress" / "licheng-2023-gb18030.csv"
PLAN = "changqing-2022"
TITLE = "长清区2022年政务公开重点工作任务进展情况表（测试用，编造）"
URL_23 = "https://example.gov.cn/changqing/2022/yanglao.html"
TEXT_21 = "教育政策问答已公开第一批。\n职业教育政策正在整理。"  # two paragraphs in one cell
# (序号, 报送单位, 状态, 进展, 佐证 as shown, its link): the 佐证 cell shows a title and links to the page
ROWS = [
    ("23", "区民政局", "已完成", "养老服务补贴政策已全部公开。", "佐证材料", URL_23),
    ("99", "区民政局", "已完成", "这一行的序号在计划里没有。", "", ""),
    ("21", "区教体局", "进行中", TEXT_21, "", ""),
]


def _import(path: Path, data: Path, capsys: pytest.CaptureFixture[str], *options: str) -> tuple[int, str, str]:
    code = main(["import-progress", str(path), PLAN, "--date", "2022-10-08", "--data", str(data), *options])
    out = capsys.readouterr()
    return code, out.out, out.err


def _assert_imported(data: Path, code: int, out: str, where_99: str, text_21: str = TEXT_21) -> None:
    """Rows 23 and 21 became reports (23's evidence is the cell's link); row 99 is listed by its place."""
    assert code == 1  # row 99 was not imported
    assert f"{where_99}（序号 99）" in out and "没有序号为 99 的任务" in out
    assert "已写入 2 份报告" in out
    assert check(read_dataset(data)) == []
    tasks = {t.number: t for t in load_site(data).tasks if t.plan.key == PLAN}
    [done] = tasks[23].reports
    assert (done.status, done.date, done.unit_name) == ("已完成", dt.date(2022, 10, 8), "区民政局")
    assert [e.url for e in done.evidence] == [URL_23]
    [going] = tasks[21].reports
    assert (going.status, going.text, going.unit_name) == ("推进中", text_21, "区教体局")


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ---- Excel ------------------------------------------------------------------------------


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
    assert "工作表“进展情况”第 5 行（序号 99）" in review and "A 列（序号）" in review and "没有序号为 99 的任务" in review
    assert "已写入 4 份报告" in review and "工作表“进展情况”第 8 行" in review  # the signature line: skipped
    assert "表头在工作表“进展情况”第 2 行" in review and "没有用到的列：B 列（任务内容）" in review
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
    assert "已导入、但请核对的行" in review and "工作表“进展情况”第 6 行（第 20 项）：--unit：" in review


def test_xlsx_every_sheet_with_a_header_and_traditional_headers(data: Path, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    """A workbook with an instructions sheet, one sheet per unit (one with traditional-character,
    full-width headers), and a section heading merged across a table."""
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "填表说明"
    notes.append(["请各单位于每季度末报送进展。"])
    notes.append(["状态填：已完成、推进中、未启动、常态推进、已调整。"])
    civil = book.create_sheet("民政局")
    civil.append([TITLE])
    civil.merge_cells("A1:E1")
    civil.append(["序号", "报送单位", "状态", "进展情况", "佐证材料"])
    civil.append(["一、重点领域信息公开"])
    civil.merge_cells("A3:E3")
    for number, unit, status, text, shown, link in ROWS[:2]:
        civil.append([int(number), unit, status, text, shown or None])
        if link:
            civil.cell(civil.max_row, 5).hyperlink = link
    education = book.create_sheet("教体局")
    education.append(["序　號", "報送單位", "狀態", "進展情況（限200字）", "佐證鏈接"])
    education.append([21, "区教体局", "进行中", TEXT_21, None])
    path = tmp_path / "进展表.xlsx"
    book.save(path)
    code, out, _ = _import(path, data, capsys)
    _assert_imported(data, code, out, "工作表“民政局”第 5 行")
    assert "没有读取：工作表“填表说明”（2 行）" in out
    assert "表头在工作表“教体局”第 1 行" in out and "状态（表头“狀態”）" in out
    assert "工作表“民政局”第 3 行：“一、重点领域信息公开”" in out  # the heading: skipped, and listed


def test_merged_unit_cell_applies_to_every_row(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "报送单位", "状态", "进展"])
    sheet.append([23, "区民政局", "推进中", "一"])
    sheet.append([24, None, "推进中", "二"])
    sheet.merge_cells("B2:B3")
    book.save(tmp_path / "m.xlsx")
    rows = read_sheet(tmp_path / "m.xlsx").rows
    assert [(r.where, r.get("reporter")) for r in rows] == [("工作表“Sheet”第 2 行", "区民政局"),
                                                            ("工作表“Sheet”第 3 行", "区民政局")]


# ---- CSV --------------------------------------------------------------------------------


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
    # 完成情况 holds status words there, 完成情况说明 the text
    assert "状态（表头“完成情况”）" in review and "进展（表头“完成情况说明”）" in review


def test_csv_with_quoted_newlines_names_rows_by_file_line(data: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    def quote(text: str) -> str:
        return '"' + text.replace('"', '""') + '"'

    lines = [TITLE, "序号,报送单位,状态,进展情况,佐证链接"]
    # 21 first: its 进展 runs over lines 3 and 4, so 23 is on line 5 and 99 on line 6
    for number, unit, status, text, _shown, link in (ROWS[2], ROWS[0], ROWS[1]):
        lines.append(",".join([number, unit, status, quote(text), link]))
    path = tmp_path / "进展.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8-sig"))
    code, out, _ = _import(path, data, capsys)
    _assert_imported(data, code, out, "第 6 行")
    assert "第 3 行 → 第 21 项" in out and "第 5 行 → 第 23 项" in out


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


# ---- Word -------------------------------------------------------------------------------


def _add_hyperlink(paragraph, url: str, text: str) -> None:
    """python-docx has no API for a hyperlink: the <w:hyperlink> Word writes, with its relationship."""
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True))
    run = OxmlElement("w:r")
    text_element = OxmlElement("w:t")
    text_element.text = text
    run.append(text_element)
    link.append(run)
    paragraph._p.append(link)


def test_docx_table_with_a_linked_evidence_cell_and_a_merged_unit(data: Path, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    word = docx.Document()
    word.add_paragraph(TITLE)
    # 完成情况 holds the status words, 工作进展 the text; letter-spaced and traditional headers
    header = ["序　号", "報送單位", "完成情况", "工作进展", "佐证材料"]
    table = word.add_table(rows=1 + len(ROWS), cols=5)
    for column, text in enumerate(header):
        table.cell(0, column).text = text
    for row, (number, unit, status, text, shown, link) in enumerate(ROWS, start=1):
        for column, value in enumerate([number, unit, status]):
            table.cell(row, column).text = value
        first, *rest = text.split("\n")
        table.cell(row, 3).text = first
        for paragraph in rest:
            table.cell(row, 3).add_paragraph(paragraph)
        if link:
            _add_hyperlink(table.cell(row, 4).paragraphs[0], link, shown)
    table.cell(1, 1).merge(table.cell(2, 1)).text = "区民政局"  # 23 and 99 share one 报送单位 cell
    word.add_paragraph("填报人：张三")
    path = tmp_path / "进展表.docx"
    word.save(path)
    code, out, _ = _import(path, data, capsys)
    _assert_imported(data, code, out, "第 1 个表格第 3 行")
    assert "（Word 文档）" in out and "状态（表头“完成情况”）" in out


# ---- web page and PDF -------------------------------------------------------------------


def _page(charset: str, *, break_before_last: bool = False) -> str:
    """A saved web page: site chrome, a title, and the table (报送单位 merged over 23 and 99)."""
    cells = []
    for index, (number, unit, status, text, shown, link) in enumerate(ROWS):
        unit_cell = '<td rowspan="2">区民政局</td>' if index == 0 else "" if index == 1 else f"<td>{unit}</td>"
        evidence = f'<a href="{link}">{shown}</a>' if link else ""
        style = ' style="break-before: page"' if break_before_last and index == len(ROWS) - 1 else ""
        cells.append(f"<tr{style}><td>{number}</td>{unit_cell}<td>{status}</td>"
                     f"<td>{text.replace(chr(10), '<br>')}</td><td>{evidence}</td></tr>")
    return f"""<!DOCTYPE html>
<html><head><meta charset="{charset}"><title>{TITLE}</title>
<style>body {{ font-family: 'Noto Sans CJK SC', sans-serif; }} table {{ border-collapse: collapse }}
td, th {{ border: 1px solid #000; padding: 4px }}</style></head>
<body><header>长清区人民政府 网站首页</header><nav><a href="/">首页</a></nav>
<h1>{TITLE}</h1>
<table><tr><th>序号</th><th>报送单位</th><th>状态</th><th>进展</th><th>佐证链接</th></tr>
{"".join(cells)}</table>
<footer>版权所有：济南市长清区人民政府</footer></body></html>"""


def test_saved_web_page(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "进展.html"
    path.write_bytes(_page("gb2312").encode("gb18030"))
    code, out, _ = _import(path, data, capsys)
    _assert_imported(data, code, out, "第 1 个表格第 3 行")
    assert "（网页）" in out


def test_pdf_table_over_two_pages(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], print_pdf) -> None:
    """Chromium's print keeps the links; the last row goes to page 2, where the table has no header."""
    path = print_pdf(_page("utf-8", break_before_last=True), tmp_path / "进展.pdf")
    code, out, _ = _import(path, data, capsys)
    # PDF cannot tell a line break in a cell from a wrapped line: the two sentences are joined
    _assert_imported(data, code, out, "第 1 页第 1 个表格第 3 行", TEXT_21.replace("\n", ""))
    assert "第 2 页第 2 个表格第 1 行起：没有表头，接着第 1 页第 1 个表格第 1 行的表头读" in out
    assert "第 2 页第 2 个表格第 1 行 → 第 21 项" in out


# ---- pasted text ------------------------------------------------------------------------


def test_pasted_text_split_by_a_blank_line(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Cells copied from a spreadsheet and pasted into Notepad: tabs between cells, a blank line."""
    lines = [TITLE, "序号\t报送单位\t状态\t进展情况\t佐证链接"]
    for number, unit, status, text, _shown, link in ROWS:
        lines.append("\t".join([number, unit, status, text.replace("\n", ""), link]))
    lines.insert(4, "")
    path = tmp_path / "粘贴.txt"
    path.write_bytes("\r\n".join(lines).encode("gb18030"))
    code = main(["import-progress", str(path), PLAN, "--date", "2022-10-08", "--data", str(data)])
    out = capsys.readouterr().out
    assert code == 1 and "第 4 行（序号 99）" in out and "第 6 行 → 第 21 项" in out
    tasks = {t.number: t for t in load_site(data).tasks if t.plan.key == PLAN}
    assert [e.url for e in tasks[23].reports[0].evidence] == [URL_23]
    assert tasks[21].reports[0].text == TEXT_21.replace("\n", "")


# ---- files that cannot be read: a message, exit 1, nothing written -----------------------


@pytest.mark.parametrize(("name", "content", "phrase"), [
    ("进展表.doc", ole2("WordDocument", "1Table"), SAVE_AS_DOCX),
    ("进展表.xls", ole2("Workbook"), SAVE_AS_XLSX),
    ("进展表.xlsx", ole2("EncryptionInfo", "EncryptedPackage"), ENCRYPTED_MESSAGE),
    ("进展表.docx", ole2("EncryptionInfo", "EncryptedPackage"), ENCRYPTED_MESSAGE),
    ("照片.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4, UNSUPPORTED),
    ("空.csv", b"", "文件是空的"),
    ("p.xlsx", b"not a zip", "文件名是 .xlsx，内容却是纯文本"),
    ("说明.txt", "请各单位于每季度末报送进展。\n".encode("utf-8"), "文件里没有表格"),
    ("p.csv", "任务,说明\n23,已公开\n".encode("utf-8"), "找不到表头"),
])
def test_files_that_cannot_be_read(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   name: str, content: bytes, phrase: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    before = _snapshot(data)
    code, out, err = _import(path, data, capsys)
    assert code == 1 and out == ""
    assert err.startswith(f"导入失败：{path}：") and phrase in err and "Traceback" not in err
    assert _snapshot(data) == before


def test_a_reader_bug_is_a_sentence(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(path: Path) -> None:
        raise IndexError("list index out of range")

    monkeypatch.setattr("generator.progress_sheet.read_document", broken)
    path = tmp_path / "进展.xlsx"
    path.write_bytes(b"PK\x03\x04")
    code, _, err = _import(path, data, capsys)
    assert code == 1 and err.startswith(f"导入失败：{path}：读这个文件时程序出错（IndexError") and "Traceback" not in err


def test_scanned_pdf(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], print_pdf) -> None:
    path = print_pdf('<div style="width:400px;height:300px;background:#333"></div>', tmp_path / "扫描件.pdf")
    before = _snapshot(data)
    code, _, err = _import(path, data, capsys)
    assert code == 1 and "请先用文字识别（OCR）软件转成文字" in err and str(path) in err
    assert _snapshot(data) == before


def test_word_file_without_a_table(data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    word = docx.Document()
    word.add_paragraph("23 已完成 养老服务补贴政策已全部公开。")
    word.save(tmp_path / "进展.docx")
    code, _, err = _import(tmp_path / "进展.docx", data, capsys)
    assert code == 1 and "文件里没有表格（Word 文档里只有文字）" in err and "进展.docx" in err


def test_sheet_without_a_header_row(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("任务,说明\n23,已公开\n", encoding="utf-8")
    with pytest.raises(SheetError) as caught:
        read_sheet(path)
    assert "找不到表头" in str(caught.value) and "序号" in str(caught.value) and str(path) in str(caught.value)


# ---- the words ------------------------------------------------------------------------


@pytest.mark.parametrize("header, name", [("序  号", "序号"), ("进展情况（限200字）", "进展情况"), ("*状态：", "状态"),
                                          ("序　號", "序号"), ("進展情況", "进展情况"), ("佐证\n链接", "佐证链接"),
                                          ("报送日期(YYYY-MM-DD)", "报送日期")])
def test_header_key(header: str, name: str) -> None:
    assert header_key(header) == name


@pytest.mark.parametrize("word, status", [("已完成", "已完成"), ("完成", "已完成"), ("正在推进", "推进中"),
                                          ("进行中", "推进中"), ("未开始", "未启动"), ("长期", "常态推进"),
                                          ("常态", "常态推进"), ("取消", "已调整"), ("合并", "已调整"),
                                          ("進行中", "推进中"), ("办理中", None)])
def test_status_words(word: str, status: str | None) -> None:
    assert map_status(word) == status


def test_numbers_and_dates() -> None:
    assert [parse_number(v) for v in ("23", "23.0", "第23项", "（23）", "２３", "一", "", "0")] == [
        23, 23, 23, 23, 23, None, None, None]
    assert [parse_date(v) for v in ("2022/6/30", "2022.6.30", "2022年6月30日", "2022-06-30", "2022-06-30 14:30",
                                    "六月")] == ["2022-06-30"] * 5 + ["六月"]
