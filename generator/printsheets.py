"""Notice-board sheets (政务公开栏): what an A4 print of a plan, a unit or a district shows.

Three kinds of sheet, each a page of its own drawn by theme/print.html (page meta "template")
with the templates generator/templates/print_*.html.j2:

- a plan's tasks, "<district>/<year>/print/";
- a unit's tasks, "units/<district>/<id>/print/" (only for units that have tasks);
- a district's one-page summary, "<district>/print/".

Each task shows its number, its requirement verbatim, its units, its deadline and its status
on the build's reference date ("状态（截至 …）"): a printed sheet cannot recompute it, so it
says which day it describes. The page builders are in generator/pages.py (Notice-board part);
this module shapes the data and knows nothing of HTML.
"""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from generator import qr, views
from generator.model import ROLE_LABELS, District, Plan, Section, Task, Unit
from generator.status import Status

# Front matter for every sheet: theme/print.html draws it (print.css, the dates band).
SHEET_META = {"template": "print.html"}
# Where theme/print.html puts the dates band (data date, status date, print date): the
# generator does not know the data date, MkDocs' config.extra does.
DATES_MARKER = "<!-- zw-sheet-dates -->"
# A requirement longer than this may not fit on one A4 page at 16 pt (about 31 characters a
# line, 23 lines beside the task's heading and facts). Such a task is the one exception to
# "never cut a task in two": it may continue on the next page, and its sheet says so.
LONG_TASK_CHARS = 600
# A district's summary lists its newest plans with their counts, the older ones by year only,
# so that it stays one A4 page with a published contact (tests/browser/test_print_sheets.py).
SUMMARY_PLANS = 2


# ---- Addresses ----------------------------------------------------------------------------

def plan_sheet_url(plan: Plan) -> str:
    return f"{views.plan_url(plan)}print/"


def unit_sheet_url(unit: Unit) -> str:
    return f"{views.unit_url(unit)}print/"


def district_sheet_url(district: District) -> str:
    return f"{views.district_url(district)}print/"


def published_url(site_url: str | None, url: str) -> str | None:
    """The full address of the page at `url` once published; None when the address is not known."""
    return f"{site_url}{url}" if site_url else None


# ---- What a sheet holds ----------------------------------------------------------------------

@dataclass(frozen=True)
class SheetTask:
    task: Task
    units: str  # "区发改局（牵头）、区财政局、区民政局（配合）"; "" when the source names none
    status: Status  # on the build's reference date
    role: str | None = None  # on a unit sheet: the unit's part (本单位牵头 …); None elsewhere
    heading_level: int = 3

    @property
    def long(self) -> bool:
        return len(self.task.text) > LONG_TASK_CHARS


def units_line(task: Task) -> str:
    """The task's units in printed order, lead first, each role said in words."""
    marks = {"lead": "（牵头）", "cooperating": "（配合）"}
    return "、".join(ur.unit.name + marks.get(ur.role, "") for ur in views.task_unit_roles(task))


def sheet_task(task: Task, statuses: dict[str, Status], *, role: str | None = None,
               heading_level: int = 3) -> SheetTask:
    return SheetTask(task, units_line(task), statuses[task.key], role, heading_level)


@dataclass(frozen=True)
class SheetSection:
    """A section heading of the plan, where it starts."""

    section: Section
    heading_level: int


@dataclass(frozen=True)
class PlanSheet:
    plan: Plan
    web_url: str  # the plan page
    qr_url: str | None  # the published address its QR code opens; None: not known
    summary: views.StatusSummary
    blocks: list[SheetSection | SheetTask]  # document order


def plan_sheet(plan: Plan, statuses: dict[str, Status], site_url: str | None) -> PlanSheet:
    blocks: list[SheetSection | SheetTask] = []
    level = 1
    for block in views.plan_blocks(plan):
        if block.kind == "section" and block.section is not None:
            level = block.heading_level
            blocks.append(SheetSection(block.section, level))
        elif block.task is not None:
            blocks.append(sheet_task(block.task, statuses, heading_level=min(level + 1, 6)))
    web_url = views.plan_url(plan)
    return PlanSheet(plan, web_url, published_url(site_url, web_url), views.status_summary(plan.tasks, statuses), blocks)


@dataclass(frozen=True)
class SheetGroup:
    """One plan's tasks on a unit sheet: those naming the unit, or those given to a collective."""

    heading: str
    note: str
    plan: Plan
    tasks: list[SheetTask]


@dataclass(frozen=True)
class UnitSheet:
    view: views.UnitView
    web_url: str  # the unit page
    qr_url: str | None  # the published address its QR code opens; None: not known
    summary: views.StatusSummary
    groups: list[SheetGroup]

    @property
    def task_count(self) -> int:
        return sum(len(g.tasks) for g in self.groups)


def _role_words(plan: Plan, role: str) -> str | None:
    return f"本单位{ROLE_LABELS[role]}" if views.has_lead_units(plan) else None


def unit_sheet(uv: views.UnitView, statuses: dict[str, Status], site_url: str | None) -> UnitSheet:
    """The unit page's tasks, in the same groups: named in the task, then bound through a collective."""
    groups = [SheetGroup(f"{plan.year}年点名本单位的任务（{len(items)} 项）", f"出自《{plan.title}》", plan,
                         [sheet_task(task, statuses, role=_role_words(plan, role)) for task, role in items])
              for plan, items in uv.groups]
    for plan, pairs in uv.collective_groups:
        names = "、".join(dict.fromkeys(f"“{collective.name}”" for _, collective in pairs))
        groups.append(SheetGroup(
            f"{plan.year}年交给一类单位、也包括本单位的任务（{len(pairs)} 项）",
            f"这些任务原文交给了{names}，{uv.unit.name}是其中之一。出自《{plan.title}》", plan,
            [sheet_task(task, statuses, role=f"通过“{collective.name}”") for task, collective in pairs]))
    web_url = views.unit_url(uv.unit)
    return UnitSheet(uv, web_url, published_url(site_url, web_url), views.status_summary(uv.all_tasks, statuses), groups)


@dataclass(frozen=True)
class DistrictSheet:
    view: views.DistrictView
    web_url: str  # the district page
    qr_url: str | None  # the published address its QR code opens; None: not known
    plans: list[tuple[Plan, views.StatusSummary]]  # the newest SUMMARY_PLANS, newest first
    older: list[Plan]  # the rest: named by year only, so that the summary stays one page


def district_sheet(dv: views.DistrictView, statuses: dict[str, Status], site_url: str | None) -> DistrictSheet:
    web_url = views.district_url(dv.district)
    shown, older = dv.plans[:SUMMARY_PLANS], dv.plans[SUMMARY_PLANS:]
    return DistrictSheet(dv, web_url, published_url(site_url, web_url),
                         [(plan, views.status_summary(plan.tasks, statuses)) for plan in shown], older)


# What the page templates may call (generator/render.py adds these to its globals): the share
# block of task pages and the 打印 links of plan, unit and district pages use them too.
TEMPLATE_GLOBALS = {
    "qr_svg": qr.qr_svg,
    "qr_label": qr.qr_label,
    "published_url": published_url,
    "plan_sheet_url": plan_sheet_url,
    "unit_sheet_url": unit_sheet_url,
    "district_sheet_url": district_sheet_url,
    "SHEET_DATES_MARKER": Markup(DATES_MARKER),
}
