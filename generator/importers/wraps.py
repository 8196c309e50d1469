"""Lines a page wrapped: a PDF's text layer (or text copied from one) breaks every paragraph at
the right margin, so one sentence, one heading or one unit name comes as several lines.

A document is read as hard-wrapped when many of its lines share one width, the widest that
several lines reach (the margin), and several of those full lines stop in the middle of a
sentence. Then a full line that does not end a sentence runs on into the line right below it,
unless that line starts something of its own (a number, a heading, a label, a units bracket, a
page footer). A line shorter than the margin ends its paragraph.

How wrapped text is kept and compared: the joined paragraph keeps the line breaks as printed
("……，优\\n化决策程序……"), so the requirement text is still a substring of the source (its
lines are next to each other there) and equals a truth copied from the source. Only unit names
are compared without the break: "园区党工\\n委" is one unit (generator.importers.normalize reads
the cells of a task read from wrapped lines with the breaks left out, names kept as printed).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from generator.importers import headers as H
from generator.readers import Paragraph, Table

_MIN_MARGIN = 40  # display columns (20 Chinese characters): a page is never narrower
_MIN_FULL_LINES = 4  # lines at the margin, for a document to count as hard-wrapped
_MIN_BROKEN = 3  # of them, lines that stop mid-sentence
_SENTENCE_END = ("。", "！", "？", "；", ";", "：", ":", "!", "?")
# "— 3 —", "- 12 -", "第 3 页": a page footer or header line between wrapped lines.
_PAGE_MARK = re.compile(r"^[\s\-—–－_]*(?:第\s*)?\d{1,4}\s*(?:页)?[\s\-—–－_]*$")
# What starts a line of its own: a number (1. 1、 (1)), a heading (一、 （一） 第一), a label
# ("牵头单位：" "牵头负责领导："), or a bracket of fields "（责任单位：…）".
_LABEL_START = re.compile(r"^[(（]?[\u4e00-\u9fff]{2,8}\s*[:：]")


@dataclass(frozen=True)
class WrappedParagraph(Paragraph):
    """Lines of one paragraph joined where the page wrapped them; its line breaks are wraps."""

    last_line: int = 0  # the source line (or PDF page line) of its last line


def width(text: str) -> int:
    """Display columns: a Chinese character or full-width sign takes two, a Latin letter one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text.strip())


def _candidate(block: Table | Paragraph) -> bool:
    """A paragraph that is one printed line (not a cell line of a table export)."""
    return isinstance(block, Paragraph) and "\n" not in block.text.strip() and "|" not in block.text \
        and "\t" not in block.text.strip() and block.position.line is not None


def _tolerance(margin: int) -> int:
    """How far short of the margin a full line may stop: half-width commas and digits, and a
    line that breaks before a word that would not fit, make full lines a little shorter."""
    return max(3, margin // 8)


def margin(blocks: list[Table | Paragraph]) -> int | None:
    """The width at which the document's lines wrap, or None when they do not look wrapped."""
    lines = [b.text.strip() for b in blocks if _candidate(b)]
    widths = [width(t) for t in lines]
    best, best_count = None, 0
    for edge in sorted({w for w in widths if w >= _MIN_MARGIN}, reverse=True):
        count = sum(1 for w in widths if edge - _tolerance(edge) <= w <= edge)
        if count > best_count:
            best, best_count = edge, count
    if best is None or best_count < _MIN_FULL_LINES:
        return None
    full = [t for t, w in zip(lines, widths) if best - _tolerance(best) <= w <= best]
    broken = {t for t in full if not t.endswith(_SENTENCE_END)}
    wider = sum(1 for w in widths if w > best + 2)
    if len(broken) < _MIN_BROKEN or wider * 4 > best_count:
        return None  # lines of one width that end their sentences, or many longer lines: not a page's margin
    return best


def starts_own_line(text: str) -> bool:
    """A line that begins something new, never the rest of the line above."""
    stripped = text.strip()
    return (not stripped or H.number_prefix(stripped)[0] is not None or bool(H.HEADING_RE.match(stripped))
            or bool(_LABEL_START.match(H.simplify(stripped))) or bool(_PAGE_MARK.match(stripped)))


def _last_line(paragraph: Paragraph) -> tuple[str, int]:
    if isinstance(paragraph, WrappedParagraph):
        return paragraph.text.rsplit("\n", 1)[-1], paragraph.last_line
    return paragraph.text, paragraph.position.line or 0


def _runs_on(above: Paragraph, below: Paragraph, edge: int) -> bool:
    """Whether `below` is the rest of the paragraph whose last line is the last line of `above`."""
    text, line = _last_line(above)
    return (below.position.line == line + 1 and below.position.page == above.position.page
            and width(text) >= edge - _tolerance(edge) and not text.strip().endswith(_SENTENCE_END)
            and not starts_own_line(below.text))


def join_wrapped(blocks: list[Table | Paragraph]) -> list[Table | Paragraph]:
    """The blocks with each hard-wrapped paragraph joined into one (line breaks kept)."""
    edge = margin(blocks)
    if edge is None:
        return blocks
    out: list[Table | Paragraph] = []
    for block in blocks:
        above = out[-1] if out else None
        if _candidate(block) and isinstance(above, Paragraph) and (_candidate(above) or isinstance(above, WrappedParagraph)) \
                and _runs_on(above, block, edge):
            fields = {name: getattr(above, name) for name in ("position", "order", "style", "numbered")}
            out[-1] = WrappedParagraph(text=f"{above.text}\n{block.text}", last_line=block.position.line or 0, **fields)
            continue
        out.append(block)
    return out

