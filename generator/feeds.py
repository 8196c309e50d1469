"""Atom feeds of the site's changes: the whole site, each district, each unit and each theme.

The feeds are written from the change history (generator/history.py) into the build's docs
folder under feeds/, beside the pages:

    feeds/all.xml                      every change on the site
    feeds/districts/<district>.xml     changes to the district's plans and tasks
    feeds/units/<district>/<unit>.xml  changes to the tasks the unit is bound to today (named
                                       in the task, or through a collective such as 区政府各部门
                                       that includes it), and the plans those tasks came with
    feeds/themes/<theme>.xml           changes to the tasks of the theme today, and their plans

Entries are new plans, new, changed and removed tasks and new progress reports, newest first,
at most MAX_ENTRIES a feed. Nothing depends on the build's clock, so the same commit gives
byte-identical feeds:
- an entry's `updated` is its commit's date (China time); a feed's `updated` is its newest
  entry's, or, for a feed with no entry, the newest change of the site (else the data date);
- an entry's id is a tag URI (RFC 4151) made of the published address and Change.id, e.g.
  tag:example.github.io,2024-05-02:/zwgk/<commit sha>/task_changed/lixia-2024-7 (the date is
  the commit's day), so it stays the same in every build and in every feed that carries it;
  a feed's id is its own published address.

Feeds need the published address (`--site-url`: entries link to absolute addresses) and the
history (git). Without either, no feed is written and `off_reason` says why in one sentence.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import urlsplit

import jinja2
from feedgen.feed import FeedGenerator

from generator import views
from generator.history import Change, SiteHistory
from generator.model import District, Site, Theme, Unit

if TYPE_CHECKING:
    from generator.pages import SiteViews

FEEDS_URL = "feeds/"
SITE_FEED_URL = "feeds/all.xml"
SUBSCRIBE_URL = "subscribe/"
ATOM_TYPE = "application/atom+xml"
MAX_ENTRIES = 50
CHINA = dt.timezone(dt.timedelta(hours=8))
TEMPLATES_DIR = Path(__file__).parent / "templates"

SITE_FEED_TITLE = "全站更新"
NO_SITE_URL = ("订阅源里的链接必须是完整地址，这次生成没有给出网站的发布地址。"
               "生成时加上 --site-url 网站地址（如 https://example.github.io/zwgk/），就会有订阅源。")

# Words for each kind of change, in entry categories.
KIND_LABELS = {"plan_added": "新增任务表", "task_added": "新增任务", "task_changed": "任务修改",
               "task_removed": "删除任务", "report_added": "新进展报告"}


# ---- Addresses -------------------------------------------------------------------------

def district_feed_url(slug: str) -> str:
    return f"{FEEDS_URL}districts/{slug}.xml"  # in a folder of their own: a district slug "all" must not clash


def unit_feed_url(unit: Unit) -> str:
    return f"{FEEDS_URL}units/{unit.district}/{unit.id}.xml"


def theme_feed_url(theme: Theme) -> str:
    return f"{FEEDS_URL}themes/{theme.id}.xml"


# ---- On or off ---------------------------------------------------------------------------

def off_reason(site_url: str | None, history: SiteHistory) -> str | None:
    """Why this build writes no feeds (one plain sentence), or None when it writes them."""
    if not site_url:
        return NO_SITE_URL
    if not history.available:
        why = history.reason.rstrip("。") + "。"
        return f"订阅源要从 git 修改记录生成，这次读不到：{why}在有完整历史的 git 仓库里生成，就会有订阅源。"
    return None


def notice(reason: str) -> str:
    """The one line the build prints when feeds are off."""
    return f"订阅源（Atom）已关闭：{reason}"


def site_feed_link(docs_dir: Path) -> dict[str, str] | None:
    """The whole-site feed for every page's head (config.extra.feeds), when this build wrote it."""
    if not (docs_dir / SITE_FEED_URL).is_file():
        return None
    return {"title": SITE_FEED_TITLE, "url": SITE_FEED_URL}


# ---- What the pages say about feeds ------------------------------------------------------

def _district_feed_title(name: str) -> str:
    return f"{name}的更新"


def _unit_feed_title(unit: Unit, district_name: str) -> str:
    return f"{unit.name}（{district_name}）的任务更新"


def _theme_feed_title(theme: Theme) -> str:
    return f"主题“{theme.name}”的任务更新"


def _district_names(site: Site) -> dict[str, str]:
    return {d.slug: d.name for d in site.districts}


def page_meta(sv: SiteViews, target: District | Unit | Theme) -> dict[str, Any]:
    """A page's Page.meta: {"feeds": [{"title", "url"}]} with the feed of its district, unit or
    theme ("url" relative to the site root), or {} when this build has no feeds."""
    if off_reason(sv.site_url, sv.history) is not None:
        return {}
    if isinstance(target, District):
        link = {"title": _district_feed_title(target.name), "url": district_feed_url(target.slug)}
    elif isinstance(target, Unit):
        name = _district_names(sv.site).get(target.district, target.district)
        link = {"title": _unit_feed_title(target, name), "url": unit_feed_url(target)}
    else:
        link = {"title": _theme_feed_title(target), "url": theme_feed_url(target)}
    return {"feeds": [link]}


def subscribe_context(sv: SiteViews) -> dict[str, Any]:
    """What the 订阅更新 page lists: the site feed and each district's, with full addresses."""
    reason = off_reason(sv.site_url, sv.history)
    if reason is not None:
        return {"off_reason": reason, "site_feed": None, "district_feeds": [], "max_entries": MAX_ENTRIES}

    def full(url: str) -> dict[str, str]:
        return {"url": url, "address": f"{sv.site_url}{url}"}

    districts = [{"name": dv.district.name, **full(district_feed_url(dv.district.slug))} for dv in sv.districts]
    return {"off_reason": None, "site_feed": {"name": SITE_FEED_TITLE, **full(SITE_FEED_URL)},
            "district_feeds": districts, "max_entries": MAX_ENTRIES}


# ---- Which changes each feed carries -----------------------------------------------------

@dataclass(frozen=True)
class FeedSpec:
    url: str  # where the feed is written, relative to the site root: "feeds/lixia.xml"
    title: str
    subtitle: str
    page_url: str  # the page the feed follows (its alternate link)
    changes: tuple[Change, ...]  # newest first, at most MAX_ENTRIES


def _about_tasks(task_keys: set[str], plan_keys: set[str]) -> Callable[[Change], bool]:
    """Changes to these tasks, and the arrival of the plans they came with."""
    def wanted(change: Change) -> bool:
        if change.kind == "plan_added":
            return change.plan_key in plan_keys
        return change.task_key in task_keys
    return wanted


def _spec(url: str, title: str, subtitle: str, page_url: str, history: SiteHistory,
          wanted: Callable[[Change], bool]) -> FeedSpec:
    chosen: list[Change] = []
    for change in history.changes:  # newest first
        if wanted(change):
            chosen.append(change)
            if len(chosen) == MAX_ENTRIES:
                break
    return FeedSpec(url, title, subtitle, page_url, tuple(chosen))


def feed_specs(site: Site, history: SiteHistory) -> list[FeedSpec]:
    """Every feed of the site, in a stable order: the site, districts, units, themes."""
    specs = [_spec(SITE_FEED_URL, SITE_FEED_TITLE, "各区政务公开重点工作任务的新任务表、任务修改和进展报告。",
                   "", history, lambda change: True)]
    for district in sorted(site.districts, key=lambda d: d.slug):
        specs.append(_spec(district_feed_url(district.slug), _district_feed_title(district.name),
                           f"{district.name}的新任务表、任务修改和进展报告。", views.district_url(district), history,
                           lambda change, slug=district.slug: change.district_slug == slug))
    for uv in views.unit_views(site):
        tasks = uv.all_tasks
        specs.append(_spec(unit_feed_url(uv.unit), _unit_feed_title(uv.unit, uv.district_name),
                           f"{uv.unit.name}负责或参与的任务的修改和进展报告。", views.unit_url(uv.unit), history,
                           _about_tasks({t.key for t in tasks}, {t.plan.key for t in tasks})))
    for tv in views.theme_views(site):
        specs.append(_spec(theme_feed_url(tv.theme), _theme_feed_title(tv.theme),
                           f"属于“{tv.theme.name}”主题的任务的修改和进展报告。", views.theme_url(tv.theme), history,
                           _about_tasks({t.key for t in tv.tasks}, {t.plan.key for t in tv.tasks})))
    return specs


# ---- One entry ---------------------------------------------------------------------------

def _task_name(change: Change, names: dict[str, str]) -> str:
    district = names.get(change.district_slug, change.district_slug)
    return f"{district}{change.year}年第{change.task_number}项任务"


def entry_title(change: Change, names: dict[str, str]) -> str:
    """Says which plan or task and what happened: 济南市历下区2024年第7项任务：修改了要求、完成时限."""
    district = names.get(change.district_slug, change.district_slug)
    if change.kind == "plan_added":
        return f"新增任务表：{district}{change.year}年政务公开重点工作任务"
    task = _task_name(change, names)
    if change.kind == "task_changed":
        return f"{task}：修改了{'、'.join(f.label for f in change.fields)}" if change.fields else f"{task}：有修改"
    if change.kind == "report_added":
        return f"{task}：新的进展报告（{change.report_status}）"
    return f"{KIND_LABELS[change.kind]}：{task}"


def page_addresses(site: Site) -> dict[str, str]:
    """Task key, plan key and district slug -> the page's URL (the pages an entry can link)."""
    urls = {d.slug: views.district_url(d) for d in site.districts}
    urls.update({p.key: views.plan_url(p) for p in site.plans})
    urls.update({t.key: views.task_url(t) for t in site.tasks})
    return urls


def entry_link(change: Change, addresses: dict[str, str], site_url: str) -> str:
    """The page the entry is about, at the published address: the task, else (a removed task)
    its plan, else (a removed plan) its district, else the home page."""
    for key in (change.task_key, change.plan_key, change.district_slug):
        if key is not None and key in addresses:
            return site_url + addresses[key]
    return site_url


def entry_id(change: Change, site_url: str) -> str:
    """A tag URI: the site's host and path, the commit's day (China time), and Change.id."""
    parts = urlsplit(site_url)
    day = change.commit.date.astimezone(CHINA).date().isoformat()
    return f"tag:{parts.hostname},{day}:{parts.path or '/'}{change.id}"


def _entry_env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _subject_name(change: Change, names: dict[str, str]) -> str:
    """The plan or task an entry is about, in words."""
    if change.task_number is None:
        district = names.get(change.district_slug, change.district_slug)
        return f"{district}{change.year}年政务公开重点工作任务"
    return _task_name(change, names)


def entry_content(change: Change, names: dict[str, str], template: jinja2.Template) -> str:
    """The entry's text: a short summary in plain Chinese (HTML), old and new values side by side."""
    return template.render(change=change, name=_subject_name(change, names),
                           commit_day=views.cn_date(change.commit.date.astimezone(CHINA).date()),
                           report_day=views.cn_date(change.report_date)).strip()


# ---- Writing -----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Entry:
    id: str
    title: str
    link: str
    content: str


def _entries(history: SiteHistory, site: Site, site_url: str) -> dict[str, _Entry]:
    """Change.id -> its entry, worked out once: a change appears in up to four feeds."""
    names, addresses = _district_names(site), page_addresses(site)
    template = _entry_env().get_template("feed_entry.html.j2")
    return {c.id: _Entry(entry_id(c, site_url), entry_title(c, names), entry_link(c, addresses, site_url),
                         entry_content(c, names, template)) for c in history.changes}


@dataclass(frozen=True)
class _Context:
    site_url: str
    site_name: str
    entries: dict[str, _Entry]
    fallback: dt.datetime  # `updated` of a feed with no entry


def _feed_xml(spec: FeedSpec, ctx: _Context) -> bytes:
    fg = FeedGenerator()
    fg.id(ctx.site_url + spec.url)
    fg.title(f"{spec.title} - {ctx.site_name}")
    fg.subtitle(spec.subtitle)
    fg.author({"name": ctx.site_name})
    fg.language("zh-CN")
    fg.link(href=ctx.site_url + spec.url, rel="self", type=ATOM_TYPE)
    fg.link(href=ctx.site_url + spec.page_url, rel="alternate", type="text/html")
    fg.generator(ctx.site_name)  # not feedgen's name and version: an upgrade must not change the bytes
    fg.updated(max((c.commit.date for c in spec.changes), default=ctx.fallback))
    for change in spec.changes:
        made = ctx.entries[change.id]
        entry = fg.add_entry(order="append")
        entry.id(made.id)
        entry.title(made.title)
        entry.updated(change.commit.date)
        # feedgen 1.0 writes an entry link's href only; without rel, Atom reads it as "alternate".
        entry.link(href=made.link, rel="alternate", type="text/html")
        entry.category(term=change.kind, label=KIND_LABELS[change.kind])
        entry.content(made.content, type="html")
    return fg.atom_str(pretty=True, encoding="UTF-8", xml_declaration=True)


def _fallback_date(history: SiteHistory, data_updated: dt.date) -> dt.datetime:
    if history.changes:
        return max(c.commit.date for c in history.changes)
    return dt.datetime.combine(data_updated, dt.time(0), CHINA)


def write_feeds(site: Site, docs_dir: Path, *, site_url: str | None, history: SiteHistory,
                site_name: str, data_updated: dt.date) -> str | None:
    """Write every feed into docs_dir/feeds/. Returns None, or why no feed was written."""
    reason = off_reason(site_url, history)
    if reason is not None:
        return reason
    assert site_url is not None
    ctx = _Context(site_url, site_name, _entries(history, site, site_url), _fallback_date(history, data_updated))
    for spec in feed_specs(site, history):
        path = docs_dir / spec.url
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(_feed_xml(spec, ctx))
    return None
