"""Index the built site for search with Pagefind, the last step of `python -m generator build`.

A result said to contain the query must contain it, as one unbroken string, in the task's
requirement text, a name of one of its units (printed, canonical, other names), one of its
section titles or theme names (issue 13). Pagefind alone cannot promise that for Chinese: its
indexer splits words with jieba and the browser splits the query with Intl.Segmenter, and the
two disagree (upstream issue #1237); and it matches the words of a query anywhere on a page.
So the index is built from "search keys" (docs/benchmarks.md compares the designs measured):

- Every letter or digit of those four fields is one word, spelled in ASCII: the letter's rank
  on the site in base 16, digits written a-p (aab). No segmenter splits such a word, and each
  letter keeps its place (Pagefind records every word's position).
- The browser sends the query as a quoted phrase of the same words. Pagefind matches a quoted
  phrase only where its words stand in consecutive positions, so a task is found exactly when
  a field holds the query's letters one after another. Between two runs of letters (a
  punctuation mark, a space) stands the word `zq`; between two names of a field, `0zp`; so
  "双随机、一公开" is found where some punctuation separates 双随机 and 一公开, and no query
  runs from one unit name into the next.
- The fields stand in a fixed order at fixed places (slots): the requirement text from
  position 0, the unit names from slot 1, section titles from slot 2, theme names from slot 3,
  with the spacer word `1` filling each slot up. The position of a result's first match
  (Pagefind's `words`) then says which field matched without loading anything more, and the
  search page ranks requirement-text matches first.
- Ranks: the most frequent letters get the smallest words. Pagefind cuts its sorted word list
  into chunks of about 20,000 positions and a query loads the chunks holding its words, so
  common letters share chunks. The browser learns the ranks from a small keys file.
- Pagefind 1.5 also indexes every metadata value as a word. The card's data is one metadata
  value that starts with "0", and the spacers (tens of thousands of positions) sort right
  after it: the chunk holding the metadata ends with the spacers, and no query loads it. The
  name break `0zp`, never part of a query, sorts there too.
- What Pagefind reads is not the published task page but a search record of it
  (generator/search_records.py, written from a template while the pages are rendered, at
  the task page's address): the keys element, the card and the filters. The visible text is
  not indexed at all, and Pagefind indexes the records while MkDocs builds the site.
- A large site is indexed in shards of whole districts (search_records.shards), one Pagefind
  run after another, each into a bundle of its own (/pagefind/, /pagefind_2/ …); the pages
  list them in <meta name="zw-search-bundles"> and search-keys.js opens them as one index.
  Every shard spells letters alike, from the same keys.

Also, as before: the *extended* Pagefind binary is required (the standard one prints
"Indexing Chinese in non-extended mode" and the build fails); Pagefind's own UIs are
removed; filter files are sorted and renamed after their content so that two builds of the
same data are byte-identical.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Iterable

from generator.errors import BuildError

BUNDLE = "pagefind"  # /pagefind/: the index and Pagefind's own scripts
NOT_EXTENDED = "Indexing Chinese in non-extended mode"
SIGNATURE = b"pagefind_dcd"  # every compressed Pagefind file starts with this, before CBOR
TIMEOUT_S = 600
# Pagefind's ready-made UIs and highlighter: the site has its own UI (assets/search.js). Its
# worker too: the site runs Pagefind in the page (noWorker), the worker would load it twice.
UNUSED_FILES = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*", "pagefind-highlight.js",
                "pagefind-worker.js")

KEYS_CLASS = "zw-search-keys"  # a search record's hidden element: the task's search keys

FIELDS = ("text", "units", "sections", "themes")  # in page order; search.js names them 要求/单位/所属部分/主题
KEY_PREFIX = ""  # a letter's word is its rank alone (aab): no other indexed word is made of a-p only
RUN_BREAK = "zq"  # between two runs of letters in one name
NAME_BREAK = "0zp"  # between two names in one field; never in a query, so it sorts with the card (below)
SPACER = "1"  # fills the slots; sorts after the card metadata ("0…") and before every key
CARD_PREFIX = "0"
CHUNK_POSITIONS = 20_000  # Pagefind closes an index chunk once it holds this many positions
KEYS_FORMAT = 1  # bumped when the spelling changes: search-keys.js refuses another


def bundle_name(shard: int) -> str:
    """The folder of a search bundle in the site: pagefind/ for the first (the only one of a
    site under SHARD_TASKS tasks), then pagefind_2/, pagefind_3/ … (an underscore: never a
    district's address)."""
    return BUNDLE if shard == 0 else f"{BUNDLE}_{shard + 1}"


@dataclass(frozen=True)
class IndexReport:
    pages: int  # pages indexed (the task pages)
    seconds: float  # time the indexer took
    bundle_bytes: int  # size of everything in the bundles
    log: str  # the indexer's output


class Indexing:
    """Pagefind indexing the search records (generator/search_records.py) of each shard into
    its bundle, one shard after another, in processes of their own started from a thread
    while the build goes on (MkDocs); `finish` waits for them. One shard at a time: Pagefind
    holds about 110 KB a task while it indexes, so the shards bound the build's memory."""

    def __init__(self, shards: list[tuple[Path, Path]]) -> None:
        self.shards = shards  # (records folder, bundle folder) of each shard
        self.started = time.perf_counter()
        self.ended: float | None = None
        self._lock = threading.Lock()  # guards _process against stop()
        self._stopping = False
        self._process: subprocess.Popen[bytes] | None = None
        self._logs: list[tuple[int, str]] = []  # exit code and output of each shard indexed
        self._error: BuildError | None = None
        self._thread = threading.Thread(target=self._run, name="pagefind", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for records_dir, bundle in self.shards:
            cmd = [sys.executable, "-m", "pagefind", "--site", str(records_dir), "--output-path", str(bundle)]
            with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as log_file:  # a pipe could fill up and stall it
                with self._lock:
                    if self._stopping:
                        return
                    try:
                        self._process = subprocess.Popen(cmd, stdout=log_file, stderr=subprocess.STDOUT)
                    except OSError as exc:
                        self._error = BuildError(f"无法运行 Pagefind（{' '.join(cmd)}）：{exc}")
                        return
                code = self._process.wait()
                log_file.seek(0)
                self._logs.append((code, log_file.read()))
            if code != 0:
                return
        self.ended = time.perf_counter()

    def stop(self) -> None:
        """Stop it (the build failed elsewhere)."""
        with self._lock:
            self._stopping = True
            if self._process is not None and self._process.poll() is None:
                self._process.kill()
        self._thread.join()

    def wait(self) -> str:
        """Pagefind's output, once every shard is indexed; BuildError when one failed."""
        self._thread.join(timeout=max(1.0, TIMEOUT_S - (time.perf_counter() - self.started)))
        if self._thread.is_alive():
            self.stop()
            raise BuildError(f"Pagefind 超过 {TIMEOUT_S} 秒还没有建好索引（{self.shards[0][0].parent}）")
        if self._error is not None:
            raise self._error
        return "".join(check_log(code, log) for code, log in self._logs)

    def finish(self, shard_pages: list[list[TaskFields]], keys: SearchKeys, districts: dict[str, list[str]],
               data_dir: Path | None) -> IndexReport:
        """Wait, then make each bundle reproducible and add our own files to it. `shard_pages`:
        the fields of every task indexed in each shard, for its fallback file; `districts`:
        the district filter's values (search_records.district_filter); `data_dir`
        (site_data/) supplies the synonyms and theme keywords."""
        log = self.wait()
        seconds = (self.ended or time.perf_counter()) - self.started
        for (_, bundle), pages in zip(self.shards, shard_pages, strict=True):
            finish_bundle(bundle, pages, keys, districts, data_dir, log)
        size = sum(p.stat().st_size for _, bundle in self.shards for p in bundle.rglob("*") if p.is_file())
        return IndexReport(sum(len(pages) for pages in shard_pages), seconds, size, log)


def finish_bundle(bundle: Path, pages: list[TaskFields], keys: SearchKeys, districts: dict[str, list[str]],
                  data_dir: Path | None, log: str) -> None:
    """One bundle made reproducible, checked to hold `pages`, with its keys and fallback files.
    Every bundle of a site lists all the site's districts, so that its shards agree."""
    make_reproducible(bundle)
    drop_unused_ui(bundle)
    drop_fragment_content(bundle)
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    indexed = sum(lang["page_count"] for lang in entry["languages"].values())
    if indexed != len(pages):
        raise BuildError(f"搜索索引 {bundle.name} 里有 {indexed} 项任务，应有 {len(pages)} 项。Pagefind 的输出：\n{log.strip()}")
    from generator import search_fallback  # the fallback's word lists (pinyin, synonyms, 繁体字)

    keys_file = {**keys.to_json(), "order": {"district": list(districts), **name_orders(pages)},  # search.js's filters
                 "districts": districts}
    write_bundle_files(bundle, {"zw_keys": keys_file, "zw_fallback": search_fallback.build(pages, keys, data_dir)})


def check_log(returncode: int, log: str) -> str:
    if returncode != 0:
        raise BuildError(f"Pagefind 建立搜索索引失败（退出码 {returncode}）：\n{log.strip()}")
    if NOT_EXTENDED in log:
        raise BuildError(
            "Pagefind 用的是标准版，不能切分中文，搜索会几乎找不到结果。"
            '请安装扩展版：pip install "pagefind[extended]"（或把 PAGEFIND_BINARY_PATH 指向 pagefind_extended）。'
        )
    return log


def drop_fragment_content(bundle: Path) -> None:
    """Empty the indexed text Pagefind copies into each result's fragment: for our pages it is
    the search keys, which only Pagefind's excerpts would use, and search.js makes its own
    from the card. A first search loads ten fragments; this is about a third of each."""
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        fragment = _read_fragment(path)
        fragment["content"] = ""
        raw = SIGNATURE + json.dumps(fragment, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        path.write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))


def drop_unused_ui(bundle: Path) -> None:
    for pattern in UNUSED_FILES:
        for path in bundle.glob(pattern):
            path.unlink()


# ---- Folding: how a text and a query are compared ----------------------------------------
# Keep in step with keyRuns in theme/assets/search-keys.js.

_NOT_LETTER = re.compile(r"[^\w]|_")  # runs of letters and digits, as \p{L}\p{N} in search-keys.js


def key_runs(text: str) -> list[str]:
    """The runs of letters and digits in `text`, folded as the query is (NFKC, lower case).
    Characters outside the Basic Multilingual Plane end a run (JS and Python count them
    differently, and no task needs them)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    folded = "".join(c if ord(c) < 0x10000 else " " for c in folded)
    return [run for run in _NOT_LETTER.split(folded) if run]


def folded(text: str) -> str:
    """`text` as search compares it: its runs of letters, one space between runs. A query is
    in a name exactly when folded(query) is a substring of folded(name)."""
    return " ".join(key_runs(text))


def contains(name: str, query: str) -> bool:
    needle = folded(query)
    return bool(needle) and needle in folded(name)


# ---- A task page's search data -----------------------------------------------------------

@dataclass(frozen=True)
class TaskFields:
    """What search matches in one task, and its result card (search_records.task_card)."""

    card: dict[str, Any]  # everything a result card shows (the block itself)

    def names(self, field: str) -> list[str]:
        if field == "text":
            return [self.card["text"]]
        if field == "units":  # each unit's printed forms, canonical name and other names; lead units first
            names = [name for unit in self.card["units"]
                     for name in [*unit.get("printed", []), unit["name"], *unit.get("aliases", [])]]
            return list(dict.fromkeys(names))
        return list(self.card[field])


# ---- Search keys -------------------------------------------------------------------------

_DIGIT_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")


@dataclass(frozen=True)
class SearchKeys:
    """How the letters of this site are spelled, and where each field starts on a page."""

    chars: str  # the site's letters, most frequent first: a letter's rank is its index
    width: int  # base-16 digits of a rank
    slots: tuple[int, ...]  # position where each field of FIELDS starts
    spacers_after: int  # spacers at the end of each page, so that the spacer word fills a chunk

    def spell(self, char: str) -> str | None:
        rank = self.ranks.get(char)
        return None if rank is None else KEY_PREFIX + f"{rank:0{self.width}x}".translate(_DIGIT_LETTERS)

    @cached_property
    def ranks(self) -> dict[str, int]:
        return {char: i for i, char in enumerate(self.chars)}

    def name_words(self, name: str) -> list[str]:
        """The words of one name: a word per letter, RUN_BREAK between runs."""
        words: list[str] = []
        for i, run in enumerate(key_runs(name)):
            if i:
                words.append(RUN_BREAK)
            words += [self.spell(char) or "" for char in run]
        return words

    def field_words(self, names: Iterable[str]) -> list[str]:
        words: list[str] = []
        for name in names:
            name_words = self.name_words(name)
            if name_words:
                words += ([NAME_BREAK] if words else []) + name_words
        return words

    def page_words(self, fields: TaskFields) -> list[str]:
        """Every field at its slot, spacers between; the page's search keys in order."""
        words: list[str] = []
        for field, slot in zip(FIELDS, self.slots):
            words += [SPACER] * (slot - len(words)) + self.field_words(fields.names(field))
        return words + [SPACER] * self.spacers_after

    def query_phrase(self, query: str) -> str | None:
        """What search-keys.js sends to Pagefind for `query`: a quoted phrase; None when the
        query has no letter, or a letter no task has (nothing can contain it)."""
        words = self.name_words(query)
        if not words or "" in words:
            return None
        return '"' + " ".join(words) + '"'

    def to_json(self) -> dict[str, Any]:
        return {"format": KEYS_FORMAT, "prefix": KEY_PREFIX, "run_break": RUN_BREAK, "width": self.width,
                "fields": list(FIELDS), "slots": list(self.slots), "chars": self.chars}


def make_keys(pages: list[TaskFields]) -> SearchKeys:
    """Rank the letters of every page by frequency; size each field's slot for the longest."""
    counts: Counter[str] = Counter()
    for fields in pages:
        for field in FIELDS:
            for name in fields.names(field):
                for run in key_runs(name):
                    counts.update(run)
    chars = "".join(char for char, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])))
    width = max(3, (max(len(chars) - 1, 1).bit_length() + 3) // 4)
    probe = SearchKeys(chars, width, (0,) * len(FIELDS), 0)
    longest = [max(len(probe.field_words(p.names(field))) for p in pages) for field in FIELDS]
    slots, start = [], 0
    for length in longest:  # each slot: the longest field, then at least one spacer
        slots.append(start)
        start += length + 1
    keys = SearchKeys(chars, width, tuple(slots), 0)
    short = CHUNK_POSITIONS - sum(keys.page_words(p).count(SPACER) for p in pages)
    after = 0 if short <= 0 else min(-(-short // len(pages)), 400)
    return SearchKeys(chars, width, tuple(slots), after)


def card_value(card: dict[str, Any]) -> str:
    """The card as one metadata value: "0", then its JSON as UTF-8 in hex digits. Pagefind 1.5
    indexes metadata too, cutting a value into words at punctuation and spaces; a value of
    letters and digits alone stays one word that sorts before the spacers (see the module's
    docstring). Gzipped, the hex costs about an eighth more than the plain JSON."""
    raw = json.dumps(compact_card(card), ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")
    return CARD_PREFIX + raw.hex()


def compact_card(card: dict[str, Any]) -> dict[str, Any]:
    """The card without what search.js can do without: a unit's role, a printed form that is
    its canonical name, an empty list of other names (ten cards load with every search)."""
    units = []
    for unit in card["units"]:
        short = {"name": unit["name"]}
        printed = [name for name in unit["printed"] if name != unit["name"]]
        if printed:
            short["printed"] = printed
        if unit["aliases"]:
            short["aliases"] = unit["aliases"]
        units.append(short)
    return {**card, "units": units}


# ---- Files of our own in the bundle ---------------------------------------------------------

def pinyin_key(name: str) -> tuple[list[str], str]:
    from pypinyin import Style, pinyin  # pinyin() reads whole words, so 长清 is chang, not zhang

    return [syllable for syllables in pinyin(name, style=Style.TONE3) for syllable in syllables], name


def name_orders(pages: list[TaskFields]) -> dict[str, list[str]]:
    """The values of the theme filter in the order the filter lists them, by pinyin, decided
    here so that every browser lists them alike (a browser's collation varies): the themes of
    the bundle's tasks, which their records' theme filter holds (search_records.record).
    (Districts: in the order of the districts page, search_records.district_filter; units:
    the browser's collation, a long list filtered to those with results.)"""
    return {"theme": sorted({name for fields in pages for name in fields.card["themes"]}, key=pinyin_key)}


def _read_fragment(path: Path) -> dict[str, Any]:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise BuildError(f"Pagefind 文件格式不认识：{path}")
    return json.loads(raw[len(SIGNATURE):])


def write_bundle_files(bundle: Path, files: dict[str, dict[str, Any]]) -> None:
    """Write each file named after its content (zw-keys.<hash>.json …), and name it in
    pagefind-entry.json, which the browser always fetches fresh: a reader never pairs a new
    index with an old keys file from the cache."""
    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    for key, content in files.items():
        raw = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        name = f"{key.replace('_', '-')}.{hashlib.sha256(raw).hexdigest()[:10]}.json"
        for old in bundle.glob(f"{key.replace('_', '-')}.*.json"):
            old.unlink()
        (bundle / name).write_bytes(raw)
        entry[key] = name
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


# ---- Reproducible output ---------------------------------------------------------------------

def make_reproducible(bundle: Path) -> None:
    """Sort the filter files, rename them after their content, and rewrite the metadata and
    entry files that name them. Everything else Pagefind writes is already stable."""
    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    for language, info in entry["languages"].items():
        meta_file = bundle / f"pagefind.{info['hash']}.pf_meta"
        meta = _read(meta_file)
        filters = []
        for name, old_hash in meta[3]:
            filter_file = bundle / "filter" / f"{old_hash}.pf_filter"
            filter_name, values = _read(filter_file)
            values = sorted([value, sorted(pages)] for value, pages in values)
            new_hash = _write_hashed(bundle / "filter", language, ".pf_filter", [filter_name, values], 7)
            if new_hash != old_hash:
                filter_file.unlink()
            filters.append([name, new_hash])
        meta[3] = sorted(filters)
        new_hash = _write_hashed(bundle, language, ".pf_meta", meta, 15, prefix="pagefind.")
        if new_hash != info["hash"]:
            meta_file.unlink()
        info["hash"] = new_hash
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _read(path: Path) -> Any:
    raw = gzip.decompress(path.read_bytes())
    if not raw.startswith(SIGNATURE):
        raise BuildError(f"Pagefind 文件格式不认识：{path}")
    value, end = _cbor_decode(raw, len(SIGNATURE))
    if end != len(raw):
        raise BuildError(f"Pagefind 文件格式不认识（多余的字节）：{path}")
    return value


def _write_hashed(folder: Path, language: str, suffix: str, value: Any, digits: int, prefix: str = "") -> str:
    """Write `value` compressed as Pagefind does; the name is a hash of the content."""
    raw = SIGNATURE + _cbor_encode(value)
    name = f"{language}_{hashlib.sha256(raw).hexdigest()[:digits]}"
    (folder / f"{prefix}{name}{suffix}").write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))
    return name


# A minimal CBOR (RFC 8949) codec for what Pagefind's files hold: integers (the word index
# marks weights with negative ones), text and arrays (minicbor's encoding of Rust structs and
# vectors). Anything else is refused.

def _cbor_decode(raw: bytes, i: int) -> tuple[Any, int]:
    major, info = raw[i] >> 5, raw[i] & 31
    i += 1
    if info < 24:
        arg = info
    elif info <= 27:
        width = 1 << (info - 24)
        arg = int.from_bytes(raw[i:i + width], "big")
        i += width
    else:
        raise BuildError(f"Pagefind 文件里有不认识的 CBOR 数据（字节 {i - 1}）")
    if major == 0:
        return arg, i
    if major == 1:
        return -1 - arg, i
    if major == 3:
        return raw[i:i + arg].decode("utf-8"), i + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, i = _cbor_decode(raw, i)
            items.append(item)
        return items, i
    raise BuildError(f"Pagefind 文件里有不认识的 CBOR 类型 {major}（字节 {i - 1}）")


def _cbor_head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, width in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * width):
            return bytes([major << 5 | info]) + arg.to_bytes(width, "big")
    raise ValueError(f"number too large for CBOR: {arg}")


def _cbor_encode(value: Any) -> bytes:
    if isinstance(value, bool) or value is None:
        raise ValueError(f"unexpected value in a Pagefind file: {value!r}")
    if isinstance(value, int):
        return _cbor_head(0, value) if value >= 0 else _cbor_head(1, -1 - value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _cbor_head(3, len(data)) + data
    if isinstance(value, list):
        return _cbor_head(4, len(value)) + b"".join(_cbor_encode(v) for v in value)
    raise ValueError(f"unexpected value in a Pagefind file: {value!r}")
