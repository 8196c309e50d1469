"""The search records: for every task, a small page that Pagefind indexes in place of the task
page (issue 14: search keys written by a template, not by a pass over the built HTML).

Each record holds the task's search keys (generator/search.py), its result card and its
filters, and lives at the task page's own address inside a folder of its own, so Pagefind's
results link to the task page. The records are written while the pages are rendered, from
the data, and Pagefind indexes them while MkDocs builds the site: the published task pages
carry no search data at all.

The letters' ranks come from `keys_site`, the whole data set even when a build publishes one
partition of it, so that a query is spelled alike in every partition's index.

A large site's records are indexed in shards (`shards`), whole districts of at most
SHARD_TASKS tasks each, one Pagefind bundle per shard: Pagefind holds about 110 KB a task while
it indexes, and one shard at a time keeps a build of 100 districts within its memory budget
(docs/scale-out.md). The search page opens the bundles as one index (search-keys.js).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2

from generator import search, status, views
from generator.model import Site, Task
from generator.status import Status
from generator.wrapped_text import display_text

TEMPLATE = "search_record.html.j2"
SHARD_TASKS = 2000  # tasks of one search bundle at most, unless one district has more
LANG = "zh-Hans"  # the pages' language (theme: zh): Pagefind names its bundle files after it


def task_card(task: Task, st: Status) -> dict[str, Any]:
    """What a query is matched against and what the task's result card shows."""
    chain = views.section_chain(task.plan, task.section)
    return {
        "title": views.task_title(task),
        "text": display_text(task.text),
        "units": [{"name": ur.unit.name, "role": ur.role, "printed": list(ur.printed), "aliases": list(ur.unit.aliases)}
                  for ur in views.task_unit_roles(task)],
        "sections": [section.title for section in chain],
        "themes": [theme.name for theme in task.themes],
        "deadline": views.deadline_words(task.deadline),
        "status": {"label": st.label, "code": st.code, "icon": st.icon},
        "status_inputs": status.status_inputs(task.deadline, task.reports),
    }


def site_fields(site: Site, statuses: dict[str, Status]) -> list[search.TaskFields]:
    return [search.TaskFields(task_card(task, statuses[task.key])) for task in site.tasks]


def plan_index(keys_site: Site, site: Site, as_of: dt.date
               ) -> tuple[search.SearchKeys, dict[str, search.TaskFields]]:
    """The spelling of every letter, ranked over `keys_site` (see the module's docstring), and
    the fields of each task of `site` by its key, in the site's order (its records hold them;
    the fallback file's words are counted over them)."""
    statuses = views.task_statuses(keys_site, as_of)
    every = site_fields(keys_site, statuses)
    mine = {task.key for task in site.tasks}
    return search.make_keys(every), {task.key: fields for task, fields in zip(keys_site.tasks, every) if task.key in mine}


def shards(site: Site, limit: int | None = None) -> list[list[str]]:
    """The task keys of each search bundle: whole districts in the site's order, as many as
    fit in `limit` tasks (default SHARD_TASKS; a district of more has a bundle of its own)."""
    limit = limit or SHARD_TASKS
    by_district: dict[str, list[str]] = {}
    for task in site.tasks:
        by_district.setdefault(task.plan.district.slug, []).append(task.key)
    out: list[list[str]] = []
    for keys in by_district.values():
        if out and len(out[-1]) + len(keys) <= limit:
            out[-1] += keys
        else:
            out.append(list(keys))
    return out or [[]]


def bundle_names(site: Site, limit: int | None = None) -> list[str]:
    """The folders of the site's search bundles (search.bundle_name), one per shard."""
    return [search.bundle_name(i) for i in range(len(shards(site, limit)))]


def district_filter(site: Site) -> dict[str, list[str]]:
    """The search's district filter: each district's value, its address (changqing: unique,
    where two cities may each have a 鼓楼区), -> [its group, province and city (山东省济南市);
    the name its option shows under the group], in the order of the 各地区 page."""
    return {district.slug: [group.province + city.city, district.name]
            for group in views.place_groups([(district, None) for district in site.districts])
            for city in group.cities for district, _ in city.items}


def record(env: jinja2.Environment, task: Task, fields: search.TaskFields, keys: search.SearchKeys,
           words: list[str] | None = None) -> str:
    """The record's HTML from the task's fields (plan_index made them); `words`: other keys
    than keys.page_words (benchmarks/search_designs.py)."""
    units = list(dict.fromkeys(ur.unit.name for ur in views.task_unit_roles(task)))
    return env.get_template(TEMPLATE).render(
        lang=LANG, title=views.task_title(task), keys_class=search.KEYS_CLASS,
        card_value=search.card_value(fields.card), card_prefix=search.CARD_PREFIX,
        words=keys.page_words(fields) if words is None else words,
        status=fields.card["status"]["label"], units=units, deadline=views.deadline_facet(task.deadline),
        themes=[theme.name for theme in task.themes], district=task.plan.district.slug, year=task.plan.year)


def write_record(folder: Path, env: jinja2.Environment, task: Task, fields: search.TaskFields,
                 keys: search.SearchKeys, words: list[str] | None = None) -> None:
    path = folder / views.task_url(task) / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(record(env, task, fields, keys, words), encoding="utf-8")
