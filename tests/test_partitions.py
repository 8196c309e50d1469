"""Partitions (issue 14, point 5): one site per province from the one repository, and the
national entry site. Fast checks of generator/partitions.py, the entry site's pages and the
command line; the cross-site search runs in a browser in tests/browser/test_partitions.py."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator import search_records
from generator.build import build_site, reference_dates
from generator.entry_site import build_entry, bundle_paths
from generator.errors import DataError
from generator.loader import load_site
from generator.model import Site
from generator.partitions import ENTRY_FOLDERS, PartitionError, keys, province_key, select

from tests.helpers import DATA, EXPECTED_COUNTS, ROOT

SHANDONG = {"changqing", "licheng", "rencheng"}

# Every provincial-level division and the key its partition gets: all distinct, all folder names.
PROVINCES = {
    "北京市": "beijing", "天津市": "tianjin", "河北省": "hebei", "山西省": "shanxi", "内蒙古自治区": "neimenggu",
    "辽宁省": "liaoning", "吉林省": "jilin", "黑龙江省": "heilongjiang", "上海市": "shanghai", "江苏省": "jiangsu",
    "浙江省": "zhejiang", "安徽省": "anhui", "福建省": "fujian", "江西省": "jiangxi", "山东省": "shandong",
    "河南省": "henan", "湖北省": "hubei", "湖南省": "hunan", "广东省": "guangdong", "广西壮族自治区": "guangxi",
    "海南省": "hainan", "重庆市": "chongqing", "四川省": "sichuan", "贵州省": "guizhou", "云南省": "yunnan",
    "西藏自治区": "xizang", "陕西省": "shaanxi", "甘肃省": "gansu", "青海省": "qinghai", "宁夏回族自治区": "ningxia",
    "新疆维吾尔自治区": "xinjiang", "香港特别行政区": "xianggang", "澳门特别行政区": "aomen", "台湾省": "taiwan",
}


def test_every_province_gets_its_own_key() -> None:
    assert {name: province_key(name) for name in PROVINCES} == PROVINCES
    assert len(set(PROVINCES.values())) == len(PROVINCES)


def test_the_seed_data_has_three_partitions(real_site: Site) -> None:
    assert keys(real_site) == ["guangdong", "shandong", "zhejiang"]


def test_a_partition_holds_its_province_only(real_site: Site) -> None:
    part = select(real_site, "shandong")
    assert {plan.district.slug for plan in part.plans} == SHANDONG
    assert {plan.district.province for plan in part.plans} == {"山东省"}
    assert len(part.tasks) == sum(n for (slug, _), n in EXPECTED_COUNTS.items() if slug in SHANDONG)
    assert set(part.units) == SHANDONG
    assert set(part.contacts) <= SHANDONG
    assert part.themes == real_site.themes


def test_partitions_cover_every_plan_once(real_site: Site) -> None:
    chosen = [plan.key for key in keys(real_site) for plan in select(real_site, key).plans]
    assert sorted(chosen) == sorted(plan.key for plan in real_site.plans)


def test_an_unknown_key_names_the_known_ones(real_site: Site) -> None:
    with pytest.raises(PartitionError) as caught:
        select(real_site, "sichuan")
    message = str(caught.value)
    assert "“sichuan”" in message and "--partition" in message
    assert "guangdong、shandong、zhejiang" in message
    assert "python -m generator partitions" in message


def _set_province(data: Path, plan: str, province: str) -> Path:
    path = data / "plans" / f"{plan}.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^  province: .*$", f"  province: {province}", text, count=1), encoding="utf-8")
    return path


def test_two_spellings_of_one_province_are_refused(data: Path) -> None:
    """山东 and 山东省 would be one folder: the build says which two names clash."""
    _set_province(data, "haojiang-2022", "山东")
    with pytest.raises(PartitionError) as caught:
        keys(load_site(data))
    assert "“山东”" in str(caught.value) and "“山东省”" in str(caught.value) and "shandong" in str(caught.value)


def test_a_key_that_takes_a_folder_of_the_entry_site_is_refused(data: Path) -> None:
    _set_province(data, "haojiang-2022", "Search")
    with pytest.raises(PartitionError) as caught:
        keys(load_site(data))
    assert "“Search”" in str(caught.value) and "search" in str(caught.value)


def test_a_province_without_a_key_names_its_file_and_line(data: Path) -> None:
    path = _set_province(data, "haojiang-2022", "——")
    with pytest.raises(DataError) as caught:
        keys(load_site(data))
    [problem] = caught.value.problems
    line = path.read_text(encoding="utf-8").splitlines().index("  province: ——") + 1
    assert (problem.file, problem.line, problem.column, problem.field) == (path, line, 3, "district.province")
    assert "——" in problem.message and problem.hint


# ---- A partition's site and the entry site ---------------------------------------------------

SITE_URL = "https://example.org/zwgk/"


@pytest.fixture(scope="module")
def guangdong_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The smallest partition, built with its search index, at its address below the entry site."""
    out = tmp_path_factory.mktemp("partition") / "guangdong"
    build_site(DATA, out, config_file=ROOT / "mkdocs.yml", site_url=SITE_URL + "guangdong/", partition="guangdong")
    return out


@pytest.fixture(scope="module")
def entry_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("entry") / "site"
    build_entry(DATA, out, config_file=ROOT / "mkdocs.yml", site_url=SITE_URL, only=["shandong", "guangdong"])
    return out


def test_a_partition_site_holds_only_its_plans(guangdong_site: Path) -> None:
    """Pages, open data, feeds, print sheets and history: 濠江区 (广东省) and nothing else."""
    district_folders = {p.name for p in guangdong_site.iterdir() if (p / "2022").is_dir() or (p / "2023").is_dir()}
    assert district_folders == {"haojiang"}
    addresses = re.findall(r"<loc>([^<]+)</loc>", (guangdong_site / "sitemap.xml").read_text(encoding="utf-8"))
    assert any("/haojiang/" in url for url in addresses)
    assert not [url for url in addresses if re.search(r"/(changqing|licheng|rencheng|shangyu)/", url)]
    assert all(url.startswith(SITE_URL + "guangdong/") for url in addresses)
    plan_files = {p.stem for p in (guangdong_site / "data").glob("*-20*.*")}
    assert plan_files == {"haojiang-2022"}
    every_task = json.loads((guangdong_site / "data" / "all-tasks.json").read_text(encoding="utf-8"))["tasks"]
    assert {task["district"] for task in every_task} == {"haojiang"}
    assert len(every_task) == EXPECTED_COUNTS[("haojiang", 2022)]
    feeds = {p.relative_to(guangdong_site / "feeds").as_posix() for p in (guangdong_site / "feeds").rglob("*.xml")}
    assert "all.xml" in feeds and not any(slug in name for name in feeds for slug in ("changqing", "shangyu"))
    assert "长清区" not in (guangdong_site / "feeds" / "all.xml").read_text(encoding="utf-8")
    sheets = {p.relative_to(guangdong_site).parts[:2] for p in guangdong_site.rglob("print/index.html")}
    assert sheets and all("haojiang" in parts for parts in sheets)
    updates = (guangdong_site / "updates" / "index.html").read_text(encoding="utf-8")
    assert "长清区" not in updates and "任城区" not in updates


def test_a_partition_spells_letters_as_the_whole_data_does(guangdong_site: Path, real_site: Site) -> None:
    """One query is one phrase in every partition's index: the ranks, the slots and the
    spacers come from all the data, not from the partition's own tasks."""
    bundle = guangdong_site / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    written = json.loads((bundle / entry["zw_keys"]).read_text(encoding="utf-8"))
    whole, _ = search_records.plan_index(real_site, real_site, reference_dates(DATA).as_of)
    assert {k: written[k] for k in ("chars", "width", "slots")} == {"chars": whole.chars, "width": whole.width,
                                                                     "slots": list(whole.slots)}
    own, _ = search_records.plan_index(select(real_site, "guangdong"), select(real_site, "guangdong"),
                                       reference_dates(DATA).as_of)
    assert own.chars != whole.chars  # the partition alone would spell them otherwise
    assert sum(lang["page_count"] for lang in entry["languages"].values()) == EXPECTED_COUNTS[("haojiang", 2022)]
    assert "zw-search-bundles" not in (guangdong_site / "search" / "index.html").read_text(encoding="utf-8")


def test_a_partition_names_its_province_and_links_the_entry_site(guangdong_site: Path, built_site: Path) -> None:
    """A partition is published below the national entry site: its home and 各地区 pages say
    which province it holds and link to the entry site; every page's footer links it too.
    The whole-data site has no such link."""
    home = (guangdong_site / "index.html").read_text(encoding="utf-8")
    assert "本站收录广东省各地区的任务" in home and '<a href="../">全国各省份</a>' in home
    districts = (guangdong_site / "districts" / "index.html").read_text(encoding="utf-8")
    assert "本站收录广东省各地区的任务" in districts and '<a href="../../">全国各省份</a>' in districts
    task = (guangdong_site / "haojiang" / "2022" / "1" / "index.html").read_text(encoding="utf-8")
    footer = task[task.index('<footer class="zw-footer">'):]
    assert '<a href="../../../../">全国各省份</a>' in footer
    for page in ("index.html", "districts/index.html", "haojiang/2022/1/index.html"):
        assert "全国各省份" not in (built_site / page).read_text(encoding="utf-8"), page


def _links(page: Path) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', page.read_text(encoding="utf-8")))


def test_the_entry_home_page_links_every_district_into_its_partition(entry_site: Path, real_site: Site) -> None:
    links = _links(entry_site / "index.html")
    for key in ("shandong", "guangdong"):
        assert f"{key}/" in links
        for plan in select(real_site, key).plans:
            assert f"{key}/{plan.district.slug}/" in links
    assert not any(link.startswith("zhejiang/") for link in links)
    home = (entry_site / "index.html").read_text(encoding="utf-8")
    home = home[home.index('<section aria-labelledby="p-'):]  # after the jump links to the provinces
    # Provinces, then cities, then districts.
    assert home.index("广东省") < home.index("汕头市") < home.index("濠江区") < home.index("山东省") < home.index(
        "济南市") < home.index("长清区")


def test_the_entry_pages_name_the_partitions_search_bundles(entry_site: Path) -> None:
    for page in ("index.html", "search/index.html", "units/index.html", "404.html"):
        html = (entry_site / page).read_text(encoding="utf-8")
        assert '<meta name="zw-search-bundles" content="guangdong/pagefind/ shandong/pagefind/">' in html, page
    search = (entry_site / "search" / "index.html").read_text(encoding="utf-8")
    assert 'id="zw-search-q"' in search and "assets/search.js" in search
    assert not (entry_site / "pagefind").exists()


def test_the_entry_names_every_shard_of_a_sharded_partition(real_site: Site, tmp_path: Path) -> None:
    """A partition of more than --search-shard-tasks tasks has several bundles; the entry site
    names them all, as the partition's own build shards it (search_records.shards)."""
    listed = bundle_paths(real_site, ["guangdong", "shandong"], 100)
    assert listed == ["guangdong/pagefind/", "shandong/pagefind/", "shandong/pagefind_2/", "shandong/pagefind_3/"]
    assert bundle_paths(real_site, ["guangdong", "shandong"]) == ["guangdong/pagefind/", "shandong/pagefind/"]
    out = tmp_path / "shandong"
    build_site(DATA, out, config_file=ROOT / "mkdocs.yml", partition="shandong", shard_tasks=100)
    built = sorted(f"shandong/{p.name}/" for p in out.iterdir() if p.name.startswith("pagefind"))
    assert built == [path for path in listed if path.startswith("shandong/")]
    html = (out / "search" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="zw-search-bundles" content="pagefind/ pagefind_2/ pagefind_3/">' in html


def test_no_partition_key_can_take_a_folder_of_the_entry_site(entry_site: Path) -> None:
    assert {p.name for p in entry_site.iterdir() if p.is_dir()} <= ENTRY_FOLDERS


@pytest.mark.parametrize("folder", ["districts", "units", "themes", "deadlines", "data", "updates", "subscribe"])
def test_the_entry_sends_indexes_to_each_province(entry_site: Path, folder: str) -> None:
    links = _links(entry_site / folder / "index.html")
    assert {f"../guangdong/{folder}/", f"../shandong/{folder}/"} <= links


def test_the_entry_has_the_partitions_menu_footer_and_help_pages(entry_site: Path, guangdong_site: Path) -> None:
    """Help, about, the accessibility statement and the staff guide are there, the footer and
    the menu are a partition's, and every link of every entry page opens a page of the entry
    site or goes into a partition."""
    for folder in ("help", "about", "accessibility", "staff-guide"):
        assert (entry_site / folder / "index.html").is_file(), folder

    def menu_and_footer(page: Path) -> tuple[list[str], list[str]]:
        html = page.read_text(encoding="utf-8")
        nav = html[html.index('<nav class="zw-nav"'):]
        footer = html[html.index('<ul class="zw-footer__links">'):]
        return (re.findall(r'class="zw-nav__(?:link|section)"[^>]*>([^<]+)<', nav[:nav.index("</nav>")]),
                re.findall(r">([^<>]+)</a></li>", footer[:footer.index("</ul>")]))

    entry_menu, entry_footer = menu_and_footer(entry_site / "index.html")
    menu, footer = menu_and_footer(guangdong_site / "index.html")
    assert (entry_menu, entry_footer + ["全国各省份"]) == (menu, footer)  # a partition links the entry too
    for page in entry_site.rglob("*.html"):
        for link in _links(page):
            if link.startswith(("#", "https://", "http://")) or link.endswith((".css", ".js", ".xml")):
                continue
            path = link.split("#")[0]
            if path.startswith("/"):  # the 404 page links from the site's address (SITE_URL)
                assert path.startswith(urlsplit(SITE_URL).path), link
                target = (entry_site / path[len(urlsplit(SITE_URL).path):]).resolve()
            else:
                target = (page.parent / path).resolve()
            inside = target.relative_to(entry_site.resolve()).parts
            if inside and inside[0] in ("guangdong", "shandong"):
                continue
            assert (target / "index.html").is_file() or target.is_file(), f"{page.relative_to(entry_site)}: {link}"


# ---- The command line ------------------------------------------------------------------------

def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True)


def test_partitions_command_lists_the_keys() -> None:
    plain, as_json = run_cli("partitions"), run_cli("partitions", "--json")
    assert plain.returncode == as_json.returncode == 0, plain.stderr + as_json.stderr
    assert plain.stdout.split() == json.loads(as_json.stdout) == ["guangdong", "shandong", "zhejiang"]


@pytest.mark.parametrize("command", [
    ["build", "--partition", "nowhere", "--out", "{out}"],
    ["build-entry", "--only", "shandong", "nowhere", "--out", "{out}"],
    ["build-all-partitions", "--only", "nowhere", "--out", "{out}"],
])
def test_an_unknown_partition_is_a_message_not_a_traceback(tmp_path: Path, command: list[str]) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text("old", encoding="utf-8")
    result = run_cli(*(part.format(out=out) for part in command))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "没有代码为“nowhere”的分区" in result.stderr and "guangdong、shandong、zhejiang" in result.stderr
    assert (out / "index.html").read_text(encoding="utf-8") == "old"
