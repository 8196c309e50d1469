"""Readers (generator/readers): each format's table back as a grid with merges, positions and verbatim text.

The content is the start of a real seed plan (site_data/plans/changqing-2022.yaml, source
000_acdabe4e565eb526.txt): a header row, a section title spanning all columns, and two tasks
whose units cell is merged down over both rows. Binary inputs are built here, not committed.
"""
from __future__ import annotations

import datetime as dt
import io
import struct
import zipfile
from pathlib import Path

import pytest

from generator.readers import Document, ReadError, Table, read_document
from generator.readers.pdf import NO_TEXT_LAYER
from generator.readers.sniff import ENCRYPTED_MESSAGE, SAVE_AS_DOCX, SAVE_AS_XLSX, UNSUPPORTED

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "site_data" / "sources" / "000_acdabe4e565eb526.txt"

TITLE = "2022年长清区政务公开重点工作任务分解表"
HEADER = ["序号", "工作任务", "具体要求", "责任单位", "完成时限"]
SECTION = "一、突出重点领域，推动高质量政务公开"
TASK1 = ["1", "加强高质量发展信息公开",
         "抓好新旧动能转换信息公开，围绕传统产业改造提升、现代医养康养产业体系建设、生产服务业专业化发展等领域，"
         "重点公开相关工作进展、产业集群发展、平台项目落地等信息。",
         "各街镇，区发改局、区工信局等区政府相关部门", "全年"]
TASK2_REQUIREMENT = ("主动公开实施传统消费升级行动相关政策，拓展无接触式消费。",
                     "加大受疫情影响重的餐饮、住宿、零售、文化、旅游等行业帮扶政策的公开力度，促进稳就业和消费恢复。")
TASK2 = ["2", "加强高质量发展信息公开", "\n".join(TASK2_REQUIREMENT), TASK1[3], "2022年年底前完成，长期坚持"]
PROSE = "1．深化行政决策公开。各部门要严格落实重大行政决策程序规定。"


def expected_texts() -> list[list[str]]:
    return [HEADER, [SECTION] * 5, TASK1, TASK2]


def assert_merges(table: Table, row0: int = 1) -> None:
    """Section row (row0+1) merged across all columns; units (column 4) merged down over the tasks."""
    section = table.rows[row0]
    assert section[0].merged_from is None
    assert [cell.merged_from for cell in section[1:]] == [(row0 + 1, 1)] * 4
    assert table.rows[row0 + 1][3].merged_from is None
    assert table.rows[row0 + 2][3].merged_from == (row0 + 2, 4)
    assert table.origin(table.rows[row0 + 2][3]) is table.rows[row0 + 1][3]
    # a repeated value that is not merged (the 工作任务 text) has no link
    assert table.rows[row0 + 2][1].merged_from is None
    assert all(cell.merged_from is None for cell in table.rows[row0 - 1])


def assert_grid_positions(grid: Table, **where: object) -> None:
    for r, row in enumerate(grid.rows, start=1):
        for c, cell in enumerate(row, start=1):
            assert (cell.position.row, cell.position.column) == (r, c)
            for name, value in where.items():
                assert getattr(cell.position, name) == value


# ---- docx -------------------------------------------------------------------------------


def build_docx(path: Path) -> Path:
    import docx

    word = docx.Document()
    word.add_paragraph(TITLE)
    table = word.add_table(rows=4, cols=5)
    for c, text in enumerate(HEADER):
        table.cell(0, c).text = text
    section = table.cell(1, 0).merge(table.cell(1, 4))
    section.text = SECTION
    for c, text in enumerate(TASK1):
        table.cell(2, c).text = text
    for c, text in enumerate(TASK2):
        if c == 2:
            table.cell(3, c).text = TASK2_REQUIREMENT[0]
            table.cell(3, c).add_paragraph(TASK2_REQUIREMENT[1])
        elif c != 3:
            table.cell(3, c).text = text
    table.cell(2, 3).merge(table.cell(3, 3))
    word.add_paragraph(PROSE, style="List Number")
    word.save(path)
    return path


def test_docx_table_merges_and_paragraphs(tmp_path: Path) -> None:
    document = read_document(build_docx(tmp_path / "长清区.docx"))
    assert document.format == "docx"
    assert document.title == TITLE
    [table] = document.tables
    assert table.texts() == expected_texts()
    assert_merges(table)
    assert_grid_positions(table, table=1, file=tmp_path / "长清区.docx")
    assert [(p.text, p.position.paragraph) for p in document.paragraphs] == [(TITLE, 1), (PROSE, 2)]
    assert document.paragraphs[1].numbered and document.paragraphs[1].style == "List Number"
    # reading order: title, table, prose
    assert document.paragraphs[0].order < table.order < document.paragraphs[1].order


def test_docx_nested_table_is_flattened_into_the_cell(tmp_path: Path) -> None:
    import docx

    word = docx.Document()
    outer = word.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "责任单位"
    inner = outer.cell(0, 1).add_table(rows=2, cols=2)
    for (r, c), text in {(0, 0): "牵头", (0, 1): "区政府办公室", (1, 0): "配合", (1, 1): "区司法局"}.items():
        inner.cell(r, c).text = text
    word.save(tmp_path / "nested.docx")
    [table] = read_document(tmp_path / "nested.docx").tables
    assert table.texts() == [["责任单位", "牵头 区政府办公室\n配合 区司法局"]]


def test_docx_is_found_by_content_not_extension(tmp_path: Path) -> None:
    source = build_docx(tmp_path / "a.docx")
    renamed = tmp_path / "附件1"
    renamed.write_bytes(source.read_bytes())
    document = read_document(renamed)
    assert document.format == "docx" and document.tables[0].texts() == expected_texts()


# ---- xlsx -------------------------------------------------------------------------------


def build_xlsx(path: Path) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "任务分解表"
    sheet["A1"] = TITLE
    sheet.merge_cells("A1:E1")
    sheet.append(HEADER)
    sheet["A3"] = SECTION
    sheet.merge_cells("A3:E3")
    sheet.append([1.0] + TASK1[1:])  # a number typed in Excel is a float: must read "1"
    sheet.append([2, TASK2[1], TASK2[2], None, dt.datetime(2022, 12, 31)])
    sheet.merge_cells("D4:D5")
    book.create_sheet("空白页")
    notes = book.create_sheet("说明")
    notes["B2"] = "本表由区政务公开办编制"
    book.save(path)
    return path


def test_xlsx_sheets_merges_numbers_and_dates(tmp_path: Path) -> None:
    document = read_document(build_xlsx(tmp_path / "长清区.xlsx"))
    assert document.format == "xlsx"
    assert [t.sheet for t in document.tables] == ["任务分解表", "说明"]  # the empty sheet is no table
    table = document.tables[0]
    expected = [[TITLE] * 5] + expected_texts()
    expected[4][4] = "2022-12-31"
    assert table.texts() == expected
    assert [cell.merged_from for cell in table.rows[0]] == [None] + [(1, 1)] * 4
    assert_merges(table, row0=2)
    assert_grid_positions(table, sheet="任务分解表")
    notes = document.tables[1]
    assert notes.texts() == [["本表由区政务公开办编制"]]
    assert (notes.rows[0][0].position.row, notes.rows[0][0].position.column) == (2, 2)  # sheet's own B2


# ---- csv --------------------------------------------------------------------------------


def csv_text(delimiter: str) -> str:
    def quote(text: str) -> str:
        return '"' + text.replace('"', '""') + '"' if any(ch in text for ch in f'\n"{delimiter}') else text

    rows = [HEADER, TASK1, TASK2]
    return "\r\n".join(delimiter.join(quote(text) for text in row) for row in rows) + "\r\n"


@pytest.mark.parametrize(("delimiter", "encoding"), [(",", "utf-8-sig"), ("\t", "gb18030"), (";", "utf-8"),
                                                     ("|", "gb18030")])
def test_csv_encodings_delimiters_and_quoted_newlines(tmp_path: Path, delimiter: str, encoding: str) -> None:
    path = tmp_path / "长清区.csv"
    path.write_bytes(csv_text(delimiter).encode(encoding))
    document = read_document(path)
    assert document.format == "csv"
    [table] = document.tables
    assert table.texts() == [HEADER, TASK1, TASK2]
    assert table.rows[2][2].text == "\n".join(TASK2_REQUIREMENT)  # the quoted newline is kept
    assert [row[0].position.line for row in table.rows] == [1, 2, 3]
    assert table.rows[2][4].position.line == 3 and table.rows[2][4].position.column == 5


# ---- html -------------------------------------------------------------------------------

HTML_PAGE = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>长清区人民政府</title><style>.data td, .data th {{ border: 1px solid #000 }}</style>
<script>var menu = "首页 政务公开";</script></head>
<body>
<header>长清区人民政府 网站首页</header>
<nav><a href="/">首页</a> <a href="/zwgk">政务公开</a></nav>
<table class="layout"><tr><td>
<h1>{title}</h1>
<p>为深入贯彻落实   国家、省、市政务公开工作部署，
现将有关任务分解如下。</p>
<table class="data" border="1">
<tr><th>{h[0]}</th><th>{h[1]}</th><th>{h[2]}</th><th>{h[3]}</th><th>{h[4]}</th></tr>
<tr><td colspan="5">{section}</td></tr>
<tr><td>{t1[0]}</td><td>{t1[1]}</td><td>{t1[2]}</td><td rowspan="2">{t1[3]}</td><td>{t1[4]}</td></tr>
<tr><td>{t2[0]}</td><td>{t2[1]}</td><td>{req[0]}<br>{req[1]}</td><td>{t2[4]}</td></tr>
</table>
<p>{prose}</p>
</td></tr></table>
<footer>版权所有：济南市长清区人民政府 联系我们</footer>
</body></html>
"""


def build_html(path: Path, encoding: str = "gb18030") -> Path:
    page = HTML_PAGE.format(title=TITLE, h=HEADER, section=SECTION, t1=TASK1, t2=TASK2, req=TASK2_REQUIREMENT,
                            prose=PROSE)
    path.write_bytes(page.encode(encoding))
    return path


def test_html_spans_chrome_and_paragraphs(tmp_path: Path) -> None:
    document = read_document(build_html(tmp_path / "长清区.html"))
    assert document.format == "html"
    [table] = document.tables  # the layout table around it is not data
    assert table.texts() == expected_texts()
    assert_merges(table)
    assert_grid_positions(table, table=1)
    assert table.rows[3][2].position.line == 16  # the <td> of task 2's requirement
    texts = [p.text for p in document.paragraphs]
    assert texts == [TITLE, "为深入贯彻落实 国家、省、市政务公开工作部署， 现将有关任务分解如下。", PROSE]
    assert not any("首页" in text or "版权" in text or "menu" in text for text in texts)
    assert document.paragraphs[1].order < table.order < document.paragraphs[2].order
    assert document.paragraphs[0].position.line == 9  # the <h1>


def test_html_utf8_without_meta_and_no_extension(tmp_path: Path) -> None:
    page = build_html(tmp_path / "p.html", "utf-8").read_bytes().replace(b"charset=gb2312", b"")
    path = tmp_path / "网页"
    path.write_bytes(page)
    assert read_document(path).tables[0].texts() == expected_texts()


# ---- pdf --------------------------------------------------------------------------------


def test_pdf_table_cells_and_lines(tmp_path: Path, print_pdf) -> None:
    html = build_html(tmp_path / "p.html", "utf-8").read_text(encoding="utf-8")
    html = html.replace('<table class="data" border="1">', '<table class="data" style="border-collapse: collapse">')
    html = html.replace("<style>", "<style>body { font-family: 'Noto Sans CJK SC', sans-serif; } ")
    path = print_pdf(html, tmp_path / "长清区.pdf")
    document = read_document(path)
    assert document.format == "pdf"
    [table] = document.tables
    assert table.page == 1
    # PDF cannot tell a wrapped line from a paragraph break: compare without the line ends
    assert [[cell.text.replace("\n", "") for cell in row] for row in table.rows] == [
        HEADER, [SECTION] * 5, TASK1, [*TASK2[:2], "".join(TASK2_REQUIREMENT), *TASK2[3:]]]
    assert_merges(table)
    assert_grid_positions(table, page=1, table=1)
    texts = [p.text for p in document.paragraphs]
    assert texts[-1] == "版权所有：济南市长清区人民政府 联系我们"  # PDF has no chrome tags: kept as a line
    assert TITLE in texts and PROSE in texts
    assert all(p.position.page == 1 for p in document.paragraphs)


def test_pdf_without_text_layer(tmp_path: Path, print_pdf) -> None:
    path = print_pdf('<div style="width:400px;height:300px;background:#333"></div>', tmp_path / "扫描件.pdf")
    with pytest.raises(ReadError) as error:
        read_document(path)
    assert str(error.value) == f"{path}：{NO_TEXT_LAYER}"


# ---- text -------------------------------------------------------------------------------


def test_text_tab_rows_and_paragraphs(tmp_path: Path) -> None:
    lines = [TITLE, "\t".join(HEADER), "\t".join(TASK1), "", PROSE]
    path = tmp_path / "粘贴.txt"
    path.write_bytes("\r\n".join(lines).encode("gb18030"))
    document = read_document(path)
    assert document.format == "text"
    [table] = document.tables
    assert table.texts() == [HEADER, TASK1]
    assert [row[0].position.line for row in table.rows] == [2, 3]
    assert [(p.text, p.position.line) for p in document.paragraphs] == [(TITLE, 1), (PROSE, 5)]


def test_text_markdown_pipe_table(tmp_path: Path) -> None:
    rows = [HEADER, TASK1]
    lines = [f"# {TITLE}", "", "| " + " | ".join(HEADER) + " |", "|---|---|:---:|---|---|",
             *("| " + " | ".join(row) + " |" for row in rows[1:])]
    path = tmp_path / "plan.md"
    path.write_text("\n".join(lines), encoding="utf-8-sig")
    document = read_document(path)
    [table] = document.tables
    assert table.texts() == rows
    assert table.rows[1][0].position.line == 5  # the separator row is dropped, not renumbered
    assert [p.text for p in document.paragraphs] == [f"# {TITLE}"]


def test_text_lone_pipes_are_paragraphs_not_rows(tmp_path: Path) -> None:
    """A web export with one cell per line and "|" lines between cells (corpus 10-qiaocheng-town)."""
    lines = ["|", HEADER[1], "|", TASK1[1], "|", "|", TASK1[3]]
    path = tmp_path / "qiaocheng.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    document = read_document(path)
    assert document.tables == []
    assert [p.text for p in document.paragraphs] == lines
    assert document.title == HEADER[1]


def test_text_lone_pipes_between_rows_keep_the_table(tmp_path: Path) -> None:
    """A web export with "|" lines between rows (corpus 03-guangdong-health-commission)."""
    lines = ["2021 年政务公开工作重点任务台账 |", " | ".join(HEADER) + " |", " | ".join(TASK1) + " |", "|",
             " | ".join(TASK2[:2]) + " |", "|", "联系人：区政务公开办"]
    path = tmp_path / "guangdong.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    document = read_document(path)
    [table] = document.tables
    assert table.texts() == [HEADER, TASK1, [*TASK2[:2], "", "", ""]]
    assert [row[0].position.line for row in table.rows] == [2, 3, 5]
    assert [(p.text, p.position.line) for p in document.paragraphs] == [
        ("2021 年政务公开工作重点任务台账 |", 1), ("|", 6), ("联系人：区政务公开办", 7)]


def test_text_seed_source_lines_come_through_verbatim() -> None:
    """The real one-cell-per-line export: indented lines are paragraphs with their tabs, not rows."""
    document = read_document(SEED)
    assert document.format == "text" and document.tables == []
    assert document.title == "附件"
    first = [(p.text, p.position.line) for p in document.paragraphs[:4]]
    assert first == [("附件", 1), (TITLE, 2), ("\t序号", 3), ("\t工作任务", 4)]
    raw_lines = SEED.read_text(encoding="utf-8").split("\n")
    assert all(raw_lines[p.position.line - 1].rstrip("\r") == p.text for p in document.paragraphs)


# ---- bad inputs -------------------------------------------------------------------------


def ole2(*streams: str) -> bytes:
    """A minimal but well-formed OLE2 compound file (v3, 512-byte sectors) holding empty streams."""
    free, end, fat_sector, no_stream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, end, 0, end, 0)
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end, *([free] * 126))

    def entry(name: str, kind: int, child: int = no_stream, right: int = no_stream) -> bytes:
        raw_name = (name + "\0").encode("utf-16-le")
        body = bytearray(128)
        body[0:len(raw_name)] = raw_name
        struct.pack_into("<HBBIII", body, 64, len(raw_name), kind, 1, no_stream, right, child)
        struct.pack_into("<IQ", body, 116, end, 0)
        return bytes(body)

    entries = [entry("Root Entry", 5, child=1 if streams else no_stream)]
    entries += [entry(name, 2, right=i + 2 if i + 1 < len(streams) else no_stream) for i, name in enumerate(streams)]
    directory = b"".join(entries).ljust(512, b"\0")
    return bytes(header) + fat + directory


def assert_fails(path: Path, *phrases: str) -> str:
    with pytest.raises(ReadError) as error:
        read_document(path)
    message = str(error.value)
    assert message.startswith(f"{path}：")
    for phrase in phrases:
        assert phrase in message
    return message


@pytest.mark.parametrize(("name", "streams", "phrase"), [
    ("任务表.doc", ("WordDocument", "1Table"), "用 Word 或 WPS 打开，选“另存为”→“Word 文档（*.docx）”"),
    ("附件", ("WordDocument",), "Word 文档（*.docx）"),  # no extension: the Word stream tells
    ("任务表.xls", ("Workbook",), "“另存为”→“Excel 工作簿（*.xlsx）”"),
    ("任务表.docx", ("EncryptionInfo", "EncryptedPackage"), "文件有密码保护，请先取消密码再导入"),
    ("任务表.xlsx", ("EncryptionInfo", "EncryptedPackage"), "文件有密码保护，请先取消密码再导入"),
])
def test_legacy_and_encrypted_office_files(tmp_path: Path, name: str, streams: tuple[str, ...], phrase: str) -> None:
    path = tmp_path / name
    path.write_bytes(ole2(*streams))
    assert_fails(path, phrase)


def test_messages_are_the_documented_ones(tmp_path: Path) -> None:
    path = tmp_path / "a.doc"
    path.write_bytes(ole2("WordDocument"))
    assert assert_fails(path) == f"{path}：{SAVE_AS_DOCX}"
    path = tmp_path / "a.xls"
    path.write_bytes(ole2("Book"))
    assert assert_fails(path) == f"{path}：{SAVE_AS_XLSX}"
    path = tmp_path / "a.docx"
    path.write_bytes(ole2("EncryptedPackage"))
    assert assert_fails(path) == f"{path}：{ENCRYPTED_MESSAGE}"


def test_docx_zip_that_cannot_be_opened(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document>not xml")
    path = tmp_path / "坏的.docx"
    path.write_bytes(buffer.getvalue())
    assert_fails(path, "密码保护", "另存为")


def test_truncated_zip(tmp_path: Path) -> None:
    path = tmp_path / "半截.xlsx"
    path.write_bytes(build_xlsx(tmp_path / "whole.xlsx").read_bytes()[:300])
    assert_fails(path, "损坏")


def test_binary_junk_lists_supported_formats(tmp_path: Path) -> None:
    path = tmp_path / "照片.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4)
    assert assert_fails(path, "Word（.docx）", "Excel（.xlsx）", "PDF") == f"{path}：{UNSUPPORTED}"


@pytest.mark.parametrize("content", [b"", b" \r\n\t\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "空.txt"
    path.write_bytes(content)
    assert_fails(path, "文件是空的")


def test_no_table_and_no_text(tmp_path: Path) -> None:
    path = tmp_path / "空白.html"
    path.write_text("<html><head><title>x</title></head><body><nav>首页</nav><div> </div></body></html>",
                    encoding="utf-8")
    assert_fails(path, "没有找到表格，也没有文字")
    import docx

    docx.Document().save(tmp_path / "空白.docx")
    assert_fails(tmp_path / "空白.docx", "没有找到表格，也没有文字")


def test_missing_file(tmp_path: Path) -> None:
    assert_fails(tmp_path / "不存在.docx", "无法读取文件")


def test_document_is_plain_data(tmp_path: Path) -> None:
    """The intermediate form is dataclasses the interpreter can compare and copy."""
    document = read_document(build_docx(tmp_path / "a.docx"))
    assert isinstance(document, Document)
    cell = document.tables[0].rows[0][0]
    assert cell.position.describe() == f"{tmp_path / 'a.docx'} 第1个表格 第1行第1列"


def test_pdf_table_over_two_pages_stays_two_tables(tmp_path: Path, print_pdf) -> None:
    rows = "".join(f"<tr><td>{n}</td><td>{TASK1[1]}</td><td>{TASK1[3]}</td></tr>" for n in range(1, 61))
    html = ("<style>td { border: 1px solid #000; padding: 4px; font-size: 14px }</style>"
            f"<table style='border-collapse: collapse'>{rows}</table>")
    document = read_document(print_pdf(html, tmp_path / "两页.pdf"))
    assert [table.page for table in document.tables] == [1, 2]
    numbers = [row[0].text for table in document.tables for row in table.rows]
    assert numbers == [str(n) for n in range(1, 61)]
    assert all(row[2].text.replace("\n", "") == TASK1[3] for table in document.tables for row in table.rows)
    second = document.tables[1]
    assert second.rows[0][0].position.page == 2 and second.rows[0][0].position.row == 1
