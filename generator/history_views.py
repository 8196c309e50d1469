"""What the history pages (a plan's 修改记录, 最近更新) list: each change as a linked line,
grouped by commit or by day. The history itself comes from generator/history.py."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from generator import views
from generator.history import Change, Commit
from generator.model import Plan, Site

HISTORY_PART = "history/"  # under a plan's address: "lixia/2024/history/"
UPDATES_URL = "updates/"
UPDATES_LIMIT = 100  # the 最近更新 page lists this many changes, newest first


def plan_history_url(plan: Plan) -> str:
    return views.plan_url(plan) + HISTORY_PART


@dataclass(frozen=True)
class ChangeItem:
    """One change as a list line: what it touched, linked when the page exists (what it did is
    worded by generator/templates/_history.html.j2)."""

    change: Change
    place: str  # "长清区2022年第7项任务", or the plan's heading for plan_added
    short_place: str  # the same within its plan's page: "第7项任务", "本表"
    url: str | None  # the task's or plan's page; None when it is no longer on the site
    summary: str  # the task's text, shortened ("" for a plan)


@dataclass(frozen=True)
class ChangeGroup:
    """Changes shown under one heading: one commit (plan history) or one day (最近更新)."""

    commit: Commit  # the (first) commit of the group: its date heads the group
    items: list[ChangeItem]


class OnSite:
    """The site's plans and tasks by key, built once for all the history pages."""

    def __init__(self, site: Site):
        self.plans = {plan.key: plan for plan in site.plans}
        self.tasks = {task.key: task for task in site.tasks}


def change_items(on_site: OnSite, changes: Iterable[Change]) -> list[ChangeItem]:
    plans, tasks = on_site.plans, on_site.tasks
    items = []
    for change in changes:
        plan = plans.get(change.plan_key)
        if plan is None:  # a plan no longer on the site has no page to show it on
            continue
        if change.task_number is None:
            place, short, url, summary = views.plan_heading(plan), "本表", views.plan_url(plan), ""
        else:
            task = tasks.get(change.task_key or "") if change.kind != "task_removed" else None
            short = f"第{change.task_number}项任务"
            place = f"{plan.district.name}{plan.year}年{short}"
            url = views.task_url(task) if task else None
            summary = views.short_text(change.task_text)
        items.append(ChangeItem(change, place, short, url, summary))
    return items


def grouped(items: list[ChangeItem], same: Callable[[Commit, Commit], bool]) -> list[ChangeGroup]:
    groups: list[ChangeGroup] = []
    for item in items:
        if groups and same(groups[-1].commit, item.change.commit):
            groups[-1].items.append(item)
        else:
            groups.append(ChangeGroup(item.change.commit, [item]))
    return groups
