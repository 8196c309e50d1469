"""What every benchmark script does with docs/benchmarks.md: replace its own marked section
(or add it), and say which tree was measured."""
from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"


def write_section(start: str, end: str, section: str, *, after: str | None = None) -> None:
    """Put `section` (which begins with `start` and ends with `end`) in place of the section
    between those markers; a new section goes after the marker `after`, else at the end. The
    rest of the file is left alone."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    section = section.rstrip("\n")
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + section + rest.split(end, 1)[1]
    elif after and after in text:
        at = text.index(after) + len(after)
        text = text[:at].rstrip("\n") + "\n\n" + section + "\n" + text[at:]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


def tree_state() -> str:
    """The commit measured, and whether the working tree differed from it (read only)."""
    def git(*args: str) -> str:
        result = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True)
        return result.stdout.strip() if result.returncode == 0 else ""

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    changed = git("status", "--porcelain", "--untracked-files=no", "--", "generator", "theme", "mkdocs.yml")
    return f"`{commit}`" + (" with uncommitted changes to the generator" if changed else "")
