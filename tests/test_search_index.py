"""The search index built by generator.search (Pagefind, extended): what is in it, that it
is reproducible, that a wrong or failing indexer fails the build, and that every task page
carries the search keys that make substring queries work (see generator/search.py)."""
from __future__ import annotations

import gzip
import json
import re
import shutil
import stat
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import search, views
from generator.build import build_site, reference_dates
from generator.errors import BuildError
from generator.status import STATUS_CODES, STATUS_LABELS, status_inputs

from tests.helpers import search_filter_values

ROOT = Path(__file__).resolve().parents[1]


def bundle_pages(bundle: Path) -> tuple[dict, list[str]]:
    """The metadata file and, in its page order, each page's URL (from its fragment)."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    (info,) = entry["languages"].values()
    meta = search._read(bundle / f"pagefind.{info['hash']}.pf_meta")
    urls = []
    for page_hash, _words in meta[1]:
        raw = gzip.decompress((bundle / "fragment" / f"{page_hash}.pf_fragment").read_bytes())
        urls.append(json.loads(raw[len(search.SIGNATURE):])["url"])
    return meta, urls


def test_every_task_page_is_indexed_and_nothing_else(built_site, real_site) -> None:
    entry = json.loads((built_site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["zh-hans"]
    _meta, urls = bundle_pages(built_site / "pagefind")
    assert sorted(urls) == sorted("/" + views.task_url(t) for t in real_site.tasks)


def test_filters_hold_exactly_each_tasks_values(built_site, real_site) -> None:
    bundle = built_site / "pagefind"
    meta, urls = bundle_pages(bundle)
    indexed: dict[str, dict[str, set[str]]] = {}
    for name, file_hash in meta[3]:
        filter_name, values = search._read(bundle / "filter" / f"{file_hash}.pf_filter")
        assert filter_name == name
        assert [v for v, _ in values] == sorted(v for v, _ in values), "values are written sorted"
        indexed[name] = {value: {urls[i] for i in pages} for value, pages in values}
    assert indexed == search_filter_values(real_site, reference_dates(ROOT / "site_data").as_of)


def test_bundle_holds_only_what_the_site_loads(built_site) -> None:
    """Pagefind's own UIs are removed; the JS API, its worker and wasm are kept."""
    bundle = built_site / "pagefind"
    top = sorted(p.name for p in bundle.iterdir() if p.is_file() and not p.name.endswith(".pf_meta"))
    assert top == ["pagefind-entry.json", "pagefind-worker.js", "pagefind.js", "wasm.unknown.pagefind"]


class KeysAndBody(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.keys: list[str] = []
        self.in_keys = False
        self.keys_inside_body = False
        self.keys_hidden = False
        self.body_open = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "data-pagefind-body" in a:
            self.body_open += 1
        if search.KEYS_CLASS in (a.get("class") or "").split():
            self.in_keys = True
            self.keys_inside_body = self.body_open > 0
            self.keys_hidden = "hidden" in a

    def handle_endtag(self, tag):
        if tag == "article":
            self.body_open = 0
        self.in_keys = False

    def handle_data(self, data):
        if self.in_keys:
            self.keys += data.split()


def test_task_pages_carry_the_keys_of_everything_a_query_should_match(built_site, real_site) -> None:
    """Text, every unit's printed, canonical and other names, theme names, district: each
    pair of letters in them is among the page's keys, so any part of them can be found."""
    problems = []
    for task in real_site.tasks:
        page = KeysAndBody()
        page.feed((built_site / views.task_url(task) / "index.html").read_text(encoding="utf-8"))
        assert page.keys_inside_body and page.keys_hidden, task.key
        names = [task.text, task.plan.district.name, *(t.name for t in task.themes)]
        for task_unit in task.units:
            names += [task_unit.name, *task_unit.unit.all_names]
        missing = set(search.page_keys(names)) - set(page.keys)
        if missing:
            problems.append(f"{task.key}: {len(missing)} keys missing")
    assert not problems, problems[:10]


def test_only_task_pages_get_keys(built_site) -> None:
    with_keys = [p for p in built_site.rglob("*.html") if search.KEYS_CLASS in p.read_text(encoding="utf-8")]
    with_body = [p for p in built_site.rglob("*.html") if "data-pagefind-body" in p.read_text(encoding="utf-8")]
    assert sorted(with_keys) == sorted(with_body)


def test_query_keys_are_pairs_that_the_page_keys_contain() -> None:
    page = set(search.page_keys(["区发展改革局负责营商环境；12345热线"]))
    for query in ("发展", "营商环境", "12345", "区发展改革局", "环境", "热线"):
        assert set(search.query_keys(query)) <= page, query
    # One letter: Pagefind matches its key as the start of a page key.
    (key,) = search.query_keys("局")
    assert any(k.startswith(key) for k in page) and key not in search.query_keys("营")
    assert search.query_keys("营商环境") == [search.query_keys("营商")[0], search.query_keys("商环")[0],
                                              search.query_keys("环境")[0]]
    # Not in the text: at least one pair is missing.
    assert not set(search.query_keys("营商热线")) <= page
    assert not set(search.query_keys("发改")) <= page
    # Punctuation and spaces split runs; full-width letters fold to ASCII, upper to lower case.
    assert search.key_runs("网站、新媒体与公报 ＡＰＰ") == ["网站", "新媒体与公报", "app"]
    assert search.query_keys("!!、") == []


# ---- Reproducible output --------------------------------------------------------------------

def test_cbor_codec_reads_and_writes_pagefind_files_byte_for_byte(built_site) -> None:
    bundle = built_site / "pagefind"
    files = [*bundle.glob("*.pf_meta"), *(bundle / "filter").glob("*.pf_filter")]
    assert len(files) == 7  # the metadata and six filters
    for path in files:
        raw = gzip.decompress(path.read_bytes())
        assert search.SIGNATURE + search._cbor_encode(search._read(path)) == raw, path.name


def test_make_reproducible_undoes_pagefinds_arbitrary_order(built_site, tmp_path) -> None:
    """Shuffle the filter values as Pagefind's hash maps do, rename the file and point the
    metadata at it: make_reproducible must give back exactly the built bundle."""
    bundle = tmp_path / "pagefind"
    shutil.copytree(built_site / "pagefind", bundle)
    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    (language, info), = entry["languages"].items()
    meta_file = bundle / f"pagefind.{info['hash']}.pf_meta"
    meta = search._read(meta_file)
    meta[3].reverse()
    for number, item in enumerate(meta[3]):
        old = bundle / "filter" / f"{item[1]}.pf_filter"
        name, values = search._read(old)
        old.unlink()
        item[1] = f"{language}_shuffled{number}"
        raw = search.SIGNATURE + search._cbor_encode([name, list(reversed(values))])
        (bundle / "filter" / f"{item[1]}.pf_filter").write_bytes(gzip.compress(raw))
    meta_file.unlink()
    info["hash"] = f"{language}_shuffledmeta"
    (bundle / f"pagefind.{info['hash']}.pf_meta").write_bytes(gzip.compress(search.SIGNATURE + search._cbor_encode(meta)))
    entry_file.write_text(json.dumps(entry), encoding="utf-8")

    search.make_reproducible(bundle)
    original = {p.relative_to(built_site / "pagefind"): p.read_bytes() for p in (built_site / "pagefind").rglob("*") if p.is_file()}
    again = {p.relative_to(bundle): p.read_bytes() for p in bundle.rglob("*") if p.is_file()}
    assert sorted(again) == sorted(original)
    assert [name for name in original if original[name] != again[name]] == []


# ---- The indexer must be the extended one, and must succeed ---------------------------------

def fake_pagefind(tmp_path: Path, output: str, code: int) -> Path:
    script = tmp_path / "pagefind_fake"
    script.write_text(f"#!/bin/sh\necho '{output}'\nexit {code}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.mark.parametrize(
    "output, code, message",
    [
        ("Running Pagefind v1.5.2\nIndexing Chinese in non-extended mode", 0, "标准版"),
        ("Error: something broke", 3, "退出码 3"),
    ],
)
def test_wrong_or_failing_indexer_fails_the_build(tmp_path, monkeypatch, output, code, message) -> None:
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake_pagefind(tmp_path, output, code)))
    site = tmp_path / "site"
    site.mkdir()
    with pytest.raises(BuildError, match=message):
        search.run_pagefind(site)


def test_a_failing_index_keeps_the_previous_site(built_site, tmp_path, monkeypatch) -> None:
    out = tmp_path / "site"
    shutil.copytree(built_site, out)
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(fake_pagefind(tmp_path, "Indexing Chinese in non-extended mode", 0)))
    with pytest.raises(BuildError, match="标准版"):
        build_site(ROOT / "site_data", out, config_file=ROOT / "mkdocs.yml")
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".site.")], "temporary folders left behind"


# ---- Task status: the 进展状态 filter and the cards' status (docs/status-rules.md) ----------

def bundle_fragments(bundle: Path) -> dict[str, dict]:
    """URL -> the page's fragment (what result.data() gives the browser: url, meta, filters)."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    (info,) = entry["languages"].values()
    fragments = {}
    for page_hash, _words in search._read(bundle / f"pagefind.{info['hash']}.pf_meta")[1]:
        raw = gzip.decompress((bundle / "fragment" / f"{page_hash}.pf_fragment").read_bytes())
        fragment = json.loads(raw[len(search.SIGNATURE):])
        fragments[fragment["url"]] = fragment
    return fragments


def test_each_result_carries_its_status_inputs_and_build_time_status(built_site, real_site) -> None:
    """search.js recomputes a card's status from meta.status_inputs (the same JSON as the task
    page's data-zw-status) and falls back to the build-time status, label, code and icon."""
    fragments = bundle_fragments(built_site / "pagefind")
    statuses = views.task_statuses(real_site, reference_dates(ROOT / "site_data").as_of)
    problems = []
    for task in real_site.tasks:
        meta = fragments["/" + views.task_url(task)]["meta"]
        status = statuses[task.key]
        inputs = status_inputs(task.deadline, task.reports)
        got = (json.loads(meta["status_inputs"]), meta["status"], meta["status_code"], meta["status_icon"])
        if got != (inputs, status.label, status.code, status.icon):
            problems.append(f"{task.key}: {got}")
    assert not problems, problems[:5]


def test_search_js_orders_statuses_as_generator_status_does() -> None:
    """The 进展状态 filter lists its values in STATUS_CODES order; search.js keeps that order
    by label, so the two lists must agree (one 推进中 for its two rules)."""
    script = (ROOT / "theme" / "assets" / "search.js").read_text(encoding="utf-8")
    match = re.search(r"const STATUS_ORDER = (\[[^\]]*\]);", script)
    assert match, "search.js should define STATUS_ORDER"
    expected = list(dict.fromkeys(STATUS_LABELS[code] for code in STATUS_CODES))
    assert json.loads(match.group(1)) == expected
