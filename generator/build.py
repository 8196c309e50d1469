"""Build the site: load and validate the data, write the pages, run MkDocs, index for search.

Everything is written into a work folder beside the output folder (`.site.build-XXXX/`); only
when every step succeeded does it replace the output folder, so a failed, interrupted (Ctrl+C)
or disk-full build leaves the previous site exactly as it was. Nothing depends on the clock:
the reference date for "due soon" comes from SOURCE_DATE_EPOCH, else git, else the data files
(see `reference_dates`).

How the output folder is replaced, locked and repaired: generator/outdir.py.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException

from generator import feeds, mkdocs_hooks, opendata, outdir, pages, partitions, render, search as search_index, search_records, terminal
from generator.errors import BuildError, DataError
from generator.history import NO_HISTORY_GIVEN, SiteHistory, load_history
from generator.loader import load_site
from generator.model import Site
from generator.stagetimes import StageTimes
from generator.views import DATA_URL

__all__ = ["build_site", "BuildError", "DataError", "reference_dates"]

# A partition's link to the national entry site, in its footer (home and 各地区 say it in words).
ENTRY_LINK = "全国各省份"
# QR codes encode the published address: without one, task pages and sheets have none.
NO_QR = "任务页和打印版也因此没有二维码。"

# Dates are taken in China Standard Time: a commit at 01:00 on 2 May in Jinan is 2 May.
CHINA = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class ReferenceDates:
    as_of: dt.date  # "today" for date-dependent views such as "due soon"
    data_updated: dt.date  # when site_data last changed
    epoch: int  # as_of as a Unix time, handed to MkDocs as SOURCE_DATE_EPOCH


def _git_time(cwd: Path, *paths: Path) -> int | None:
    """Unix time of the last commit (touching `paths`, if given), or None outside git."""
    cmd = ["git", "log", "-1", "--format=%ct"]
    if paths:
        cmd += ["--", *(str(p.resolve()) for p in paths)]
    try:
        out = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    return int(out) if out else None


def _newest_mtime(folder: Path) -> int | None:
    times = [int(p.stat().st_mtime) for p in folder.rglob("*") if p.is_file()]
    return max(times) if times else None


def reference_dates(data_dir: Path) -> ReferenceDates:
    data_dir = data_dir.resolve()
    env = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    plans_mtime = _newest_mtime(data_dir / "plans") or _newest_mtime(data_dir) or 0
    epoch = int(env) if env else (_git_time(data_dir) or plans_mtime)
    updated = _git_time(data_dir, data_dir) or (int(env) if env else None) or _newest_mtime(data_dir) or epoch
    as_of = dt.datetime.fromtimestamp(epoch, CHINA).date()
    return ReferenceDates(as_of, dt.datetime.fromtimestamp(updated, CHINA).date(), epoch)


@contextlib.contextmanager
def _source_date_epoch(epoch: int) -> Iterator[None]:
    """MkDocs stamps sitemap.xml(.gz) with the build date; make it the reference date."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if old is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def _run_mkdocs(config_file: Path, base: MkDocsConfig, docs_dir: Path, site_dir: Path, nav: list,
                dates: ReferenceDates, site_url: str | None, bundles: list[str], only_province: str | None) -> None:
    extra = dict(base.extra)
    # A partition's site is published below the national entry site (generator/entry_site.py).
    to_entry = [{"title": ENTRY_LINK, "url": "../"}] if only_province else []
    extra.update(as_of=dates.as_of.isoformat(), data_updated=dates.data_updated.isoformat(),
                 footer_links=pages.footer_links() + to_entry,
                 feeds=feeds.site_feed_link(docs_dir))  # the theme links the site's feed when it was written
    if len(bundles) > 1:  # theme/base.html: <meta name="zw-search-bundles">; one bundle is pagefind/, the default
        extra.update(search_bundles=[f"{name}/" for name in bundles])
    config = load_config(
        str(config_file),
        site_url=site_url,
        docs_dir=str(docs_dir),
        site_dir=str(site_dir),
        nav=nav,
        extra=extra,
        strict=True,
        # Task and unit pages are reached by links, never through the nav: say so, so that
        # MkDocs does not list hundreds of them on every build.
        not_in_nav="/*/\n",
        # Generated pages are finished HTML: the hook hands them over without a Markdown pass.
        hooks=[mkdocs_hooks.__file__],
    )
    with _source_date_epoch(dates.epoch):
        mkdocs_build(config)


def _check_site_url(site_url: str | None) -> str | None:
    """The address the site is published at, ending in "/" (None: not known, links stay
    relative to the host's root)."""
    if not site_url:
        return None
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise BuildError(f"网站地址 {site_url!r} 不对：要写完整的地址，如 https://example.github.io/zwgk/")
    return site_url if site_url.endswith("/") else site_url + "/"


def build_site(data_dir: Path, out_dir: Path, *, config_file: Path = Path("mkdocs.yml"),
               search: bool = True, site_url: str | None = None,
               lock_timeout: float = outdir.LOCK_TIMEOUT_S, progress_dir: Path | None = None,
               timings: StageTimes | None = None, jobs: int | None = None,
               partition: str | None = None, shard_tasks: int | None = None) -> None:
    """Build the whole site from `data_dir` into `out_dir`.

    `site_url` is where it will be published (for the links in the open data and the 404
    page); mkdocs.yml's site_url when not given.
    Raises DataError when the data are invalid and BuildError when a render, MkDocs or
    search step fails, the disk is full, or another build into `out_dir` did not end within
    `lock_timeout` seconds; in all these cases, and on KeyboardInterrupt, `out_dir` is left
    as it was. `timings`, when given, records each stage's seconds (benchmarks/); `jobs`:
    processes to render pages in (default: one per core). `partition`: a province's key
    (generator/partitions.py): the site holds only that province's plans. `shard_tasks`: the
    most tasks in one search bundle (search_records.shards; default SHARD_TASKS).
    """
    times = timings if timings is not None else StageTimes()
    data_dir, out_dir, config_file = Path(data_dir), Path(out_dir).resolve(), Path(config_file).resolve()
    site_url = _check_site_url(site_url)
    with times.stage("load"):
        site = load_site(data_dir, progress_dir)  # DataError names file and line; progress_dir None: data_dir/progress
    keys_site = site  # the search spells letters by their ranks over all the data (search_records)
    only_province = None
    if partition is not None:  # one province's plans only (generator/partitions.py); PartitionError names the keys
        site = partitions.select(site, partition)
        only_province = partitions.provinces(keys_site)[partition]
    with times.stage("history"):
        history = load_history(data_dir, site)  # from git; says why not when there is none
    _say_history(history)
    dates = reference_dates(data_dir)
    try:
        base = load_config(str(config_file))  # its docs_dir (content/) holds the hand-written pages
    except MkDocsException as exc:
        raise BuildError(f"{config_file} 有误：{exc}") from exc
    site_url = site_url or base.site_url
    # Ctrl+C (KeyboardInterrupt) passes through: the work folder goes, the old site stays.
    with outdir.work_folder(out_dir, lock_timeout, cleanup=lambda: times.stage("cleanup")) as work:
        docs_dir, site_dir = work / "docs", work / "site"
        with times.stage("render"):
            index = search_records.plan_index(keys_site, site, dates.as_of) if search else None
            shards = search_records.shards(site, shard_tasks) if index else []
            bundles = [search_index.bundle_name(i) for i in range(len(shards))]  # pagefind/, pagefind_2/ …
            records = render.SearchRecords(work / "records", *index, {
                key: bundle for bundle, keys in zip(bundles, shards) for key in keys}) if index else None
            nav = _render_step(site, Path(base.docs_dir), docs_dir, dates, site_url, out_dir,
                               site_name=base.site_name, history=history, records=records, jobs=jobs,
                               only_province=only_province)
        # Pagefind indexes the search records while MkDocs builds the pages (two cores).
        indexing = _start_indexing([(work / "records" / name, work / "bundles" / name) for name in bundles],
                                   out_dir) if index else None
        try:
            terminal.stage("MkDocs 生成网页")
            with times.stage("mkdocs"):
                _mkdocs_step(config_file, base, docs_dir, site_dir, nav, dates, site_url, out_dir, bundles,
                             only_province)
            if indexing and index:
                terminal.stage("建立搜索索引（Pagefind）")
                with times.stage("search"):
                    times.alongside["pagefind"] = _search_step(indexing, index, shards, site, site_dir, out_dir,
                                                               data_dir)
        finally:
            if indexing:
                indexing.stop()
        with times.stage("publish"), outdir.interrupts_ignored(), outdir.guarded("替换网站文件夹", out_dir):
            outdir.publish(site_dir, out_dir)


def _say_history(history: SiteHistory) -> None:
    """One line on a terminal (never in CI logs): how much history the pages will show."""
    terminal.stage(f"修改记录：{len(history.changes)} 条" if history.available else f"修改记录：没有（{history.reason}）")


def _render_step(site: Site, content_dir: Path, docs_dir: Path, dates: ReferenceDates,
                 site_url: str | None, out_dir: Path, *, site_name: str = "",
                 history: SiteHistory | None = None, records: render.SearchRecords | None = None,
                 jobs: int | None = None, only_province: str | None = None) -> list:
    """Write the Markdown pages, the feeds, the sources and the open data; returns the nav."""
    history = history if history is not None else SiteHistory.unavailable(NO_HISTORY_GIVEN)
    try:
        docs_dir.mkdir()
        render.copy_content(content_dir, docs_dir)
        nav = render.render_pages(site, docs_dir, as_of=dates.as_of, site_url=site_url, history=history,
                                  records=records, jobs=jobs, only_province=only_province)
        feeds_off = feeds.write_feeds(site, docs_dir, site_url=site_url, history=history, site_name=site_name,
                                      data_updated=dates.data_updated)
        if feeds_off:  # the one line a build says about feeds (and QR codes); nothing when they are written
            qr_off = "" if site_url else NO_QR
            print(feeds.notice(feeds_off) + qr_off, flush=True)
        render.copy_sources(site, docs_dir)
        opendata.write_open_data(site, docs_dir / DATA_URL, site_url or "/", as_of=dates.as_of)
    except BuildError:
        raise
    except Exception as exc:  # a template error names the template and line
        kind = getattr(exc, "type_name", type(exc).__name__)  # parallel.WorkerFailure: the worker's error
        message = f"生成页面失败：{exc}" if isinstance(exc, ValueError) else f"页面模板出错：{kind}: {exc}"
        raise outdir.failure(exc, "生成页面", out_dir, message) from exc
    return nav


def _mkdocs_step(config_file: Path, base: MkDocsConfig, docs_dir: Path, site_dir: Path, nav: list,
                 dates: ReferenceDates, site_url: str | None, out_dir: Path, bundles: list[str],
                 only_province: str | None) -> None:
    try:
        _run_mkdocs(config_file, base, docs_dir, site_dir, nav, dates, site_url, bundles, only_province)
    except (MkDocsException, SystemExit) as exc:
        raise BuildError(f"MkDocs 生成失败（严格模式，警告也算失败）：{exc}") from exc
    except Exception as exc:  # disk full, or a plugin's own error
        raise outdir.failure(exc, "MkDocs 生成网页", out_dir, f"MkDocs 生成失败：{type(exc).__name__}: {exc}") from exc


def _start_indexing(shards: list[tuple[Path, Path]], out_dir: Path) -> search_index.Indexing:
    try:
        return search_index.Indexing(shards)
    except BuildError:
        raise
    except Exception as exc:
        raise outdir.failure(exc, "建立搜索索引", out_dir, f"建立搜索索引失败：{type(exc).__name__}: {exc}") from exc


def _search_step(indexing: search_index.Indexing, index: tuple[search_index.SearchKeys, dict[str, search_index.TaskFields]],
                 shards: list[list[str]], site: Site, site_dir: Path, out_dir: Path, data_dir: Path) -> float:
    """Wait for Pagefind, finish its bundles and put them in the site (/pagefind/, /pagefind_2/
    …); the seconds Pagefind took."""
    keys, fields = index
    try:  # data_dir: the search's synonyms and theme keywords (generator/search_fallback.py)
        report = indexing.finish([[fields[key] for key in shard] for shard in shards], keys,
                                 search_records.district_filter(site), data_dir)
        for _, bundle in indexing.shards:
            shutil.move(str(bundle), str(site_dir / bundle.name))
        return report.seconds
    except BuildError:
        raise
    except Exception as exc:
        raise outdir.failure(exc, "建立搜索索引", out_dir, f"建立搜索索引失败：{type(exc).__name__}: {exc}") from exc
