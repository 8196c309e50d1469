"""The loaded, validated data: what every later stage (views, render, search) reads.

Plain dataclasses, built by `generator.loader` from the YAML in `site_data/`. Nothing here
reads files or knows about pages.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

ROLES = ("lead", "responsible", "cooperating")
ROLE_LABELS = {"lead": "牵头", "responsible": "责任", "cooperating": "配合"}

# Deadline kinds, see generator.deadlines for how each phrasing maps to one.
DEADLINE_KINDS = (
    "due",  # a due date: 12月底前, 2022年9月底前, 三季度前 ...
    "year_round",  # 全年: throughout the plan year, due at its end
    "due_then_ongoing",  # 2022年年底前完成，长期坚持: a date, then kept up
    "ongoing",  # 长期坚持, 持续推进: no end date
    "unresolved",  # relative to a date the source does not give, or not understood
    "none",  # the source gives no deadline
)


# What kind of issuer a plan comes from (plan.schema.json district.level). "区" when not given.
LEVELS = ("区", "县", "县级市", "旗", "市", "省", "部门", "镇", "街道")
DEFAULT_LEVEL = "区"
# How a page says "this issuer" for each level: 本区共有 3 份任务表 / 本部门共有 …
_OWN_WORDS = {"区": "本区", "县": "本县", "县级市": "本市", "旗": "本旗", "市": "本市", "省": "本省", "部门": "本部门",
              "镇": "本镇", "街道": "本街道"}


@dataclass(frozen=True)
class District:
    """The issuer of plans: a district (the five seed plans), county, city, province, department or town.

    Pages and URLs treat every level alike; only the wording follows `level`."""

    slug: str  # ASCII, used in URLs: "changqing", "jinan-weijian"
    name: str  # "长清区", "济南市卫生健康委员会"
    city: str  # "济南市"
    province: str  # "山东省"
    level: str = DEFAULT_LEVEL  # one of LEVELS

    @property
    def full_name(self) -> str:
        """山东省济南市长清区; a name that already starts with its city or province is not repeated
        (济南市 → 山东省济南市, 济南市卫生健康委员会 → 山东省济南市卫生健康委员会)."""
        if self.name.startswith(self.province):
            return self.name
        if self.name.startswith(self.city) or self.city == self.province:
            return f"{self.province}{self.name}"
        if self.name.startswith("市") and self.city.endswith("市"):  # 市信访局 of 济南市 → 济南市信访局
            return f"{self.province}{self.city}{self.name[1:]}"
        return f"{self.province}{self.city}{self.name}"

    @property
    def own_word(self) -> str:
        """本区 / 本县 / 本部门 …: how one issuer's page refers to the issuer itself."""
        return _OWN_WORDS.get(self.level, "本单位")


@dataclass(frozen=True)
class Unit:
    id: str  # ASCII slug, unique within the district: "qu-fagai-ju"
    district: str  # district slug
    name: str  # canonical name
    aliases: tuple[str, ...]  # other printed forms
    kind: str  # "office" (one unit) or "collective" (各街镇, 区政府各部门 ...)
    members: tuple[str, ...] = ()  # collective: ids of the offices its tasks bind (区政府各部门 -> every department)

    @property
    def key(self) -> str:
        return f"{self.district}/{self.id}"

    @property
    def all_names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Theme:
    id: str  # ASCII slug: "business"
    name: str  # "营商环境"
    description: str  # one plain sentence
    keywords: tuple[str, ...]  # a task whose text contains any of these gets the theme


@dataclass(frozen=True)
class Deadline:
    text: str | None  # as printed; None when the source gives none
    kind: str  # one of DEADLINE_KINDS
    due: dt.date | None = None  # for due / year_round / due_then_ongoing
    after_issue_days: int | None = None  # 本文件印发后30日内

    @property
    def ongoing(self) -> bool:
        return self.kind in ("ongoing", "due_then_ongoing")


@dataclass(frozen=True)
class TaskUnit:
    name: str  # as printed in the task's units cell
    role: str  # one of ROLES
    unit: Unit  # the registry entry it resolves to


@dataclass(frozen=True)
class Note:
    field: str
    message: str


@dataclass(frozen=True)
class Section:
    id: str  # dotted: "2", "2.3"
    title: str  # as printed

    @property
    def level(self) -> int:
        return self.id.count(".") + 1

    @property
    def parent_id(self) -> str | None:
        return self.id.rsplit(".", 1)[0] if "." in self.id else None


@dataclass
class Task:
    number: int
    section: Section
    text: str
    units_text: str | None
    lead_units_text: str | None
    units: list[TaskUnit]
    deadline: Deadline
    themes: list[Theme]
    notes: list[Note]
    source_line: int | None
    cooperating_units_text: str | None = None  # the printed 配合单位 cell (tables with that column)
    plan: "Plan" = field(repr=False, default=None)  # type: ignore[assignment]
    # Progress reports on this task, in file order (site_data/progress/); empty for most.
    reports: list["Report"] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Stable address part: district, year and official number."""
        return f"{self.plan.district.slug}-{self.plan.year}-{self.number}"

    @property
    def lead_units(self) -> list[TaskUnit]:
        return [u for u in self.units if u.role == "lead"]


@dataclass
class Plan:
    district: District
    year: int
    title: str
    doc_number: str | None
    issuer: str | None
    issue_date: dt.date | None
    source: Path  # the original source text, unedited
    has_deadline_column: bool
    sections: list[Section]
    tasks: list[Task]
    path: Path  # the YAML file

    @property
    def key(self) -> str:
        return f"{self.district.slug}-{self.year}"


@dataclass(frozen=True)
class Contact:
    """Where residents of one district send a correction or a complaint (units registry)."""

    office: str
    phone: str | None = None  # as printed: 0531-87212345, 0531-87212345转8001
    email: str | None = None
    address: str | None = None
    hours: str | None = None

    @property
    def tel(self) -> str | None:
        """The phone as a tel: URI (digits only; the extension after a pause)."""
        if not self.phone:
            return None
        number, _, extension = self.phone.partition("转")
        digits = "".join(c for c in number if c.isdigit())
        return f"tel:{digits}" + (f",{extension}" if extension else "")


@dataclass
class Site:
    plans: list[Plan]  # sorted by district slug, then year
    units: dict[str, list[Unit]]  # district slug -> registry entries
    themes: list[Theme]
    contacts: dict[str, Contact] = field(default_factory=dict)  # district slug -> contact, where given

    @property
    def districts(self) -> list[District]:
        seen: dict[str, District] = {}
        for plan in self.plans:
            seen.setdefault(plan.district.slug, plan.district)
        return list(seen.values())

    @property
    def tasks(self) -> list[Task]:
        return [t for p in self.plans for t in p.tasks]


# Progress reports (site_data/progress/<district>-<year>.yaml): what a unit says it has done on a
# task. generator.status derives the task's status from them; docs/status-rules.md is the rule.
REPORT_STATUSES = ("未启动", "推进中", "已完成", "常态推进", "已调整")


@dataclass(frozen=True)
class Evidence:
    title: str
    url: str  # https only
    published: dt.date | None


@dataclass(frozen=True)
class Report:
    task_number: int
    date: dt.date  # the report date
    status: str  # one of REPORT_STATUSES
    text: str  # what was done, in plain words
    unit: Unit | None  # the reporting unit, resolved in the registry
    unit_name: str  # as written in the progress file
    evidence: tuple[Evidence, ...]
    reason: str | None  # for 已调整: why (merged, cancelled by a later document ...)
    example: bool = False  # True for made-up example reports (example data set / tests only)
