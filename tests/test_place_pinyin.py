"""Slugs read place names the way they are read (长清区 -> changqing, not pypinyin's zhangqing)."""
from __future__ import annotations

import re

import pytest
import yaml

from generator.importers.normalize import district_slug, unit_slug
from generator.importers.place_pinyin import place_slug, place_syllables, readings
from generator.importing import issuer_slug
from tests.helpers import ROOT

# Names pypinyin misreads alone or in a longer name (湖南省长沙市: 省长 is read first).
PLACES = [
    ("长清区", "changqing"), ("长沙市", "changsha"), ("长春市", "changchun"), ("长治市", "changzhi"),
    ("长葛市", "changge"), ("重庆市", "chongqing"), ("厦门市", "xiamen"), ("六安市", "luan"), ("蚌埠市", "bengbu"),
    ("东阿县", "donge"), ("乐亭县", "laoting"), ("番禺区", "panyu"), ("铅山县", "yanshan"), ("单县", "shanxian"),
    ("大城县", "dacheng"), ("行唐县", "xingtang"), ("长宁区", "changning"), ("长子县", "zhangzi"),
    ("洪洞县", "hongtong"), ("繁峙县", "fanshi"), ("涡阳县", "guoyang"), ("筠连县", "junlian"), ("郫都区", "pidu"),
    ("于都县", "yudu"), ("珲春市", "hunchun"), ("浚县", "xunxian"), ("闵行区", "minhang"), ("漯河市", "luohe"),
    ("莒县", "juxian"),  # a one-character name keeps its 县, as in the official romanization
]


@pytest.mark.parametrize(("name", "slug"), PLACES)
def test_place_names_are_read_right(name: str, slug: str) -> None:
    assert place_slug(name) == slug
    assert district_slug(name) == slug


@pytest.mark.parametrize(("name", "level", "slug"), [
    ("湖南省长沙市人民政府", "市", "changsha"),
    ("山西省长治市", "市", "changzhi"),
    ("济南市长清区人民政府", "区", "changqing"),
    ("山东省单县人民政府", "县", "shanxian"),
    ("重庆市卫生健康委员会", "部门", "chongqing-weishengjiankang"),
    ("六安市信访局", "部门", "luan-xinfang"),
])
def test_issuer_slugs_inside_longer_names(name: str, level: str, slug: str) -> None:
    assert issuer_slug(name, level) == slug


def test_unit_slug_reads_the_place_inside_a_unit_name() -> None:
    # pypinyin reads 局长 ("bureau chief") first and gets 长清 wrong
    assert unit_slug("市生态环境局长清分局", set()) == "shishengtaihuanjingjuchangqingfenju"
    assert unit_slug("区发改局", set()) == "fagaiju"  # ordinary names: as before


def test_the_rest_of_a_name_is_left_to_pypinyin() -> None:
    assert place_syllables("济南市长清区") == ["ji", "nan", "shi", "chang", "qing", "qu"]
    assert place_slug("济南市") == "jinan" and place_slug("达拉特旗") == "dalate"


def test_the_five_seed_district_slugs_are_unchanged() -> None:
    districts = [yaml.safe_load(p.read_text(encoding="utf-8"))["district"]
                 for p in sorted((ROOT / "site_data" / "plans").glob("*.yaml"))]
    assert {"changqing", "haojiang", "licheng", "rencheng", "shangyu"} <= {d["slug"] for d in districts}
    for district in districts:
        assert district_slug(district["name"]) == district["slug"], district["name"]


def test_every_reading_has_one_syllable_a_character() -> None:
    table = readings()
    assert len(table) >= 80
    for name, syllables in table.items():
        assert len(name) >= 2, name  # one character is an ordinary word, not a place name
        assert len(syllables) == len(name), name
        assert all(re.fullmatch(r"[a-z]+", s) for s in syllables), name
