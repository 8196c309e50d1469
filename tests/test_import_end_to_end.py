"""Issue 11: a real table from another government, in each format staff have, goes all the way:
import -> validate -> build. The table is 中山市医疗保障局's 2021 task split from the import
corpus (tests/fixtures/import_corpus/08-…): its truth file gives the cells, written here into a
Word, Excel, CSV, web page, PDF and pasted-text file as an office would have it."""
from __future__ import annotations

import csv
import datetime as dt
import html
from pathlib import Path

import pytest
import yaml

from generator import yamlio
from generator.build import build_site
from generator.cli import main
from generator.loader import load_site
from generator.validate import validate
from tests.helpers import ROOT

CORPUS = ROOT / "tests" / "fixtures" / "import_corpus" / "08-zhongshan-medical-insurance-2021"
TRUTH = yaml.safe_load((CORPUS / "truth.yaml").read_text(encoding="utf-8"))
TITLE = f"{TRUTH['issuer']}{TRUTH['year']}年政务公开工作要点任务分工"
HEADER = ["序号", "工作任务", "具体要求", "责任单位"]
ROWS = [[str(t["number"]), t["section"], t["text"], "、".join(u["name"] for u in t["units"])] for t in TRUTH["tasks"]]
OPTIONS = ["--name", TRUTH["issuer"], "--level", "部门", "--city", "中山市", "--province", "广东省", "--slug", "zs-ybj"]


def _docx(path: Path, browser) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph(TITLE)
    table = document.add_table(rows=1, cols=len(HEADER))
    for cell, text in zip(table.rows[0].cells, HEADER):
        cell.text = text
    for row in ROWS:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text
    document.save(path)


def _xlsx(path: Path, browser) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet.append(HEADER)
    for row in ROWS:
        sheet.append(row)
    book.save(path)


def _csv(path: Path, browser) -> None:
    with path.open("w", encoding="gb18030", newline="") as handle:  # as Excel saves it on a Chinese Windows
        writer = csv.writer(handle)
        writer.writerow([TITLE])
        writer.writerow(HEADER)
        writer.writerows(ROWS)


def _html_page() -> str:
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in HEADER)
    rows = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in ROWS)
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{TITLE}</title>'
            "<style>body{font-family:'Noto Sans CJK SC',sans-serif} td,th{border:1px solid #000}"
            "table{border-collapse:collapse}</style></head>"
            f"<body><nav>首页 | 政务公开 | 站点地图</nav><h1>{TITLE}</h1>"
            f"<table><tr>{cells}</tr>{rows}</table><footer>主办单位：中山市医疗保障局</footer></body></html>")


def _html(path: Path, browser) -> None:
    path.write_text(_html_page(), encoding="utf-8")


def _pdf(path: Path, browser) -> None:
    page = browser.new_page()
    page.set_content(_html_page())
    path.write_bytes(page.pdf(format="A4"))
    page.close()


def _text(path: Path, browser) -> None:  # copied out of a web page or Word: tabs between cells
    path.write_text("\n".join([TITLE, "\t".join(HEADER), *("\t".join(r) for r in ROWS)]) + "\n", encoding="utf-8")


FORMATS = {"docx": _docx, "xlsx": _xlsx, "csv": _csv, "html": _html, "pdf": _pdf, "txt": _text}


@pytest.mark.parametrize("ext", FORMATS)
def test_a_real_table_imports_validates_and_builds(ext: str, data: Path, tmp_path: Path, browser,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / f"任务分工.{ext}"
    FORMATS[ext](source, browser)
    code = main(["import", str(source), "--data", str(data), *OPTIONS])
    out = capsys.readouterr()
    assert code == 0, out.out + out.err
    # The themes' keywords were written for the five districts: a task the draft could not file
    # under any theme is named on screen, and staff give it one (content/staff-guide.md).
    problems = validate(data)
    assert problems and all("没有归入任何主题" in p.message for p in problems)
    plan_file = data / "plans" / "zs-ybj-2021.yaml"
    draft, _ = yamlio.load(plan_file)
    for problem in problems:
        index = int(problem.field.split("[")[1].split("]")[0])
        assert f"第 {draft['tasks'][index]['number']} 项任务" in out.out + out.err
        draft["tasks"][index]["themes"] = ["livelihood"]
    plan_file.write_text(yamlio.dump(draft, "../schema/plan.schema.json"), encoding="utf-8")
    assert validate(data) == []
    site = load_site(data)
    plan = next(p for p in site.plans if p.district.slug == "zs-ybj")
    assert plan.year == TRUTH["year"] and plan.district.name == TRUTH["issuer"]
    texts = [t.text for t in plan.tasks]
    if ext == "pdf":  # Chromium's embedded font maps the glyph of 户 to 戶 in the PDF's own text layer
        texts = [t.replace("戶", "户") for t in texts]
    assert texts == [t["text"] for t in TRUTH["tasks"]]
    assert [[u.name for u in t.units] for t in plan.tasks] == [[u["name"] for u in t["units"]] for t in TRUTH["tasks"]]
    out_dir = tmp_path / "site"
    build_site(data, out_dir, config_file=ROOT / "mkdocs.yml", search=False)
    page = (out_dir / "zs-ybj" / str(TRUTH["year"]) / "1" / "index.html").read_text(encoding="utf-8")
    assert html.escape(TRUTH["tasks"][0]["text"], quote=False) in page


# A plan copied out of a PDF's text layer: every line stops at the page's right margin.
WRAPPED = ("某某区2024年基层政务公开重点工作任务分解方案\n"
           "一、加强政策解读，推动基层政务公开标准化规范化建设和各\n项工作\n"
           "1.健全政策解读工作机制，做到政策文件与解读材料同步组织\n"
           "同步审签，涉及群众切身利益的重要政策由起草部门负责解读，全\n面提升政策解读的针对性和实效性。\n"
           "牵头单位：区政府办公室\n"
           "协办单位：区司法局、区发展改革局、区城市管理委员会、园区管\n委会、各街道办事处\n")


def test_wrapped_lines_stay_in_the_data_and_are_joined_on_the_page(data: Path, tmp_path: Path, browser,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    """The draft keeps the text verbatim, line breaks and all (generator/importers/wraps.py); the
    task page and the search card's text join them (generator/wrapped_text.py), so Chromium shows
    no space inside the sentence ("组织 同步" is how it shows a bare line break)."""
    from generator import search_records, views
    from generator.wrapped_text import display_text

    source = tmp_path / "折行.txt"
    source.write_text(WRAPPED, encoding="utf-8")
    code = main(["import", str(source), "--data", str(data), "--name", "某某区", "--city", "某市", "--province", "某省",
                 "--slug", "moumou"])
    assert code == 0, capsys.readouterr().err
    plan_file = data / "plans" / "moumou-2024.yaml"
    draft, _ = yamlio.load(plan_file)
    [task] = draft["tasks"]
    assert task["text"] == ("健全政策解读工作机制，做到政策文件与解读材料同步组织\n同步审签，涉及群众切身利益的重要政策由起草部门负责解读，全"
                            "\n面提升政策解读的针对性和实效性。")
    task.setdefault("themes", ["livelihood"])
    plan_file.write_text(yamlio.dump(draft, "../schema/plan.schema.json"), encoding="utf-8")
    assert validate(data) == []
    out_dir = tmp_path / "site"
    build_site(data, out_dir, config_file=ROOT / "mkdocs.yml", search=False)
    page_file = out_dir / "moumou" / "2024" / str(task["number"]) / "index.html"
    page = page_file.read_text(encoding="utf-8")
    joined = task["text"].replace("\n", "")
    assert display_text(task["text"]) == joined
    assert f'<p class="task-text">{joined}</p>' in page
    site = load_site(data)
    [loaded] = [t for t in site.tasks if t.plan.district.slug == "moumou"]
    status = views.task_statuses(site, dt.date(2024, 6, 1))[loaded.key]
    assert search_records.task_card(loaded, status)["text"] == joined  # what the search card shows and matches
    view = browser.new_page()
    view.goto(page_file.as_uri())
    assert view.inner_text(".task-text") == joined
    view.close()


def test_display_text_joins_a_break_inside_chinese_and_spaces_latin_words() -> None:
    from generator.wrapped_text import display_text

    assert display_text("完善议事决策\n程序，涉及重大事项的，全\r\n面提升") == "完善议事决策程序，涉及重大事项的，全面提升"
    assert display_text("推进 open\ndata 开放，COVID-\n19 防控") == "推进 open data 开放，COVID-19 防控"
    assert display_text("没有换行的文字") == "没有换行的文字"
