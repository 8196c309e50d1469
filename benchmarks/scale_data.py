"""Synthetic data folders for the scale benchmark (issue 14, point 1): the five seed plans copied
N times as distinct districts, and one plan with 2,000 tasks.

    from benchmarks.scale_data import make_scaled_data, make_big_plan
    make_scaled_data(ROOT / "site_data", tmp / "n100", 100)   # 500 districts, 27,300 tasks
    make_big_plan(ROOT / "site_data", tmp / "big")            # one plan, 2,000 tasks

Copy 1 is the real data, byte for byte. Every other copy of a seed district becomes a made-up
district with its own name, slug, unit registry, plan file and source file, placed in one of
ten made-up provinces (three made-up cities each), several copies to a city, so that pages
grouped by province and city see groups of a realistic size. The copies change only names:
the district's, its city's and its province's, wherever they are written (title, task text,
unit names, the source), so a copy's pages are the size of its seed's pages.

Everything made here is marked as test data: a README.txt in the folder and "（测试数据）" at
the end of every made-up plan's title. Nothing is ever written under the source folder.
With git=True the folder becomes a git repository with one commit of fixed author and date,
so that the build's history stage runs as it does in production and two runs are identical.
"""
from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import yaml

MARK = "（测试数据）"  # ends the title of every made-up plan
TEXT_SUFFIXES = (".txt", ".md", ".html", ".csv")  # sources whose place names are rewritten too
MAX_SECTIONS = 500  # plan.schema.json: sections maxItems
SHARED = ("schema", "themes.yaml", "synonyms.yaml", "reports")  # copied once, unchanged
_NAME_SUFFIXES = ("区", "县", "市", "旗")  # the generic end of a district's name: 长清区 -> 长清

# Ten made-up provinces with three made-up cities each. Copy k (k >= 1) goes to province
# (k - 1) % 10 and city ((k - 1) // 10) % 3 there: with 100 copies, about 17 districts a city.
PROVINCES: tuple[tuple[str, tuple[str, str, str]], ...] = (
    ("东原省", ("望川市", "石泉市", "凤台市")),
    ("西岭省", ("云川市", "柳岸市", "青石市")),
    ("南泽省", ("桐江市", "白沙市", "梅岭市")),
    ("北川省", ("松原市", "冬青市", "雁门市")),
    ("中原省", ("禾丰市", "清溪市", "兰亭市")),
    ("江海省", ("潮安市", "海宁湾市", "珠屿市")),
    ("山川省", ("岳阳岭市", "峰城市", "谷口市")),
    ("湖滨省", ("荷塘市", "鹭洲市", "洞庭湾市")),
    ("云岭省", ("玉溪谷市", "茶山市", "彩云市")),
    ("河谷省", ("渡口市", "柳林市", "河湾市")),
)

# Made-up district names: two of these characters (安宝区, 泰和区 …); the slug is their pinyin.
SYLLABLES: tuple[tuple[str, str], ...] = (
    ("安", "an"), ("宝", "bao"), ("昌", "chang"), ("德", "de"), ("丰", "feng"), ("广", "guang"),
    ("禾", "he"), ("嘉", "jia"), ("康", "kang"), ("临", "lin"), ("茂", "mao"), ("宁", "ning"),
    ("平", "ping"), ("庆", "qing"), ("瑞", "rui"), ("顺", "shun"), ("泰", "tai"), ("文", "wen"),
    ("兴", "xing"), ("永", "yong"), ("泽", "ze"), ("祥", "xiang"), ("元", "yuan"), ("舟", "zhou"),
)

README = """本文件夹是合成的测试数据（性能测试用），不是任何地区的真实计划。
由 benchmarks/scale_data.py 从 {src} 生成：{what}。
除第 1 份（真实数据，原样复制）外，其余地区、市、省的名称都是编造的，标题以“{mark}”结尾。
不要把这里的文件复制进 site_data/。

Synthetic test data for the scale benchmark (issue 14), made by benchmarks/scale_data.py.
Apart from the real seed data (copied unchanged), every district, city and province is made up.
"""

# Git with no user or system configuration (no hooks, no signing) and one fixed author and
# date, so the commit, and the history pages built from it, are the same on every machine.
GIT_DATE = "2024-01-02T09:00:00+08:00"
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_AUTHOR_NAME": "性能测试",
    "GIT_AUTHOR_EMAIL": "benchmark@example.gov.cn",
    "GIT_COMMITTER_NAME": "性能测试",
    "GIT_COMMITTER_EMAIL": "benchmark@example.gov.cn",
    "GIT_AUTHOR_DATE": GIT_DATE,
    "GIT_COMMITTER_DATE": GIT_DATE,
    "GIT_TERMINAL_PROMPT": "0",
}
COMMIT_MESSAGE = "收录合成的测试数据（性能测试）"


@dataclass(frozen=True)
class Seed:
    """One district of the source folder: its plans, registry and the names to replace."""

    slug: str
    name: str
    city: str
    province: str
    plans: tuple[Path, ...]  # one per year
    registry: Path


@dataclass(frozen=True)
class Place:
    """A made-up district: where a copy of a seed district goes."""

    name: str
    slug: str
    city: str
    province: str


# ---- the two data folders ----------------------------------------------------------------

def make_scaled_data(src: Path, dest: Path, copies: int, *, git: bool = True) -> Path:
    """`copies` copies of `src`'s districts as distinct districts in a new data folder `dest`."""
    if copies < 1:
        raise ValueError(f"copies must be at least 1, not {copies}")
    src, dest = _folders(src, dest)
    seeds = read_seeds(src)
    _copy_shared(src, dest)
    _copy_real(src, dest, seeds)
    places = made_up_places(len(seeds) * (copies - 1), {seed.slug for seed in seeds})
    for k in range(1, copies):
        for i, seed in enumerate(seeds):
            index = k * len(seeds) + i  # numbers the source files; the real ones keep theirs
            _write_copy(src, dest, seed, next(places), index, province_of(k))
    what = f"{copies} 份 {len(seeds)} 个地区的计划，共 {copies * len(seeds)} 个地区"
    (dest / "README.txt").write_text(README.format(src=src.name, what=what, mark=MARK), encoding="utf-8")
    if git:
        commit_folder(dest)
    return dest


def make_big_plan(src: Path, dest: Path, tasks: int = 2000, *, git: bool = True) -> Path:
    """A data folder with ONE made-up plan of `tasks` tasks: the largest seed plan's tasks
    repeated in order, numbered 1 … tasks, each repetition in its own copy of the sections."""
    if tasks < 1:
        raise ValueError(f"tasks must be at least 1, not {tasks}")
    src, dest = _folders(src, dest)
    seeds = read_seeds(src)
    seed = max(seeds, key=lambda s: (_task_count(s.plans[0]), s.slug))  # the most tasks: the fewest rounds
    _copy_shared(src, dest)
    for folder in ("plans", "units", "sources"):
        (dest / folder).mkdir()
    place = next(made_up_places(1, {s.slug for s in seeds}))
    plan_path = _write_copy(src, dest, seed, place, len(seeds), province_of(1), plans=seed.plans[:1])[0]
    _repeat_tasks(plan_path, tasks)
    what = f"一个计划，{tasks} 项任务（{seed.name}计划的任务重复排列、重新编号）"
    (dest / "README.txt").write_text(README.format(src=src.name, what=what, mark=MARK), encoding="utf-8")
    if git:
        commit_folder(dest)
    return dest


def _folders(src: Path, dest: Path) -> tuple[Path, Path]:
    """Both folders resolved; `dest` new or empty, and never inside `src` (the real data)."""
    src, dest = Path(src).resolve(), Path(dest).resolve()
    if dest == src or dest.is_relative_to(src):
        raise ValueError(f"synthetic data must not be written into the real data folder {src}: {dest}")
    if dest.exists() and any(dest.iterdir()):
        raise FileExistsError(f"{dest} is not empty; give a new or empty folder")
    dest.mkdir(parents=True, exist_ok=True)
    return src, dest


# ---- reading the seeds ------------------------------------------------------------------

def read_seeds(src: Path) -> list[Seed]:
    """The districts of `src`, sorted by slug, each with its plans and unit registry."""
    by_slug: dict[str, list[tuple[Path, dict]]] = {}
    for path in sorted((src / "plans").glob("*.yaml")):
        data = _load(path)
        by_slug.setdefault(data["district"]["slug"], []).append((path, data["district"]))
    seeds = []
    for slug, plans in sorted(by_slug.items()):
        district = plans[0][1]
        seeds.append(Seed(slug, district["name"], district["city"], district["province"],
                          tuple(path for path, _ in plans), src / "units" / f"{slug}.yaml"))
    return seeds


def _load(path: Path) -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 (a safe loader)


def _task_count(plan: Path) -> int:
    return len(_load(plan)["tasks"])


# ---- made-up places ----------------------------------------------------------------------

def province_of(copy: int) -> tuple[str, str]:
    """(province, city) of copy `copy` (1-based; copy 0 is the real data)."""
    province, cities = PROVINCES[(copy - 1) % len(PROVINCES)]
    return province, cities[((copy - 1) // len(PROVINCES)) % len(cities)]


def made_up_places(count: int, taken: set[str]) -> Iterator[Place]:
    """`count` made-up district names and slugs, none in `taken` nor a site address.

    Two characters of SYLLABLES, in a fixed shuffled order so that neighbours differ; past
    the pairs, a third character is added. The city and province are filled in by the caller."""
    from generator.pages import reserved_slugs  # the addresses a district slug must not take

    pairs = [(a, b) for a in SYLLABLES for b in SYLLABLES if a != b]
    random.Random(14).shuffle(pairs)  # fixed seed: the same names on every run
    used = set(taken) | set(reserved_slugs())
    made = 0
    for extra in [None, *SYLLABLES]:
        for a, b in pairs:
            parts = [a, b] + ([extra] if extra else [])
            stem, slug = "".join(p[0] for p in parts), "".join(p[1] for p in parts)
            if slug in used:  # 昌庆 changqing is the real 长清; one pinyin for two names
                continue
            used.add(slug)
            yield Place(stem, slug, "", "")
            made += 1
            if made == count:
                return
    raise ValueError(f"cannot make {count} distinct district names")


# ---- writing a copy ------------------------------------------------------------------------

def _copy_shared(src: Path, dest: Path) -> None:
    for name in SHARED:
        path = src / name
        if path.is_dir():
            shutil.copytree(path, dest / name)
        elif path.is_file():
            shutil.copy2(path, dest / name)


def _copy_real(src: Path, dest: Path, seeds: list[Seed]) -> None:
    """Copy 1: the real plans, registries, sources and progress reports, unchanged."""
    for folder in ("plans", "units", "sources", "progress"):
        if (src / folder).is_dir():
            shutil.copytree(src / folder, dest / folder)


def _write_copy(src: Path, dest: Path, seed: Seed, place: Place, index: int, where: tuple[str, str],
                plans: tuple[Path, ...] | None = None) -> list[Path]:
    """Write `seed` as the made-up district `place` in `where` (province, city); return its plan paths."""
    province, city = where
    suffix = next((s for s in _NAME_SUFFIXES if seed.name.endswith(s) and len(seed.name) > len(s)), "")
    place = Place(place.name + suffix, place.slug, city, province)
    rename = _renamer(seed, place)
    written = []
    for plan in plans or seed.plans:
        original = plan.read_text(encoding="utf-8")
        source_name = _source_name(original, plan)  # before renaming: the file keeps its name
        text = rename(original)
        new_source = _write_source(src / "sources" / source_name, dest / "sources", index, rename)
        text = _set_line(text, r"source:", f"../sources/{new_source}", plan)
        text = _set_line(text, r"  slug:", place.slug, plan)
        text = _mark_title(text, plan)
        year = _load_text(text)["year"]
        out = dest / "plans" / f"{place.slug}-{year}.yaml"
        out.write_text(text, encoding="utf-8")
        _check_copy(out, place, new_source)
        written.append(out)
        _write_progress(src, dest, seed, place, year, rename)
    registry = _set_line(rename(seed.registry.read_text(encoding="utf-8")), r"district:", place.slug, seed.registry)
    (dest / "units" / f"{place.slug}.yaml").write_text(registry, encoding="utf-8")
    return written


def _renamer(seed: Seed, place: Place):
    """A function that writes the seed's place names (district, city, province) as the copy's.

    The stems are replaced (长清 -> 安宝, 济南 -> 望川), so that names without 区/市/省
    (市生态环境局长清分局) change too."""
    pairs = [(_stem(seed.name, _NAME_SUFFIXES), _stem(place.name, _NAME_SUFFIXES)),
             (_stem(seed.city, ("市",)), _stem(place.city, ("市",))),
             (_stem(seed.province, ("省",)), _stem(place.province, ("省",)))]

    def rename(text: str) -> str:
        for old, new in pairs:
            text = text.replace(old, new)
        return text

    return rename


def _stem(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def _source_name(plan_text: str, plan: Path) -> str:
    match = re.search(r"^source:\s*['\"]?\.\./sources/([^'\"\s]+)['\"]?\s*$", plan_text, re.M)
    if not match:
        raise ValueError(f"{plan}: no 'source: ../sources/…' line to copy")
    return match.group(1)


def _write_source(source: Path, folder: Path, index: int, rename) -> str:
    """The copy's own source file, its place names renamed (same lines, so source_line holds),
    named like the importer's copies: number, then the first 16 hex digits of its SHA-256."""
    content = source.read_bytes()
    if source.suffix.lower() in TEXT_SUFFIXES:
        content = rename(content.decode("utf-8")).encode("utf-8")
    name = f"{index:03d}_{hashlib.sha256(content).hexdigest()[:16]}{source.suffix}"
    (folder / name).write_bytes(content)
    return name


def _set_line(text: str, key: str, value: str, path: Path) -> str:
    """Replace the value of the first line starting with `key` (a top-level or 2-space key)."""
    new, count = re.subn(rf"^{key}[ \t]*\S.*$", f"{key} {value}", text, count=1, flags=re.M)
    if count != 1:
        raise ValueError(f"{path}: no line '{key} …' to change")
    return new


def _mark_title(text: str, path: Path) -> str:
    """Append MARK to the plan's title, inside its quotes if it has any."""
    match = re.search(r"^title:[ \t]*(.+?)[ \t]*$", text, re.M)
    if not match:
        raise ValueError(f"{path}: no one-line 'title:' to mark as test data")
    value = match.group(1)
    marked = value[:-1] + MARK + value[-1] if value[:1] in "'\"" and value[-1:] == value[:1] else value + MARK
    return text[: match.start(1)] + marked + text[match.end(1):]


def _load_text(text: str) -> dict:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 (a safe loader)


def _check_copy(plan: Path, place: Place, source: str) -> None:
    """The copy says what it should: a plan written in an unexpected layout fails here, not later."""
    data = _load(plan)
    district = data["district"]
    got = (district["name"], district["slug"], district["city"], district["province"], data["source"])
    want = (place.name, place.slug, place.city, place.province, f"../sources/{source}")
    if got != want or not data["title"].endswith(MARK):
        raise ValueError(f"{plan}: copy came out as {got}, expected {want} and a title ending in {MARK}")


def _write_progress(src: Path, dest: Path, seed: Seed, place: Place, year: int, rename) -> None:
    """The seed plan's progress reports, if it has any, for the copy's plan."""
    path = src / "progress" / f"{seed.slug}-{year}.yaml"
    if not path.is_file():
        return
    text = _set_line(rename(path.read_text(encoding="utf-8")), "plan:", f"{place.slug}-{year}", path)
    (dest / "progress").mkdir(exist_ok=True)
    (dest / "progress" / f"{place.slug}-{year}.yaml").write_text(text, encoding="utf-8")


# ---- the 2,000-task plan -------------------------------------------------------------------

def _repeat_tasks(plan: Path, tasks: int) -> None:
    """Rewrite `plan` with `tasks` tasks, the seed's tasks repeated in rounds. The sections are
    repeated in groups (top-level ids shifted by the seed's number of top-level sections), as
    many groups as the schema's 500 sections allow, the rounds spread evenly over them."""
    header = plan.read_text(encoding="utf-8").splitlines()[0]  # the schema line, for editors
    data = _load(plan)
    seed_sections, seed_tasks = data["sections"], data["tasks"]
    tops = max(int(s["id"].split(".")[0]) for s in seed_sections)
    rounds = -(-tasks // len(seed_tasks))
    groups = max(1, min(rounds, MAX_SECTIONS // len(seed_sections)))
    data["sections"] = [
        {"id": _shift(s["id"], g * tops), "title": s["title"] + (f"（第{g + 1}组）" if g else "")}
        for g in range(groups) for s in seed_sections]
    data["tasks"] = [
        dict(task, number=n + 1, section=_shift(task["section"], (n // len(seed_tasks)) * groups // rounds * tops))
        for n, task in enumerate(seed_tasks[i % len(seed_tasks)] for i in range(tasks))]
    body = yaml.dump(data, Dumper=_NoAliasDumper, allow_unicode=True, sort_keys=False, width=10_000)
    plan.write_text(header + "\n" + body, encoding="utf-8")


class _NoAliasDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
    """Writes repeated values in full: the loader refuses YAML anchors and aliases."""

    def ignore_aliases(self, data: object) -> bool:
        return True


def _shift(section_id: str, by: int) -> str:
    top, dot, rest = section_id.partition(".")
    return f"{int(top) + by}{dot}{rest}"


# ---- git ----------------------------------------------------------------------------------

def commit_folder(folder: Path) -> None:
    """Make `folder` a git repository with everything in one commit of fixed author and date."""
    env = {**os.environ, **GIT_ENV}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "--no-verify", "-m", COMMIT_MESSAGE]):
        subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)


__all__ = ["MARK", "make_big_plan", "make_scaled_data", "made_up_places", "province_of", "read_seeds"]
