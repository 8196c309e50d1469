"""Pages bounded by design (issue 14, point 3), on the real five-plan site: the header and the
menu name no district; 各地区 lists the districts grouped by province and city, each with its
plans; the theme, deadline and unit indexes sum up each district and link to its own page;
no page shows task cards of more than one district; the open data and the feeds are listed
by district, grouped. Sizes at scale: tests/test_page_sizes.py. In the browser (the
remembered district): tests/browser/test_my_district.py.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import pages, render, views
from generator.history import SiteHistory
from generator.model import District, Site
from tests.test_build import file_for, read_page, resolve

AS_OF = dt.date(2023, 6, 1)
SITE_URL = "https://example.org/zwgk/"


# ---- Districts grouped by province and city ------------------------------------------------

def _names(groups: list[views.ProvinceGroup]) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    return [(g.province, [(c.city, [d.name for d, _ in c.items]) for c in g.cities]) for g in groups]


def test_districts_are_grouped_by_province_then_city_in_pinyin_order(real_site: Site) -> None:
    groups = views.place_groups([(d, None) for d in real_site.districts])
    assert _names(groups) == [
        ("广东省", [("汕头市", ["濠江区"])]),
        ("山东省", [("济南市", ["长清区", "历城区"]), ("济宁市", ["任城区"])]),
        ("浙江省", [("绍兴市", ["上虞区"])]),
    ]
    assert [g.count for g in groups] == [1, 3, 1]


def test_a_municipality_has_no_city_heading_and_an_unplaced_district_comes_last() -> None:
    dongcheng = District("dongcheng", "东城区", city="北京市", province="北京市")
    chaoyang = District("chaoyang", "朝阳区", city="北京市", province="北京市")
    lost = District("lost", "某区", city="", province="")
    lixia = District("lixia", "历下区", city="济南市", province="山东省")
    groups = views.place_groups([(lost, 1), (lixia, 2), (dongcheng, 3), (chaoyang, 4)])
    assert _names(groups) == [
        ("北京市", [("", ["朝阳区", "东城区"])]),
        ("山东省", [("济南市", ["历下区"])]),
        (views.OTHER_PLACE, [("", ["某区"])]),
    ]
    assert [item for _, item in groups[0].cities[0].items] == [4, 3]  # each district keeps its item
    assert groups[1].count == 1


# ---- The header and the menu ----------------------------------------------------------------

class Header(HTMLParser):
    """The <header> element's links and text, and the 我的地区 link's attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.links: list[str] = []
        self.text: list[str] = []
        self.mine: dict[str, str | None] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if (tag == "header" and "zw-header" in (a.get("class") or "").split()) or self.depth:
            self.depth += tag == "header"
            if tag == "a":
                self.links.append(a.get("href") or "")
                if "data-zw-mine" in a:
                    self.mine = a

    def handle_endtag(self, tag):
        if tag == "header" and self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def _header(path: Path) -> Header:
    header = Header()
    header.feed(path.read_text(encoding="utf-8"))
    return header


def test_no_header_names_a_district(built_site: Path, real_site: Site) -> None:
    """On every page the header (with the menu in it) names no district and links to none:
    it links to 各地区 and holds one 我的地区 link, hidden until the reader chooses a district."""
    district_urls = {views.district_url(d) for d in real_site.districts}
    checked = 0
    for path in sorted(built_site.rglob("*.html")):
        if path.name == "404.html":
            continue
        header = _header(path)
        url = path.parent.relative_to(built_site).as_posix() + "/" if path.parent != built_site else ""
        text = "".join(header.text)
        assert not [d.name for d in real_site.districts if d.name in text], url
        targets = {resolve(built_site, url, href)[0] for href in header.links}
        assert not targets & district_urls, url
        assert views.DISTRICTS_URL in targets, url
        assert header.mine is not None and "hidden" in header.mine, url
        checked += 1
    assert checked > 273


def test_the_nav_never_lists_district_pages() -> None:
    """However many district pages are written, the nav (on every page) has one link, 各地区."""
    written = {"district": [pages.Page(f"d{i}/", f"第{i}区") for i in range(50)]}
    nav = pages.nav(written, set())
    assert {"各地区": views.page_file(views.DISTRICTS_URL)} in nav
    assert "第1区" not in json.dumps(nav, ensure_ascii=False) and len(json.dumps(nav)) < 1000


# ---- 各地区 and the pages that used to list every district ----------------------------------

class Sections(HTMLParser):
    """Links by the province heading (h2 of a section.zw-places__province) they come under."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.province: str | None = None
        self.in_heading = False
        self.links: dict[str, list[str]] = {}
        self.cities: list[str] = []
        self._city = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "zw-places__province" in (a.get("class") or ""):
            self.province = ""
            self.in_heading = False
        elif self.province == "" and re.fullmatch(r"h[2-6]", tag):
            self.in_heading = True
        elif "zw-places__city" in (a.get("class") or ""):
            self._city = True
            self.cities.append("")
        elif tag == "a" and self.province:
            self.links.setdefault(self.province, []).append(a.get("href") or "")

    def handle_endtag(self, tag):
        if re.fullmatch(r"h[2-6]", tag):
            self.in_heading = False
            self._city = False
        elif tag == "section":
            self.province = None

    def handle_data(self, data):
        if self.in_heading:
            self.province = data.split("（")[0]
        elif self._city:
            self.cities[-1] += data.split("（")[0]


def _sections(site: Path, url: str) -> Sections:
    parser = Sections()
    parser.feed(file_for(site, url).read_text(encoding="utf-8"))
    return parser


def _under_provinces(site: Path, url: str) -> dict[str, set[str]]:
    return {province: {resolve(site, url, href)[0] for href in hrefs}
            for province, hrefs in _sections(site, url).links.items()}


def test_the_districts_page_lists_each_district_and_its_plans_under_its_province(built_site: Path,
                                                                                 real_site: Site) -> None:
    linked = _under_provinces(built_site, views.DISTRICTS_URL)
    assert list(linked) == ["广东省", "山东省", "浙江省"]
    for district in real_site.districts:
        plans = {views.plan_url(p) for p in real_site.plans if p.district.slug == district.slug}
        assert {views.district_url(district)} | plans <= linked[district.province], district.slug
        others = set().union(*(links for province, links in linked.items() if province != district.province))
        assert views.district_url(district) not in others
    assert _sections(built_site, views.DISTRICTS_URL).cities == ["汕头市", "济南市", "济宁市", "绍兴市"]


def test_the_home_page_names_no_district_and_links_to_the_districts_page(built_site: Path,
                                                                         real_site: Site) -> None:
    html = file_for(built_site, "").read_text(encoding="utf-8")
    main = html.split('<main', 1)[1].split("</main>", 1)[0]
    links = {resolve(built_site, "", href)[0] for _, href in read_page(file_for(built_site, "")).links}
    assert views.DISTRICTS_URL in links
    assert not links & {views.district_url(d) for d in real_site.districts}
    recent = main.split('class="recent-reports"', 1)[-1] if 'class="recent-reports"' in main else ""
    assert not [d.name for d in real_site.districts if d.name in main.replace(recent, "")]
    assert f"{len(real_site.districts)} 个地区的 {len(real_site.plans)} 份任务表" in main


def test_index_pages_sum_up_each_district_and_link_its_own_page(built_site: Path, real_site: Site) -> None:
    """按时间查 and 按单位查 list districts (grouped) and link each one's page; 按主题查 names no
    district; a theme's page links the districts that have tasks of it, grouped."""
    for url, own in ((views.DEADLINES_URL, views.deadlines_district_url),
                     (views.UNITS_URL, views.units_district_url)):
        linked = _under_provinces(built_site, url)
        for district in real_site.districts:
            assert own(district) in linked[district.province], (url, district.slug)
    themes_index = file_for(built_site, views.THEMES_URL).read_text(encoding="utf-8").split("<main", 1)[1]
    assert not [d.name for d in real_site.districts if d.name in themes_index]
    theme = max(real_site.themes, key=lambda th: len({t.plan.district.slug for t in real_site.tasks if th in t.themes}))
    linked = _under_provinces(built_site, views.theme_url(theme))
    with_theme = {t.plan.district for t in real_site.tasks if theme in t.themes}
    assert set().union(*linked.values()) >= {views.theme_district_url(theme, d) for d in with_theme}


def test_the_district_page_links_its_units_deadlines_and_themes(built_site: Path, real_site: Site) -> None:
    for district in real_site.districts:
        url = views.district_url(district)
        links = {resolve(built_site, url, href)[0] for _, href in read_page(file_for(built_site, url)).links}
        assert {views.units_district_url(district), views.deadlines_district_url(district)} <= links
        themes = {th.id: th for t in real_site.tasks if t.plan.district.slug == district.slug for th in t.themes}
        assert {views.theme_district_url(th, district) for th in themes.values()} <= links, district.slug


def test_no_page_shows_task_cards_of_two_districts(built_site: Path, real_site: Site) -> None:
    """What lists every task of the site is split by district (issue 14)."""
    slugs = {d.slug for d in real_site.districts}
    mixed = []
    for path in sorted(built_site.rglob("*.html")):
        url = "" if path.parent == built_site else path.parent.relative_to(built_site).as_posix() + "/"
        cards = read_page(path).card_links
        districts = {resolve(built_site, url, href)[0].split("/", 1)[0] for href in cards}
        assert districts <= slugs, url
        if len(districts) > 1:
            mixed.append(f"/{url}: {sorted(districts)}")
    assert not mixed, mixed


def test_the_data_page_offers_each_plans_files_under_its_province(built_site: Path, real_site: Site) -> None:
    linked = _under_provinces(built_site, views.DATA_URL)
    for plan in real_site.plans:
        files = {views.data_file_url(plan, ext) for ext in ("csv", "json", "yaml")} | {views.source_url(plan)}
        assert files <= linked[plan.district.province], plan.key
        assert all((built_site / f).is_file() for f in files)


def test_the_subscribe_page_lists_each_districts_feed_under_its_province(real_site: Site, tmp_path: Path) -> None:
    docs = tmp_path / "docs"  # feeds are on with a published address and a history (here: empty)
    render.render_pages(real_site, docs, as_of=AS_OF, site_url=SITE_URL, history=SiteHistory(True, ""))
    body = (docs / views.page_file("subscribe/")).read_text(encoding="utf-8")
    parser = Sections()
    parser.feed(body)
    for district in real_site.districts:
        assert f"../feeds/districts/{district.slug}.xml" in parser.links[district.province], district.slug


@pytest.mark.parametrize("kind", ["district", "plan"])
def test_district_and_plan_pages_offer_to_remember_the_district(built_site: Path, real_site: Site, kind: str) -> None:
    for plan in real_site.plans:
        url = views.district_url(plan.district) if kind == "district" else views.plan_url(plan)
        html = file_for(built_site, url).read_text(encoding="utf-8")
        box = html.split('<div class="zw-mine-set zw-js-only', 1)[1].split("</div>", 1)[0]
        button = re.search(r'<button type="button" class="zw-action" data-zw-mine-set '
                           r'data-zw-mine-url="([^"]+)" data-zw-mine-name="([^"]+)">设为我的地区</button>', box)
        assert button, url
        assert resolve(built_site, url, button.group(1))[0] == views.district_url(plan.district)
        assert button.group(2) == plan.district.name
        assert 'role="status"' in box
