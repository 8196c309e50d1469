"""The national entry site, and every partition with it in one folder (issue 14, point 5).

One static host serves the entry site at `/` and each province's own site (a partition,
generator/partitions.py) at `/<province-key>/`. The entry site is built with the same theme:

- its home page lists the provinces, their cities and districts, each linking into the
  province's site (entry_home.html.j2);
- its search page is the partitions' search page (content/search.md, assets/search.js); the
  theme lists the partitions' search bundles in `<meta name="zw-search-bundles">`
  (config.extra.search_bundles), and search-keys.js opens them all as one index with Pagefind's
  mergeIndex, so a query is answered from every province with the same cards and the same
  exact matches, and each result links into its own partition;
- 各地区, 按单位查, 按主题查, 按时间查, 开放数据, 最近更新 and 订阅更新 ask for the province and
  link to that page in its site (entry_choose.html.j2);
- the hand-written pages (使用帮助, 关于本站, 无障碍声明, 工作人员指南) are the partitions' own, so
  the entry site has the same menu and footer as every partition.

`python -m generator build-entry` builds the entry site alone (the publish-partitions workflow
builds the partitions in parallel jobs and puts them beside it); `python -m generator
build-all-partitions` builds every partition and the entry site into the one-host layout.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from generator import feeds, history_views, mkdocs_hooks, outdir, pages, partitions, search_records, terminal, views
from generator.build import ReferenceDates, _check_site_url, _source_date_epoch, build_site, reference_dates
from generator.errors import BuildError
from generator.loader import load_site
from generator.model import District, Site
from generator.render import PageWriter, copy_content, make_env

# The catalogue's pages with a fixed address live in each province's site: there the entry
# site asks for the province first (entry_choose.html.j2), saying where to find it. So the nav,
# the footer and the hand-written pages' links (help, about …, copied as they are) all work on
# the entry site too.
CHOOSER_LEADS = {
    views.DISTRICTS_URL: "每个省份的网站按市列出本省的地区。请选择省份：",
    views.UNITS_URL: "按单位查要在各省份的网站里查。请选择省份：",
    views.THEMES_URL: "按主题查要在各省份的网站里查。请选择省份：",
    views.DEADLINES_URL: "按时间查要在各省份的网站里查。请选择省份：",
    views.DATA_URL: "开放数据（表格、JSON、YAML 文件）在各省份的网站里下载。请选择省份：",
    history_views.UPDATES_URL: "任务表的修改记录在各省份的网站里。请选择省份：",
    feeds.SUBSCRIBE_URL: "订阅更新要在各省份的网站里订阅。请选择省份：",
}
HOME_TITLE = "首页"


def chooser_kinds() -> list[pages.PageKind]:
    """The generated kinds with a fixed address other than the home page."""
    return [kind for kind in pages.CATALOGUE if kind.template is not None and kind.url]


@dataclass(frozen=True)
class CityView:
    name: str
    districts: list[District]


@dataclass(frozen=True)
class ProvinceView:
    key: str  # the partition's key and folder: "shandong"
    name: str  # "山东省"
    cities: list[CityView]
    district_count: int
    task_count: int


def province_views(site: Site, chosen: Iterable[str]) -> list[ProvinceView]:
    """The provinces of `chosen`, each with its cities and districts in the data's order."""
    names = partitions.provinces(site)
    by_key = partitions.grouped(site)
    out = []
    for key in chosen:
        cities = by_key[key]
        plans = [plan for city_plans in cities.values() for plan in city_plans]
        districts = {plan.district.slug: plan.district for plan in plans}
        out.append(ProvinceView(
            key, names[key],
            [CityView(city, list({p.district.slug: p.district for p in city_plans}.values()))
             for city, city_plans in cities.items()],
            len(districts), sum(len(plan.tasks) for plan in plans)))
    return out


def chosen_keys(site: Site, only: Iterable[str] | None) -> list[str]:
    """The partitions to build: `only` (checked, in key order), else every one."""
    known = partitions.keys(site)
    if not only:
        return known
    for key in only:
        if key not in known:
            raise partitions.PartitionError(partitions.unknown_key_message(key, known))
    return [key for key in known if key in set(only)]


def bundle_paths(site: Site, keys: Iterable[str], shard_tasks: int | None = None) -> list[str]:
    """Each partition's search bundles, relative to the entry site's root: "shandong/pagefind/"
    (and "shandong/pagefind_2/" … for a partition of more than `shard_tasks` tasks, as
    build_site shards it: search_records.shards)."""
    return [f"{key}/{name}/" for key in keys
            for name in search_records.bundle_names(partitions.select(site, key), shard_tasks)]


# ---- The entry site alone -------------------------------------------------------------------

def build_entry(data_dir: Path, out_dir: Path, *, config_file: Path = Path("mkdocs.yml"),
                site_url: str | None = None, only: Iterable[str] | None = None,
                lock_timeout: float = outdir.LOCK_TIMEOUT_S, shard_tasks: int | None = None) -> list[str]:
    """Build the entry site for the partitions `only` (default: every one) into `out_dir`;
    returns their keys. Like build_site: DataError for invalid data, BuildError (with
    PartitionError for an unknown key) when a step fails, and `out_dir` is then left as it was.
    `shard_tasks`: as the partitions are built with (build_site), to find all their bundles."""
    data_dir, out_dir, config_file = Path(data_dir), Path(out_dir).resolve(), Path(config_file).resolve()
    site_url = _check_site_url(site_url)
    site = load_site(data_dir)
    keys = chosen_keys(site, only)
    dates = reference_dates(data_dir)
    try:
        base = load_config(str(config_file))
    except MkDocsException as exc:
        raise BuildError(f"{config_file} 有误：{exc}") from exc
    with outdir.work_folder(out_dir, lock_timeout) as work:
        docs_dir, site_dir = work / "docs", work / "site"
        nav = _write_step(site, keys, Path(base.docs_dir), docs_dir, out_dir)
        _run_mkdocs(config_file, base.extra, docs_dir, site_dir, nav, bundle_paths(site, keys, shard_tasks), dates,
                    site_url or base.site_url, out_dir)
        with outdir.interrupts_ignored(), outdir.guarded("替换网站文件夹", out_dir):
            outdir.publish(site_dir, out_dir)
    return keys


def _write_step(site: Site, keys: list[str], content_dir: Path, docs_dir: Path, out_dir: Path) -> list[Any]:
    try:
        return write_pages(site, keys, content_dir, docs_dir)
    except Exception as exc:  # a template error names the template and line; a full disk says so
        raise outdir.failure(exc, "生成全国入口页面", out_dir, f"全国入口页面模板出错：{type(exc).__name__}: {exc}") from exc


def write_pages(site: Site, keys: list[str], content_dir: Path, docs_dir: Path) -> list[Any]:
    """The entry site's pages in `docs_dir`; returns its MkDocs nav."""
    docs_dir.mkdir(parents=True)
    content = copy_content(content_dir, docs_dir)  # search, help, about, accessibility, staff guide
    provinces = province_views(site, keys)
    writer = PageWriter(docs_dir, make_env(), {"provinces": provinces})
    writer.write("", HOME_TITLE, "entry_home.html.j2")
    for kind in chooser_kinds():
        assert kind.url is not None
        writer.write(kind.url, kind.title, "entry_choose.html.j2", target=kind.url, heading=kind.title,
                     lead=CHOOSER_LEADS[kind.url])
    return pages.nav({}, set(content))


def _run_mkdocs(config_file: Path, base_extra: dict[str, Any], docs_dir: Path, site_dir: Path, nav: list[Any],
                bundles: list[str], dates: ReferenceDates, site_url: str | None, out_dir: Path) -> None:
    extra = dict(base_extra)
    extra.update(as_of=dates.as_of.isoformat(), data_updated=dates.data_updated.isoformat(),
                 footer_links=pages.footer_links(),
                 search_bundles=bundles)  # theme/base.html: <meta name="zw-search-bundles">
    try:
        config = load_config(str(config_file), site_url=site_url, docs_dir=str(docs_dir), site_dir=str(site_dir),
                             nav=nav, extra=extra, strict=True, hooks=[mkdocs_hooks.__file__])
        with _source_date_epoch(dates.epoch):
            mkdocs_build(config)
    except (MkDocsException, SystemExit) as exc:
        raise BuildError(f"MkDocs 生成全国入口网站失败（严格模式，警告也算失败）：{exc}") from exc
    except Exception as exc:  # disk full, or a plugin's own error
        raise outdir.failure(exc, "MkDocs 生成全国入口网站", out_dir,
                             f"MkDocs 生成全国入口网站失败：{type(exc).__name__}: {exc}") from exc


# ---- Every partition and the entry site, in the one-host layout ------------------------------

def partition_url(site_url: str | None, key: str) -> str | None:
    """Where partition `key` is published: below the entry site's address."""
    return f"{site_url}{key}/" if site_url else None


def build_all(data_dir: Path, out_dir: Path, *, config_file: Path = Path("mkdocs.yml"),
              site_url: str | None = None, only: Iterable[str] | None = None, search: bool = True,
              jobs: int | None = None, lock_timeout: float = outdir.LOCK_TIMEOUT_S,
              shard_tasks: int | None = None) -> list[str]:
    """The entry site at `out_dir` and each partition at `out_dir/<key>/`, replaced together
    only when every build succeeded; returns the partitions' keys."""
    data_dir, out_dir, config_file = Path(data_dir), Path(out_dir).resolve(), Path(config_file).resolve()
    site_url = _check_site_url(site_url)
    keys = chosen_keys(load_site(data_dir), only)
    with outdir.work_folder(out_dir, lock_timeout) as work:
        layout = work / "site"
        build_entry(data_dir, layout, config_file=config_file, site_url=site_url, only=keys,
                    lock_timeout=lock_timeout, shard_tasks=shard_tasks)
        for key in keys:
            terminal.stage(f"生成分区 {key}")
            build_site(data_dir, layout / key, config_file=config_file, search=search,
                       site_url=partition_url(site_url, key), lock_timeout=lock_timeout, jobs=jobs,
                       partition=key, shard_tasks=shard_tasks)
        with outdir.interrupts_ignored(), outdir.guarded("替换网站文件夹", out_dir):
            outdir.publish(layout, out_dir)
    return keys


__all__ = ["build_entry", "build_all", "bundle_paths", "chosen_keys", "province_views"]
