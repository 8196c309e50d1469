"""Index the built site for search with Pagefind, the last step of `python -m generator build`.

Pagefind runs on the finished HTML (only the task pages carry `data-pagefind-body`, so they
are the search results). Three things are checked or fixed here, not left to chance:

- Pagefind's indexer splits Chinese with jieba, the browser splits the query with
  Intl.Segmenter, and the two disagree (upstream issue #1237): measured on our data, 疫情 was
  split 疫/情 in Chromium and found 1 task of 15, 营商环境 found 8 of 73, 历城区 0 of 4.
  So every task page also gets "search keys": each pair of neighbouring letters of its
  indexed text (营商, 商环, 环境 ...), written as plain ASCII words that no segmenter splits,
  in a hidden element. assets/search.js turns a query into the same pairs, so a task is
  found whenever its text contains the query, however either side segments Chinese.
- Chinese is only split into words by the *extended* Pagefind binary. The standard one prints
  "Indexing Chinese in non-extended mode" and then finds next to nothing, so that line fails
  the build, as does any error of the indexer.
- Pagefind also writes its own search UIs (about 400 KB); the site uses only its JS API, so
  `drop_unused_ui` removes them rather than publish files nobody loads.
- Pagefind 1.5 writes its filter files (and so the metadata file naming them) in hash-map
  order, which changes from run to run. `make_reproducible` sorts their content and renames
  them after it, so two builds of the same data are byte-identical.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from generator.errors import BuildError

BUNDLE = "pagefind"  # /pagefind/: the index and Pagefind's own scripts
NOT_EXTENDED = "Indexing Chinese in non-extended mode"
SIGNATURE = b"pagefind_dcd"  # every compressed Pagefind file starts with this, before CBOR
TIMEOUT_S = 600
# Pagefind's ready-made UIs and highlighter: the site has its own UI (assets/search.js).
UNUSED_FILES = ("pagefind-ui.*", "pagefind-component-ui.*", "pagefind-modular-ui.*", "pagefind-highlight.js")
KEYS_CLASS = "zw-search-keys"  # the hidden element holding a page's search keys


@dataclass(frozen=True)
class IndexReport:
    pages: int  # pages indexed (the task pages)
    seconds: float  # time the indexer took
    bundle_bytes: int  # size of everything in /pagefind/
    log: str  # the indexer's output


def index_site(site_dir: Path) -> IndexReport:
    """Index `site_dir` in place (writes `site_dir/pagefind/`); BuildError when it fails."""
    site_dir = Path(site_dir)
    add_search_keys(site_dir)
    started = time.perf_counter()
    log = run_pagefind(site_dir)
    seconds = time.perf_counter() - started
    make_reproducible(site_dir / BUNDLE)
    drop_unused_ui(site_dir / BUNDLE)
    entry = json.loads((site_dir / BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8"))
    pages = sum(lang["page_count"] for lang in entry["languages"].values())
    if pages == 0:
        raise BuildError("搜索索引是空的：没有一页带 data-pagefind-body 的任务页。")
    size = sum(p.stat().st_size for p in (site_dir / BUNDLE).rglob("*") if p.is_file())
    return IndexReport(pages, seconds, size, log)


def run_pagefind(site_dir: Path) -> str:
    """Run the Pagefind CLI of the Python package (it picks the extended binary when installed)."""
    cmd = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", BUNDLE]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BuildError(f"无法运行 Pagefind（{' '.join(cmd)}）：{exc}") from exc
    log = done.stdout + done.stderr
    if done.returncode != 0:
        raise BuildError(f"Pagefind 建立搜索索引失败（退出码 {done.returncode}）：\n{log.strip()}")
    if NOT_EXTENDED in log:
        raise BuildError(
            "Pagefind 用的是标准版，不能切分中文，搜索会几乎找不到结果。"
            '请安装扩展版：pip install "pagefind[extended]"（或把 PAGEFIND_BINARY_PATH 指向 pagefind_extended）。'
        )
    return log


def drop_unused_ui(bundle: Path) -> None:
    for pattern in UNUSED_FILES:
        for path in bundle.glob(pattern):
            path.unlink()


# ---- Search keys: pairs of letters, spelled in ASCII ----------------------------------------
# Keep in step with theme/assets/search-keys.js: the two must spell a text alike.

KEY_PREFIX = "zz"  # no real word on the site starts with it
_HEX_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")
_NOT_LETTER = re.compile(r"[^\w]|_")  # runs of letters and digits, as \p{L}\p{N} in search.js


def key_runs(text: str) -> list[str]:
    """The runs of letters and digits in `text`, folded as the query is (NFKC, lower case).
    Characters outside the Basic Multilingual Plane end a run (JS and Python count them
    differently, and no task needs them)."""
    folded = unicodedata.normalize("NFKC", text).lower()
    folded = "".join(c if ord(c) < 0x10000 else " " for c in folded)
    return [run for run in _NOT_LETTER.split(folded) if run]


def _spell(chars: str) -> str:
    return KEY_PREFIX + "".join(f"{ord(c):04x}" for c in chars).translate(_HEX_LETTERS)


def page_keys(texts: list[str]) -> list[str]:
    """Search keys of a page: every pair of neighbouring letters, and the last letter of each
    run alone. A query pair matches exactly; a one-letter query matches as a prefix."""
    keys = []
    for text in texts:
        for run in key_runs(text):
            keys.extend(_spell(run[i:i + 2]) for i in range(len(run)))
    return keys


def query_keys(query: str) -> list[str]:
    """What search.js sends to Pagefind for `query` (used by the tests and the benchmark)."""
    keys = []
    for run in key_runs(query):
        keys.extend(_spell(run[i:i + 2]) for i in range(max(1, len(run) - 1)))
    return keys


class _IndexedText(HTMLParser):
    """The text Pagefind indexes on a page (inside data-pagefind-body, outside
    data-pagefind-ignore, script and style) and where that element ends."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
    SKIP = {"script", "style", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.body_end: tuple[int, int] | None = None  # (line, column) of the closing tag
        self._open: list[tuple[str, bool]] = []  # elements open inside the body: (tag, ignored)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name for name, _ in attrs}
        if not self._open:
            if "data-pagefind-body" in names and self.body_end is None:
                self._open = [(tag, False)]
            return
        if tag not in self.VOID:
            ignored = self._open[-1][1] or "data-pagefind-ignore" in names or tag in self.SKIP
            self._open.append((tag, ignored))

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching element: an end tag HTML lets one leave out is closed too.
        if not any(open_tag == tag for open_tag, _ in self._open):
            return
        while self._open.pop()[0] != tag:
            pass
        if not self._open:
            self.body_end = self.getpos()

    def handle_data(self, data: str) -> None:
        if self._open and not self._open[-1][1] and data.strip():
            self.texts.append(data)


def add_search_keys(site_dir: Path) -> int:
    """Write the search keys into every page that has data-pagefind-body; return how many."""
    count = 0
    for path in sorted(site_dir.rglob("*.html")):
        html = path.read_text(encoding="utf-8")
        if "data-pagefind-body" not in html or KEYS_CLASS in html:
            continue
        parser = _IndexedText()
        parser.feed(html)
        parser.close()
        if parser.body_end is None:
            raise BuildError(f"{path}: data-pagefind-body 的元素没有结束标签")
        line, column = parser.body_end
        at = sum(len(l) + 1 for l in html.split("\n")[: line - 1]) + column  # HTMLParser counts \n only
        keys = " ".join(page_keys(parser.texts))
        element = f'<p class="{KEYS_CLASS}" hidden>{keys}</p>\n'
        path.write_text(html[:at] + element + html[at:], encoding="utf-8")
        count += 1
    return count


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


# A minimal CBOR (RFC 8949) codec for what Pagefind's files hold: unsigned integers, text
# and arrays (minicbor's encoding of Rust structs and vectors). Anything else is refused.

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
        return _cbor_head(0, value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _cbor_head(3, len(data)) + data
    if isinstance(value, list):
        return _cbor_head(4, len(value)) + b"".join(_cbor_encode(v) for v in value)
    raise ValueError(f"unexpected value in a Pagefind file: {value!r}")
