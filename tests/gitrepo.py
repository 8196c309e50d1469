"""A git repository of site data for tests: a copy of site_data/ and commits made with given
dates, messages and edits, as district staff would make them.

    repo = DataRepo.create(tmp_path, "收录五份任务表", "2024-03-01 09:00")
    sha = repo.commit("第3项要求的文字按原文更正", "2024-04-02 10:30",
                      reword("changqing-2022", 3, "新的要求"))
    repo.commit("第5项时限延至11月底", "2024-05-06",
                move_deadline("changqing-2022", 5, "2022年11月底前", "2022-11-30"))
    repo.commit("增加第67项", "2024-06-01", add_task("changqing-2022", 67, "5.3", "……", [("区民政局", "lead")]))
    repo.commit("区民政局报送第23项进展", "2024-07-01",
                add_report("changqing-2022", 23, "2022-06-30", "推进中", "【测试】……", "区民政局"))

Edits change the YAML text in place (the lines staff would touch), not by re-dumping the file.
Dates without a time zone are China time (UTC+8); both the author and the committer date are
set, so the commit's date is exactly the one given. Git runs without the user's or the
system's configuration (no hooks, no signing), so the commits are the same on every machine.

Used by tests/test_history.py and the feed tests.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "site_data"
CHINA = dt.timezone(dt.timedelta(hours=8))

Edit = Callable[[Path], None]  # changes files under the data folder it is given

_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "政务公开办",
    "GIT_AUTHOR_EMAIL": "zwgk@example.gov.cn",
    "GIT_COMMITTER_NAME": "政务公开办",
    "GIT_COMMITTER_EMAIL": "zwgk@example.gov.cn",
    "GIT_TERMINAL_PROMPT": "0",
}


def when(value: str | dt.datetime | dt.date) -> dt.datetime:
    """"2024-03-01", "2024-03-01 09:00" or a date/datetime -> an aware datetime (China time if naive)."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day, 12, 0)
    return value if value.tzinfo else value.replace(tzinfo=CHINA)


def git(cwd: Path, *args: str, date: dt.datetime | None = None) -> str:
    env = {**os.environ, **_ENV}
    if date is not None:
        stamp = date.isoformat()
        env.update(GIT_AUTHOR_DATE=stamp, GIT_COMMITTER_DATE=stamp)
    result = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError(f"git {' '.join(args)} failed: {result.stderr}")
    return result.stdout.strip()


@dataclass(frozen=True)
class DataRepo:
    root: Path  # the repository's work tree

    @property
    def data(self) -> Path:
        """The data folder (what build_site and load_history take)."""
        return self.root / "site_data"

    @classmethod
    def create(cls, parent: Path, message: str = "收录五份任务表", date: str | dt.datetime = "2024-03-01 09:00",
               source: Path = DATA) -> DataRepo:
        """A new repository in parent/repo whose first commit adds a copy of `source` (without
        the importers' reports)."""
        root = parent / "repo"
        root.mkdir(parents=True)
        shutil.copytree(source, root / "site_data", ignore=shutil.ignore_patterns("reports"))
        git(root, "init", "-q", "-b", "main")
        repo = cls(root)
        repo.commit(message, date)
        return repo

    def commit(self, message: str, date: str | dt.datetime, *edits: Edit) -> str:
        """Apply `edits` to the data folder, commit everything with `message` at `date`; the new sha."""
        for edit in edits:
            edit(self.data)
        git(self.root, "add", "-A")
        git(self.root, "commit", "-q", "--no-verify", "--allow-empty", "-m", message, date=when(date))
        return self.head()

    def head(self) -> str:
        return git(self.root, "rev-parse", "HEAD")

    def shallow_clone(self, dest: Path, depth: int = 1) -> DataRepo:
        """A clone holding only the last `depth` commits, as CI's default checkout makes."""
        git(dest.parent, "clone", "-q", "--depth", str(depth), self.root.as_uri(), str(dest))
        return DataRepo(dest)

    def clone(self, dest: Path) -> DataRepo:
        git(dest.parent, "clone", "-q", str(self.root), str(dest))
        return DataRepo(dest)


# ---- Edits -----------------------------------------------------------------------------------

def plan_file(data: Path, plan: str) -> Path:
    return data / "plans" / f"{plan}.yaml"


def _scalar(text: str) -> str:
    """`text` as a YAML scalar: plain when that reads back the same, else double-quoted."""
    plain = not re.search(r"[:#\[\]{}&*!|>'\"%@`,]", text) and text == text.strip() and not text[:1] in "-?"
    return text if plain and text else json.dumps(text, ensure_ascii=False)


def _task_block(text: str, number: int) -> tuple[int, int]:
    """Start and end offsets of task `number`'s block in a plan file."""
    match = re.search(rf"^- number: {number}\n", text, flags=re.M)
    assert match, f"task {number} not found"
    following = re.compile(r"^- number: \d+\n", flags=re.M).search(text, match.end())
    return match.start(), following.start() if following else len(text)


def _edit_task(plan: str, number: int, change: Callable[[str], str]) -> Edit:
    def edit(data: Path) -> None:
        path = plan_file(data, plan)
        text = path.read_text(encoding="utf-8")
        start, end = _task_block(text, number)
        block = change(text[start:end])
        path.write_text(text[:start] + block + text[end:], encoding="utf-8")
    return edit


def _replace_line(block: str, key: str, value: str) -> str:
    new, count = re.subn(rf"^  {key}: .*$", lambda _: f"  {key}: {_scalar(value)}", block, count=1, flags=re.M)
    assert count == 1, f"no {key} line in {block[:80]}"
    return new


def reword(plan: str, number: int, text: str) -> Edit:
    """Replace task `number`'s requirement text."""
    return _edit_task(plan, number, lambda block: _replace_line(block, "text", text))


def edit_text(plan: str, number: int, old: str, new: str) -> Edit:
    """Replace `old` with `new` inside task `number`'s requirement text (a reworded phrase)."""
    def change(block: str) -> str:
        match = re.search(r"^  text: (.*)$", block, flags=re.M)
        assert match, block
        current = yaml.safe_load(match.group(1))  # the line as YAML reads it (plain or quoted)
        assert old in current, f"{old!r} is not in task {number}'s text"
        return _replace_line(block, "text", current.replace(old, new, 1))
    return _edit_task(plan, number, change)


def move_deadline(plan: str, number: int, deadline_text: str, due: str) -> Edit:
    """Give task `number` a new printed deadline due on `due` (YYYY-MM-DD)."""
    def change(block: str) -> str:
        block = re.sub(r"^  deadline_text: .*\n", "", block, flags=re.M)
        new = f"  deadline_text: {_scalar(deadline_text)}\n  deadline:\n    kind: due\n    due: '{due}'\n"
        block, count = re.subn(r"^  deadline:\n(?:    .*\n)*", new, block, count=1, flags=re.M)
        assert count == 1, block
        return block
    return _edit_task(plan, number, change)


def set_units(plan: str, number: int, units_text: str, units: Iterable[tuple[str, str]]) -> Edit:
    """Replace task `number`'s printed units cell and parsed units ((name, role) pairs)."""
    def change(block: str) -> str:
        block = _replace_line(block, "units_text", units_text)
        listed = "".join(f"  - name: {_scalar(name)}\n    role: {role}\n" for name, role in units)
        block, count = re.subn(r"^  units:\n(?:  - .*\n|    .*\n)*", f"  units:\n{listed}", block, count=1, flags=re.M)
        assert count == 1, block
        return block
    return _edit_task(plan, number, change)


def set_themes(plan: str, number: int, theme_ids: Iterable[str]) -> Edit:
    """Give task `number` an explicit theme list (replacing the keyword rules for it)."""
    def change(block: str) -> str:
        block = re.sub(r"^  themes:\n(?:  - .*\n)*", "", block, flags=re.M)
        listed = "".join(f"  - {theme}\n" for theme in theme_ids)
        return block.rstrip("\n") + f"\n  themes:\n{listed}"
    return _edit_task(plan, number, change)


def add_task(plan: str, number: int, section: str, text: str, units: Iterable[tuple[str, str]],
             deadline_text: str = "全年", deadline: str = "kind: year_round") -> Edit:
    """Append a task at the end of the plan's task list. `units`: (name as printed, role) pairs;
    `deadline`: the normalized deadline's YAML lines under `deadline:` ("kind: due\\ndue: '…'")."""
    units = list(units)

    def edit(data: Path) -> None:
        path = plan_file(data, plan)
        text_now = path.read_text(encoding="utf-8").rstrip("\n") + "\n"
        units_text = "、".join(name for name, _ in units)
        listed = "".join(f"  - name: {_scalar(name)}\n    role: {role}\n" for name, role in units)
        normalized = "".join(f"    {line}\n" for line in deadline.splitlines())
        path.write_text(text_now + f"- number: {number}\n  section: '{section}'\n  text: {_scalar(text)}\n"
                        f"  units_text: {_scalar(units_text)}\n  units:\n{listed}"
                        f"  deadline_text: {_scalar(deadline_text)}\n  deadline:\n{normalized}", encoding="utf-8")
    return edit


def remove_task(plan: str, number: int) -> Edit:
    return _edit_task(plan, number, lambda block: "")


def add_report(plan: str, task: int, date: str, status: str, text: str, unit: str | None = None,
               reason: str | None = None) -> Edit:
    """Append one progress report to site_data/progress/<plan>.yaml (created when missing), in the
    format of examples/progress (a real-report file: no `example: true`)."""
    def edit(data: Path) -> None:
        path = data / "progress" / f"{plan}.yaml"
        if not path.exists():
            path.parent.mkdir(exist_ok=True)
            path.write_text(f"# yaml-language-server: $schema=../schema/progress.schema.json\nplan: {plan}\n"
                            "reports:\n", encoding="utf-8")
        lines = [f"  - task: {task}", f"    date: {date}", f"    status: {status}", f"    text: {_scalar(text)}"]
        if unit is not None:
            lines.append(f"    unit: {_scalar(unit)}")
        if reason is not None:
            lines.append(f"    reason: {_scalar(reason)}")
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
    return edit


def write_file(relative: str, content: str) -> Edit:
    """Write any file under the data folder (e.g. a plan that does not parse)."""
    def edit(data: Path) -> None:
        (data / relative).write_text(content, encoding="utf-8")
    return edit


def rename(old: str, new: str) -> Edit:
    """Move a file within the data folder (git sees a rename)."""
    def edit(data: Path) -> None:
        (data / old).rename(data / new)
    return edit


# ---- A ready-made history ------------------------------------------------------------------

@dataclass(frozen=True)
class Story:
    """The repository of `story_repo` and the commit of each step."""

    repo: DataRepo
    shas: dict[str, str]  # step name -> commit sha


# (step name, message, date (China time), edits): the history the tests read back.
STORY_STEPS: tuple[tuple[str, str, str, tuple[Edit, ...]], ...] = (
    ("reword", "第3项要求按原文更正：依托区政府网站和政务新媒体", "2024-04-02 10:30",
     (edit_text("changqing-2022", 3, "依托政府网站", "依托区政府网站和政务新媒体"),)),
    # 01:30 in China is the day before in UTC: the page must say 5月6日.
    ("deadline", "第12项完成时限提前到2022年9月底", "2024-05-06 01:30",
     (move_deadline("changqing-2022", 12, "2022年9月底前", "2022-09-30"),)),
    ("units", "第7项责任单位按原文更正，归入乡村振兴主题", "2024-05-20 16:00",
     (set_units("changqing-2022", 7, "各街镇和区农业农村局", [("各街镇", "responsible"), ("区农业农村局", "responsible")]),
      set_themes("changqing-2022", 7, ["rural"]))),
    ("added", "增加第67项任务", "2024-06-01 09:00",
     (add_task("changqing-2022", 67, "5.3", "每季度在区政府网站公开本要点的落实进度。", [("区政府办公室", "lead")],
               "2022年年底前", "kind: due\ndue: '2022-12-31'"),)),
    ("report", "区民政局报送第23项进展", "2024-07-01 15:00",
     (add_report("changqing-2022", 23, "2024-06-28", "推进中", "【测试】养老服务补贴政策汇编已公开第一批。", "区民政局"),)),
    ("removed", "删去重复录入的第50项", "2024-07-15 11:00", (remove_task("haojiang-2022", 50),)),
)
FIRST_MESSAGE, FIRST_DATE = "收录五份任务表", "2024-03-01 09:00"


def story_repo(parent: Path) -> Story:
    """A repository whose first commit adds the five real plans, then one commit per STORY_STEPS
    step: a task's text reworded, a deadline moved, units and themes changed, a task added, a
    progress report added, a task removed. Every step passes validation."""
    repo = DataRepo.create(parent, FIRST_MESSAGE, FIRST_DATE)
    shas = {"first": repo.head()}
    for name, message, date, edits in STORY_STEPS:
        shas[name] = repo.commit(message, date, *edits)
    return Story(repo, shas)
