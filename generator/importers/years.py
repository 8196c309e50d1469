"""The plan year, found where a source prints it: in the title (2023年, 二〇二三年), else in a
document number (〔2023〕5号, 〔2023〕5號) or a full date (2023年3月15日, 二〇二三年三月十五日).
Shared by `import` and the table interpreter."""
from __future__ import annotations

import datetime as dt
import re
import unicodedata

YEAR_RANGE = range(2000, 2101)  # plan.schema.json year

# Years written in Chinese numerals (一九九八, 二〇二三); a Latin O typed for 〇 ("二OO八") counts
# as one, but only inside such a year.
_CN_ZERO = "〇○零Oo"
_CN_DIGITS = str.maketrans(_CN_ZERO + "一二三四五六七八九", "0" * len(_CN_ZERO) + "123456789")
_CN_NUMERAL = "一二三四五六七八九十"
_YEAR = r"((?:19|20)\d{2})"
_TITLE_YEAR = re.compile(rf"(?<!\d){_YEAR}\s*年")
_CN_YEAR = rf"([一二][{_CN_ZERO}一二三四五六七八九]{{3}})"
_CN_TITLE_YEAR = re.compile(rf"{_CN_YEAR}\s*年")
# 济政办字〔2023〕5号, [2023]5号, （2023）第5号, 穗府辦〔2006〕19號: the bracketed year of a document number.
_DOC_NUMBER_YEAR = re.compile(rf"[〔\[【（(]\s*{_YEAR}\s*[〕\]】）)]\s*第?\s*\d+\s*[号號]")
# 2023年3月15日, 2023-03-15, 2023/3/15, 2023.3.15: a full date.
_DATE_YEAR = re.compile(rf"(?<!\d){_YEAR}\s*(?:年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|([-/.])\d{{1,2}}\2\d{{1,2}}(?!\d))")
# 二〇二〇年十月十六日, 二○○六年四月二十八日, 二〇二〇年十月: a date in Chinese numerals (a
# month without a day only when no 底/前 follows: "二〇二〇年十月底前" is a deadline).
_CN_DATE = re.compile(rf"{_CN_YEAR}\s*年\s*([{_CN_NUMERAL}]{{1,2}})\s*月(?:\s*([{_CN_NUMERAL}]{{1,3}})\s*日|(?![底末前以之内]))")


def _cn_year(numerals: str) -> int:
    return int(numerals.translate(_CN_DIGITS))


def _cn_small(numerals: str) -> int | None:
    """一 -> 1, 十 -> 10, 十二 -> 12, 二十八 -> 28, 三十一 -> 31; None for anything else."""
    tens, ten, ones = numerals.partition("十")
    if not ten:
        return _CN_NUMERAL.index(numerals) + 1 if len(numerals) == 1 else None
    if len(tens) > 1 or len(ones) > 1 or "十" in tens + ones:
        return None
    return (_CN_NUMERAL.index(tens) + 1 if tens else 1) * 10 + (_CN_NUMERAL.index(ones) + 1 if ones else 0)


def year_in_title(title: str) -> int | None:
    """2023 from "济南市2023年政务公开工作要点" or "二〇二三年…"; None when the title names no year."""
    title = unicodedata.normalize("NFKC", title)  # full-width ２０２３ too
    match = _TITLE_YEAR.search(title)
    if match is not None:
        year = int(match.group(1))
    else:
        cn = _CN_TITLE_YEAR.search(title)
        year = _cn_year(cn.group(1)) if cn else None
    return year if year in YEAR_RANGE else None


def chinese_date(text: str) -> dt.date | None:
    """The date of "二○○六年四月二十八日" (a signature line in Chinese numerals); None when the
    text holds no such date, names no day, or the day does not exist."""
    match = _CN_DATE.search(unicodedata.normalize("NFKC", text))
    if match is None:
        return None
    if match.group(3) is None:
        return None  # a month without its day
    month, day = _cn_small(match.group(2)), _cn_small(match.group(3))
    try:
        return dt.date(_cn_year(match.group(1)), month, day) if month and day else None
    except ValueError:
        return None


def year_from_text(text: str) -> tuple[int, str] | None:
    """The plan year read from a document number (〔2023〕5号) or else a full date in the text
    (in digits, then in Chinese numerals), with the words it came from; None when the text holds
    none of them."""
    text = unicodedata.normalize("NFKC", text)
    for pattern in (_DOC_NUMBER_YEAR, _DATE_YEAR):
        for match in pattern.finditer(text):
            if int(match.group(1)) in YEAR_RANGE:
                return int(match.group(1)), match.group(0)
    for match in _CN_DATE.finditer(text):
        month = _cn_small(match.group(2))
        if month and month <= 12 and _cn_year(match.group(1)) in YEAR_RANGE:
            return _cn_year(match.group(1)), match.group(0)
    return None
