"""The search's synonym list, site_data/synonyms.yaml (schema/synonyms.schema.json).

Staff keep it: each group holds words that mean the same or nearly (低保 / 最低生活保障). When a
query finds no or few tasks that contain it, the search page also looks for the other words
of its group and lists what they find under "相关的任务", never counted as containing the
query (generator/search_fallback.py writes the list into the search bundle).

It is read and checked with the other data files (generator.validate calls read_synonyms and
check_synonyms), so `validate`, the pre-commit hook and `build` report its mistakes with file,
line and column. The file is optional: a data folder without it has no synonyms.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from generator import yamlio
from generator.errors import unusable_char
from generator.search import folded

if TYPE_CHECKING:
    from generator.validate import DataSet

FILE = "synonyms.yaml"
KIND = "synonyms"  # generator.validate.SCHEMAS names its schema


def read_synonyms(ds: DataSet) -> None:
    """Read and schema-check site_data/synonyms.yaml into ds.synonyms, when there is one."""
    from generator import validate

    path = ds.root / FILE
    if path.exists() or path.is_symlink():
        ds.synonyms = validate._read(path, KIND, ds)


def check_synonyms(ds: DataSet) -> None:
    """A word once in the whole list (a word in two groups would join them unseen); no word
    that search cannot compare (only punctuation), no control character."""
    from generator import validate

    loaded = ds.synonyms
    if loaded is None:
        return
    seen: dict[str, tuple[int, str]] = {}
    for i, group in enumerate(loaded.data["groups"]):
        if len(group) < 2:
            validate._add(ds, loaded, ("groups", i), f"这一组只有 {len(group)} 个词：同义词至少要两个。",
                          "再写一个意思相同的词，或删掉这一组。")
        for j, word in enumerate(group):
            at = ("groups", i, j)
            bad = next((k for k, ch in enumerate(word) if unusable_char(ch)), None)
            if bad is not None:
                validate._add(ds, loaded, at, *validate._character_problem(bad, word[bad]))
                continue
            key = folded(word)
            if not key:
                validate._add(ds, loaded, at, f"“{word}”里没有字或数字，搜索用不上。", "删掉它，或写成词语。")
            elif key in seen:
                group_no, first = seen[key]
                where = "本组前面" if group_no == i else f"第 {group_no + 1} 组"
                validate._add(ds, loaded, at, f"“{word}”和{where}的“{first}”重复（搜索时不分大小写、全角半角和标点）。",
                              "一个词只写一次：删掉这一处；两组意思相同的话，合并成一组。")
            else:
                seen[key] = (i, word)


def load_synonyms(data_dir: Path | None) -> list[list[str]]:
    """The groups, for the search step (the build has checked the file already)."""
    if data_dir is None or not (Path(data_dir) / FILE).is_file():
        return []
    data, _ = yamlio.load(Path(data_dir) / FILE)
    return [list(group) for group in data["groups"]]
