"""Write the site's Markdown pages (HTML bodies from Jinja templates) into a docs folder.

Every page body is one HTML block rendered with autoescape on, so Python-Markdown leaves
the data alone: a task text with `<script>`, `*stars*` or `[x](javascript:...)` is shown
as typed. Front matter is written with yaml.safe_dump; its title is HTML-escaped because
MkDocs' theme templates print page titles without escaping.
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

from generator import opendata, views
from generator.model import ROLE_LABELS, Plan, Site

TEMPLATES_DIR = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class NavEntry:
    title: str
    file: str  # path inside docs_dir, e.g. "units/index.md"


def make_env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES_DIR)),
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
        short_text=views.short_text,
        ROLE_LABELS=ROLE_LABELS,
        UNITS_URL=views.UNITS_URL,
        THEMES_URL=views.THEMES_URL,
        DEADLINES_URL=views.DEADLINES_URL,
        DATA_URL=views.DATA_URL,
        SEARCH_URL=views.SEARCH_URL,
        DUE_SOON_DAYS=views.DUE_SOON_DAYS,
    )
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

    def write(self, url: str, title: str, template: str, **context: Any) -> None:
        file = views.page_file(url)
        if file in self.written:
            raise ValueError(f"two pages want the address /{url}")
        self.written.add(file)
        body = self.env.get_template(template).render(here=url, **self.common, **context)
        front = yaml.safe_dump({"title": html.escape(title)}, allow_unicode=True, sort_keys=True)
        path = self.docs_dir / file
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{front}---\n\n{_tidy(body)}", encoding="utf-8")


def render_pages(site: Site, docs_dir: Path, *, as_of: dt.date) -> list[Any]:
    """Write every generated page into `docs_dir`; return the MkDocs nav.

    Hand-written pages (copy_content) must already be in `docs_dir`: the nav lists those found.
    """
    for plan in site.plans:
        if plan.district.slug in views.RESERVED_SLUGS:
            raise ValueError(f"区的英文简称“{plan.district.slug}”与网站的固定地址冲突，请换一个")
    env = make_env()
    district_views = views.district_views(site, as_of)
    unit_views = views.unit_views(site)
    theme_views = views.theme_views(site)
    writer = PageWriter(docs_dir, env, {"site": site, "as_of": as_of})

    writer.write("", "首页", "home.html.j2", districts=district_views)
    for dv in district_views:
        writer.write(views.district_url(dv.district), dv.district.name, "district.html.j2", dv=dv)
    for plan in site.plans:
        _write_plan(writer, plan)
    writer.write(views.UNITS_URL, "按单位查", "units_index.html.j2",
                 groups=views.units_by_district(unit_views))
    for uv in unit_views:
        writer.write(views.unit_url(uv.unit), f"{uv.unit.name}（{uv.district_name}）", "unit.html.j2", uv=uv)
    writer.write(views.THEMES_URL, "按主题查", "themes_index.html.j2", themes=theme_views)
    for tv in theme_views:
        writer.write(views.theme_url(tv.theme), f"主题：{tv.theme.name}", "theme.html.j2", tv=tv)
    writer.write(views.DEADLINES_URL, "按时间查", "deadlines.html.j2", dl=views.deadline_view(site))
    writer.write(views.DATA_URL, "开放数据", "data.html.j2", columns=opendata.COLUMNS)
    return _nav(district_views, docs_dir)


def _write_plan(writer: PageWriter, plan: Plan) -> None:
    writer.write(views.plan_url(plan), views.plan_heading(plan), "plan.html.j2", plan=plan,
                 blocks=views.plan_blocks(plan), outline=views.plan_outline_tree(plan))
    tasks = plan.tasks
    for i, task in enumerate(tasks):
        writer.write(views.task_url(task), views.task_title(task), "task.html.j2", task=task,
                     previous=tasks[i - 1] if i > 0 else None,
                     next=tasks[i + 1] if i + 1 < len(tasks) else None,
                     chain=views.section_chain(plan, task.section),
                     roles=views.task_unit_roles(task))


# Hand-written pages in the nav, in this order, when they exist in content/.
HELP_PAGES = (("使用帮助", "help.md"), ("关于本站", "about.md"), ("无障碍声明", "accessibility.md"),
              ("工作人员指南", "staff-guide.md"))


def _nav(district_views: list[views.DistrictView], docs_dir: Path) -> list[Any]:
    """The small navigation: never task or unit pages (MkDocs cost grows with nav size)."""
    help_pages = [{title: file} for title, file in HELP_PAGES if (docs_dir / file).is_file()]
    help_pages.insert(min(2, len(help_pages)), {"开放数据": views.page_file(views.DATA_URL)})
    return [
        {"首页": "index.md"},
        {"各区任务": [{dv.district.name: views.page_file(views.district_url(dv.district))}
                      for dv in district_views]},
        {"按单位查": views.page_file(views.UNITS_URL)},
        {"按主题查": views.page_file(views.THEMES_URL)},
        {"按时间查": views.page_file(views.DEADLINES_URL)},
        {"帮助与说明": help_pages},
    ]


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
    """Put each plan's original source text at /sources/<file>."""
    out = docs_dir / "sources"
    out.mkdir(parents=True, exist_ok=True)
    for plan in site.plans:
        shutil.copyfile(plan.source, out / plan.source.name)
