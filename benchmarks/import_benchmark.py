"""Import benchmark: the table interpreter on the import corpus (tests/fixtures/import_corpus/).

    .venv/bin/python benchmarks/import_benchmark.py            # prints and rewrites docs/import-benchmark.md
    .venv/bin/python benchmarks/import_benchmark.py --no-write

Each corpus folder's source.txt goes through `read_document` and `interpret`; the tasks found
are matched to truth.yaml by their text, and per file and overall it reports task recall and
precision, the share of found texts printed verbatim in the source, units right (the set of unit
names the import would give, via normalize, equal to the truth's names; roles reported apart)
and deadline right (the printed text, verbatim). Issue 11 targets: recall ≥ 95 %, precision ≥
98 %, verbatim 100 %, units and deadline ≥ 90 %. A measurement, never a test.
"""
from __future__ import annotations

import argparse
import difflib
import sys
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.importers.base import RawTask  # noqa: E402
from generator.importers.headers import fold  # noqa: E402
from generator.importers.interpret import InterpretError, interpret  # noqa: E402
from generator.importers.normalize import _units  # noqa: E402
from generator.readers import ReadError, read_document  # noqa: E402

CORPUS = ROOT / "tests" / "fixtures" / "import_corpus"
DOC = ROOT / "docs" / "import-benchmark.md"
TARGETS = {"recall": 0.95, "precision": 0.98, "verbatim": 1.0, "units": 0.90, "deadline": 0.90}


@dataclass
class Score:
    name: str
    truth: int = 0
    found: int = 0
    matched: int = 0
    verbatim: int = 0
    exact: int = 0  # matched tasks whose text equals the truth's exactly
    units: int = 0
    roles: int = 0
    deadline: int = 0
    year: bool | None = None
    error: str | None = None
    misses: list[str] = field(default_factory=list)

    def rate(self, part: int, whole: int) -> float:
        return part / whole if whole else 1.0


def units_of(task: RawTask) -> list[tuple[str, str]]:
    """The (name, role) pairs the import would write for this task (normalize's own rule)."""
    return _units(task, [])


def match(found: list[RawTask], truth: list[dict]) -> list[tuple[RawTask, dict]]:
    """Pairs by text: equal after folding first, then the most similar above 0.9."""
    pairs, free = [], list(found)
    for want in truth:
        key = fold(want["text"])
        best = next((t for t in free if fold(t.text) == key), None)
        if best is None:
            ratios = [(difflib.SequenceMatcher(None, fold(t.text), key).ratio(), i) for i, t in enumerate(free)]
            ratio, index = max(ratios, default=(0.0, -1))
            best = free[index] if ratio >= 0.9 else None
        if best is not None:
            free.remove(best)
            pairs.append((best, want))
    return pairs


def measure(folder: Path) -> Score:
    score = Score(folder.name)
    truth = yaml.safe_load((folder / "truth.yaml").read_text(encoding="utf-8"))
    source = (folder / "source.txt").read_text(encoding="utf-8")
    score.truth = len(truth["tasks"])
    try:
        plan = interpret(read_document(folder / "source.txt"))
    except (InterpretError, ReadError) as exc:
        score.error = str(exc)
        return score
    score.found = len(plan.tasks)
    score.verbatim = sum(1 for t in plan.tasks if t.text and t.text in source)
    score.year = (plan.year or None) == truth["year"]
    pairs = match(plan.tasks, truth["tasks"])
    score.matched = len(pairs)
    for task, want in pairs:
        score.exact += task.text == want["text"]
        got = units_of(task)
        names_ok = {n for n, _ in got} == {u["name"] for u in want["units"]}
        score.units += names_ok
        score.roles += names_ok and set(got) == {(u["name"], u["role"]) for u in want["units"]}
        score.deadline += task.deadline_text == want["deadline"]
        if not names_ok:
            score.misses.append(f"第{want['number']}项 单位：得到 {[n for n, _ in got]}，应为 {[u['name'] for u in want['units']]}")
        if task.deadline_text != want["deadline"]:
            score.misses.append(f"第{want['number']}项 时限：得到 {task.deadline_text!r}，应为 {want['deadline']!r}")
    matched_texts = {id(t) for t, _ in pairs}
    score.misses += [f"多出的任务：{t.text[:30]}" for t in plan.tasks if id(t) not in matched_texts]
    found_truth = {w["number"] for _, w in pairs}
    score.misses += [f"漏掉第{w['number']}项：{w['text'][:30]}" for w in truth["tasks"] if w["number"] not in found_truth]
    return score


def total(scores: list[Score]) -> Score:
    out = Score("合计")
    for s in scores:
        for name in ("truth", "found", "matched", "verbatim", "exact", "units", "roles", "deadline"):
            setattr(out, name, getattr(out, name) + getattr(s, name))
    return out


def pct(value: float) -> str:
    return f"{value * 100:.1f} %"


def row(s: Score) -> str:
    year = "" if s.year is None else ("✓" if s.year else "✗")
    return (f"| {s.name} | {s.truth} | {s.found} | {pct(s.rate(s.matched, s.truth))} | {pct(s.rate(s.matched, s.found))} "
            f"| {pct(s.rate(s.verbatim, s.found))} | {pct(s.rate(s.exact, s.matched))} | {pct(s.rate(s.units, s.matched))} | {pct(s.rate(s.roles, s.matched))} "
            f"| {pct(s.rate(s.deadline, s.matched))} | {year} |")


def report(scores: list[Score]) -> str:
    all_ = total(scores)
    lines = [
        "# Import benchmark: the table interpreter on the import corpus",
        "",
        "Written by `benchmarks/import_benchmark.py` (rerun it after changing `generator/importers/`).",
        "Each of the twelve corpus documents (`tests/fixtures/import_corpus/`) is read with",
        "`read_document` and `interpret`; found tasks are matched to `truth.yaml` by text.",
        "",
        "**Read these numbers with care.** The interpreter was written while looking at these same twelve",
        "documents, and most are short excerpts (1 to 10 tasks; the search tool stores about 1,500",
        "characters of each page, see the corpus README). They show that every layout in the corpus is",
        "handled, not how well an unseen table will be: that needs held-out documents with truth files.",
        "",
        "- **recall**: truth tasks found; **precision**: found tasks that are truth tasks;",
        "- **verbatim**: found texts that occur exactly in the source; **text = truth**: matched texts equal to the truth's;",
        "- **units**: matched tasks whose unit names (as `normalize` splits them) equal the truth's;",
        "  **roles**: the same with lead/responsible/cooperating roles equal too;",
        "- **deadline**: matched tasks whose printed deadline equals the truth's (both none counts);",
        "- **year**: the plan year found equals the truth's (0 = not found counts as right when the truth is null).",
        "",
        "| document | truth | found | recall | precision | verbatim | text = truth | units | roles | deadline | year |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|:-:|",
        *[row(s) for s in scores],
        row(all_).replace("| 合计 |", "| **overall** |"),
        "",
        "Issue 11 targets: " + ", ".join(f"{k} ≥ {pct(v)}" for k, v in TARGETS.items()) + ".",
        "",
        "Caveat: the interpreter was developed while looking at these same twelve documents, so these",
        "numbers are a training-set score, not a measure on unseen tables; new real tables should be",
        "added to the corpus (with truth) before the numbers are trusted for other layouts.",
        "",
        "## What is still wrong",
        "",
    ]
    misses = [f"- {s.name}: {m}" for s in scores for m in ([s.error] if s.error else []) + s.misses]
    return "\n".join(lines + (misses or ["- nothing."])) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-write", action="store_true", help="print only, do not rewrite docs/import-benchmark.md")
    args = parser.parse_args()
    scores = [measure(folder) for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir())]
    text = report(scores)
    print(text)
    if not args.no_write:
        DOC.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
