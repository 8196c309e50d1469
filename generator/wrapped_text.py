"""Task texts as shown on a page: the line breaks a printed page put into a sentence are joined.

A plan imported from a PDF's text layer keeps its texts verbatim, line breaks included, where
the page wrapped them ("……完善议事决策\\n程序……", see generator/importers/wraps.py). In HTML a line
break is white space, and Chromium shows it between two Chinese characters as a space: "决策 程序".
Chinese puts no space between words, so for display a line break (with the spaces around it) is
dropped, except between two Latin letters or digits ("open\\ndata"), where it is one space. The
stored text is never changed; only templates call this, as the `display_text` filter.
"""
from __future__ import annotations

import re

_BREAK = re.compile(r"[ \t\u3000]*(?:\r\n|\r|\n)[ \t\u3000\r\n]*")
_LATIN = re.compile(r"[A-Za-z0-9]")


def display_text(text: str) -> str:
    """`text` with each line break joined: removed inside Chinese text, one space between two
    Latin words; the text is otherwise as stored."""
    def join(match: re.Match[str]) -> str:
        before = text[match.start() - 1] if match.start() else ""
        after = text[match.end()] if match.end() < len(text) else ""
        return " " if _LATIN.fullmatch(before) and _LATIN.fullmatch(after) else ""

    return _BREAK.sub(join, text)
