"""What a long build shows on a terminal: each stage as it starts and, while the pages are
written, a progress bar (tqdm) of pages done of all.

Only on an interactive terminal: when the output goes to a file or a pipe, or CI is set, the
build stays quiet, so CI logs hold results and errors, not redrawn progress lines.
"""
from __future__ import annotations

import os
import shutil
import sys
from typing import Any, Iterable, Sequence, TypeVar

from tqdm import tqdm

T = TypeVar("T")


def interactive() -> bool:
    """Whether a person is watching: stderr is a terminal and this is not a CI run."""
    return sys.stderr.isatty() and not os.environ.get("CI")


def stage(words: str) -> None:
    """Say which stage of the build starts (生成页面, MkDocs 生成网页, 建立搜索索引 …)."""
    if interactive():
        print(f"· {words}", file=sys.stderr, flush=True)


def counted(items: Sequence[T], words: str) -> Iterable[T]:
    """`items`, with a progress bar "words: done/all 页" on a terminal; just `items` otherwise."""
    if not interactive():
        return items
    return tqdm(items, **_bar_options(words))


def _bar_options(words: str) -> dict[str, Any]:
    # A terminal that reports no width (0 columns) would get an empty bar: assume 80 then.
    width = shutil.get_terminal_size((80, 24)).columns or 80
    return {"desc": words, "unit": "页", "file": sys.stderr, "leave": False, "ncols": min(width, 100)}


class _NoBar:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def bar(total: int, words: str) -> Any:
    """A progress bar to `update(n)` by hand (work done elsewhere); a silent one off a terminal."""
    if not interactive():
        return _NoBar()
    return tqdm(total=total, **_bar_options(words))
