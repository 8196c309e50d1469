"""QR codes (generator/qr.py): inline SVG made at build time that a phone can read.

Each code is drawn by Chromium from our SVG and read back with zxing-cpp's decoder (its own
C++ reader; the symbol was encoded by libzint, a separate project zxing-cpp bundles for
writing); the quiet zone and the error correction level are measured on the picture. Then
the pages: with a published address the task pages and sheets carry the code of their own
address, without one they carry none and the sheets say why.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from generator import pages, printsheets, render, views
from generator.qr import QUIET_ZONE, qr_label, qr_svg

SITE_URL = "https://example.org/zwgk/"
AS_OF = dt.date(2023, 6, 1)
ADDRESSES = [
    "https://a.cn/",  # the smallest code there is (21 modules)
    SITE_URL + "licheng/2023/",
    SITE_URL + "units/changqing/gejiezhen/print/",
    "https://zwgk.example.gov.cn/sites/some-long-sub-path/shangyu/2022/49/",
]
DRAWN_PX = 400  # the code's width on the test page


class SvgFacts(HTMLParser):
    """The root <svg>'s attributes and every tag and attribute inside it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: dict[str, str] = {}
        self.tags: list[str] = []
        self.attributes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "svg" and not self.root:
            self.root = {k: v or "" for k, v in attrs}
        self.tags.append(tag)
        self.attributes.update(k for k, _ in attrs)

    handle_startendtag = handle_starttag


def svg_facts(svg: str) -> SvgFacts:
    facts = SvgFacts()
    facts.feed(svg)
    return facts


def draw(browser, svg: str) -> Image.Image:
    """The SVG as Chromium paints it, DRAWN_PX wide, on a grey page (so that the code's own
    white quiet zone is told apart from the page)."""
    page = browser.new_page(viewport={"width": DRAWN_PX + 100, "height": DRAWN_PX + 100})
    page.set_content(f'<body style="margin:20px;background:#888"><div style="width:{DRAWN_PX}px">{svg}</div></body>')
    png = page.locator("svg").screenshot()
    page.close()
    return Image.open(io.BytesIO(png)).convert("L")


@pytest.mark.parametrize("url", ADDRESSES)
def test_the_code_reads_back_as_its_address_with_error_correction_m_or_higher(browser, url: str) -> None:
    picture = draw(browser, qr_svg(url, qr_label(url)))
    found = zxingcpp.read_barcodes(picture)
    assert [(b.format.name, b.text) for b in found] == [("QRCode", url)]
    assert found[0].ec_level in ("M", "Q", "H"), found[0].ec_level


@pytest.mark.parametrize("url", ADDRESSES[:2])
def test_the_quiet_zone_is_four_white_modules_inside_the_drawing(browser, url: str) -> None:
    svg = qr_svg(url, qr_label(url))
    size = int(svg_facts(svg).root["viewbox"].split()[2])
    picture = draw(browser, svg)
    module = picture.width / size
    band = int(QUIET_ZONE * module) - 1  # a pixel of margin for anti-aliasing
    width, height = picture.size
    strips = [picture.crop(box) for box in ((0, 0, width, band), (0, height - band, width, height),
                                            (0, 0, band, height), (width - band, 0, width, height))]
    assert all(strip.getextrema()[0] >= 250 for strip in strips), "the quiet zone is not white all round"
    # Just inside it, the top-left finder pattern starts: black.
    inner = int(QUIET_ZONE * module) + 2
    assert picture.getpixel((inner, inner)) <= 5


def test_the_svg_names_itself_and_fetches_nothing() -> None:
    url = SITE_URL + "licheng/2023/7/"
    facts = svg_facts(qr_svg(url, qr_label(url)))
    assert facts.root["role"] == "img"
    assert facts.root["aria-label"] == f"二维码：用手机扫描，打开 {url}"
    assert re.fullmatch(r"0 0 (\d+) \1", facts.root["viewbox"]), "square, sized by the stylesheet"
    assert not {"width", "height"} & set(facts.root), "a fixed size would beat print.css"
    assert set(facts.tags) == {"svg", "path"}, facts.tags  # no <image>, <script>, <use>, <a>
    assert not {"style", "href", "xlink:href"} & facts.attributes  # CSP: no style attribute


def test_the_label_is_escaped() -> None:
    label = '他说"<b>&'
    facts = svg_facts(qr_svg(SITE_URL, label))
    assert facts.root["aria-label"] == label and "b" not in facts.tags


# ---- The pages ------------------------------------------------------------------------------

KINDS = {"task", "plan_sheet", "unit_sheet", "district_sheet"}


def _render(site, folder: Path, site_url: str | None) -> Path:
    catalogue = tuple(kind for kind in pages.CATALOGUE if kind.name in KINDS)
    render.render_pages(site, folder, as_of=AS_OF, catalogue=catalogue, site_url=site_url)
    return folder


def _page(docs: Path, url: str) -> str:
    return (docs / views.page_file(url)).read_text(encoding="utf-8")


def _labels(body: str) -> list[str]:
    return re.findall(r'<svg role="img" aria-label="二维码：用手机扫描，打开 ([^"]+)"', body)


def test_with_a_published_address_each_page_carries_the_code_of_its_own_address(real_site, tmp_path: Path) -> None:
    docs = _render(real_site, tmp_path / "docs", SITE_URL)
    plan = real_site.plans[0]
    task = plan.tasks[3]
    unit = task.units[0].unit
    expected = {
        views.task_url(task): views.task_url(task),
        printsheets.plan_sheet_url(plan): views.plan_url(plan),
        printsheets.unit_sheet_url(unit): views.unit_url(unit),
        printsheets.district_sheet_url(plan.district): views.district_url(plan.district),
    }
    for page_url, opens in expected.items():
        body = _page(docs, page_url)
        assert _labels(body) == [SITE_URL + opens], page_url
        assert f'<span class="zw-qr__url">{SITE_URL + opens}</span>' in body, "the address is printed under the code"
    task_page = _page(docs, views.task_url(task))
    assert f"data-zw-share-url>{SITE_URL}{views.task_url(task)}</textarea>" in task_page


def test_without_a_published_address_there_is_no_code_and_the_sheet_says_why(real_site, tmp_path: Path) -> None:
    docs = _render(real_site, tmp_path / "docs", None)
    plan = real_site.plans[0]
    sheet = _page(docs, printsheets.plan_sheet_url(plan))
    assert "<svg" not in sheet and "zw-qr" not in sheet
    assert f"本表的网页版在本站的 /{views.plan_url(plan)}。本表没有二维码" in sheet
    assert "build --site-url" in sheet
    district_sheet = _page(docs, printsheets.district_sheet_url(plan.district))
    assert "<svg" not in district_sheet and "没有二维码" in district_sheet
    task_page = _page(docs, views.task_url(plan.tasks[0]))
    assert "<svg" not in task_page and "<img" not in task_page and 'class="zw-qr' not in task_page
    # The address field is left to the script (the reader's own address), hidden without it.
    assert '<div class="zw-share__field zw-js-only">' in task_page
    assert "data-zw-share-url></textarea>" in task_page
