"""Write the site's Markdown pages (HTML bodies from Jinja templates) into a docs folder.

Every page body is one HTML block rendered with autoescape on: a task text with `<script>`,
`*stars*` or `[x](javascript:...)` is shown as typed. The front matter says `generated: true`,
so generator/mkdocs_hooks.py hands the body to MkDocs as it is, without a Markdown pass. Front
matter is written with yaml.safe_dump; its title is HTML-escaped because MkDocs' theme
templates print page titles without escaping.
"""
from __future__ import annotations

import datetime as dt
import html
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
import yaml

from generator import history_views, pages, parallel, printsheets, search_records, status, views
from generator.history import SiteHistory
from generator.model import ROLE_LABELS, Site
from generator.search import SearchKeys, TaskFields
from generator.wrapped_text import display_text

TEMPLATES_DIR = Path(__file__).parent / "templates"


def make_env(extra_dirs: tuple[Path, ...] = ()) -> jinja2.Environment:
    """The template environment; `extra_dirs` are searched after generator/templates."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(TEMPLATES_DIR), *map(str, extra_dirs)]),
        autoescape=True,  # every value from YAML is text, never markup
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        href=_href,
        task_url=views.task_url,
        plan_url=views.plan_url,
        unit_url=views.unit_url,
        theme_url=views.theme_url,
        district_url=views.district_url,
        source_url=views.source_url,
        data_file_url=views.data_file_url,
        section_anchor=views.section_anchor,
        section_chain=views.section_chain,
        task_unit_roles=views.task_unit_roles,
        task_title=views.task_title,
        plan_heading=views.plan_heading,
        deadline_words=views.deadline_words,
        deadline_facet=views.deadline_facet,
        cn_date=views.cn_date,
        status_inputs=lambda task: status.status_inputs(task.deadline, task.reports),
        status_summary=views.status_summary,
        overdue=views.overdue,
        recent_reports=views.recent_reports,
        last_report_date=views.last_report_date,
        has_lead_units=views.has_lead_units,
        plan_status_url=views.plan_status_url,
        plan_history_url=history_views.plan_history_url,
        UPDATES_URL=history_views.UPDATES_URL,
        short_text=views.short_text,
        ROLE_LABELS=ROLE_LABELS,
        UNITS_URL=views.UNITS_URL,
        THEMES_URL=views.THEMES_URL,
        DEADLINES_URL=views.DEADLINES_URL,
        DATA_URL=views.DATA_URL,
        SEARCH_URL=views.SEARCH_URL,
        DUE_SOON_DAYS=views.DUE_SOON_DAYS,
        DISTRICTS_URL=views.DISTRICTS_URL,
        units_district_url=views.units_district_url,
        theme_district_url=views.theme_district_url,
        deadlines_district_url=views.deadlines_district_url,
    )
    env.tests["with_lead_units"] = views.has_lead_units
    env.filters["display_text"] = display_text  # a task text's wrapped lines joined, for display only
    env.globals.update(printsheets.TEMPLATE_GLOBALS)  # QR codes and sheet addresses (print & share)
    return env


@jinja2.pass_context
def _href(context: jinja2.runtime.Context, to_url: str) -> str:
    """A relative link from the page being rendered (its URL is `here`)."""
    return views.relative(context["here"], to_url)


def _tidy(body: str) -> str:
    """Drop indentation and blank lines: Markdown must see one unbroken HTML block."""
    lines = (line.strip() for line in body.splitlines())
    return "\n".join(line for line in lines if line) + "\n"


class PageWriter:
    def __init__(self, docs_dir: Path, env: jinja2.Environment, common: dict[str, Any]):
        self.docs_dir = docs_dir
        self.env = env
        self.common = common
        self.written: set[str] = set()

    def claim(self, url: str) -> None:
        """Reserve the page's file; two pages at one address are a data error."""
        file = views.page_file(url)
        if file in self.written:
            raise ValueError(f"two pages want the address /{url}")
        self.written.add(file)

    def write(self, url: str, title: str, template: str, meta: dict[str, Any] | None = None,
              **context: Any) -> None:
        self.claim(url)
        self.render(url, title, template, meta, **context)

    def render(self, url: str, title: str, template: str, meta: dict[str, Any] | None = None,
               **context: Any) -> None:
        body = self.env.get_template(template).render(here=url, **self.common, **context)
        # `generated`: generator/mkdocs_hooks.py hands the body to MkDocs as HTML, unparsed.
        matter = {**(meta or {}), "generated": True, "title": html.escape(title)}
        front = yaml.safe_dump(matter, allow_unicode=True, sort_keys=True)
        path = self.docs_dir / views.page_file(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{front}---\n\n{_tidy(body)}", encoding="utf-8")


Job = tuple  # (template, Page) for a page; (None, Task) for a task's search record


@dataclass(frozen=True)
class SearchRecords:
    """Where to write the search records (generator/search_records.py) and how to spell them."""

    folder: Path  # a folder in it for each shard, named after its bundle (search.bundle_name)
    keys: SearchKeys
    fields: dict[str, TaskFields]  # task key -> what the record holds (search_records.plan_index)
    bundles: dict[str, str]  # task key -> its shard's bundle (search_records.shards)


def render_pages(site: Site, docs_dir: Path, *, as_of: dt.date,
                 catalogue: tuple[pages.PageKind, ...] = pages.CATALOGUE,
                 template_dirs: tuple[Path, ...] = (), site_url: str | None = None,
                 history: SiteHistory | None = None, records: SearchRecords | None = None,
                 jobs: int | None = None, only_province: str | None = None) -> list[Any]:
    """Write every generated page of the catalogue into `docs_dir`, and each task's search
    record when `records` is given; return the MkDocs nav. `jobs`: processes to render in
    (default: one per core, for a site large enough to gain from them). `only_province`: the
    province a partition's site holds (山东省); its pages send readers to the national entry
    site above it for the others.

    Hand-written pages (copy_content) must already be in `docs_dir`: the nav lists those found.
    """
    reserved = pages.reserved_slugs(catalogue)
    for plan in site.plans:
        if plan.district.slug in reserved:
            raise ValueError(f"区的英文简称“{plan.district.slug}”与网站的固定地址冲突，请换一个")
    sv = pages.SiteViews(site, as_of, site_url=site_url, history=history)
    writer = PageWriter(docs_dir, make_env(template_dirs),
                        {"site": site, "as_of": as_of, "st": sv.statuses, "sv": sv, "only_province": only_province})
    written = {kind.name: list(kind.build(sv)) for kind in catalogue if kind.template is not None}
    work: list[Job] = []
    for kind in catalogue:
        for page in written.get(kind.name, []):
            writer.claim(page.url)
            work.append((kind.template, page))
    if records is not None:
        work += [(None, task) for task in site.tasks]
    parallel.run(_RenderJobs(writer, work, records), len(work), "生成页面", jobs)
    content = {p.relative_to(docs_dir).as_posix() for p in docs_dir.glob("*.md")}
    return pages.nav(written, content, catalogue)


@dataclass
class _RenderJobs:
    """The pages and records to write, done by index (in this process or a forked worker)."""

    writer: PageWriter
    work: list[Job]
    records: SearchRecords | None

    def __call__(self, i: int) -> None:
        template, item = self.work[i]
        if template is not None:
            self.writer.render(item.url, item.title, template, item.meta, **item.context)
        else:
            assert self.records is not None
            search_records.write_record(self.records.folder / self.records.bundles[item.key], self.writer.env, item,
                                        self.records.fields[item.key], self.records.keys)


def copy_content(content_dir: Path, docs_dir: Path) -> list[str]:
    """Copy the hand-written pages (help, about, ...) into the docs folder."""
    copied = []
    for src in sorted(content_dir.rglob("*")):
        if src.is_file() and not src.name.startswith("."):
            rel = src.relative_to(content_dir)
            dest = docs_dir / rel
            if dest.exists():
                raise ValueError(f"content/{rel.as_posix()} 与自动生成的页面同名")
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dest)
            copied.append(rel.as_posix())
    return copied


def copy_sources(site: Site, docs_dir: Path) -> None:
    """Put each plan's original source at /sources/<published name> (views.source_url: an
    .html or .md source is published as text). validate has confined sources to
    site_data/sources/ and to harmless types."""
    out = docs_dir / "sources"
    out.mkdir(parents=True, exist_ok=True)
    for plan in site.plans:
        shutil.copyfile(plan.source, out / views.source_file_name(plan.source.name))
