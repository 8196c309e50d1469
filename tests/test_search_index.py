"""The search index built by generator.search (Pagefind, extended): what is in it, that it
is reproducible, that a wrong or failing indexer fails the build, and that the search keys
make a quoted phrase match exactly the tasks that contain the query (see generator/search.py).
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import json
import re
import shutil
import stat
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import search, search_records, views
from generator.build import build_site, reference_dates
from generator.errors import BuildError
from generator.status import STATUS_CODES, STATUS_LABELS, status_inputs

from tests.helpers import search_filter_values
from tests.search_truth import query_set, task_fields

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


def bundle_keys(bundle: Path) -> search.SearchKeys:
    """The keys file the browser reads, named in pagefind-entry.json."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    data = json.loads((bundle / entry["zw_keys"]).read_text(encoding="utf-8"))
    return search.SearchKeys(data["chars"], data["width"], tuple(data["slots"]), 0)


def decode_card(value: str) -> dict:
    assert value.startswith(search.CARD_PREFIX)
    return json.loads(bytes.fromhex(value[len(search.CARD_PREFIX):]).decode("utf-8"))


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
    """Pagefind's own UIs and its worker (the site runs Pagefind without one) are removed; the
    JS API, its wasm, and the keys and fallback files (named after their content) are kept."""
    bundle = built_site / "pagefind"
    top = sorted(re.sub(r"\.[0-9a-f]{10}\.json$", ".*.json", p.name)
                 for p in bundle.iterdir() if p.is_file() and not p.name.endswith(".pf_meta"))
    assert top == ["pagefind-entry.json", "pagefind.js", "wasm.unknown.pagefind", "zw-fallback.*.json", "zw-keys.*.json"]
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    for key in ("zw_keys", "zw_fallback"):
        raw = (bundle / entry[key]).read_bytes()
        assert entry[key].split(".")[1] == hashlib.sha256(raw).hexdigest()[:10], key


@functools.cache
def indexed_words(bundle: Path) -> dict[str, list[str]]:
    """URL -> the words Pagefind indexed for it, in order, read back from the index chunks
    (each word lists its pages and positions, both as differences from the one before; a
    negative number marks a weight, not a position)."""
    _meta, urls = bundle_pages(bundle)
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    (info,) = entry["languages"].values()
    at: dict[int, dict[int, str]] = {}
    for _first, _last, chunk_hash in search._read(bundle / f"pagefind.{info['hash']}.pf_meta")[2]:
        for word, word_pages, *_ in search._read(bundle / "index" / f"{chunk_hash}.pf_index")[0]:
            page = 0
            for page_step, locations, *_ in word_pages:
                page, position = page + page_step, 0
                for step in (s for s in locations if s >= 0):
                    position += step
                    at.setdefault(page, {})[position] = word
    return {urls[page]: [words[p] for p in sorted(words)] for page, words in at.items()}


def page_keys(built_site: Path, task) -> dict:
    """The words Pagefind indexed for a task: its search record's keys, in order."""
    return {"words": indexed_words(built_site / "pagefind")["/" + views.task_url(task)]}


def test_task_pages_carry_no_search_data_and_only_the_keys_are_indexed(built_site, real_site) -> None:
    """Pagefind indexes each task's search record (generator/search_records.py), never the
    published pages: no page of the site carries search data, and what is indexed for a task
    is its keys and nothing else (no heading, plan title, note or history is ever matched)."""
    marked = [p for p in built_site.rglob("*.html") if "data-pagefind" in p.read_text(encoding="utf-8")]
    assert marked == []
    keys = bundle_keys(built_site / "pagefind")
    known = {keys.spell(char) for char in keys.chars} | {search.RUN_BREAK, search.NAME_BREAK, search.SPACER}
    for task in real_site.tasks:
        words = page_keys(built_site, task)["words"]
        assert words and set(words) <= known, (task.key, sorted(set(words) - known)[:5])
    assert all(fragment["content"] == "" for fragment in _fragments(built_site / "pagefind").values()), \
        "the fragments' copy of the keys is dropped (search.drop_fragment_content)"


def test_the_keys_spell_each_field_at_its_slot(built_site, real_site) -> None:
    """Decoded with the keys file, each field's slot holds the task's names of that field,
    letter by letter, and spacers fill the rest: the browser learns a match's field from
    its position."""
    keys = bundle_keys(built_site / "pagefind")
    decode = {keys.spell(char): char for char in keys.chars}
    decode.update({search.RUN_BREAK: " ", search.NAME_BREAK: "|"})
    bounds = [*keys.slots[1:], None]
    problems = []
    for task in real_site.tasks:
        words = page_keys(built_site, task)["words"]
        for (field, names), start, end in zip(task_fields(task).items(), keys.slots, bounds):
            part = [w for w in words[start:end] if w != search.SPACER]
            got = "".join(decode[w] for w in part).split("|")
            expected = [f for f in (search.folded(n) for n in names) if f]
            if (sorted(got), got) != (sorted(expected), got if field == "units" else expected):  # units: lead first
                problems.append(f"{task.key} {field}: {got} != {expected}")
    assert not problems, problems[:10]


def test_each_card_holds_the_tasks_data(built_site, real_site) -> None:
    fragments = bundle_fragments(built_site / "pagefind")
    for task in real_site.tasks:
        card = decode_card(fragments["/" + views.task_url(task)]["meta"]["card"])
        assert card["title"] == views.task_title(task) and card["text"] == task_fields(task)["text"][0]
        assert card["sections"] == task_fields(task)["sections"]
        assert card["themes"] == task_fields(task)["themes"]
        names = [n for u in card["units"] for n in [*u.get("printed", []), u["name"], *u.get("aliases", [])]]
        assert set(names) == set(task_fields(task)["units"]), task.key
        assert card["deadline"] == views.deadline_words(task.deadline)


def test_no_query_loads_the_chunk_that_holds_the_metadata(built_site) -> None:
    """Pagefind 1.5 indexes metadata values as words. The card value starts with "0" and the
    spacers sort right after it, so the chunk that holds them ends there: every chunk a query
    can load (one holding a key) is free of metadata words."""
    bundle = built_site / "pagefind"
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    (info,) = entry["languages"].values()
    chunks = search._read(bundle / f"pagefind.{info['hash']}.pf_meta")[2]
    keys_file = bundle_keys(bundle)
    is_key = re.compile(f"{search.RUN_BREAK}|{search.KEY_PREFIX}[a-p]{{{keys_file.width}}}").fullmatch
    metadata_words = 0
    for _first, _last, chunk_hash in chunks:
        words = [word[0] for word in search._read(bundle / "index" / f"{chunk_hash}.pf_index")[0]]
        keys = [w for w in words if is_key(w)]
        other = [w for w in words if not is_key(w)]
        metadata_words += sum(w.startswith(search.CARD_PREFIX) for w in other)
        assert not (keys and other), f"chunk {chunk_hash} mixes keys with {other[:3]}"
    assert metadata_words >= 273, "the card metadata should be indexed as one word a page"


# ---- The keys, without Pagefind: a phrase is found exactly where a field holds the query ------

def phrase_found(words: list[str], phrase: str | None) -> bool:
    """Pagefind's rule for a quoted phrase: its words at consecutive positions."""
    if phrase is None:
        return False
    wanted = phrase.strip('"').split(" ")
    return any(words[i:i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1))


NAMES = st.text(alphabet="政务公开区局，、 （）AaＡ1１", min_size=0, max_size=12)


@settings(max_examples=300, deadline=None)
@given(fields=st.lists(st.lists(NAMES, max_size=3), min_size=4, max_size=4), query=NAMES)
def test_a_phrase_matches_exactly_where_a_field_holds_the_query(fields, query) -> None:
    card = {"text": "".join(fields[0]) or "空", "units": [{"name": n, "printed": [], "aliases": []} for n in fields[1]],
            "sections": fields[2], "themes": fields[3]}
    task = search.TaskFields(card)
    keys = search.make_keys([task, search.TaskFields({**card, "text": "政务公开区局AA11"})])
    words = keys.page_words(task)
    holds = any(search.contains(name, query) for field in search.FIELDS for name in task.names(field))
    assert phrase_found(words, keys.query_phrase(query)) == holds


def test_query_phrases_of_the_query_set(built_site, real_site) -> None:
    """Every query of the set has a phrase unless it holds a letter no task has; the phrase
    is the query's letters in order, a break between runs."""
    keys = bundle_keys(built_site / "pagefind")
    for query in query_set(real_site):
        phrase = keys.query_phrase(query)
        on_site = all(char in keys.ranks for run in search.key_runs(query) for char in run)
        assert (phrase is not None) == on_site, query
        if phrase:
            assert len(phrase.strip('"').split(" ")) == len(search.folded(query)), query
    assert keys.query_phrase("!!、") is None
    assert search.key_runs("网站、新媒体与公报 ＡＰＰ") == ["网站", "新媒体与公报", "app"]


# ---- Reproducible output --------------------------------------------------------------------

def test_cbor_codec_reads_and_writes_pagefind_files_byte_for_byte(built_site) -> None:
    bundle = built_site / "pagefind"
    files = [*bundle.glob("*.pf_meta"), *(bundle / "filter").glob("*.pf_filter")]
    assert len(files) == 7  # the metadata and six filters
    files += list((bundle / "index").glob("*.pf_index"))  # the word index marks weights with negative numbers
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


# ---- Shards: a large site's records in several bundles (search_records.shards) ------------------

def test_a_site_under_the_shard_size_has_one_bundle_in_site_order(real_site) -> None:
    assert search_records.shards(real_site) == [[task.key for task in real_site.tasks]]
    assert search_records.bundle_names(real_site) == ["pagefind"]


@pytest.mark.parametrize(("limit", "sizes"), [(100, [66, 99, 59, 49]), (150, [116, 108, 49]), (10, [66, 50, 49, 59, 49])])
def test_shards_hold_whole_districts_in_site_order(real_site, limit: int, sizes: list[int]) -> None:
    """Districts are never split: one of more than `limit` tasks (all five at 10) is a shard alone."""
    groups = search_records.shards(real_site, limit)
    assert [len(group) for group in groups] == sizes
    assert [key for group in groups for key in group] == [task.key for task in real_site.tasks]
    district_of = {task.key: task.plan.district.slug for task in real_site.tasks}
    slugs = [sorted({district_of[key] for key in group}) for group in groups]
    assert len({slug for group in slugs for slug in group}) == sum(len(group) for group in slugs) == 5
    assert search_records.bundle_names(real_site, limit)[1:] == [f"pagefind_{i}" for i in range(2, len(sizes) + 1)]


def test_the_district_filter_holds_addresses_grouped_by_province_and_city(built_site, real_site) -> None:
    """Each task's district filter value is its district's address (unique, where two cities
    may each have a 鼓楼区); the keys file lists the districts in the 各地区 page's order, each
    with its group (province and city) and the name its option shows."""
    fragments = bundle_fragments(built_site / "pagefind")
    for task in real_site.tasks:
        assert fragments["/" + views.task_url(task)]["filters"]["district"] == [task.plan.district.slug]
    entry = json.loads((built_site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    keys_file = json.loads((built_site / "pagefind" / entry["zw_keys"]).read_text(encoding="utf-8"))
    assert keys_file["order"]["district"] == ["haojiang", "changqing", "licheng", "rencheng", "shangyu"]
    assert keys_file["districts"] == {"haojiang": ["广东省汕头市", "濠江区"], "changqing": ["山东省济南市", "长清区"],
                                      "licheng": ["山东省济南市", "历城区"], "rencheng": ["山东省济宁市", "任城区"],
                                      "shangyu": ["浙江省绍兴市", "上虞区"]}


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
    records = tmp_path / "records"
    records.mkdir()
    with pytest.raises(BuildError, match=message):
        search.Indexing([(records, tmp_path / "pagefind")]).wait()


def test_a_failing_later_shard_fails_the_build(tmp_path, monkeypatch) -> None:
    """Shards are indexed one after another; the second one's failure is the build's."""
    script = tmp_path / "pagefind_fake"
    script.write_text('#!/bin/sh\ncase "$*" in *pagefind_2*) echo "Error: shard broke"; exit 3;; esac\n'
                      'echo "Running Pagefind v1.5.2"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(script))
    shards = [(tmp_path / "records" / name, tmp_path / "bundles" / name) for name in ("pagefind", "pagefind_2")]
    for records, _ in shards:
        records.mkdir(parents=True)
    with pytest.raises(BuildError, match="退出码 3(.|\n)*shard broke"):
        search.Indexing(shards).wait()


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


_fragments = functools.cache(bundle_fragments)  # read once per built site


def test_each_result_carries_its_status_inputs_and_build_time_status(built_site, real_site) -> None:
    """search.js recomputes a card's status from the card's status_inputs (the same JSON as the
    task page's data-zw-status) and falls back to the build-time status, label, code and icon."""
    fragments = bundle_fragments(built_site / "pagefind")
    statuses = views.task_statuses(real_site, reference_dates(ROOT / "site_data").as_of)
    problems = []
    for task in real_site.tasks:
        card = decode_card(fragments["/" + views.task_url(task)]["meta"]["card"])
        status = statuses[task.key]
        inputs = status_inputs(task.deadline, task.reports)
        got = (card["status_inputs"], card["status"])
        if got != (inputs, {"label": status.label, "code": status.code, "icon": status.icon}):
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
