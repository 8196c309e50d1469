"""The catalogue of page kinds: every kind of page the site has, declared once.

Each PageKind says where its pages live (URL), what they are called, which template draws
them, how their content is derived from the data (a view builder), and whether and where
they appear in the navigation and the footer. Rendering, the reserved district slugs, the
MkDocs nav and the footer links are all derived from this list, so a new kind of page is
one entry here plus its template.

Hand-written pages (content/*.md) have entries too (template None): they are in the nav
and the footer, and their addresses are reserved.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, Iterable

from generator import feeds, history_views, opendata, printsheets, views
from generator.history import NO_HISTORY_GIVEN, SiteHistory
from generator.model import District, Site
from generator.status import Status


@dataclass(frozen=True)
class Page:
    """One page to write: its address, its title and what its template receives."""

    url: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    # Extra front matter for the theme (theme/base.html reads page.meta): "feeds" (the page's
    # Atom feeds, for <link rel="alternate">), "template" (another theme template, e.g. print).
    meta: dict[str, Any] = field(default_factory=dict)


class SiteViews:
    """The derived views every page kind draws from, each computed once per build."""

    def __init__(self, site: Site, as_of: dt.date, *, site_url: str | None = None,
                 history: SiteHistory | None = None):
        self.site = site
        self.as_of = as_of
        # The published address ending in "/", or None when not known (no QR codes, no feeds).
        self.site_url = site_url
        self.history = history if history is not None else SiteHistory.unavailable(NO_HISTORY_GIVEN)

    @cached_property
    def statuses(self) -> dict[str, Status]:
        """Every task's status on the reference date (docs/status-rules.md)."""
        return views.task_statuses(self.site, self.as_of)

    @cached_property
    def districts(self) -> list[views.DistrictView]:
        return views.district_views(self.site, self.as_of)

    @cached_property
    def units(self) -> list[views.UnitView]:
        return views.unit_views(self.site)

    @cached_property
    def themes(self) -> list[views.ThemeView]:
        return views.theme_views(self.site)

    @cached_property
    def theme_counts(self) -> dict[tuple[str, str], int]:
        """(theme id, district slug) -> how many of the district's tasks have the theme."""
        return {(tv.theme.id, district.slug): len(tasks) for tv in self.themes for district, tasks in tv.by_district}

    @cached_property
    def _districts_by_slug(self) -> dict[str, District]:
        return {d.slug: d for d in self.site.districts}

    def district(self, slug: str, name: str) -> District:
        """The district of a units registry; one without a plan yet has no place (其他地区)."""
        return self._districts_by_slug.get(slug) or District(slug, name, city="", province="")


@dataclass(frozen=True)
class NavSpot:
    """Where a kind's pages go in the navigation: a top-level entry, or inside a group."""

    order: int  # position among the top-level entries (and groups)
    group: str | None = None  # a group's title: its pages are listed under it


@dataclass(frozen=True)
class PageKind:
    name: str
    title: str  # the title of the kind's single page, or of its nav/footer link
    template: str | None  # None: a hand-written page from content/
    pages: Callable[[SiteViews], Iterable[Page]] | None = None  # None: one page at `url`
    url: str | None = None  # the fixed address of a single-page kind (index pages, content)
    nav: NavSpot | None = None
    footer: int | None = None  # position among the footer links; None: not in the footer

    def build(self, sv: SiteViews) -> Iterable[Page]:
        if self.pages is not None:
            return self.pages(sv)
        assert self.url is not None, self.name
        return [Page(self.url, self.title)]


# ---- View builders: what each kind's pages receive -------------------------------------

def _home(sv: SiteViews) -> Iterable[Page]:
    """Counts only: the districts themselves are listed on 各地区, grouped by province and city."""
    districts = [dv.district for dv in sv.districts]
    yield Page("", "首页", {"district_count": len(districts),
                            "province_count": len({d.province for d in districts}),
                            "due_soon_count": len(views.due_soon(sv.site.tasks, sv.as_of))})


def _districts_index(sv: SiteViews) -> Iterable[Page]:
    yield Page(views.DISTRICTS_URL, "各地区",
               {"places": views.place_groups([(dv.district, dv) for dv in sv.districts]),
                "count": len(sv.districts)})


def _districts(sv: SiteViews) -> Iterable[Page]:
    for dv in sv.districts:
        themes = [(tv.theme, count) for tv in sv.themes
                  if (count := sv.theme_counts.get((tv.theme.id, dv.district.slug), 0))]
        yield Page(views.district_url(dv.district), dv.district.name, {"dv": dv, "themes": themes},
                   feeds.page_meta(sv, dv.district))


def _plans(sv: SiteViews) -> Iterable[Page]:
    for plan in sv.site.plans:
        yield Page(views.plan_url(plan), views.plan_heading(plan),
                   {"plan": plan, "blocks": views.plan_blocks(plan), "outline": views.plan_outline_tree(plan)},
                   feeds.page_meta(sv, plan.district))


def _plan_statuses(sv: SiteViews) -> Iterable[Page]:
    """One page per plan and status that occurs: the tasks of that status only (no JavaScript needed)."""
    for plan in sv.site.plans:
        for count in views.status_summary(plan.tasks, sv.statuses).counts:
            tasks = views.with_status(plan.tasks, sv.statuses, count.code)
            yield Page(views.plan_status_url(plan, count.code), f"{views.plan_heading(plan)}：{count.label}",
                       {"plan": plan, "code": count.code, "label": count.label, "tasks": tasks})


def _tasks(sv: SiteViews) -> Iterable[Page]:
    for plan in sv.site.plans:
        tasks = plan.tasks
        for i, task in enumerate(tasks):
            yield Page(views.task_url(task), views.task_title(task), {
                "task": task,
                "previous": tasks[i - 1] if i > 0 else None,
                "next": tasks[i + 1] if i + 1 < len(tasks) else None,
                "chain": views.section_chain(plan, task.section),
                "roles": views.task_unit_roles(task),
            }, feeds.page_meta(sv, plan.district))


def _units_index(sv: SiteViews) -> Iterable[Page]:
    summaries = [(sv.district(slug, name), views.units_summary(units))
                 for slug, name, units in views.units_by_district(sv.units)]
    yield Page(views.UNITS_URL, "按单位查", {"places": views.place_groups(summaries)})


def _units_districts(sv: SiteViews) -> Iterable[Page]:
    """Each district's units, on a page of its own (units/<district>/)."""
    for slug, name, units in views.units_by_district(sv.units):
        yield Page(views.units_district_url(slug), f"{name}各单位的任务",
                   {"district": sv.district(slug, name), "units": units})


def _units(sv: SiteViews) -> Iterable[Page]:
    for uv in sv.units:
        meta = feeds.page_meta(sv, uv.unit)  # also in the context: the page links its feed visibly
        yield Page(views.unit_url(uv.unit), f"{uv.unit.name}（{uv.district_name}）",
                   {"uv": uv, "own_feeds": meta.get("feeds", [])}, meta)


def _themes_index(sv: SiteViews) -> Iterable[Page]:
    yield Page(views.THEMES_URL, "按主题查", {"themes": [views.theme_summary(tv) for tv in sv.themes]})


def _themes(sv: SiteViews) -> Iterable[Page]:
    """A theme's page sums up each district; the tasks are on the district's theme page."""
    for tv in sv.themes:
        meta = feeds.page_meta(sv, tv.theme)  # also in the context: the page links its feed visibly
        counts = [(district, len(tasks)) for district, tasks in tv.by_district if tasks]
        yield Page(views.theme_url(tv.theme), f"主题：{tv.theme.name}",
                   {"theme": tv.theme, "summary": views.theme_summary(tv), "places": views.place_groups(counts),
                    "own_feeds": meta.get("feeds", [])}, meta)


def _theme_districts(sv: SiteViews) -> Iterable[Page]:
    """One page per theme and district that has tasks of it: themes/<theme>/<district>/."""
    for tv in sv.themes:
        meta = feeds.page_meta(sv, tv.theme)
        for district, tasks in tv.by_district:
            if tasks:
                yield Page(views.theme_district_url(tv.theme, district), f"{district.name}：主题“{tv.theme.name}”的任务",
                           {"theme": tv.theme, "district": district, "count": len(tasks),
                            "groups": views.by_plan(tasks), "own_feeds": meta.get("feeds", [])}, meta)


def _deadlines(sv: SiteViews) -> Iterable[Page]:
    counts = [(dv.district, views.deadline_counts(dv.tasks, sv.as_of)) for dv in sv.districts]
    yield Page(views.DEADLINES_URL, "按时间查", {"total": views.deadline_counts(sv.site.tasks, sv.as_of),
                                              "places": views.place_groups(counts)})


def _deadlines_districts(sv: SiteViews) -> Iterable[Page]:
    """Each district's tasks by deadline (deadlines/<district>/)."""
    for dv in sv.districts:
        yield Page(views.deadlines_district_url(dv.district), f"{dv.district.name}：按时间查",
                   {"district": dv.district, "dl": views.deadline_view_of(dv.tasks)})


def _data(sv: SiteViews) -> Iterable[Page]:
    yield Page(views.DATA_URL, "开放数据", {"columns": opendata.COLUMNS, "report_columns": opendata.REPORT_COLUMNS,
                                        "places": views.place_groups([(dv.district, dv.plans) for dv in sv.districts])})


# ---- History: plan histories and 最近更新 (generator/history.py) ----------------------

def _plan_histories(sv: SiteViews) -> Iterable[Page]:
    on_site = history_views.OnSite(sv.site)
    for plan in sv.site.plans:
        items = history_views.change_items(on_site, sv.history.for_plan(plan.key))
        by_commit = history_views.grouped(items, lambda a, b: a.sha == b.sha)
        yield Page(history_views.plan_history_url(plan), f"{views.plan_heading(plan)}：修改记录",
                   {"plan": plan, "groups": by_commit})


def _updates(sv: SiteViews) -> Iterable[Page]:
    items = history_views.change_items(history_views.OnSite(sv.site), sv.history.recent(history_views.UPDATES_LIMIT))
    by_day = history_views.grouped(items, lambda a, b: a.date.date() == b.date.date())
    yield Page(history_views.UPDATES_URL, "最近更新", {"groups": by_day, "limit": history_views.UPDATES_LIMIT, "count": len(items)})


# ---- Feeds: the subscribe page (generator/feeds.py) ----------------------------------

def _subscribe(sv: SiteViews) -> Iterable[Page]:
    context = feeds.subscribe_context(sv)
    by_url = {feed["url"]: feed for feed in context["district_feeds"]}
    pairs = [(dv.district, by_url[url]) for dv in sv.districts
             if (url := feeds.district_feed_url(dv.district.slug)) in by_url]
    yield Page(feeds.SUBSCRIBE_URL, "订阅更新", {**context, "district_places": views.place_groups(pairs)})


# ---- Notice-board print sheets (generator/printsheets.py) ----------------------------

def _sheet(url: str, title: str, context: dict[str, Any]) -> Page:
    """A sheet page: drawn by theme/print.html (A4 print styles, the dates band)."""
    return Page(url, f"{title}（A4 打印版）", context, meta=dict(printsheets.SHEET_META))


def _plan_sheets(sv: SiteViews) -> Iterable[Page]:
    for plan in sv.site.plans:
        yield _sheet(printsheets.plan_sheet_url(plan), views.plan_heading(plan),
                     {"sheet": printsheets.plan_sheet(plan, sv.statuses, sv.site_url)})


def _unit_sheets(sv: SiteViews) -> Iterable[Page]:
    """Only units with tasks: an empty sheet is nothing to pin on a board."""
    for uv in sv.units:
        if uv.all_tasks:
            yield _sheet(printsheets.unit_sheet_url(uv.unit), f"{uv.unit.name}（{uv.district_name}）的任务",
                         {"sheet": printsheets.unit_sheet(uv, sv.statuses, sv.site_url)})


def _district_sheets(sv: SiteViews) -> Iterable[Page]:
    for dv in sv.districts:
        yield _sheet(printsheets.district_sheet_url(dv.district), f"{dv.district.name}政务公开任务概况",
                     {"sheet": printsheets.district_sheet(dv, sv.statuses, sv.site_url)})


HELP = "帮助与说明"

# In nav order within each group; the footer order is given by `footer`. The nav and the
# header never list districts (their number is unbounded): 各地区 lists them, grouped.
CATALOGUE: tuple[PageKind, ...] = (
    PageKind("home", "首页", "home.html.j2", _home, url="", nav=NavSpot(0)),
    PageKind("districts", "各地区", "districts.html.j2", _districts_index, url=views.DISTRICTS_URL, nav=NavSpot(1)),
    PageKind("district", "地区", "district.html.j2", _districts),
    PageKind("plan", "计划", "plan.html.j2", _plans),
    PageKind("plan_status", "按状态列出", "plan_status.html.j2", _plan_statuses),
    PageKind("task", "任务", "task.html.j2", _tasks),
    PageKind("units_index", "按单位查", "units_index.html.j2", _units_index, url=views.UNITS_URL, nav=NavSpot(2)),
    PageKind("units_district", "本地区的单位", "units_district.html.j2", _units_districts),
    PageKind("unit", "单位", "unit.html.j2", _units),
    PageKind("themes_index", "按主题查", "themes_index.html.j2", _themes_index, url=views.THEMES_URL, nav=NavSpot(3)),
    PageKind("theme", "主题", "theme.html.j2", _themes),
    PageKind("theme_district", "本地区的主题任务", "theme_district.html.j2", _theme_districts),
    PageKind("deadlines", "按时间查", "deadlines.html.j2", _deadlines, url=views.DEADLINES_URL, nav=NavSpot(4)),
    PageKind("deadlines_district", "本地区按时间查", "deadlines_district.html.j2", _deadlines_districts),
    PageKind("help", "使用帮助", None, url="help/", nav=NavSpot(9, group=HELP), footer=1),
    PageKind("about", "关于本站", None, url="about/", nav=NavSpot(9, group=HELP), footer=2),
    PageKind("data", "开放数据", "data.html.j2", _data, url=views.DATA_URL, nav=NavSpot(9, group=HELP), footer=4),
    PageKind("accessibility", "无障碍声明", None, url="accessibility/", nav=NavSpot(9, group=HELP), footer=3),
    PageKind("staff_guide", "工作人员指南", None, url="staff-guide/", nav=NavSpot(9, group=HELP)),
    PageKind("search", "搜索", None, url=views.SEARCH_URL),
    # history kinds:
    PageKind("plan_history", "修改记录", "plan_history.html.j2", _plan_histories),
    PageKind("updates", "最近更新", "updates.html.j2", _updates, url=history_views.UPDATES_URL,
             nav=NavSpot(9, group=HELP), footer=6),
    # feed kinds:
    PageKind("subscribe", "订阅更新", "subscribe.html.j2", _subscribe, url=feeds.SUBSCRIBE_URL,
             nav=NavSpot(9, group=HELP), footer=5),
    # print kinds:
    PageKind("plan_sheet", "计划任务打印版", "print_plan.html.j2", _plan_sheets),
    PageKind("unit_sheet", "单位任务打印版", "print_unit.html.j2", _unit_sheets),
    PageKind("district_sheet", "本区概况打印版", "print_district.html.j2", _district_sheets),
)

# Folders the build writes itself, beside the pages.
OTHER_FOLDERS = frozenset({"assets", "pagefind", "sources", "data", "feeds"})


def reserved_slugs(catalogue: Iterable[PageKind] = CATALOGUE) -> frozenset[str]:
    """First URL parts a district slug must not take: every fixed address of the catalogue."""
    firsts = {kind.url.split("/", 1)[0] for kind in catalogue if kind.url}
    return frozenset(firsts - {""}) | OTHER_FOLDERS


def content_file(kind: PageKind) -> str:
    """The content/ file of a hand-written page kind (its URL "help/" -> "help.md")."""
    assert kind.template is None and kind.url, kind.name
    return kind.url.rstrip("/") + ".md"


def footer_links(catalogue: Iterable[PageKind] = CATALOGUE) -> list[dict[str, str]]:
    """The footer's links, for theme/partials/footer.html: [{"title", "url"}]."""
    kinds = sorted((k for k in catalogue if k.footer is not None and k.url), key=lambda k: k.footer or 0)
    return [{"title": k.title, "url": k.url or ""} for k in kinds]


def nav(written: dict[str, list[Page]], content_files: set[str],
        catalogue: Iterable[PageKind] = CATALOGUE) -> list[Any]:
    """The MkDocs nav: top-level kinds and groups, in catalogue order.

    `written` holds the pages each generated kind wrote; `content_files` the hand-written
    pages present (a kind whose file is missing is left out). Titles are MkDocs nav titles,
    which the theme prints: escape them (theme/partials/nav.html does).
    """
    entries: list[tuple[int, int, str | None, Any]] = []  # (order, position, group, entry)
    for position, kind in enumerate(catalogue):
        if kind.nav is None:
            continue
        if kind.template is None:
            file = content_file(kind)
            if file not in content_files:
                continue
            items = [{kind.title: file}]
        elif kind.url is not None:
            items = [{kind.title: views.page_file(kind.url)}]
        else:
            items = [{page.title: views.page_file(page.url)} for page in written.get(kind.name, [])]
        for item in items:
            entries.append((kind.nav.order, position, kind.nav.group, item))
    out: list[Any] = []
    groups: dict[str, list[Any]] = {}
    for _, _, group, item in sorted(entries, key=lambda e: (e[0], e[1])):
        if group is None:
            out.append(item)
            continue
        if group not in groups:
            groups[group] = []
            out.append({group: groups[group]})
        groups[group].append(item)
    return out
