"""What the search page needs to forgive how people type (issue 13), written into the search
bundle as zw-fallback.<hash>.json and loaded by assets/search-fallback.js only when a query
finds no or few tasks that contain it. What it finds is listed as "相关的任务" or offered as
"您是不是要找：…", never counted as containing the query.

- t2s: traditional characters whose simplified form the site uses (養→养), from OpenCC, so
  that the browser downloads a few hundred pairs rather than a dictionary.
- words: what the site "knows", each with the number of tasks that contain it and its pinyin
  without tones: unit names, theme names and keywords, the synonyms that occur, and the
  phrases that recur in the tasks (every string of 2 to 6 letters found in four tasks or
  more, kept only where no longer such string is found in exactly as many tasks: 政务公开, not
  务公开). Gzipped, the file is about 25 KB; it is fetched only when a search needs it.
  Pinyin finds unit names and common words (yanglao → 养老); a query one letter away from a
  word is a slip (政物公开 → 您是不是要找：政务公开).
- synonyms: the groups of site_data/synonyms.yaml (generator/synonyms.py), kept by staff.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from generator import yamlio
from generator.search import FIELDS, folded, key_runs
from generator.synonyms import load_synonyms

if TYPE_CHECKING:
    from generator.search import SearchKeys, TaskFields

FORMAT = 1
PHRASE_LENGTHS = range(2, 7)  # letters in a recurring phrase
MIN_TASKS = 4  # a phrase must recur in this many tasks to count as a word of the site
PINYIN_LENGTH = 4  # recurring phrases get their pinyin up to this length; names always
TERM_LENGTH = 4  # recurring phrases of this length are kept even when a longer one covers them
CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00))  # where traditional forms are


def build(pages: list[TaskFields], keys: SearchKeys, data_dir: Path | None) -> dict[str, Any]:
    """The fallback file's content (see the module's docstring)."""
    texts = [_task_texts(page) for page in pages]
    synonyms = load_synonyms(data_dir)
    counts = phrase_counts(texts)
    known = recurring_phrases(counts)
    names = [name for page in pages for field in ("units", "themes") for name in page.names(field)]
    extra = {folded(word) for word in [*names, *_theme_keywords(data_dir), *(w for group in synonyms for w in group)]}
    for key in extra - known.keys():
        found = sum(key in text for text in texts) if key else 0
        if found:
            known[key] = found
    words = sorted(known.items(), key=lambda item: (-item[1], item[0]))
    return {
        "format": FORMAT,
        "t2s": traditional_pairs(keys.chars),
        # [word, tasks that contain it, pinyin ("" where not written)]
        "words": [[word, count, pinyin_of(word) if word in extra or len(word) <= PINYIN_LENGTH else ""]
                  for word, count in words],
        "synonyms": synonyms,
    }


def _task_texts(page: TaskFields) -> str:
    """Every field of a task folded, names apart ("\n" never occurs in a folded name)."""
    return "\n".join(folded(name) for field in FIELDS for name in page.names(field))


def phrase_counts(texts: Iterable[str]) -> Counter[str]:
    """Strings of letters (PHRASE_LENGTHS) -> the number of tasks that contain them."""
    counts: Counter[str] = Counter()
    for text in texts:
        found: set[str] = set()
        for run in key_runs(text):
            for length in PHRASE_LENGTHS:
                found.update(run[i:i + length] for i in range(len(run) - length + 1))
        counts.update(found)
    return counts


def recurring_phrases(counts: Counter[str]) -> dict[str, int]:
    """The phrases in MIN_TASKS tasks or more that no one letter longer phrase covers in as
    many tasks (政务公开 stays; 务公开, always inside 政务公开, goes), and every such phrase of
    four letters, the common length of a Chinese term (营商环境 stays although every task that
    has it has the theme 营商环境与经济发展)."""
    recurring = {phrase: n for phrase, n in counts.items() if n >= MIN_TASKS}
    covered = set()
    for phrase, n in recurring.items():
        if len(phrase) > min(PHRASE_LENGTHS):
            for part in (phrase[1:], phrase[:-1]):
                if recurring.get(part) == n:
                    covered.add(part)
    return {phrase: n for phrase, n in recurring.items() if phrase not in covered or len(phrase) == TERM_LENGTH}


def _theme_keywords(data_dir: Path | None) -> list[str]:
    path = Path(data_dir) / "themes.yaml" if data_dir is not None else None
    if path is None or not path.is_file():
        return []
    data, _ = yamlio.load(path)
    return [word for theme in data["themes"] for word in [theme["name"], *theme["keywords"]]]


def traditional_pairs(site_chars: str) -> str:
    """Traditional characters and the simplified ones the site uses, as one string of pairs
    ("養养醫医…"): OpenCC's t2s conversion of every CJK character, one at a time."""
    import opencc

    chars = [chr(code) for start, end in CJK_RANGES for code in range(start, end)]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    on_site = set(site_chars)
    pairs = [(t, s) for t, s in zip(chars, converted) if s != t and len(s) == 1 and s in on_site]
    return "".join(t + s for t, s in pairs)


def pinyin_of(word: str) -> str:
    """Pinyin without tones or spaces (ü as u), as search-fallback.js folds a typed query;
    letters and digits that are not Chinese stay as they are."""
    from pypinyin import Style, lazy_pinyin

    return "".join(lazy_pinyin(word, style=Style.NORMAL, v_to_u=True, errors="default")).replace("ü", "u").lower()
