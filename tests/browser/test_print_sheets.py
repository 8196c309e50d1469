"""Notice-board sheets (issue 12): printed by Chromium to A4 PDF and read back from the PDF.

The site is built from a copy of the real data with a published address (so the sheets carry
QR codes) and with a contact for one district (the longest district summary). Every sheet
kind is printed: each plan's sheet, the unit sheet with the most tasks, every district's
summary. From the PDF (pdfplumber): each task's number, full requirement, units, deadline
and status are there, all on one page; text is at least 16 pt, headings at least 22 pt,
nothing lies outside the paper; a summary is one page. The QR code is rendered (pypdfium2),
read (zxing-cpp) and measured: it opens the page's published address and is >= 30 mm wide.
"""
from __future__ import annotations

import datetime as dt
import html
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pdfplumber
import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import Browser

from generator import printsheets, views
from generator.build import build_site, reference_dates
from generator.loader import load_site
from generator.model import Task
from generator.readers.pdf import restore_radicals  # also quiets pdfminer's font warnings
from tests.helpers import ROOT
from tests.test_feedback_contact import _add_contact

from .conftest import SITE_URL, Published, copy_data, install_checks, served

CONTACT_DISTRICT = "changqing"  # tests/test_feedback_contact.py adds its contact there
PT_PER_MM = 72 / 25.4
MARGIN_BOTTOM_MM = 14  # print.css @page: the page number is printed there
BODY_PT, HEADING_PT = 16, 22
PRINT_DAY = dt.datetime(2031, 5, 6, 10, 0)  # the reader's clock when printing


# ---- Reading a PDF ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Glyph:
    text: str
    size: float  # points
    inside: bool  # wholly on the paper
    footer: bool  # in the bottom margin: the page number (print.css @page)


@dataclass(frozen=True)
class Sheet:
    """A printed PDF, page by page: the glyphs in reading order, without spaces, each folded
    to the one character that stands for its drawing (see `fold`)."""

    pdf: bytes
    pages: list[list[Glyph]]
    folding: dict[str, str]

    def fold(self, text: str) -> str:
        return "".join(self.folding.get(ch, ch) for ch in text)

    def text(self, page: int) -> str:
        """The page's text, without the page number in its bottom margin."""
        return "".join(g.text for g in self.body(page))

    def body(self, page: int) -> list[Glyph]:
        return [g for g in self.pages[page] if not g.footer]

    def pages_with(self, words: str) -> list[int]:
        words = self.fold(words)
        return [i for i in range(len(self.pages)) if words in self.text(i)]

    def has(self, page: int, words: str) -> bool:
        return self.fold(words) in self.text(page)

    def sizes(self, page: int, words: str) -> list[float]:
        """The sizes of the glyphs of the first occurrence of `words` on `page`."""
        at = self.text(page).index(self.fold(words))
        return [g.size for g in self.body(page)[at:at + len(words)]]


def _reading_order(chars: list[dict]) -> list[dict]:
    """Lines by baseline (Latin and CJK glyphs of one line share it, not their boxes), then left to right."""
    chars = sorted(chars, key=lambda c: (-c["matrix"][5], c["x0"]))
    lines: list[list[dict]] = []
    for char in chars:
        if lines and abs(lines[-1][0]["matrix"][5] - char["matrix"][5]) < 2:
            lines[-1].append(char)
        else:
            lines.append([char])
    return [c for line in lines for c in sorted(line, key=lambda c: c["x0"])]


def read_sheet(pdf: bytes, folding: dict[str, str]) -> Sheet:
    pages = []
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            glyphs = []
            for char in _reading_order([c for c in page.chars if c["text"].strip()]):
                inside = char["x0"] >= 0 and char["x1"] <= page.width and char["top"] >= 0 and char["bottom"] <= page.height
                # Chromium's PDF maps some ideographs (长, 门, 页 …) to radical code points.
                text = restore_radicals(char["text"])
                footer = char["top"] > page.height - MARGIN_BOTTOM_MM * PT_PER_MM
                glyphs.append(Glyph("".join(folding.get(ch, ch) for ch in text), char["size"], inside, footer))
            pages.append(glyphs)
    return Sheet(pdf, pages, folding)


def _pdf_of(browser: Browser, url: str | None = None, content: str | None = None, **options) -> bytes:
    context = browser.new_context(**options)
    page = context.new_page()
    page.clock.set_fixed_time(PRINT_DAY)
    if url:
        page.goto(url, wait_until="load")
    else:
        page.set_content(content or "")
    pdf = page.pdf(format="A4", print_background=True)
    context.close()
    return pdf


FONTS = ('system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", '
         '"Noto Sans CJK SC", "Source Han Sans SC", sans-serif')  # site.css's stack


def glyph_folding(browser: Browser, chars: set[str]) -> dict[str, str]:
    """Character -> the character standing for its drawing in Chromium's PDFs.

    A CJK font draws some characters with one shared glyph (户 and 戶, 长 and the radical ⻓)
    and the PDF's text layer names only one of them. So every character the sheets can print
    is printed once, regular and bold, in the site's fonts, and read back: characters read as
    one another are one class, folded to its smallest member, on both sides of a comparison.
    """
    alphabet = sorted(ch for ch in chars if ch.strip())
    runs = html.escape(" ".join(alphabet))
    page = (f'<html lang="zh-Hans"><body style="font-family:{FONTS};font-size:12pt">'
            f'<p>{runs}</p><p style="font-weight:700">{runs}</p></body></html>')
    sheet = read_sheet(_pdf_of(browser, content=page), {})
    read = [g.text for page in sheet.pages for g in page]
    assert len(read) == 2 * len(alphabet), "each character should print as one glyph"
    parent: dict[str, str] = {}

    def root(ch: str) -> str:
        while parent.get(ch, ch) != ch:
            ch = parent[ch]
        return ch

    for i, ch in enumerate(alphabet * 2):
        a, b = sorted((root(ch), root(read[i])))
        parent[b] = a
    return {ch: root(ch) for ch in set(alphabet) | set(read) if root(ch) != ch}


def words(text: str) -> str:
    """Text as it is compared with the PDF: no whitespace."""
    return "".join(text.split())


def print_sheet(browser: Browser, url: str, folding: dict[str, str], **options) -> Sheet:
    """Print the page at `url` as a reader would: A4, backgrounds on, the reader's clock at PRINT_DAY."""
    return read_sheet(_pdf_of(browser, url, **options), folding)


def read_codes(pdf: bytes, page: int, scale: float = 2.0) -> list[tuple[str, str, float]]:
    """(text, error correction level, width in mm) of each QR code on `page`, drawn at 144 dpi."""
    doc = pypdfium2.PdfDocument(pdf)
    try:
        picture = doc[page].render(scale=scale).to_pil().convert("L")
    finally:
        doc.close()
    codes = []
    for code in zxingcpp.read_barcodes(picture, formats=zxingcpp.BarcodeFormat.QRCode):
        p = code.position
        width_px = ((p.top_right.x - p.top_left.x) ** 2 + (p.top_right.y - p.top_left.y) ** 2) ** 0.5
        codes.append((code.text, code.ec_level, width_px / scale / PT_PER_MM))
    return codes


def cn(day: dt.date) -> str:
    return views.cn_date(day)


# ---- What each task must show -------------------------------------------------------------------

def task_lines(task: Task, heading: str, statuses, as_of: dt.date) -> tuple[str, str]:
    """The task as the sheet prints it: heading, requirement, units and deadline in one run; then
    its status with the date it describes (further down the same page)."""
    units = printsheets.units_line(task) or "原文没有写负责单位"
    head = words(f"{heading}{task.text}负责单位：{units}完成时限：{views.deadline_words(task.deadline)}")
    status = words(f"状态（截至 {cn(as_of)}）：{statuses[task.key].label}")
    return head, status


def check_tasks(sheet: Sheet, items: list[tuple[Task, str]], statuses, as_of: dt.date) -> list[str]:
    """Problems with (task, heading) pairs: missing, cut in two, status missing, heading too small."""
    problems = []
    for task, heading in items:
        head, status = task_lines(task, heading, statuses, as_of)
        on = sheet.pages_with(head)
        if len(on) != 1:
            problems.append(f"第{task.number}项 ({task.key}): its number and full text are on pages {on}, not on one page")
            continue
        page = sheet.text(on[0])
        if sheet.fold(status) not in page[page.index(sheet.fold(head)):]:
            problems.append(f"第{task.number}项 ({task.key}): status “{status}” is not after it on page {on[0] + 1}")
        heading_sizes = sheet.sizes(on[0], head)[:len(words(heading))]
        if min(heading_sizes) < HEADING_PT - 0.05:
            problems.append(f"第{task.number}项: heading at {min(heading_sizes):.1f} pt")
    return problems


def check_type_and_paper(sheet: Sheet) -> list[str]:
    problems = []
    for number, glyphs in enumerate(sheet.pages, 1):
        small = [g for g in glyphs if g.size < BODY_PT - 0.05]
        if small:
            problems.append(f"page {number}: {len(small)} glyphs below {BODY_PT} pt, e.g. "
                            f"“{''.join(g.text for g in small[:20])}” at {small[0].size:.1f} pt")
        outside = [g.text for g in glyphs if not g.inside]
        if outside:
            problems.append(f"page {number}: text off the paper: {''.join(outside[:20])}")
    return problems


def check_dates(sheet: Sheet, published: Published) -> list[str]:
    expected = [words(f"数据最后更新：{cn(published.data_updated)}（本站数据的修改日期，不是任务表的印发日期）"),
                words(f"打印日期：{cn(PRINT_DAY.date())}（打印当天的日期）")]
    return [f"page 1 lacks “{e}”" for e in expected if not sheet.has(0, e)]


def check_code(sheet: Sheet, opens: str) -> list[str]:
    """The QR code on page 1 opens the page's published address, and is big enough."""
    codes = read_codes(sheet.pdf, 0)
    if [c[0] for c in codes] != [SITE_URL + opens]:
        return [f"QR codes on page 1 read {[c[0] for c in codes]}, expected {SITE_URL + opens}"]
    text, level, width_mm = codes[0]
    problems = []
    if level not in ("M", "Q", "H"):
        problems.append(f"error correction {level}")
    if width_mm < 30:
        problems.append(f"QR code {width_mm:.1f} mm wide on paper")
    if not sheet.has(0, SITE_URL + opens):
        problems.append("the address is not printed beside the code")
    return problems


def check_statuses(sheet: Sheet, as_of: dt.date) -> list[str]:
    """The one status word that must never be printed (generator/status.py has no 未完成)."""
    wrong = words(f"状态（截至 {cn(as_of)}）：未完成")
    return [f"page {i + 1} says 未完成" for i in sheet.pages_with(wrong)]


# ---- The sheets ---------------------------------------------------------------------------------

LONG_SENTENCE = "各街道办事处要逐项公开本辖区公共服务事项的办理依据、办理流程、办理时限和监督电话，并在便民服务中心醒目位置张贴。"


@pytest.fixture(scope="session")
def folding(browser: Browser, published: Published) -> dict[str, str]:
    """glyph_folding for every character the published sheets print (and the long task's)."""
    chars = set(LONG_SENTENCE)
    for sheet in published.out.rglob("print/index.html"):
        chars |= set(html.unescape(re.sub(r"<[^>]+>", " ", sheet.read_text(encoding="utf-8"))))
    return glyph_folding(browser, chars)


PLAN_KEYS = ["changqing-2022", "haojiang-2022", "licheng-2023", "rencheng-2023", "shangyu-2022"]


def test_the_five_real_plans_are_the_ones_printed(published: Published) -> None:
    assert sorted(p.key for p in published.site.plans) == PLAN_KEYS


@pytest.mark.parametrize("plan_key", PLAN_KEYS)
def test_each_plan_sheet_prints_every_task_whole_on_one_page(browser: Browser, published: Published, folding,
                                                            plan_key: str) -> None:
    plan = next(p for p in published.site.plans if p.key == plan_key)
    sheet = print_sheet(browser, f"{published.base_url}/{printsheets.plan_sheet_url(plan)}", folding)
    statuses = published.statuses()
    problems = check_tasks(sheet, [(t, f"第{t.number}项") for t in plan.tasks], statuses, published.as_of)
    problems += check_statuses(sheet, published.as_of)
    problems += check_type_and_paper(sheet)
    problems += check_dates(sheet, published)
    problems += check_code(sheet, views.plan_url(plan))
    if min(sheet.sizes(0, words(plan.title))) < HEADING_PT - 0.05:
        problems.append("the title is below 22 pt")
    for section in plan.sections:
        where = sheet.pages_with(words(section.title))
        if not where or min(sheet.sizes(where[0], words(section.title))) < HEADING_PT - 0.05:
            problems.append(f"section “{section.title}” missing or below 22 pt")
    if not sheet.has(0, words(f"政务公开栏·{plan.district.full_name}")):
        problems.append("no district name on page 1")
    assert len(sheet.pages) > 1
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:30])


def test_the_unit_sheet_with_most_tasks_prints_every_task_whole(browser: Browser, published: Published,
                                                               folding) -> None:
    statuses = published.statuses()
    uv = max(views.unit_views(published.site), key=lambda u: (len(u.all_tasks), u.unit.key))
    assert len(uv.all_tasks) >= 40, "the busiest unit should fill many pages"
    shaped = printsheets.unit_sheet(uv, statuses, SITE_URL)
    items = [(item.task, f"第{item.task.number}项" + (f"（{item.role}）" if item.role else ""))
             for group in shaped.groups for item in group.tasks]
    assert sorted(t.key for t, _ in items) == sorted(t.key for t in uv.all_tasks)
    sheet = print_sheet(browser, f"{published.base_url}/{printsheets.unit_sheet_url(uv.unit)}", folding)
    problems = check_tasks(sheet, items, statuses, published.as_of)
    problems += check_statuses(sheet, published.as_of)
    problems += check_type_and_paper(sheet)
    problems += check_dates(sheet, published)
    problems += check_code(sheet, views.unit_url(uv.unit))
    if not sheet.has(0, words(f"{uv.unit.name}的政务公开重点工作任务")):
        problems.append("no unit name on page 1")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:30])


def test_each_district_summary_is_one_a4_page(browser: Browser, published: Published, folding) -> None:
    statuses = published.statuses()
    problems = []
    for dv in views.district_views(published.site, published.as_of):
        district = dv.district
        sheet = print_sheet(browser, f"{published.base_url}/{printsheets.district_sheet_url(district)}", folding)
        if len(sheet.pages) != 1:
            problems.append(f"{district.slug}: {len(sheet.pages)} pages")
            continue
        expected = [f"{district.name}政务公开重点工作任务", district.full_name]
        for plan in dv.plans:
            summary = views.status_summary(plan.tasks, statuses)
            counts = "，".join(f"{c.label} {c.count} 项" for c in summary.counts)
            expected.append(f"{plan.year}年《{plan.title}》：共 {len(plan.tasks)} 项任务。"
                            f"状态（截至 {cn(published.as_of)}）：{counts}。")
        contact = published.site.contacts.get(district.slug)
        if contact:
            expected += [contact.office, contact.phone, contact.email]
        else:
            expected.append(f"{district.name}还没有在本站公布受理纠错和投诉的联系方式。")
        expected.append("12345")
        problems += [f"{district.slug}: lacks “{e}”" for e in expected if not sheet.has(0, words(e))]
        problems += [f"{district.slug}: {p}" for p in check_type_and_paper(sheet) + check_dates(sheet, published)]
        problems += [f"{district.slug}: {p}" for p in check_code(sheet, views.district_url(district))]
    assert CONTACT_DISTRICT in published.site.contacts, "one summary should carry a published contact"
    assert not problems, "\n".join(problems)


def test_without_javascript_the_print_date_is_the_build_date_labelled_as_such(browser: Browser, published: Published,
                                                                             folding) -> None:
    plan = published.site.plans[0]
    sheet = print_sheet(browser, f"{published.base_url}/{printsheets.district_sheet_url(plan.district)}", folding,
                        java_script_enabled=False)
    assert sheet.has(0, words(f"本页生成日期：{cn(published.as_of)}（网页生成的日期，不是打印的日期）"))
    assert not sheet.has(0, "打印日期")


def test_the_print_button_prints_and_nothing_is_clipped_in_print(browser: Browser, published: Published) -> None:
    plan = published.site.plans[0]
    context = browser.new_context(viewport={"width": 680, "height": 1000})  # about A4's text width
    page = context.new_page()
    page.add_init_script("window.print = () => { window.zwPrints = (window.zwPrints || 0) + 1; };")
    page.goto(f"{published.base_url}/{printsheets.plan_sheet_url(plan)}")
    button = page.get_by_role("button", name="打印", exact=True)
    button.click()
    assert page.evaluate("window.zwPrints") == 1
    assert page.get_by_role("link", name="返回任务表网页").get_attribute("href") == "../"
    page.emulate_media(media="print")
    assert not button.is_visible(), "the button is for the screen"
    install_checks(page)
    clipped = page.evaluate("zwChecks.clippingProblems()") + page.evaluate("zwChecks.overflowProblems()")
    context.close()
    assert not clipped, clipped[:10]


@pytest.mark.parametrize("page_kind", ["plan", "unit", "district"])
def test_web_pages_link_their_sheet(published: Published, page_kind: str) -> None:
    plan = published.site.plans[0]
    unit = plan.tasks[0].units[0].unit
    web, sheet, link_words = {
        "plan": (views.plan_url(plan), printsheets.plan_sheet_url(plan), "打印本页任务（A4 公开栏版）"),
        "unit": (views.unit_url(unit), printsheets.unit_sheet_url(unit), "打印本页任务（A4 公开栏版）"),
        "district": (views.district_url(plan.district), printsheets.district_sheet_url(plan.district),
                     "打印本区任务概况（A4 公开栏版，一页）"),
    }[page_kind]
    page = (published.out / web / "index.html").read_text(encoding="utf-8")
    assert f'<a href="print/">{link_words}</a>' in page
    assert (published.out / sheet / "index.html").is_file()


# ---- Edge cases: a task longer than a page, a district with many years -----------------------------

EDGE_DISTRICT, EDGE_YEAR, LONG_TASK = "licheng", 2023, 3
EARLIER_YEARS = (2019, 2020, 2021, 2022)  # copies of the 2023 plan: five years in all


def _lengthen(plan_file: Path, number: int, text: str) -> None:
    source = plan_file.read_text(encoding="utf-8")
    start = source.index(f"\n- number: {number}\n")
    line = re.compile(r"\n  text: .*\n").search(source, start)
    assert line is not None
    plan_file.write_text(source[:line.start()] + f"\n  text: {text}\n" + source[line.end():], encoding="utf-8")


def _copy_plan(plan_file: Path, year: int) -> None:
    """The plan as if issued `year`: every year in it moved back by the same amount."""
    shift = EDGE_YEAR - year
    text = re.sub(r"20(2[3-5])", lambda m: str(int(m.group(0)) - shift), plan_file.read_text(encoding="utf-8"))
    (plan_file.parent / f"{EDGE_DISTRICT}-{year}.yaml").write_text(text, encoding="utf-8")


@dataclass(frozen=True)
class Edge:
    published: Published
    long_text: str


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Edge]:
    """One district only (a quicker build), with a published contact, its plan copied to
    four earlier years, and one task whose requirement is longer than an A4 page."""
    root = tmp_path_factory.mktemp("edge")
    data = copy_data(root)
    plan_file = data / "plans" / f"{EDGE_DISTRICT}-{EDGE_YEAR}.yaml"
    for other in (data / "plans").glob("*.yaml"):
        if other != plan_file:
            other.unlink()
    long_text = LONG_SENTENCE * (1 + 2 * printsheets.LONG_TASK_CHARS // len(LONG_SENTENCE))
    _lengthen(plan_file, LONG_TASK, long_text)
    for year in EARLIER_YEARS:
        _copy_plan(plan_file, year)
    registry = data / "units" / f"{EDGE_DISTRICT}.yaml"
    _add_contact(data)  # changqing's registry: move its contact over
    changqing = data / "units" / "changqing.yaml"
    contact = changqing.read_text(encoding="utf-8").split("contact:\n", 1)[1].split("\n")[:4]
    lines = registry.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("district:")) + 1
    registry.write_text("\n".join(lines[:at] + ["contact:"] + contact + lines[at:]), encoding="utf-8")
    out = root / "site"
    build_site(data, out, config_file=ROOT / "mkdocs.yml", search=False, site_url=SITE_URL)
    dates = reference_dates(data)
    with served(out) as base_url:
        yield Edge(Published(out, base_url, load_site(data), dates.as_of, dates.data_updated), long_text)


def test_a_task_longer_than_a_page_continues_on_the_next_page_with_nothing_lost(
        browser: Browser, folding, edge: Edge) -> None:
    site = edge.published.site
    plan = next(p for p in site.plans if p.year == EDGE_YEAR)
    assert next(t for t in plan.tasks if t.number == LONG_TASK).text == edge.long_text
    sheet = print_sheet(browser, f"{edge.published.base_url}/{printsheets.plan_sheet_url(plan)}", folding)
    everything = "".join(sheet.text(i) for i in range(len(sheet.pages)))
    assert sheet.fold(words(edge.long_text)) in everything, "text lost or clipped"
    first = sheet.pages_with(words(f"第{LONG_TASK}项本项要求较长，可能接到下一页。") + words(edge.long_text)[:30])
    assert len(first) == 1, "the heading and the warning stay with the first lines"
    assert not sheet.has(first[0], words(edge.long_text)), "longer than a page: it goes on on the next page"
    others = [(t, f"第{t.number}项") for t in plan.tasks if t.number != LONG_TASK]
    as_of = edge.published.as_of
    assert not check_tasks(sheet, others, edge.published.statuses(), as_of)
    assert not check_type_and_paper(sheet)


def test_a_district_with_many_years_and_a_contact_still_fits_one_page(browser: Browser, folding, edge: Edge) -> None:
    site = edge.published.site
    district = site.plans[0].district
    assert len(site.plans) == 1 + len(EARLIER_YEARS) > printsheets.SUMMARY_PLANS and site.contacts.get(district.slug)
    sheet = print_sheet(browser, f"{edge.published.base_url}/{printsheets.district_sheet_url(district)}", folding)
    assert len(sheet.pages) == 1
    newest = sorted((p.year for p in site.plans), reverse=True)
    shown, older = newest[:printsheets.SUMMARY_PLANS], newest[printsheets.SUMMARY_PLANS:]
    for year in shown:
        assert sheet.has(0, f"{year}年《{year}年"), year
    assert sheet.has(0, "更早的任务表（" + "、".join(f"{y}年" for y in older) + "）请看网页版。")
    assert not check_type_and_paper(sheet) and not check_code(sheet, views.district_url(district))
