"""Pinyin slugs that read place names right: 长清区 -> changqing, not pypinyin's "zhangqing".

pypinyin reads characters by their commonest reading, so 长 (cháng in 长清, 长治, 长沙 …),
单县, 洪洞, 六合 and the 都 of 于都 come out wrong, and a right phrase can be lost to a wrong
one beside it (湖南省长沙市: 省长 "governor" is read first). The readings in
data/place_readings.yaml are applied before pypinyin instead of being loaded into it
(`load_phrases_dict`): that would change pypinyin for the whole process, including the
pinyin sort order of pages, and could not stop 省长 from winning over 长沙.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml
from pypinyin import lazy_pinyin

READINGS_FILE = Path(__file__).parent / "data" / "place_readings.yaml"
# The generic part of an issuer's name, left out of its slug (长清区 -> changqing).
SUFFIXES = ("区", "县", "市", "旗", "省")


@lru_cache(maxsize=1)
def readings() -> dict[str, tuple[str, ...]]:
    """Place name -> its syllables, one per character (from data/place_readings.yaml)."""
    data = yaml.safe_load(READINGS_FILE.read_text(encoding="utf-8"))
    return {name: tuple(str(reading).split()) for name, reading in data["readings"].items()}


@lru_cache(maxsize=1)
def _longest() -> int:
    return max(map(len, readings()), default=0)


def place_syllables(text: str) -> list[str]:
    """The pinyin of `text`: known place names by their readings, the rest by pypinyin.

    Scans left to right and takes the longest known name at each place, so 济南市长清区 is
    济南市 (pypinyin) + 长清 (changqing) + 区 (pypinyin).
    """
    known = readings()
    syllables: list[str] = []
    plain_start = 0  # start of the run of characters left to pypinyin
    i = 0
    while i < len(text):
        name = _name_at(text, i, known)
        if name is None:
            i += 1
            continue
        syllables += lazy_pinyin(text[plain_start:i]) if plain_start < i else []
        syllables += known[name]
        i += len(name)
        plain_start = i
    syllables += lazy_pinyin(text[plain_start:]) if plain_start < len(text) else []
    return syllables


def _name_at(text: str, start: int, known: dict[str, tuple[str, ...]]) -> str | None:
    for length in range(min(_longest(), len(text) - start), 1, -1):
        if text[start:start + length] in known:
            return text[start:start + length]
    return None


def pinyin_slug(text: str) -> str:
    """Lower-case ASCII letters and digits of the text's pinyin: 区发改局 -> qufagaiju."""
    return re.sub(r"[^a-z0-9]", "", "".join(place_syllables(text)).lower())


def place_slug(name: str) -> str:
    """长清区 -> changqing, 长沙市 -> changsha, 单县 -> shanxian; "" when nothing is left.

    The 区/县/市/旗/省 at the end is left out, except after a one-character name, where the
    official romanization keeps it (Shanxian, Juxian): "shan" alone would say little.
    """
    syllables = place_syllables(name)
    if len(name) > 2 and name.endswith(SUFFIXES) and syllables:
        syllables = syllables[:-1]  # the suffix is one Chinese character: one syllable
    return re.sub(r"[^a-z0-9]", "", "".join(syllables).lower())
