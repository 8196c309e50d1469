"""How people really type (issue 13), through the search page: traditional characters,
pinyin with or without tones, synonyms (site_data/synonyms.yaml), a sentence, a one-letter
slip. Each finds related tasks under its own line, with the count the data gives, and none of
them is ever counted as containing the query.
"""
from __future__ import annotations

import math
import re
from urllib.parse import quote, unquote, urlsplit

import opencc
import pytest
from pypinyin import Style, lazy_pinyin

from generator.search import folded
from generator.synonyms import load_synonyms

from tests.helpers import DATA
from tests.search_truth import expected_urls
from .conftest import SEARCH_SETTLED, new_context

SHOWN = 5  # cards shown for each group of related tasks (assets/search-fallback.js)
SENTENCE = "我想知道今年政府对老年人养老服务有什么承诺"  # the example


@pytest.fixture(scope="module")
def page(search_page):
    return search_page  # tests/browser/conftest.py


READ = """() => {
  const related = document.getElementById('zw-search-related');
  const groups = [...related.querySelectorAll('h3.zw-search__reason')].map((h) => ({
    reason: h.textContent,
    urls: h.nextElementSibling && h.nextElementSibling.tagName === 'OL'
      ? [...h.nextElementSibling.querySelectorAll('.zw-result__link')].map((a) => new URL(a.href).pathname) : [],
  }));
  return {
    status: document.getElementById('zw-search-status').textContent,
    exact: [...document.querySelectorAll('#zw-search-results .zw-result__link')].map((a) => new URL(a.href).pathname),
    suggestions: [...related.querySelectorAll('.zw-search__suggest a')].map((a) => a.textContent),
    note: related.querySelector('.zw-search__related-note')?.textContent || '',
    groups,
    inExactList: document.querySelectorAll('#zw-search-results .zw-result--related').length,
  };
}"""


def search(page, query: str) -> dict:
    page.fill("#zw-search-q", query)
    page.press("#zw-search-q", "Enter")
    page.wait_for_function(SEARCH_SETTLED)
    answer = page.evaluate(READ)
    for group in answer["groups"]:
        group["urls"] = [unquote(url) for url in group["urls"]]
    answer["exact"] = [unquote(url) for url in answer["exact"]]
    return answer


def never_counted(answer: dict, site, query: str) -> None:
    """The related tasks are apart from the results and not in the count, which is the
    number of tasks that contain the query."""
    expected = expected_urls(site, query)
    match = re.search(r"找到 (\d+) 项含有", answer["status"])
    assert (int(match.group(1)) if match else 0) == len(expected), answer["status"]
    assert set(answer["exact"]) <= expected and len(answer["exact"]) == min(10, len(expected))  # the first page
    assert answer["inExactList"] == 0
    if answer["groups"]:
        assert f"下面的任务不含“{query}”" in answer["note"]
        shown = {url for group in answer["groups"] for url in group["urls"]}
        assert not shown & expected, "a related task listed again"
        assert f"下面另列出 {len(shown)} 项相关的任务，它们不含“{query}”" in answer["status"]


def group(answer: dict, start: str) -> dict:
    found = [g for g in answer["groups"] if g["reason"].startswith(start)]
    assert found, (start, [g["reason"] for g in answer["groups"]])
    return found[0]


def check_group(found: dict, site, word: str) -> None:
    """A group found by `word`: the count is the number of tasks that contain it, and the
    cards shown are such tasks."""
    expected = expected_urls(site, word)
    assert found["reason"].endswith(f"，共 {len(expected)} 项"), found["reason"]
    assert found["urls"] and set(found["urls"]) <= expected
    assert len(found["urls"]) == min(SHOWN, len(expected))


@pytest.mark.parametrize("word", ["养老", "区政府办公室", "信息公开"])
def test_traditional_characters_find_the_simplified_word(page, real_site, word) -> None:
    traditional = opencc.OpenCC("s2t").convert(word)
    assert traditional != word and not expected_urls(real_site, traditional)
    answer = search(page, traditional)
    never_counted(answer, real_site, traditional)
    assert answer["suggestions"][0] == word
    check_group(group(answer, f"按简体字“{word}”找到"), real_site, word)


def common_unit_name(site) -> str:
    counts: dict[str, int] = {}
    for task in site.tasks:
        for task_unit in task.units:
            counts[task_unit.unit.name] = counts.get(task_unit.unit.name, 0) + 1
    return max((n, name) for name, n in counts.items() if re.fullmatch(r"区\w+局", name))[1]


def test_pinyin_with_or_without_tones_finds_words_and_unit_names(page, real_site) -> None:
    unit = common_unit_name(real_site)
    typed = {
        "养老": ["".join(lazy_pinyin("养老")), " ".join(lazy_pinyin("养老", style=Style.TONE)),
                 " ".join(lazy_pinyin("养老", style=Style.TONE3)), "Yang Lao"],
        unit: ["".join(lazy_pinyin(unit))],
    }
    assert typed["养老"][:3] == ["yanglao", "yǎng lǎo", "yang3 lao3"]
    for word, queries in typed.items():
        for query in queries:
            answer = search(page, query)
            never_counted(answer, real_site, query)
            assert word in answer["suggestions"], (query, answer["suggestions"])
            check_group(group(answer, f"按拼音“{query}”对应的“{word}”找到"), real_site, word)


def synonym_cases(site) -> list[tuple[str, list[str]]]:
    """Words of site_data/synonyms.yaml that tasks hold in fewer than five places, with the
    other words of their group that tasks hold."""
    cases = []
    for words in load_synonyms(DATA):
        for word in words:
            others = [o for o in words if o != word and folded(word) not in folded(o) and expected_urls(site, o)]
            if len(expected_urls(site, word)) < 5 and others:
                cases.append((word, others))
    return cases


def test_synonyms_from_the_data_find_related_tasks(page, real_site) -> None:
    cases = dict(synonym_cases(real_site))
    for word in ("低保", "老人", "看病"):  # the examples
        assert word in cases, word
    for word, others in cases.items():
        answer = search(page, word)
        never_counted(answer, real_site, word)
        if not any(expected_urls(real_site, o) - expected_urls(real_site, word) for o in others):
            assert not answer["groups"], word  # nothing new to list: nothing listed
            continue
        for other in others:
            found = group(answer, f"按“{word}”的同义词“{other}”找到")
            expected = expected_urls(real_site, other)
            assert found["reason"].endswith(f"，共 {len(expected)} 项"), found["reason"]
            assert set(found["urls"]) <= expected - expected_urls(real_site, word)


def test_a_sentence_is_reduced_to_the_words_tasks_hold(page, real_site) -> None:
    answer = search(page, SENTENCE)
    never_counted(answer, real_site, SENTENCE)
    found = group(answer, "按句子里的词")
    words = re.findall(r"“([^”]+)”", found["reason"].split("找到")[0])
    assert "老年人" in words and any("养老" in word for word in words), words
    holding = set()
    for word in words:
        assert word in SENTENCE and expected_urls(real_site, word), word
        holding |= expected_urls(real_site, word)
    assert found["reason"].endswith(f"，共 {len(holding)} 项"), found["reason"]
    assert found["urls"] and set(found["urls"]) <= holding
    # Holding more of the words, and rarer ones, ranks higher: log((tasks + 1) / tasks holding the word).
    weights = {w: math.log((len(real_site.tasks) + 1) / len(expected_urls(real_site, w))) for w in words}
    scores = [round(sum(weights[w] for w in words if url in expected_urls(real_site, w)), 6) for url in found["urls"]]
    assert scores == sorted(scores, reverse=True), scores
    best = max(sum(weights[w] for w in words if url in expected_urls(real_site, w)) for url in holding)
    assert scores[0] == round(best, 6)


@pytest.mark.parametrize("slip, meant", [("政物公开", "政务公开"), ("区发该局", "区发改局"), ("营商坏境", "营商环境")])
def test_a_one_letter_slip_asks_did_you_mean(page, real_site, slip, meant) -> None:
    answer = search(page, slip)
    never_counted(answer, real_site, slip)
    assert meant in answer["suggestions"], answer["suggestions"]
    check_group(group(answer, f"按“{meant}”找到（和“{slip}”只差一个字）"), real_site, meant)


def test_a_suggestion_runs_its_query(browser, base_url, real_site) -> None:
    context = new_context(browser, 375)
    page = context.new_page()
    try:
        page.goto(base_url + "/search/?q=" + quote("政物公开"))
        page.wait_for_function(SEARCH_SETTLED)
        page.get_by_role("link", name="政务公开", exact=True).click()
        page.wait_for_function(SEARCH_SETTLED)
        expected = expected_urls(real_site, "政务公开")
        assert page.locator("#zw-search-status").inner_text().startswith(f"找到 {len(expected)} 项含有“政务公开”的任务")
        assert unquote(urlsplit(page.url).query) == "q=政务公开"
        assert page.input_value("#zw-search-q") == "政务公开"
    finally:
        context.close()


def test_a_query_found_in_many_tasks_lists_nothing_related(page, real_site) -> None:
    answer = search(page, "营商环境")
    assert len(expected_urls(real_site, "营商环境")) >= 5
    assert not answer["groups"] and not answer["suggestions"]
    never_counted(answer, real_site, "营商环境")
