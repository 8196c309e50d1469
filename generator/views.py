"""Views derived from the loaded Site: what each page shows, grouped and sorted.

Nothing here reads files or writes HTML. Every list is sorted by a stable key so that two
builds of the same data give the same pages byte for byte.
"""
from __future__ import annotations

import datetime as dt
import posixpath
from dataclasses import dataclass, field
from typing import Any

from pypinyin import Style, lazy_pinyin

from generator.deadlines import describe
from generator.model import ROLE_LABELS, Deadline, District, Plan, Report, Section, Site, Task, Theme, Unit
from generator.status import STATUS_CODES, STATUS_ICONS, STATUS_LABELS, Status, task_status
from generator.wrapped_text import display_text

DUE_SOON_DAYS = 60  # "falls due soon" on the home page: within this many days after as_of

_CN_QUARTERS = {1: "一", 2: "二", 3: "三", 4: "四"}


# ---- Addresses -------------------------------------------------------------------------
# URLs are site-relative without a leading slash, in MkDocs' style: "" is the home page,
# "changqing/2022/" a plan. Pages link to each other with `relative()` so the site also
# works when published below a sub-path (GitHub project pages).

def district_url(district: District | str) -> str:
    slug = district if isinstance(district, str) else district.slug
    return f"{slug}/"


def plan_url(plan: Plan) -> str:
    return f"{plan.district.slug}/{plan.year}/"


def task_url(task: Task) -> str:
    return f"{task.plan.district.slug}/{task.plan.year}/{task.number}/"


def unit_url(unit: Unit) -> str:
    return f"units/{unit.district}/{unit.id}/"


def theme_url(theme: Theme) -> str:
    return f"themes/{theme.id}/"


UNITS_URL = "units/"
THEMES_URL = "themes/"
DEADLINES_URL = "deadlines/"
DATA_URL = "data/"
SEARCH_URL = "search/"
DISTRICTS_URL = "districts/"


# Indexes split by district (issue 14): an index page sums up each district and links to the
# district's own page below it, so that no page lists the tasks or units of every district.

def _slug(district: District | str) -> str:
    return district if isinstance(district, str) else district.slug


def units_district_url(district: District | str) -> str:
    """One district's units: "units/changqing/" (its unit pages are below it)."""
    return f"{UNITS_URL}{_slug(district)}/"


def theme_district_url(theme: Theme, district: District | str) -> str:
    """One district's tasks of a theme: "themes/business/changqing/"."""
    return f"{theme_url(theme)}{_slug(district)}/"


def deadlines_district_url(district: District | str) -> str:
    """One district's tasks by deadline: "deadlines/changqing/"."""
    return f"{DEADLINES_URL}{_slug(district)}/"


# Sources are published as files to read or download, never as pages: an .html or .md source
# gets ".txt" appended, so that neither MkDocs nor a web server turns it into a page; a .csv
# source too, so that a spreadsheet program never runs a formula from a download.
_PAGE_SUFFIXES = (".html", ".htm", ".md", ".csv")


def source_file_name(name: str) -> str:
    """The name a source file is published under, in /sources/."""
    return name + ".txt" if posixpath.splitext(name)[1].lower() in _PAGE_SUFFIXES else name


def source_url(plan: Plan) -> str:
    return f"sources/{source_file_name(plan.source.name)}"


def data_file_url(plan: Plan, ext: str) -> str:
    return f"data/{plan.key}.{ext}"


def page_file(url: str) -> str:
    """The Markdown file that MkDocs (use_directory_urls) publishes at `url`."""
    return f"{url}index.md" if url else "index.md"


def relative(from_url: str, to_url: str) -> str:
    """A link from the page at `from_url` to `to_url` (a page or a file)."""
    # posixpath.relpath, without its os.getcwd() per call (tens of thousands of links a build)
    start = [part for part in from_url.split("/") if part]
    target = [part for part in to_url.split("/") if part]
    common = 0
    while common < len(start) and common < len(target) and start[common] == target[common]:
        common += 1
    rel = "/".join([".."] * (len(start) - common) + target[common:]) or "."
    if to_url == "" or to_url.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel


# ---- Words and dates ---------------------------------------------------------------------

def cn_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def deadline_words(deadline: Deadline) -> str:
    """The deadline in plain words (the wording lives in generator.deadlines)."""
    return describe(deadline)


def deadline_facet(deadline: Deadline) -> str:
    """The search filter value: the quarter it falls due in, 长期, or 未定."""
    if deadline.due is not None:
        quarter = (deadline.due.month - 1) // 3 + 1
        return f"{deadline.due.year}年第{_CN_QUARTERS[quarter]}季度"
    if deadline.kind == "ongoing":
        return "长期"
    return "未定"


def pinyin_key(name: str) -> tuple[str, str]:
    """Sort Chinese names by their pinyin, then by the name itself to break ties."""
    return (" ".join(lazy_pinyin(name, style=Style.TONE3)), name)


def short_text(text: str, limit: int = 40) -> str:
    flat = " ".join(display_text(text).split())  # a wrapped PDF line break is no word gap
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def task_title(task: Task) -> str:
    """The task page heading and search-result title."""
    return f"{task.plan.district.name}{task.plan.year}年第{task.number}项任务"


def plan_heading(plan: Plan) -> str:
    return f"{plan.district.name}{plan.year}年政务公开重点工作任务"


# ---- Tasks and their units ---------------------------------------------------------------

@dataclass(frozen=True)
class UnitRole:
    unit: Unit
    role: str  # lead / responsible / cooperating
    printed: tuple[str, ...]  # the forms printed in this task for this unit and role

    @property
    def label(self) -> str:
        return ROLE_LABELS[self.role]


def task_unit_roles(task: Task) -> list[UnitRole]:
    """One entry per (unit, role) in printed order; lead units first."""
    order: list[tuple[str, str]] = []
    printed: dict[tuple[str, str], list[str]] = {}
    units: dict[str, Unit] = {}
    for tu in task.units:
        key = (tu.unit.key, tu.role)
        if key not in printed:
            order.append(key)
            printed[key] = []
        if tu.name not in printed[key]:
            printed[key].append(tu.name)
        units[tu.unit.key] = tu.unit
    roles = [UnitRole(units[k], r, tuple(printed[(k, r)])) for k, r in order]
    return sorted(roles, key=lambda ur: 0 if ur.role == "lead" else 1)


def role_of(task: Task, unit: Unit) -> str:
    """How `unit` takes part in `task`: "lead" if it leads, else its first other role."""
    roles = [tu.role for tu in task.units if tu.unit.key == unit.key]
    return "lead" if "lead" in roles else roles[0]


def section_chain(plan: Plan, section: Section) -> list[Section]:
    """The section and its parents, outermost first."""
    by_id = {s.id: s for s in plan.sections}
    chain = [section]
    while chain[0].parent_id is not None:
        parent = by_id.get(chain[0].parent_id)
        if parent is None:
            break
        chain.insert(0, parent)
    return chain


def section_anchor(section: Section) -> str:
    return "sec-" + section.id.replace(".", "-")


@dataclass(frozen=True)
class Block:
    """One item of a plan page in document order: a section heading or a task."""

    kind: str  # "section" or "task"
    section: Section | None = None
    task: Task | None = None

    @property
    def heading_level(self) -> int:
        assert self.section is not None
        return min(self.section.level + 1, 6)  # the page title is the h1


def plan_blocks(plan: Plan) -> list[Block]:
    """Tasks in document order, each section heading emitted where the section starts."""
    blocks: list[Block] = []
    current: list[str] = []
    for task in plan.tasks:
        chain = section_chain(plan, task.section)
        ids = [s.id for s in chain]
        common = 0
        while common < min(len(ids), len(current)) and ids[common] == current[common]:
            common += 1
        blocks.extend(Block("section", section=s) for s in chain[common:])
        blocks.append(Block("task", task=task))
        current = ids
    return blocks


def plan_outline(plan: Plan) -> list[Section]:
    """The sections that open on the plan page (for its contents list), in order."""
    return [b.section for b in plan_blocks(plan) if b.kind == "section" and b.section is not None]


# ---- Districts ---------------------------------------------------------------------------

def due_soon(tasks: list[Task], as_of: dt.date, days: int = DUE_SOON_DAYS) -> list[Task]:
    """Tasks with a due date from `as_of` to `as_of + days`, soonest first."""
    end = as_of + dt.timedelta(days=days)
    soon = [t for t in tasks if t.deadline.due is not None and as_of <= t.deadline.due <= end]
    return sorted(soon, key=lambda t: (t.deadline.due, t.plan.district.slug, t.plan.year, t.number))


@dataclass
class DistrictView:
    district: District
    plans: list[Plan]  # newest year first
    task_count: int
    due_soon: list[Task]

    @property
    def years(self) -> list[int]:
        return [p.year for p in self.plans]

    @property
    def tasks(self) -> list[Task]:
        return [t for p in self.plans for t in p.tasks]


def district_views(site: Site, as_of: dt.date) -> list[DistrictView]:
    by_slug: dict[str, list[Plan]] = {}
    for plan in site.plans:  # one pass: a province has thousands of plans
        by_slug.setdefault(plan.district.slug, []).append(plan)
    views = []
    for district in sorted(site.districts, key=lambda d: d.slug):
        plans = sorted(by_slug[district.slug], key=lambda p: -p.year)
        tasks = [t for p in plans for t in p.tasks]
        views.append(DistrictView(district, plans, len(tasks), due_soon(tasks, as_of)))
    return views


# ---- Districts grouped by province and city ------------------------------------------------
# The only lists that grow with the number of districts are lists of districts, and those are
# grouped: provinces and their cities in pinyin order, the districts of a city by slug.

OTHER_PLACE = "其他地区"  # the heading of districts whose province is not given


@dataclass(frozen=True)
class CityGroup:
    city: str  # "" when the districts sit right under the province (a 直辖市, or no city given)
    items: list[tuple[District, Any]]  # (district, what the page shows of it)


@dataclass(frozen=True)
class ProvinceGroup:
    province: str
    cities: list[CityGroup]

    @property
    def count(self) -> int:
        return sum(len(c.items) for c in self.cities)


def _place_key(name: str) -> tuple[int, tuple[str, str]]:
    return (1 if name == OTHER_PLACE else 0, pinyin_key(name))


def place_groups(items: list[tuple[District, Any]]) -> list[ProvinceGroup]:
    """(district, anything) pairs grouped by province, then city (in pinyin order), then the
    districts by slug: the data's own pinyin, which knows 长清 is changqing, not zhangqing."""
    tree: dict[str, dict[str, list[tuple[District, Any]]]] = {}
    for district, item in items:
        province = district.province or OTHER_PLACE
        city = "" if district.city in ("", district.province) else district.city
        tree.setdefault(province, {}).setdefault(city, []).append((district, item))
    groups = []
    for province in sorted(tree, key=_place_key):
        cities = tree[province]
        groups.append(ProvinceGroup(province, [
            CityGroup(city, sorted(cities[city], key=lambda pair: pair[0].slug))
            for city in sorted(cities, key=lambda c: (c != "", pinyin_key(c)))]))
    return groups


def by_plan(tasks: list[Task]) -> list[tuple[Plan, list[Task]]]:
    """Tasks grouped by their plan, newest year first, each group in the order given."""
    groups: dict[str, tuple[Plan, list[Task]]] = {}
    for task in tasks:
        groups.setdefault(task.plan.key, (task.plan, []))[1].append(task)
    return sorted(groups.values(), key=lambda g: (-g[0].year, g[0].district.slug))


# ---- Units -------------------------------------------------------------------------------

@dataclass
class UnitView:
    unit: Unit
    district_name: str
    groups: list[tuple[Plan, list[tuple[Task, str]]]] = field(default_factory=list)  # (task, role)
    # Tasks given to a collective that binds this unit (区政府各部门 …), not naming it: (task, collective)
    collective_groups: list[tuple[Plan, list[tuple[Task, Unit]]]] = field(default_factory=list)

    @property
    def tasks(self) -> list[Task]:
        return [t for _, items in self.groups for t, _ in items]

    @property
    def lead_tasks(self) -> list[Task]:
        return [t for _, items in self.groups for t, role in items if role == "lead"]

    @property
    def shared_tasks(self) -> list[Task]:
        return [t for _, items in self.groups for t, role in items if role != "lead"]

    @property
    def collective_tasks(self) -> list[Task]:
        return [t for _, items in self.collective_groups for t, _ in items]

    @property
    def all_tasks(self) -> list[Task]:
        return self.tasks + self.collective_tasks

    @property
    def lead_count(self) -> int:
        return len(self.lead_tasks)

    @property
    def shared_count(self) -> int:
        return len(self.shared_tasks)

    @property
    def plans(self) -> list[Plan]:
        """Every plan the unit has tasks in, named or through a collective, newest first."""
        seen = {id(p): p for p, _ in self.groups + self.collective_groups}  # type: ignore[operator]
        return sorted(seen.values(), key=lambda p: (-p.year, p.district.slug))


def _by_plan(items: list[tuple[Task, Any]]) -> list[tuple[Plan, list[tuple[Task, Any]]]]:
    plans = sorted({id(t.plan): t.plan for t, _ in items}.values(), key=lambda p: -p.year)
    return [(p, [(t, x) for t, x in items if t.plan is p]) for p in plans]


def unit_views(site: Site) -> list[UnitView]:
    """Every registry unit with the tasks it leads or shares, grouped by plan (newest first),
    and the tasks that bind it through a collective (区政府各部门 …) in their own groups."""
    names = {d.slug: d.name for d in site.districts}
    by_key: dict[str, list[tuple[Task, str]]] = {}
    through: dict[str, list[tuple[Task, Unit]]] = {}
    for task in site.tasks:
        named = {tu.unit.key: tu.unit for tu in task.units}
        for key, unit in named.items():
            by_key.setdefault(key, []).append((task, role_of(task, unit)))
        bound: dict[str, Unit] = {}
        for unit in named.values():
            for member in unit.members:
                bound.setdefault(f"{unit.district}/{member}", unit)
        for key, collective in bound.items():
            if key not in named:
                through.setdefault(key, []).append((task, collective))
    views = []
    for district in sorted(site.units):
        for unit in sorted(site.units[district], key=lambda u: pinyin_key(u.name)):
            views.append(UnitView(unit, names.get(district, district), _by_plan(by_key.get(unit.key, [])),
                                  _by_plan(through.get(unit.key, []))))
    return views


@dataclass(frozen=True)
class UnitsSummary:
    """What the units index shows of one district: how many units, how many with tasks."""

    units: int
    with_tasks: int


def units_summary(units: list[UnitView]) -> UnitsSummary:
    return UnitsSummary(len(units), sum(1 for uv in units if uv.all_tasks))


def units_by_district(views: list[UnitView]) -> list[tuple[str, str, list[UnitView]]]:
    """(district slug, district name, its units in pinyin order), districts by slug."""
    out: dict[str, tuple[str, str, list[UnitView]]] = {}
    for view in views:
        slug = view.unit.district
        out.setdefault(slug, (slug, view.district_name, []))[2].append(view)
    return [out[k] for k in sorted(out)]


# ---- Themes ------------------------------------------------------------------------------

@dataclass
class ThemeView:
    theme: Theme
    by_district: list[tuple[District, list[Task]]]  # every district, possibly with no tasks

    @property
    def tasks(self) -> list[Task]:
        return [t for _, tasks in self.by_district for t in tasks]


def theme_views(site: Site) -> list[ThemeView]:
    districts = sorted(site.districts, key=lambda d: d.slug)
    tagged: dict[str, dict[str, list[Task]]] = {theme.id: {} for theme in site.themes}  # theme -> district -> tasks
    for task in site.tasks:
        for theme_id in dict.fromkeys(th.id for th in task.themes):
            tagged.setdefault(theme_id, {}).setdefault(task.plan.district.slug, []).append(task)
    return [ThemeView(theme, [(d, _in_order(tagged[theme.id].get(d.slug, []))) for d in districts])
            for theme in site.themes]


@dataclass(frozen=True)
class ThemeSummary:
    """What an index shows of a theme: its task count and in how many districts they are."""

    theme: Theme
    tasks: int
    districts: int


def theme_summary(tv: ThemeView) -> ThemeSummary:
    return ThemeSummary(tv.theme, len(tv.tasks), sum(1 for _, tasks in tv.by_district if tasks))


def _in_order(tasks: list[Task]) -> list[Task]:
    return sorted(tasks, key=lambda t: (t.plan.district.slug, -t.plan.year, t.number))


# ---- Deadlines ---------------------------------------------------------------------------

@dataclass
class DeadlineView:
    months: list[tuple[str, str, list[Task]]]  # (anchor, "2022年12月", tasks due that month)
    ongoing: list[Task]  # 长期坚持: no end date
    undetermined: list[Task]  # unresolved or none
    then_ongoing: int  # how many of the dated tasks are kept up after their date


def deadline_view(site: Site) -> DeadlineView:
    """Every task of the site by deadline (the per-district pages use deadline_view_of)."""
    return deadline_view_of(site.tasks)


def deadline_view_of(tasks: list[Task]) -> DeadlineView:
    dated = sorted((t for t in tasks if t.deadline.due is not None),
                   key=lambda t: (t.deadline.due, t.plan.district.slug, t.plan.year, t.number))
    months: dict[tuple[int, int], list[Task]] = {}
    for task in dated:
        due = task.deadline.due
        assert due is not None
        months.setdefault((due.year, due.month), []).append(task)
    return DeadlineView(
        months=[(f"m-{y}-{m:02d}", f"{y}年{m}月", tasks) for (y, m), tasks in sorted(months.items())],
        ongoing=_in_order([t for t in tasks if t.deadline.due is None and t.deadline.kind == "ongoing"]),
        undetermined=_in_order([t for t in tasks if t.deadline.due is None and t.deadline.kind != "ongoing"]),
        then_ongoing=sum(1 for t in dated if t.deadline.kind == "due_then_ongoing"),
    )


@dataclass(frozen=True)
class DeadlineCounts:
    """What the 按时间查 index shows of a set of tasks (a district's, or the whole site's)."""

    total: int
    dated: int  # with a due date
    ongoing: int  # 长期坚持, no end date
    undetermined: int  # no date the site can work out
    due_soon: int  # due within DUE_SOON_DAYS of the reference date


def deadline_counts(tasks: list[Task], as_of: dt.date) -> DeadlineCounts:
    dated = sum(1 for t in tasks if t.deadline.due is not None)
    ongoing = sum(1 for t in tasks if t.deadline.due is None and t.deadline.kind == "ongoing")
    return DeadlineCounts(len(tasks), dated, ongoing, len(tasks) - dated - ongoing, len(due_soon(tasks, as_of)))


@dataclass
class OutlineNode:
    section: Section
    children: list["OutlineNode"] = field(default_factory=list)


def plan_outline_tree(plan: Plan) -> list[OutlineNode]:
    """The plan's sections as a tree for its contents list, in page order."""
    roots: list[OutlineNode] = []
    stack: list[OutlineNode] = []
    for section in plan_outline(plan):
        node = OutlineNode(section)
        while stack and stack[-1].section.level >= section.level:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    return roots


# ---- Status and progress -------------------------------------------------------------------
# The status of each task comes from generator.status (the one rule, docs/status-rules.md),
# computed once per build for the reference date; these helpers only count and group.

def task_statuses(site: Site, as_of: dt.date) -> dict[str, Status]:
    """Task key -> its status on `as_of`."""
    return {task.key: task_status(task.deadline, task.reports, as_of) for task in site.tasks}


@dataclass(frozen=True)
class StatusCount:
    code: str
    label: str
    icon: str
    count: int
    percent: float  # of the tasks counted, for the bar's width


@dataclass(frozen=True)
class StatusSummary:
    total: int
    counts: tuple[StatusCount, ...]  # every status that occurs, in STATUS_CODES order

    def count(self, code: str) -> int:
        return next((c.count for c in self.counts if c.code == code), 0)


def status_summary(tasks: list[Task], statuses: dict[str, Status]) -> StatusSummary:
    tally: dict[str, int] = {}
    for task in tasks:
        code = statuses[task.key].code
        tally[code] = tally.get(code, 0) + 1
    total = len(tasks)
    counts = tuple(StatusCount(code, STATUS_LABELS[code], STATUS_ICONS[code], tally[code],
                               round(100 * tally[code] / total, 1))
                   for code in STATUS_CODES if tally.get(code))
    return StatusSummary(total, counts)


def overdue(tasks: list[Task], statuses: dict[str, Status]) -> list[Task]:
    """督办清单: past their deadline without a completion report, longest overdue first."""
    late = [t for t in tasks if statuses[t.key].code == "overdue"]
    return sorted(late, key=lambda t: (t.deadline.due, t.plan.district.slug, t.plan.year, t.number))


def with_status(tasks: list[Task], statuses: dict[str, Status], code: str) -> list[Task]:
    return [t for t in tasks if statuses[t.key].code == code]


def recent_reports(tasks: list[Task], limit: int, as_of: dt.date) -> list[tuple[Task, Report]]:
    """The newest reports on `tasks` known on `as_of`, newest first (ties: district, year, number)."""
    pairs = [(t, r) for t in tasks for r in t.reports if r.date <= as_of]
    pairs.sort(key=lambda p: (-p[1].date.toordinal(), p[0].plan.district.slug, p[0].plan.year, p[0].number))
    return pairs[:limit]


def last_report_date(tasks: list[Task], as_of: dt.date | None = None) -> dt.date | None:
    """The newest report date on `tasks` (known on `as_of`, when given: docs/status-rules.md)."""
    return max((r.date for t in tasks for r in t.reports if as_of is None or r.date <= as_of), default=None)


def has_lead_units(plan: Plan) -> bool:
    """Whether the plan names lead units (牵头) at all: some tables have no such column."""
    return any(tu.role == "lead" for task in plan.tasks for tu in task.units)


@dataclass(frozen=True)
class PlanStatusPage:
    plan: Plan
    code: str
    label: str
    tasks: list[Task]


def plan_status_url(plan: Plan, code: str) -> str:
    return f"{plan_url(plan)}status/{code}/"
