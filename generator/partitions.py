"""Partitions: one self-contained site per province, built from the one repository (issue 14, point 5).

About 2,850 county-level governments would not fit one build, so the country is cut by
province: `python -m generator build --partition shandong` builds a site holding only the plans
of 山东省, and `python -m generator partitions` lists the keys. A national entry site
(generator/entry_site.py) links to every partition and searches across all of them.

A partition's key is its province's name in pinyin, read with the place-name readings of
generator/importers/place_pinyin.py, without 省/市/自治区 …: 山东省 -> shandong, 重庆市 ->
chongqing, 广西壮族自治区 -> guangxi. Keys are the folders of the one-host layout (`/shandong/`),
so they must be distinct and must not take a folder of the entry site.
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from generator.errors import BuildError, DataError, Problem
from generator.importers.place_pinyin import pinyin_slug
from generator.model import Plan, Site

# The generic part of a province-level name, longest first: 新疆维吾尔自治区 -> 新疆.
PROVINCE_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")
# Toneless pinyin reads 陕西 and 山西 alike; the official romanization spells 陕西 Shaanxi.
SPELLINGS = {"陕西": "shaanxi"}
# Folders of the entry site beside the partitions (generator/entry_site.py; MkDocs' assets).
ENTRY_FOLDERS = frozenset({"assets", "search", "districts", "units", "themes", "deadlines", "data", "updates",
                           "subscribe", "help", "about", "accessibility", "staff-guide", "pagefind"})
_KEY = re.compile(r"^[a-z][a-z0-9]*$")


class PartitionError(BuildError):
    """An unknown partition key, or partitions that cannot be told apart."""


def province_key(province: str) -> str:
    """山东省 -> shandong; "" when the name has nothing to spell."""
    stem = province.strip()
    for suffix in PROVINCE_SUFFIXES:
        if stem.endswith(suffix) and len(stem) > len(suffix):
            stem = stem[: -len(suffix)]
            break
    return SPELLINGS.get(stem) or pinyin_slug(stem)


def provinces(site: Site) -> dict[str, str]:
    """Partition key -> province name, sorted by key. DataError names the plan file of a
    province that has no key; PartitionError says which two provinces share one."""
    found: dict[str, str] = {}
    problems: list[Problem] = []
    for plan in site.plans:
        name = plan.district.province
        key = province_key(name)
        if not _KEY.match(key):
            problems.append(_no_key_problem(plan))
            continue
        if key in ENTRY_FOLDERS:
            raise PartitionError(f"省份“{name}”的分区代码 {key} 与全国入口网站的文件夹同名。"
                                 f"请在 generator/partitions.py 的 SPELLINGS 里给它另定一个拼写。")
        other = found.setdefault(key, name)
        if other != name:
            raise PartitionError(f"“{other}”和“{name}”的分区代码都是 {key}。"
                                 f"请在 generator/partitions.py 的 SPELLINGS 里给其中一个另定拼写。")
    if problems:
        raise DataError(problems)
    return dict(sorted(found.items()))


def keys(site: Site) -> list[str]:
    """Every partition's key, sorted: one per province that has a plan."""
    return list(provinces(site))


def select(site: Site, key: str) -> Site:
    """The part of `site` in partition `key`: its plans, their districts' unit registries and
    contacts, and every theme (themes are the same everywhere). PartitionError when no
    province has that key."""
    known = provinces(site)
    if key not in known:
        raise PartitionError(unknown_key_message(key, list(known)))
    plans = [plan for plan in site.plans if province_key(plan.district.province) == key]
    slugs = {plan.district.slug for plan in plans}
    return Site(
        plans=plans,
        units={slug: units for slug, units in site.units.items() if slug in slugs},
        themes=site.themes,
        contacts={slug: contact for slug, contact in site.contacts.items() if slug in slugs},
    )


def unknown_key_message(key: str, known: list[str]) -> str:
    listed = "、".join(known) if known else "（没有：数据里还没有计划）"
    return (f"没有代码为“{key}”的分区（--partition {key}）。已有的分区：{listed}。"
            "请改用其中一个；python -m generator partitions 会列出全部。")


def grouped(site: Site) -> dict[str, dict[str, list[Plan]]]:
    """Partition key -> city -> the plans there, in the order of `site.plans` (by district)."""
    out: dict[str, dict[str, list[Plan]]] = defaultdict(lambda: defaultdict(list))
    for plan in site.plans:
        out[province_key(plan.district.province)][plan.district.city].append(plan)
    return {key: dict(cities) for key, cities in sorted(out.items())}


def _no_key_problem(plan: Plan) -> Problem:
    line, column = _province_line(plan.path)
    return Problem(plan.path, line, column, "district.province",
                   f"省份名称“{plan.district.province}”读不出拼音，无法作为分区代码（网址里的文件夹名）。",
                   "请写全省份的中文名称，如“山东省”。")


def _province_line(path: Path) -> tuple[int | None, int | None]:
    """Line and column of the `province:` key in a plan file (None when it cannot be read)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return None, None
    for number, line in enumerate(lines, start=1):
        column = line.find("province:")
        if column >= 0:
            return number, column + 1
    return None, None
