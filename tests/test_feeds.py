"""Atom feeds (generator/feeds.py): one for the site, each district, each unit and each theme,
valid Atom with stable ids, commit dates and absolute links; linked from the pages' heads and
from the 订阅更新 page; switched off, with one plain line, without a published address or a
history.

The first tests write feeds from hand-made histories on the real data; the build tests run the
whole build, the last ones on a git repository of the real data (tests/gitrepo.py).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest

from generator import build, feeds, render, views
from generator.build import build_site
from generator.history import Change, Commit, FieldChange, SiteHistory, load_history
from generator.loader import load_site
from generator.model import Site

ROOT = Path(__file__).resolve().parents[1]
CHINA = dt.timezone(dt.timedelta(hours=8))
SITE_URL = "https://example.github.io/zwgk/"
SITE_NAME = "政务公开重点工作任务"
DATA_DATE = dt.date(2024, 7, 1)
AS_OF = dt.date(2024, 7, 1)


def commit(n: int, when: str, subject: str) -> Commit:
    return Commit(f"{n:040x}", dt.datetime.fromisoformat(when).replace(tzinfo=CHINA), subject)


def plan_added(site: Site, c: Commit, plan_index: int = 0) -> Change:
    plan = site.plans[plan_index]
    return Change("plan_added", c, plan.key, plan.district.slug, plan.year)


def task_change(kind: str, c: Commit, task, fields=(), **report) -> Change:
    plan = task.plan
    return Change(kind, c, plan.key, plan.district.slug, plan.year, task.number, task.text, tuple(fields), **report)


def history_of(*changes: Change) -> SiteHistory:
    """Newest first, as load_history gives it."""
    return SiteHistory(True, "", tuple(sorted(changes, key=lambda c: c.commit.date, reverse=True)))


def write(site: Site, docs: Path, history: SiteHistory, site_url: str | None = SITE_URL) -> str | None:
    return feeds.write_feeds(site, docs, site_url=site_url, history=history, site_name=SITE_NAME,
                             data_updated=DATA_DATE)


def parse(path: Path) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    assert parsed.version == "atom10", path
    return parsed


def utc(day: dt.datetime) -> tuple:
    return tuple(day.astimezone(dt.timezone.utc).timetuple())[:6]


@pytest.fixture()
def sample(real_site: Site) -> dict:
    """A history touching several kinds of change on the real data."""
    plan = real_site.plans[0]
    first, reworded, moved = plan.tasks[0], plan.tasks[2], plan.tasks[4]
    gone = max(t.number for t in plan.tasks) + 1  # a task the data no longer holds
    c1 = commit(1, "2024-03-01T09:00", "收录五份任务表")
    c2 = commit(2, "2024-04-02T10:30", "第3项要求的文字按原文更正")
    c3 = commit(3, "2024-05-06T23:30", "第5项时限延至11月底")  # 23:30 in Jinan: 15:30 UTC, same day
    c4 = commit(4, "2024-06-01T08:00", "删除重复的一项")
    c5 = commit(5, "2024-07-01T09:15", "区民政局报送第1项进展")
    changes = [plan_added(real_site, c1, i) for i in range(len(real_site.plans))] + [
        task_change("task_changed", c2, reworded, [FieldChange("text", "旧的要求文字", reworded.text)]),
        task_change("task_changed", c3, moved, [FieldChange("deadline", "2022年9月底前", "2022年11月底前"),
                                               FieldChange("units", "区民政局", "区民政局、区财政局")]),
        Change("task_removed", c4, plan.key, plan.district.slug, plan.year, gone, "重复的一项任务的要求"),
        task_change("report_added", c5, first, report_date=dt.date(2024, 6, 30), report_status="推进中",
                    report_text="已在区政府网站开设专栏。"),
    ]
    return {"history": history_of(*changes), "plan": plan, "reworded": reworded, "moved": moved,
            "first": first, "commits": (c1, c2, c3, c4, c5)}


# ---- The feeds themselves ------------------------------------------------------------------

def test_every_feed_is_valid_atom_one_per_site_district_unit_theme(real_site: Site, tmp_path: Path,
                                                                  sample: dict) -> None:
    assert write(real_site, tmp_path, sample["history"]) is None
    files = sorted((tmp_path / "feeds").rglob("*.xml"))
    expected = {"feeds/all.xml"}
    expected |= {f"feeds/districts/{d.slug}.xml" for d in real_site.districts}
    expected |= {f"feeds/units/{u.district}/{u.id}.xml" for units in real_site.units.values() for u in units}
    expected |= {f"feeds/themes/{t.id}.xml" for t in real_site.themes}
    assert {p.relative_to(tmp_path).as_posix() for p in files} == expected
    for path in files:
        parsed = parse(path)
        assert parsed.feed.language == "zh-CN"
        assert parsed.feed.author == SITE_NAME
        url = SITE_URL + path.relative_to(tmp_path).as_posix()
        assert parsed.feed.id == url
        assert {"rel": "self", "href": url, "type": feeds.ATOM_TYPE} in parsed.feed.links
        ids = [e.id for e in parsed.entries]
        assert len(ids) == len(set(ids)), path


def test_the_site_feed_has_every_change_newest_first_with_commit_dates(real_site: Site, tmp_path: Path,
                                                                       sample: dict) -> None:
    write(real_site, tmp_path, sample["history"])
    parsed = parse(tmp_path / "feeds" / "all.xml")
    changes = sample["history"].changes
    assert len(parsed.entries) == len(changes)
    for entry, change in zip(parsed.entries, changes):
        assert entry.updated_parsed[:6] == utc(change.commit.date)
        assert entry.updated.endswith("+08:00")  # written in China time
        assert entry.id == feeds.entry_id(change, SITE_URL)
    newest = sample["commits"][-1]
    assert parsed.feed.updated == newest.date.isoformat() == "2024-07-01T09:15:00+08:00"
    # The tag URI carries the commit's day in China time, not in UTC.
    moved = next(e for e in parsed.entries if e.id.endswith("/task_changed/" + sample["moved"].key))
    assert moved.id.startswith("tag:example.github.io,2024-05-06:/zwgk/")


def test_entries_say_what_changed_and_link_the_published_pages(real_site: Site, tmp_path: Path, sample: dict) -> None:
    write(real_site, tmp_path, sample["history"])
    district = sample["plan"].district
    parsed = parse(tmp_path / feeds.district_feed_url(district.slug))
    by_kind = {}
    for entry in parsed.entries:
        by_kind.setdefault(entry.tags[0].term, []).append(entry)
        assert entry.link.startswith(SITE_URL), entry.link
        assert entry.content[0].type == "text/html"
    name = f"{district.name}{sample['plan'].year}年第{sample['moved'].number}项任务"
    moved = next(e for e in by_kind["task_changed"] if name in e.title)
    assert moved.title == f"{name}：修改了完成时限、负责单位"
    body = moved.content[0].value
    assert "完成时限：原来是“2022年9月底前”，现在是“2022年11月底前”" in body
    assert "负责单位：原来是“区民政局”，现在是“区民政局、区财政局”" in body
    assert "修改日期：2024年5月6日。修改说明：第5项时限延至11月底" in body
    assert moved.link == SITE_URL + views.task_url(sample["moved"])
    removed = by_kind["task_removed"][0]  # its page is gone: the entry links its plan
    assert removed.link == SITE_URL + views.plan_url(sample["plan"])
    assert "已从任务表中删除。删除前的要求：重复的一项任务的要求" in removed.content[0].value
    report = by_kind["report_added"][0]
    assert "新的进展报告（推进中）" in report.title and "2024年6月30日" in report.content[0].value
    assert "已在区政府网站开设专栏。" in report.content[0].value
    plan = by_kind["plan_added"][0]
    assert plan.title == f"新增任务表：{district.name}{sample['plan'].year}年政务公开重点工作任务"
    assert plan.link == SITE_URL + views.plan_url(sample["plan"])
    # Other districts' changes stay out of this district's feed.
    assert all(district.name in e.title for e in parsed.entries)


def test_a_unit_feed_follows_its_tasks_also_through_a_collective(real_site: Site, tmp_path: Path) -> None:
    unit_view = next(uv for uv in views.unit_views(real_site) if uv.collective_tasks)
    bound_task = unit_view.collective_tasks[0]  # given to 区政府各部门 or the like, not naming the unit
    assert unit_view.unit.key not in {tu.unit.key for tu in bound_task.units}
    unrelated = next(uv for uv in views.unit_views(real_site)
                     if uv.unit.district == unit_view.unit.district and bound_task not in uv.all_tasks)
    c = commit(7, "2024-05-06T10:00", "改正时限")
    change = task_change("task_changed", c, bound_task, [FieldChange("deadline", "全年", "6月底前")])
    write(real_site, tmp_path, history_of(change))
    own = parse(tmp_path / feeds.unit_feed_url(unit_view.unit))
    assert [e.id for e in own.entries] == [feeds.entry_id(change, SITE_URL)]
    other = parse(tmp_path / feeds.unit_feed_url(unrelated.unit))
    assert other.entries == []
    # A feed with no entry is still dated, by the newest change of the site, never the clock.
    assert other.feed.updated == c.date.isoformat()


def test_a_theme_feed_follows_the_tasks_of_its_theme(real_site: Site, tmp_path: Path) -> None:
    task = next(t for t in real_site.tasks if t.themes)
    theme = task.themes[0]
    other_theme = next(th for th in real_site.themes if all(th.id != x.id for x in task.themes))
    change = task_change("task_changed", commit(8, "2024-05-06T10:00", "改字"), task, [FieldChange("text", "旧", task.text)])
    write(real_site, tmp_path, history_of(change))
    assert len(parse(tmp_path / feeds.theme_feed_url(theme)).entries) == 1
    assert parse(tmp_path / feeds.theme_feed_url(other_theme)).entries == []


def test_a_feed_keeps_the_latest_fifty_entries(real_site: Site, tmp_path: Path) -> None:
    task = real_site.plans[0].tasks[0]
    start = dt.datetime(2024, 1, 1, 9, 0, tzinfo=CHINA)
    changes = [task_change("task_changed", Commit(f"{n:040x}", start + dt.timedelta(days=n), f"第{n}次修改"), task,
                           [FieldChange("text", f"第{n}版", f"第{n + 1}版")]) for n in range(60)]
    write(real_site, tmp_path, history_of(*changes))
    parsed = parse(tmp_path / "feeds" / "all.xml")
    assert len(parsed.entries) == feeds.MAX_ENTRIES == 50
    assert parsed.entries[0].title.startswith(views.task_title(task))
    assert "第59次修改" in parsed.entries[0].content[0].value and "第10次修改" in parsed.entries[-1].content[0].value


def test_feeds_are_reproducible_and_ids_stable_when_history_grows(real_site: Site, tmp_path: Path,
                                                                  sample: dict) -> None:
    first, again = tmp_path / "a", tmp_path / "b"
    write(real_site, first, sample["history"])
    write(real_site, again, sample["history"])
    for path in sorted((first / "feeds").rglob("*.xml")):
        assert path.read_bytes() == (again / path.relative_to(first)).read_bytes(), path
    later = commit(9, "2024-08-01T10:00", "第1项要求更正")
    grown = history_of(*sample["history"].changes,
                       task_change("task_changed", later, sample["first"], [FieldChange("text", "旧", "新")]))
    third = tmp_path / "c"
    write(real_site, third, grown)
    old_ids = [e.id for e in parse(first / "feeds" / "all.xml").entries]
    new_ids = [e.id for e in parse(third / "feeds" / "all.xml").entries]
    assert new_ids[1:] == old_ids and new_ids[0] == feeds.entry_id(grown.changes[0], SITE_URL)


def test_no_feeds_without_a_published_address_or_a_history(real_site: Site, tmp_path: Path, sample: dict) -> None:
    assert write(real_site, tmp_path / "a", sample["history"], site_url=None) == feeds.NO_SITE_URL
    assert "--site-url" in feeds.NO_SITE_URL
    reason = write(real_site, tmp_path / "b", SiteHistory.unavailable("这个文件夹不在 git 仓库里。"))
    assert reason is not None and "这个文件夹不在 git 仓库里。" in reason
    assert not (tmp_path / "a" / "feeds").exists() and not (tmp_path / "b" / "feeds").exists()


# ---- Pages: head links, the visible links, the 订阅更新 page ------------------------------

def _front_matter(path: Path) -> str:
    return path.read_text(encoding="utf-8").split("---\n")[1]


def test_pages_name_their_feeds_only_when_feeds_are_on(real_site: Site, tmp_path: Path, sample: dict) -> None:
    on, off = tmp_path / "on", tmp_path / "off"
    render.render_pages(real_site, on, as_of=AS_OF, site_url=SITE_URL, history=sample["history"])
    write(real_site, on, sample["history"])
    render.render_pages(real_site, off, as_of=AS_OF)
    task = sample["moved"]
    unit = task.units[0].unit
    theme = next(t for t in real_site.tasks if t.themes).themes[0]
    pages_and_feeds = {
        views.district_url(task.plan.district): feeds.district_feed_url(task.plan.district.slug),
        views.plan_url(task.plan): feeds.district_feed_url(task.plan.district.slug),
        views.task_url(task): feeds.district_feed_url(task.plan.district.slug),
        views.unit_url(unit): feeds.unit_feed_url(unit),
        views.theme_url(theme): feeds.theme_feed_url(theme),
    }
    for url, feed in pages_and_feeds.items():
        assert f"url: {feed}\n" in _front_matter(on / views.page_file(url)), url
        assert (on / feed).is_file()
        assert "feeds" not in _front_matter(off / views.page_file(url)), url
    for url, words in ((views.unit_url(unit), "订阅本单位的更新"), (views.theme_url(theme), "订阅这个主题的更新")):
        body = (on / views.page_file(url)).read_text(encoding="utf-8")
        href = re.search(rf'<a href="([^"]+)" type="application/atom\+xml">{words}</a>', body).group(1)
        assert (on / views.page_file(url)).parent.joinpath(href).resolve() == (on / pages_and_feeds[url]).resolve()
        assert words not in (off / views.page_file(url)).read_text(encoding="utf-8")


def test_the_subscribe_page_lists_the_feeds_or_says_they_are_off(real_site: Site, tmp_path: Path,
                                                                 sample: dict) -> None:
    on, off = tmp_path / "on", tmp_path / "off"
    nav = render.render_pages(real_site, on, as_of=AS_OF, site_url=SITE_URL, history=sample["history"])
    render.render_pages(real_site, off, as_of=AS_OF)
    assert {"订阅更新": "subscribe/index.md"} in next(item for item in nav if "帮助与说明" in item)["帮助与说明"]
    body = (on / "subscribe" / "index.md").read_text(encoding="utf-8")
    for district in real_site.districts:
        address = f"{SITE_URL}feeds/districts/{district.slug}.xml"
        assert f'<a href="../feeds/districts/{district.slug}.xml" type="application/atom+xml">{address}</a>' in body
    assert f"{SITE_URL}feeds/all.xml" in body and "Outlook" in body and "RSS 阅读器" in body
    assert "没有订阅源" not in body
    quiet = (off / "subscribe" / "index.md").read_text(encoding="utf-8")
    assert "这一版网站没有订阅源" in quiet and feeds.NO_SITE_URL in quiet and "feeds/" not in quiet


# ---- The build -------------------------------------------------------------------------------

def test_a_build_without_site_url_writes_no_feeds_and_says_so(data: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "site"
    build_site(data, out, config_file=ROOT / "mkdocs.yml", search=False)
    printed = capsys.readouterr()
    lines = [line for line in (printed.out + printed.err).splitlines() if "订阅源" in line]
    assert lines == [feeds.notice(feeds.NO_SITE_URL) + build.NO_QR]
    assert not (out / "feeds").exists()
    for page in sorted(out.rglob("*.html")):
        assert "application/atom+xml" not in page.read_text(encoding="utf-8"), page
    subscribe = (out / "subscribe" / "index.html").read_text(encoding="utf-8")
    assert "这一版网站没有订阅源" in subscribe
    footer = subscribe.split('class="zw-footer"')[1]
    assert 'href="./">订阅更新</a>' in footer  # the footer links the page (here: itself)


# ---- End to end: a git repository of the real data, built with --site-url -------------------

ATOM_LINK = re.compile(r'<link rel="alternate" type="application/atom\+xml" title="([^"]*)" href="([^"]+)">')


def _build(data: Path, out: Path) -> None:
    """Build with the published address (no search index: not what is tested)."""
    build_site(data, out, config_file=ROOT / "mkdocs.yml", search=False, site_url=SITE_URL)


def _head_feeds(out: Path, page: Path) -> list[tuple[str, str]]:
    """(title, published address) of each feed a built page names in its head."""
    url = SITE_URL + page.relative_to(out).as_posix().removesuffix("index.html")
    head = page.read_text(encoding="utf-8").split("</head>")[0]
    return [(title, urljoin(url, href)) for title, href in ATOM_LINK.findall(head)]


def test_a_commit_that_changes_a_task_adds_an_entry_to_the_feeds(tmp_path: Path, capsys) -> None:
    from tests.gitrepo import DataRepo, move_deadline

    repo = DataRepo.create(tmp_path, "收录五份任务表", "2024-03-01 09:00")
    first, second, again = tmp_path / "first", tmp_path / "second", tmp_path / "again"
    _build(repo.data, first)
    assert "订阅源" not in capsys.readouterr().out  # feeds on: the build says nothing about them
    before = parse(first / "feeds" / "all.xml")
    assert {e.tags[0].term for e in before.entries} == {"plan_added"}
    assert before.feed.updated == "2024-03-01T09:00:00+08:00"

    sha = repo.commit("第5项时限延至11月底", "2024-05-06 14:20",
                      move_deadline("changqing-2022", 5, "2022年11月底前", "2022-11-30"))
    _build(repo.data, second)
    _build(repo.data, again)
    task = next(t for t in load_site(repo.data).tasks if t.key == "changqing-2022-5")
    for feed in ("all.xml", "districts/changqing.xml", feeds.unit_feed_url(task.units[0].unit).removeprefix("feeds/")):
        after = parse(second / "feeds" / feed)
        entry = after.entries[0]
        assert entry.id.startswith("tag:example.github.io,2024-05-06:/zwgk/" + sha), feed
        assert entry.updated == "2024-05-06T14:20:00+08:00" == after.feed.updated
        assert entry.title == "长清区2022年第5项任务：修改了完成时限"
        assert "修改说明：第5项时限延至11月底" in entry.content[0].value
        assert "现在是“2022年11月底前”" in entry.content[0].value
        assert entry.link == SITE_URL + "changqing/2022/5/"
    # The entries of the first build keep their ids; the other districts' feeds did not change.
    after_all = parse(second / "feeds" / "all.xml")
    assert [e.id for e in after_all.entries[1:]] == [e.id for e in before.entries]
    assert (second / "feeds" / "districts" / "licheng.xml").read_bytes() == (first / "feeds" / "districts" / "licheng.xml").read_bytes()
    # The same commit gives byte-identical feeds.
    for path in sorted((second / "feeds").rglob("*.xml")):
        assert path.read_bytes() == (again / path.relative_to(second)).read_bytes(), path

    # Every page names the site feed in its head; the district, plan, task, unit and theme pages
    # their own too. Each address, resolved from the page's published address below /zwgk/,
    # is a feed the build wrote.
    pages = sorted(second.rglob("index.html")) + [second / "404.html"]
    for page in pages:
        named = _head_feeds(second, page)
        assert named and named[0] == (feeds.SITE_FEED_TITLE, SITE_URL + "feeds/all.xml"), page
        for _, address in named:
            assert address.startswith(SITE_URL) and (second / address.removeprefix(SITE_URL)).is_file(), (page, address)
    own = {
        "changqing/": "feeds/districts/changqing.xml",
        "changqing/2022/": "feeds/districts/changqing.xml",
        "changqing/2022/5/": "feeds/districts/changqing.xml",
        views.unit_url(task.units[0].unit): feeds.unit_feed_url(task.units[0].unit),
        views.theme_url(task.themes[0]): feeds.theme_feed_url(task.themes[0]),
    }
    for url, feed in own.items():
        assert [a for _, a in _head_feeds(second, second / url / "index.html")][1:] == [SITE_URL + feed], url
    subscribe = (second / "subscribe" / "index.html").read_text(encoding="utf-8")
    assert f"{SITE_URL}feeds/districts/changqing.xml" in subscribe and "没有订阅源" not in subscribe


def test_a_build_with_site_url_but_no_git_writes_no_feeds_and_says_why(data: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "site"
    _build(data, out)  # `data` is a copy of site_data outside any git repository
    history = load_history(data, load_site(data))
    assert not history.available and history.reason
    lines = [line for line in capsys.readouterr().out.splitlines() if "订阅源" in line]
    assert lines == [feeds.notice(feeds.off_reason(SITE_URL, history) or "")]
    assert history.reason in lines[0]
    assert not (out / "feeds").exists()
    assert "application/atom+xml" not in (out / "changqing" / "index.html").read_text(encoding="utf-8")


def test_a_hostile_commit_message_is_text_on_the_pages_and_in_the_feeds(tmp_path: Path) -> None:
    """Commit messages come from pull requests: markup in one is shown as typed, never run."""
    from tests.gitrepo import DataRepo, move_deadline

    repo = DataRepo.create(tmp_path / "repo")
    hostile = '第5项<script>alert(1)</script><img src=x onerror="alert(2)">改期'
    repo.commit(hostile, "2024-05-06 14:20", move_deadline("changqing-2022", 5, "2022年11月底前", "2022-11-30"))
    out = tmp_path / "site"
    _build(repo.data, out)
    for path in [out / "changqing" / "2022" / "5" / "index.html", out / "updates" / "index.html"]:
        page = path.read_text(encoding="utf-8")
        assert "<script>alert(1)" not in page and "<img src=x" not in page, path
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page, path
    feed = out / "feeds" / "all.xml"
    assert "<script>alert(1)" not in feed.read_text(encoding="utf-8")
    entry = parse(feed).entries[0]
    assert hostile in entry.content[0].value.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
