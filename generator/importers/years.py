"""The plan year, found where a source prints it: in the title (2023年, 二〇二三年), else in a
document number (〔2023〕5号) or a full date. Shared by `import` and the table interpreter."""
from __future__ import annotations

import re
import unicodedata

YEAR_RANGE = range(2000, 2101)  # plan.schema.json year

_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")
_YEAR = r"((?:19|20)\d{2})"
_TITLE_YEAR = re.compile(rf"(?<!\d){_YEAR}\s*年")
_CN_TITLE_YEAR = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年")
# 济政办字〔2023〕5号, [2023]5号, （2023）第5号: the bracketed year of a document number.
_DOC_NUMBER_YEAR = re.compile(rf"[〔\[【（(]\s*{_YEAR}\s*[〕\]】）)]\s*第?\s*\d+\s*号")
# 2023年3月15日, 2023-03-15, 2023/3/15, 2023.3.15: a full date.
_DATE_YEAR = re.compile(rf"(?<!\d){_YEAR}\s*(?:年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日|([-/.])\d{{1,2}}\2\d{{1,2}}(?!\d))")


def year_in_title(title: str) -> int | None:
    """2023 from "济南市2023年政务公开工作要点" or "二〇二三年…"; None when the title names no year."""
    title = unicodedata.normalize("NFKC", title)  # full-width ２０２３ too
    match = _TITLE_YEAR.search(title)
    if match is None:
        cn = _CN_TITLE_YEAR.search(title)
        match = _TITLE_YEAR.search(cn.group(1).translate(_CN_DIGITS) + "年") if cn else None
    year = int(match.group(1)) if match else None
    return year if year in YEAR_RANGE else None


def year_from_text(text: str) -> tuple[int, str] | None:
    """The plan year read from a document number (〔2023〕5号) or else a full date in the text,
    with the words it came from; None when the text holds neither."""
    text = unicodedata.normalize("NFKC", text)
    for pattern in (_DOC_NUMBER_YEAR, _DATE_YEAR):
        for match in pattern.finditer(text):
            if int(match.group(1)) in YEAR_RANGE:
                return int(match.group(1)), match.group(0)
    return None
