"""A text source as numbered lines: the blocks of the layouts printed one cell (or one row) a line.

Text exports of tables put each cell on its own line (tab-indented, or between blank lines) or
each row on one tab-separated line. The layouts that are cut out of such lines (the seed
layouts) see the document through this one view, so the line numbers of tasks and the
verbatim slicing of a cell that runs over several lines are written once.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from generator.readers import Document


@dataclass(frozen=True)
class Line:
    index: int  # 0-based place in the file
    raw: str  # as printed: leading tabs and spaces kept, no line ending

    @property
    def number(self) -> int:
        """1-based line of the source, as RawTask.line and Unplaced.line give it."""
        return self.index + 1

    @property
    def text(self) -> str:
        return self.raw.strip()

    @property
    def tabbed(self) -> bool:
        """A cell line of a one-cell-a-line export: it starts with a tab (spaces may come first)."""
        return self.raw.lstrip(" ").startswith("\t")

    @property
    def cells(self) -> list[str]:
        """The tab-separated cells of a row line, trimmed."""
        return [cell.strip() for cell in self.raw.split("\t")]


class Lines:
    """The lines of a text document, with its line ending, for slicing multi-line cells verbatim."""

    def __init__(self, text: str) -> None:
        self.newline = "\r\n" if "\r\n" in text else "\n"
        self.items = [Line(i, raw) for i, raw in enumerate(text.splitlines())]

    @classmethod
    def of(cls, document: Document) -> Lines | None:
        """The document's lines when it is a text source; None for Word, Excel, PDF …"""
        return cls(document.text) if document.text is not None else None

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> Line:
        return self.items[index]

    def __iter__(self) -> Iterator[Line]:
        return iter(self.items)

    def span(self, first: int, last: int, start: int = 0) -> str:
        """The text from column `start` of line `first` to the end of line `last` (0-based,
        inclusive), line breaks as in the file, trimmed: a substring of the source by construction."""
        raws = [line.raw for line in self.items[first:last + 1]]
        raws[0] = raws[0][start:]
        return self.newline.join(raws).strip()

    def blocks(self, start: int = 0, end: int | None = None) -> list[list[Line]]:
        """Runs of non-blank lines between blank ones, from line `start` (0-based) to `end`."""
        runs: list[list[Line]] = []
        current: list[Line] = []
        for line in self.items[start:end]:
            if line.text:
                current.append(line)
            elif current:
                runs.append(current)
                current = []
        if current:
            runs.append(current)
        return runs

    def first(self, predicate: Callable[[Line], bool], start: int = 0) -> int | None:
        """Index of the first line from `start` for which `predicate(line)` holds."""
        return next((line.index for line in self.items[start:] if predicate(line)), None)
