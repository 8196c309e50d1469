"""Errors that name the file, the line and what to do."""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    file: Path
    line: int | None  # 1-based
    column: int | None  # 1-based
    field: str  # field path such as "tasks[3].deadline.due"; "" for the whole file
    message: str  # what is wrong, in Chinese
    hint: str = ""  # what to do, in Chinese

    def __post_init__(self) -> None:
        # Messages quote the data; a lone surrogate or control character in it must not crash
        # the print or the summary file, nor move a terminal's cursor.
        for name in ("field", "message", "hint"):
            object.__setattr__(self, name, printable(getattr(self, name)))

    @property
    def display_path(self) -> str:
        """The file relative to the working folder where possible: shorter, and what GitHub expects."""
        try:
            return printable(str(self.file.resolve().relative_to(Path.cwd().resolve())))
        except ValueError:
            return printable(str(self.file))

    def location(self) -> str:
        where = self.display_path
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return where

    def format(self) -> str:
        field = f"[{self.field}] " if self.field else ""
        hint = f" 处理办法：{self.hint}" if self.hint else ""
        return f"{self.location()}: 错误：{field}{self.message}{hint}"

    def format_github(self) -> str:
        """A GitHub Actions workflow command, so the error shows on the changed line."""
        props = [f"file={_gh_escape_prop(self.display_path)}"]
        if self.line is not None:
            props.append(f"line={self.line}")
        if self.column is not None:
            props.append(f"col={self.column}")
        props.append(f"title={_gh_escape_prop(self.field or '数据文件')}")
        text = self.message + (f" 处理办法：{self.hint}" if self.hint else "")
        return f"::error {','.join(props)}::{_gh_escape_data(text)}"


# GitHub's workflow-command rules: a message escapes % CR LF; a property (file=, title=) also : and ,.
def _gh_escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_prop(text: str) -> str:
    return _gh_escape_data(text).replace(":", "%3A").replace(",", "%2C")


def unusable_char(ch: str) -> bool:
    """A control character other than newline and tab, or a lone surrogate (which UTF-8
    cannot encode): nothing a page, a spreadsheet or a terminal should receive."""
    return unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\n\t"


def printable(text: str) -> str:
    """`text` with each control character (but newline and tab) and lone surrogate written as
    its escape, e.g. \\x00 or \\udc80: safe to print and to write as UTF-8."""
    if text.isprintable():
        return text
    return "".join(ascii(ch)[1:-1] if unusable_char(ch) else ch for ch in text)


class DataError(Exception):
    """The data cannot be used; `problems` says where and why."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


class BuildError(Exception):
    """A render, MkDocs or search-index step failed; the previous site is kept."""
