"""The search's synonym list (site_data/synonyms.yaml, generator/synonyms.py) is checked like
the other data files, and the fallback file the search page reads (generator/search_fallback.py)
holds what the data says: traditional characters of the site's letters, the site's words with
the number of tasks that hold them and their pinyin, the synonyms."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import opencc
import pytest

from generator import validate
from generator.errors import DataError
from generator.loader import load_site
from generator.search import folded
from generator.synonyms import load_synonyms

from tests.helpers import DATA
from tests.search_truth import expected_urls

HEADER = "# yaml-language-server: $schema=schema/synonyms.schema.json\n"


def problems_of(data: Path, groups_yaml: str) -> list[str]:
    (data / "synonyms.yaml").write_text(HEADER + groups_yaml, encoding="utf-8")
    return [p.format() for p in validate.validate(data)]


def test_the_real_list_is_valid_and_names_the_issues_examples() -> None:
    assert [p for p in validate.validate(DATA) if "synonyms" in str(p.file)] == []
    groups = load_synonyms(DATA)
    together = [set(group) for group in groups]
    for pair in ({"低保", "最低生活保障"}, {"老人", "老年人"}, {"看病", "就医", "医疗"}):
        assert any(pair <= group for group in together), pair


@pytest.mark.parametrize("groups_yaml, where, says", [
    ("groups:\n  - [低保, 最低生活保障]\n  - [老人, 低保]\n", ":4:10:", "“低保”和第 1 组的“低保”重复"),
    ("groups:\n  - [ＡＰＰ, app]\n", ":3:11:", "“app”和本组前面的“ＡＰＰ”重复"),
    ("groups:\n  - [看病]\n", ":3:5:", "这一组只有 1 个词"),
    ("groups:\n  - [就医, \"、、\"]\n", ":3:10:", "里没有字或数字"),
    ("groups:\n  - [\" 就医\", 看病]\n", ":3:6:", "词的前后不要有空格"),
    ("groups:\n  - [就医, \"看\\x07病\"]\n", ":3:10:", "控制字符"),
    ("groups:\n  - [就医, 看病]\nnotes: 说明\n", ":4:8:", "有不认识的字段：notes"),
])
def test_mistakes_name_file_line_column_and_what_to_do(data: Path, groups_yaml: str, where: str, says: str) -> None:
    problems = problems_of(data, groups_yaml)
    assert len(problems) == 1 and "synonyms.yaml" + where in problems[0] and says in problems[0], problems
    assert "处理办法" in problems[0]


def test_a_broken_list_stops_the_build_with_the_same_message(data: Path) -> None:
    (data / "synonyms.yaml").write_text(HEADER + "groups:\n  - [看病]\n", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        load_site(data)
    assert any("synonyms.yaml" in str(p.file) and p.line == 3 for p in caught.value.problems)


def test_without_the_file_there_are_no_synonyms(data: Path) -> None:
    (data / "synonyms.yaml").unlink()
    assert validate.validate(data) == [] and load_synonyms(data) == []


@pytest.fixture(scope="module")
def fallback(built_site: Path) -> tuple[dict, int]:
    bundle = built_site / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    raw = (bundle / entry["zw_fallback"]).read_bytes()
    keys = json.loads((bundle / entry["zw_keys"]).read_text(encoding="utf-8"))
    return json.loads(raw), len(gzip.compress(raw)), keys["chars"]


def test_the_fallback_file_holds_what_the_data_says(fallback, real_site) -> None:
    content, gzipped, site_chars = fallback
    assert gzipped < 30 * 1024, "the browser downloads it when a query finds little"
    pairs = dict(zip(content["t2s"][::2], content["t2s"][1::2]))
    t2s = opencc.OpenCC("t2s")
    assert pairs and all(t2s.convert(t) == s and s in site_chars and t != s for t, s in pairs.items())
    assert pairs["養"] == "养" and pairs["區"] == "区"
    words = {word: (count, pinyin) for word, count, pinyin in content["words"]}
    for word in ("政务公开", "营商环境", "养老", "区发改局", "老年人"):
        assert words[word][0] == len(expected_urls(real_site, word)), word
    assert words["养老"][1] == "yanglao" and words["区发改局"][1] == "qufagaiju"
    assert all(word == folded(word) and count >= 1 for word, (count, _) in words.items())
    assert content["synonyms"] == load_synonyms(DATA)
