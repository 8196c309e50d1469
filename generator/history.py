"""The public memory of the data: what changed in the plans and progress reports, and when.

The history is read from the repository itself at build time (git), never from the clock:
the same commit gives the same history. A build without git (from a tarball) or from a
shallow clone says so (`SiteHistory.available` is False with a plain reason) instead of
inventing dates.

This module holds the history's shape, which the pages (task history, 最近更新) and the feeds
(generator/feeds.py) read; `load_history` reads it from git.

How it is read (two git processes, whatever the number of commits and files):
1. one `git log --raw` over `<data>/plans/*.yaml` and `<data>/progress/*.yaml` lists every
   commit that touched them, with each file's blob before and after the commit (renames
   detected), so each commit is compared with its own parent;
2. one `git cat-file --batch` hands over every blob; each is parsed once with generator.yamlio
   (the loader that treats the files as untrusted).
Only committed files count: changes still in the working tree are not history.
"""
from __future__ import annotations

import datetime as dt
import difflib
import os
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Iterable, Iterator

from generator import yamlio
from generator.errors import BuildError, DataError, printable
from generator.model import ROLE_LABELS

if TYPE_CHECKING:
    from generator.model import Site

# What a Change can be, in the order a reader cares about.
CHANGE_KINDS = ("plan_added", "task_added", "task_changed", "task_removed", "report_added")

# Task fields whose changes are recorded, with the words the pages print for them.
FIELD_LABELS = {"text": "要求", "units": "负责单位", "deadline": "完成时限", "themes": "主题", "section": "所属部分"}

NO_HISTORY_GIVEN = "这次生成没有读取修改记录。"

CHINA = dt.timezone(dt.timedelta(hours=8))

# Why there is no history, in words for the pages (SiteHistory.reason).
NOT_IN_GIT = "网站数据不在 git 仓库里（例如用下载的压缩包生成），读不到修改记录，所以这里不列修改日期。"
NO_GIT = "生成网站的电脑上没有安装 git，读不到修改记录。"
NO_COMMITS = "网站数据还没有提交到 git 仓库，还没有修改记录。"
SHALLOW = ("生成网站时只取回了仓库最近的一部分提交（浅克隆），修改记录不完整，所以不显示。"
           "要显示修改记录，生成前先取回完整历史（git fetch --unshallow，发布流程里设 fetch-depth: 0）。")
GIT_FAILED = "读取 git 修改记录失败：{detail}"


@dataclass(frozen=True)
class Commit:
    sha: str  # full 40-hex commit id
    date: dt.datetime  # the commit's committer date, timezone-aware, in China time (UTC+8)
    subject: str  # the first line of the commit message, as written


@dataclass(frozen=True)
class FieldChange:
    field: str  # a key of FIELD_LABELS
    old: str  # the value as printed before ("" when it had none)
    new: str  # the value as printed after

    @property
    def label(self) -> str:
        return FIELD_LABELS[self.field]

    @property
    def pieces(self) -> tuple[tuple[str, str], ...]:
        """The difference, character by character: ("same" | "del" | "ins", text) in reading order."""
        return diff_pieces(self.old, self.new)


@dataclass(frozen=True)
class Change:
    """One change to one plan or task, made by one commit."""

    kind: str  # one of CHANGE_KINDS
    commit: Commit
    plan_key: str  # "lixia-2024" (model.Plan.key)
    district_slug: str
    year: int
    task_number: int | None = None  # None for plan_added
    task_text: str = ""  # the task's requirement text after the change (before it, for task_removed)
    fields: tuple[FieldChange, ...] = ()  # task_changed: each field that changed
    # report_added: the report as it was added
    report_date: dt.date | None = None
    report_status: str | None = None  # the status code written in the report
    report_text: str | None = None
    plan_tasks: tuple[int, ...] = ()  # plan_added: the numbers of the tasks the plan came with

    @property
    def task_key(self) -> str | None:
        """model.Task.key of the task changed, or None for a plan."""
        if self.task_number is None:
            return None
        return f"{self.district_slug}-{self.year}-{self.task_number}"

    @property
    def id(self) -> str:
        """Stable and unique within the site: the same commit and task always give the same id."""
        return f"{self.commit.sha}/{self.kind}/{self.task_key or self.plan_key}" + (
            f"/{self.report_date.isoformat()}" if self.report_date else "")


@dataclass(frozen=True)
class SkippedFile:
    """A data file that did not parse at one commit: that version is left out of the history
    (the next version that parses is compared with the last one that did)."""

    commit: Commit
    path: str  # relative to the repository root, as git names it
    problem: str  # what the loader said, in Chinese


@dataclass(frozen=True)
class SiteHistory:
    available: bool
    reason: str  # when not available (or incomplete): a plain Chinese sentence saying why
    changes: tuple[Change, ...] = field(default=())  # newest first; ties in commit order
    skipped: tuple[SkippedFile, ...] = field(default=())  # file versions that did not parse, oldest first

    @classmethod
    def unavailable(cls, reason: str) -> SiteHistory:
        return cls(False, reason)

    @cached_property
    def _by_task(self) -> dict[str, list[Change]]:
        """Task key -> its changes, oldest first."""
        index: dict[str, list[Change]] = {}
        for change in reversed(self.changes):
            if change.task_key is not None:
                index.setdefault(change.task_key, []).append(change)
        return index

    @cached_property
    def _by_plan(self) -> dict[str, list[Change]]:
        index: dict[str, list[Change]] = {}
        for change in self.changes:
            index.setdefault(change.plan_key, []).append(change)
        return index

    def for_task(self, task_key: str) -> list[Change]:
        """The task's changes, oldest first (its first publication first)."""
        return list(self._by_task.get(task_key, ()))

    def for_plan(self, plan_key: str) -> list[Change]:
        """The plan's changes (the plan's and its tasks'), newest first."""
        return list(self._by_plan.get(plan_key, ()))

    def first_published(self, task_key: str) -> Commit | None:
        """The commit that first put the task on the site (its plan's, if added with the plan)."""
        own = self._by_task.get(task_key)
        if own and own[0].kind == "task_added":  # added to a plan already on the site
            return own[0].commit
        plan_key, _, number = task_key.rpartition("-")
        for change in reversed(self._by_plan.get(plan_key, ())):  # oldest first
            if change.kind == "plan_added" and number.isdigit() and int(number) in change.plan_tasks:
                return change.commit
        return None  # not committed yet: no date to give

    def later_changes(self, task_key: str) -> list[Change]:
        """The task's changes after its first publication, oldest first."""
        changes = self.for_task(task_key)
        first = self.first_published(task_key)
        if changes and changes[0].kind == "task_added" and changes[0].commit == first:
            return changes[1:]
        return changes

    def recent(self, limit: int) -> list[Change]:
        return list(self.changes[:limit])


# ---- The readable difference ----------------------------------------------------------------

SHORT_SAME = 2  # an unchanged run this short between two changes reads better inside the change
ALL_NEW_RATIO = 0.3  # below this similarity the text was rewritten: old out, new in, as wholes


def diff_pieces(old: str, new: str) -> tuple[tuple[str, str], ...]:
    """("same" | "del" | "ins", text) pieces turning `old` into `new`, by characters (Chinese
    has no spaces to split words on). A deletion comes before the insertion that replaces it."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    if matcher.ratio() < ALL_NEW_RATIO:
        return tuple(p for p in (("del", old), ("ins", new)) if p[1])
    raw: list[tuple[str, str, str]] = []  # (tag, old part, new part)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        raw.append((tag if tag == "equal" else "change", old[i1:i2], new[j1:j2]))
    return tuple(_pieces(_absorb_short_runs(raw)))


def _absorb_short_runs(raw: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Fold an unchanged run of one or two characters between two changes into them, and merge
    neighbouring changes: one 〔删去：…〕〔新增：…〕 pair reads better than brackets around
    every other character."""
    out: list[tuple[str, str, str]] = []
    for index, (tag, old, new) in enumerate(raw):
        between = 0 < index < len(raw) - 1 and raw[index - 1][0] == "change" and raw[index + 1][0] == "change"
        if tag == "equal" and between and len(old) <= SHORT_SAME:
            tag = "change"
        if tag == "change" and out and out[-1][0] == "change":
            _, old_before, new_before = out.pop()
            old, new = old_before + old, new_before + new
        out.append((tag, old, new))
    return out


def _pieces(runs: Iterable[tuple[str, str, str]]) -> Iterable[tuple[str, str]]:
    for tag, old, new in runs:
        if tag == "equal":
            yield "same", old
            continue
        if old:
            yield "del", old
        if new:
            yield "ins", new


# ---- One version of one file ---------------------------------------------------------------

@dataclass(frozen=True)
class TaskVersion:
    number: int
    text: str
    units: str  # the units as printed (牵头单位 / 责任单位 cells)
    unit_names: str  # the units as resolved in the registry, with their roles
    deadline: str  # as printed ("" when the source gives none)
    themes: str  # the explicit theme override, by name ("" when the keyword rules apply)
    section: str  # the section's title


@dataclass(frozen=True)
class PlanVersion:
    key: str
    slug: str
    year: int
    tasks: dict[int, TaskVersion]


@dataclass(frozen=True)
class ReportVersion:
    task: int
    date: dt.date
    status: str
    text: str


@dataclass(frozen=True)
class ProgressVersion:
    key: str  # the plan it reports on
    reports: dict[tuple[int, dt.date], ReportVersion]  # (task, report date) -> the first such report


class _Shape(Exception):
    """The file parses as YAML but is not shaped like a plan or a progress file."""


def _require(condition: bool, what: str) -> None:
    if not condition:
        raise _Shape(what)


class Reader:
    """Turns parsed YAML into versions, naming units and themes as the current registry does."""

    def __init__(self, site: Site):
        self.unit_names = {slug: {name: unit.name for unit in units for name in unit.all_names}
                           for slug, units in site.units.items()}
        self.theme_names = {theme.id: theme.name for theme in site.themes}
        self.seen: dict[TaskVersion, TaskVersion] = {}  # one object per distinct task version, across commits

    def plan(self, data: Any) -> PlanVersion:
        _require(isinstance(data, dict), "文件不是一个计划")
        slug, year = data["district"]["slug"], data["year"]
        _require(isinstance(slug, str) and isinstance(year, int) and not isinstance(year, bool), "区代码或年份不对")
        sections = {str(s["id"]): str(s["title"]) for s in data.get("sections") or []}
        tasks: dict[int, TaskVersion] = {}
        for item in data["tasks"]:
            task = self._task(item, slug, sections)
            task = self.seen.setdefault(task, task)
            _require(task.number not in tasks, f"第{task.number}项写了两次")
            tasks[task.number] = task
        return PlanVersion(f"{slug}-{year}", slug, year, tasks)

    def _task(self, item: dict, slug: str, sections: dict[str, str]) -> TaskVersion:
        number = item["number"]
        _require(isinstance(number, int) and not isinstance(number, bool), "序号不是整数")
        lead, cell = item.get("lead_units_text"), item.get("units_text")
        printed = f"牵头单位：{lead}；责任单位：{cell or ''}" if lead else (cell or "")
        names = self.unit_names.get(slug, {})
        resolved = "、".join(f"{names.get(u['name'], u['name'])}（{ROLE_LABELS.get(u['role'], u['role'])}）"
                            for u in item.get("units") or [])
        themes = "、".join(self.theme_names.get(t, str(t)) for t in item.get("themes") or [])
        section = str(item.get("section", ""))
        return TaskVersion(number, _text(item["text"]), _text(printed), resolved, _text(item.get("deadline_text")),
                           themes, _text(sections.get(section, section)))

    def progress(self, data: Any) -> ProgressVersion:
        _require(isinstance(data, dict) and isinstance(data.get("plan"), str), "文件不是一份进展报告")
        reports: dict[tuple[int, dt.date], ReportVersion] = {}
        for item in data["reports"] or []:
            task, day = item["task"], dt.date.fromisoformat(str(item["date"]))
            _require(isinstance(task, int) and not isinstance(task, bool), "任务序号不是整数")
            reports.setdefault((task, day), ReportVersion(task, day, str(item["status"]), _text(item.get("text"))))
        return ProgressVersion(data["plan"], reports)


def _text(value: Any) -> str:
    return "" if value is None else str(value)


# ---- Comparing versions ------------------------------------------------------------------------

def task_fields(before: TaskVersion, after: TaskVersion) -> tuple[FieldChange, ...]:
    """What changed in one task, in FIELD_LABELS order."""
    changed: list[FieldChange] = []
    for name in FIELD_LABELS:
        old, new = getattr(before, name), getattr(after, name)
        if name == "units" and old == new:  # same printed cell, parsed or resolved differently
            old, new = before.unit_names, after.unit_names
        if old != new:
            changed.append(FieldChange(name, old, new))
    return tuple(changed)


def plan_changes(commit: Commit, before: PlanVersion | None, after: PlanVersion) -> list[Change]:
    """The changes turning `before` into `after` (None: the plan is new: one plan_added)."""
    base = {"commit": commit, "plan_key": after.key, "district_slug": after.slug, "year": after.year}
    if before is None:
        return [Change("plan_added", plan_tasks=tuple(sorted(after.tasks)), **base)]
    changes: list[Change] = []
    for number in sorted(before.tasks.keys() | after.tasks.keys()):
        old, new = before.tasks.get(number), after.tasks.get(number)
        if old is None and new is not None:
            changes.append(Change("task_added", task_number=number, task_text=new.text, **base))
        elif new is None and old is not None:
            changes.append(Change("task_removed", task_number=number, task_text=old.text, **base))
        elif old is not None and new is not None and (fields := task_fields(old, new)):
            changes.append(Change("task_changed", task_number=number, task_text=new.text, fields=fields, **base))
    return changes


def report_changes(commit: Commit, before: ProgressVersion | None, after: ProgressVersion,
                   plan: PlanVersion | None) -> list[Change]:
    """One report_added for each (task, date) the new version has and the old one had not."""
    if plan is None:  # reports on a plan the history does not know
        return []
    base = {"commit": commit, "plan_key": plan.key, "district_slug": plan.slug, "year": plan.year}
    known = before.reports if before else {}
    changes = []
    for key, report in sorted(after.reports.items()):
        if key not in known:
            task = plan.tasks.get(report.task)
            changes.append(Change("report_added", task_number=report.task, task_text=task.text if task else "",
                                  report_date=report.date, report_status=report.status, report_text=report.text,
                                  **base))
    return changes


# ---- Reading git ---------------------------------------------------------------------------------

RECORD = b"\x00\x1e"  # starts each commit in the log (a commit message cannot hold a NUL)
LOG_FORMAT = "%x00%x1e%H%x1f%ct%x1f%s"


class GitError(Exception):
    """git is missing or refused: the message says why, in words for the page."""


@dataclass(frozen=True)
class FileChange:
    status: str  # A, M, D, R (rename), C (copy), T (type change)
    old_path: str | None
    new_path: str | None
    old_blob: str | None
    new_blob: str | None


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    # No colours, no signatures, no pager, whatever the user's configuration says.
    command = ["git", "-c", "log.showSignature=false", "-c", "color.ui=false", "--no-pager", *args]
    try:
        result = subprocess.run(command, cwd=cwd, input=stdin, capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError(NO_GIT) from None
    except OSError as exc:
        raise GitError(GIT_FAILED.format(detail=exc.strerror or exc)) from None
    if result.returncode != 0:
        raise GitError(_git_reason(result.stderr.decode("utf-8", "replace")))
    return result.stdout


def _line(cwd: Path, option: str) -> str:
    """What `git rev-parse <option>` prints (a path may hold any bytes: kept as they are)."""
    return _git(cwd, "rev-parse", option).decode("utf-8", "surrogateescape").strip()


def _has_commits(top: Path) -> bool:
    """False in a repository where nothing has been committed yet."""
    try:
        _git(top, "rev-parse", "--verify", "--quiet", "HEAD^{commit}")
    except GitError:
        return False
    return True


def _git_reason(stderr: str) -> str:
    if "not a git repository" in stderr:
        return NOT_IN_GIT
    detail = printable(next((line for line in stderr.splitlines() if line.strip()), "git 没有说明原因"))
    return GIT_FAILED.format(detail=detail)


def _log(top: Path, prefix: str) -> list[tuple[Commit, list[FileChange]]]:
    """Every commit touching the plans or progress files, oldest first (parents before children)."""
    specs = [f":(glob){prefix}plans/*.yaml", f":(glob){prefix}progress/*.yaml"]
    out = _git(top, "log", "--topo-order", "--reverse", "--raw", "--no-abbrev", "-M", "-z",
               f"--format={LOG_FORMAT}", "HEAD", "--", *specs)
    commits = []
    for record in out.split(RECORD)[1:]:
        header, _, rest = record.partition(b"\x00")
        sha, seconds, subject = header.decode("utf-8", "replace").split("\x1f", 2)
        date = dt.datetime.fromtimestamp(int(seconds), CHINA)
        commits.append((Commit(sha, date, printable(subject)), _raw_entries(rest)))
    return commits


def _raw_entries(rest: bytes) -> list[FileChange]:
    """`git log --raw -z` lines: ":old-mode new-mode old-blob new-blob STATUS\\0path\\0[path\\0]"."""
    tokens = rest.lstrip(b"\n").split(b"\x00")
    entries: list[FileChange] = []
    i = 0
    while i < len(tokens):
        meta = tokens[i].decode("ascii", "replace").lstrip("\n")
        if not meta.startswith(":"):
            i += 1
            continue
        _, _, old_blob, new_blob, status = meta[1:].split(" ", 4)
        paths = [tokens[j].decode("utf-8", "surrogateescape") for j in range(i + 1, min(i + 3, len(tokens)))]
        letter = status[:1]
        two = letter in ("R", "C")
        old_path, new_path = (paths[0], paths[1]) if two else (paths[0], paths[0])
        entries.append(FileChange(letter, None if letter == "A" else old_path, None if letter == "D" else new_path,
                                  None if set(old_blob) == {"0"} else old_blob,
                                  None if set(new_blob) == {"0"} else new_blob))
        i += 3 if two else 2
    return entries


def _stream_blobs(top: Path, shas: list[str]) -> Iterator[tuple[str, bytes | None]]:
    """Each blob's bytes, one at a time, from one `git cat-file --batch` (None when the clone
    lacks it): only one file version is held in memory at a time."""
    if not shas:
        return
    try:
        # A partial clone would fetch missing blobs from its remote: a build asks no other host.
        process = subprocess.Popen(["git", "cat-file", "--batch"], cwd=top, stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   env={**os.environ, "GIT_NO_LAZY_FETCH": "1"})
    except FileNotFoundError:
        raise GitError(NO_GIT) from None
    assert process.stdin is not None and process.stdout is not None
    request = "".join(f"{sha}\n" for sha in shas).encode()
    writer = threading.Thread(target=_feed, args=(process.stdin, request), daemon=True)
    writer.start()  # a thread, so that a long request never blocks on a full output pipe
    try:
        for sha in shas:
            header = process.stdout.readline().decode("ascii", "replace").split()
            if len(header) < 3 or header[1] != "blob":  # "<sha> missing"
                yield sha, None
                continue
            content = process.stdout.read(int(header[2]))
            process.stdout.read(1)  # the newline after each blob
            yield sha, content
    finally:
        process.stdout.close()
        writer.join()
        process.wait()


def _feed(pipe: IO[bytes], data: bytes) -> None:
    try:
        pipe.write(data)
        pipe.close()
    except (BrokenPipeError, ValueError):  # git stopped early: the reader reports it
        pass


def _parse_versions(top: Path, wanted: dict[str, set[str]], reader: Reader
                    ) -> dict[tuple[str, str], PlanVersion | ProgressVersion | str]:
    """(blob, "plans" | "progress") -> its version, or why it cannot be read. Each blob is
    parsed once, with yamlio, as the build parses the working files."""
    versions: dict[tuple[str, str], PlanVersion | ProgressVersion | str] = {}
    with tempfile.TemporaryDirectory(prefix="zw-history-") as folder:
        path = Path(folder) / "version.yaml"
        for sha, content in _stream_blobs(top, sorted(wanted)):
            for kind in sorted(wanted[sha]):
                versions[(sha, kind)] = _parse(path, content, kind, reader)
    return versions


def _parse(path: Path, content: bytes | None, kind: str, reader: Reader) -> PlanVersion | ProgressVersion | str:
    if content is None:
        return "仓库里缺少这个版本的文件内容"
    path.write_bytes(content)
    try:
        data, _ = yamlio.load(path)
        return reader.plan(data) if kind == "plans" else reader.progress(data)
    except DataError as exc:
        return exc.problems[0].message if exc.problems else "无法读取"
    except _Shape as exc:
        return f"文件内容不完整：{exc}"
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return f"文件内容不完整：缺少或写错了 {printable(str(exc))}"


def _wanted_blobs(log: list[tuple[Commit, list[FileChange]]], prefix: str) -> dict[str, set[str]]:
    """Blob -> the kinds of file it is read as."""
    wanted: dict[str, set[str]] = {}
    for _, entries in log:
        for entry in entries:
            for blob, path in ((entry.old_blob, entry.old_path), (entry.new_blob, entry.new_path)):
                kind = _kind_of(path, prefix)
                if blob and kind:
                    wanted.setdefault(blob, set()).add(kind)
    return wanted


def _kind_of(path: str | None, prefix: str) -> str | None:
    """"plans" or "progress" for a data file the history follows, None for any other path."""
    if path is None or not path.startswith(prefix) or not path.endswith(".yaml"):
        return None
    folder, _, name = path[len(prefix):].partition("/")
    return folder if folder in ("plans", "progress") and name and "/" not in name else None


class _Walk:
    """Goes through the commits oldest first, comparing each file with its parent's version."""

    def __init__(self, versions: dict[tuple[str, str], PlanVersion | ProgressVersion | str], prefix: str,
                 keep: set[str]):
        self.versions, self.prefix, self.keep = versions, prefix, keep
        self.last_good: dict[str, PlanVersion | ProgressVersion] = {}  # path -> last version that parsed
        self.plans: dict[str, PlanVersion] = {}  # plan key -> its latest version
        self.progress: dict[str, ProgressVersion] = {}
        self.changes: list[tuple[int, list[Change]]] = []  # (commit's position, its changes)
        self.skipped: list[SkippedFile] = []

    def commit(self, position: int, commit: Commit, entries: list[FileChange]) -> None:
        before: dict[str, dict[str, Any]] = {"plans": {}, "progress": {}}
        after: dict[str, dict[str, Any]] = {"plans": {}, "progress": {}}
        for entry in entries:
            old = self._old(entry)
            new = self._new(commit, entry, old)
            if old is not None:
                before[self._kind(old)][old.key] = old
            if new is not None:
                after[self._kind(new)][new.key] = new
        found: list[Change] = []
        for key, plan in sorted(after["plans"].items()):
            previous = before["plans"].get(key) or self.plans.get(key)
            found += plan_changes(commit, previous, plan)
            self.plans[key] = plan
        for key, progress in sorted(after["progress"].items()):
            previous = before["progress"].get(key) or self.progress.get(key)
            found += report_changes(commit, previous, progress, self.plans.get(key))
            self.progress[key] = progress
        kept = [c for c in found if c.plan_key in self.keep]
        if kept:
            self.changes.append((position, sorted(kept, key=_order_in_commit)))

    @staticmethod
    def _kind(version: PlanVersion | ProgressVersion) -> str:
        return "plans" if isinstance(version, PlanVersion) else "progress"

    def _old(self, entry: FileChange) -> PlanVersion | ProgressVersion | None:
        kind = _kind_of(entry.old_path, self.prefix)
        if kind is None or entry.old_path is None:
            return None
        version = self.versions.get((entry.old_blob, kind)) if entry.old_blob else None
        if isinstance(version, (PlanVersion, ProgressVersion)):
            return version
        return self.last_good.get(entry.old_path)  # the parent's version did not parse: its last good one

    def _new(self, commit: Commit, entry: FileChange, old: PlanVersion | ProgressVersion | None
             ) -> PlanVersion | ProgressVersion | None:
        if entry.old_path and entry.old_path != entry.new_path and entry.status != "C":
            self.last_good.pop(entry.old_path, None)
        kind = _kind_of(entry.new_path, self.prefix)
        if kind is None or entry.new_path is None or entry.new_blob is None:
            return None
        version = self.versions.get((entry.new_blob, kind), "仓库里缺少这个版本的文件内容")
        if isinstance(version, str):
            self.skipped.append(SkippedFile(commit, entry.new_path, version))
            if old is not None:  # a rename keeps the last good version under the new name
                self.last_good[entry.new_path] = old
            return None
        self.last_good[entry.new_path] = version
        return version


def _order_in_commit(change: Change) -> tuple:
    return (change.plan_key, change.kind != "plan_added", change.task_number or 0,
            CHANGE_KINDS.index(change.kind), change.report_date or dt.date.min)


def load_history(data_dir: Path, site: Site) -> SiteHistory:
    """Read the history of `data_dir`'s plans and progress reports from git.

    Only plans on the site are kept (a plan's history is shown on its pages). Unavailable, with
    the reason, outside a git work tree, without git, or in a shallow clone. Anything else that
    goes wrong is a BuildError with a Chinese message (a site must not lose its history quietly).
    """
    try:
        return _load(Path(data_dir).resolve(), site)
    except OSError as exc:
        raise BuildError(f"读取修改记录失败：{exc.strerror or exc}（{data_dir}）。请检查磁盘空间和临时文件夹后重试。") from exc


def _load(data_dir: Path, site: Site) -> SiteHistory:
    try:
        if not data_dir.is_dir():
            return SiteHistory.unavailable(NOT_IN_GIT)
        if _line(data_dir, "--is-inside-work-tree") != "true":
            return SiteHistory.unavailable(NOT_IN_GIT)
        if _line(data_dir, "--is-shallow-repository") == "true":
            return SiteHistory.unavailable(SHALLOW)
        top = Path(_line(data_dir, "--show-toplevel"))
        prefix = _line(data_dir, "--show-prefix")
        if not _has_commits(top):
            return SiteHistory.unavailable(NO_COMMITS)
        log = _log(top, prefix)
        versions = _parse_versions(top, _wanted_blobs(log, prefix), Reader(site))
    except GitError as exc:
        return SiteHistory.unavailable(str(exc))
    walk = _Walk(versions, prefix, {plan.key for plan in site.plans})
    for position, (commit, entries) in enumerate(log):
        walk.commit(position, commit, entries)
    # Newest first by date; commits of the same second keep git's order (the later one first).
    ordered = sorted(walk.changes, key=lambda item: (item[1][0].commit.date, item[0]), reverse=True)
    changes = tuple(change for _, commit_changes in ordered for change in commit_changes)
    return SiteHistory(True, "", changes, tuple(walk.skipped))


__all__ = ["CHANGE_KINDS", "FIELD_LABELS", "Change", "Commit", "FieldChange", "SiteHistory", "SkippedFile",
           "diff_pieces", "load_history"]
