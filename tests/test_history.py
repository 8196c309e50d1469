"""Change history from git (issue 12): what generator.history reads from a test repository
(tests/gitrepo.py: text reworded, deadline moved, units and themes changed, task added, report
added, task removed), and what the built pages show of it: the task page's 修改记录, the plan's
history page and 最近更新. Without git, or from a shallow clone, the pages say so."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.build import build_site
from generator.history import NO_GIT, NOT_IN_GIT, SHALLOW, Change, SiteHistory, diff_pieces, load_history
from generator.loader import load_site
from generator.model import Site
from tests.gitrepo import (CHINA, FIRST_DATE, FIRST_MESSAGE, STORY_STEPS, Story, edit_text, git, rename,
                           story_repo, when, write_file)
from tests.helpers import ROOT

STEP = {name: (message, when(date)) for name, message, date, _ in STORY_STEPS}
SEED_PLANS = ("changqing-2022", "haojiang-2022", "licheng-2023", "rencheng-2023", "shangyu-2022")
EXPECTED = {  # step -> the changes its commit makes: (kind, task key or plan key, changed fields)
    "first": {("plan_added", key, ()) for key in SEED_PLANS},
    "reword": {("task_changed", "changqing-2022-3", ("text",))},
    "deadline": {("task_changed", "changqing-2022-12", ("deadline",))},
    "units": {("task_changed", "changqing-2022-7", ("units", "themes"))},
    "added": {("task_added", "changqing-2022-67", ())},
    "report": {("report_added", "changqing-2022-23", ())},
    "removed": {("task_removed", "haojiang-2022-50", ())},
}


@pytest.fixture(scope="module")
def story(tmp_path_factory: pytest.TempPathFactory) -> Story:
    return story_repo(tmp_path_factory.mktemp("story"))


@pytest.fixture(scope="module")
def story_site(story: Story) -> Site:
    return load_site(story.repo.data)


@pytest.fixture(scope="module")
def history(story: Story, story_site: Site) -> SiteHistory:
    return load_history(story.repo.data, story_site)


def _build(data: Path, out: Path) -> Path:
    build_site(data, out, config_file=ROOT / "mkdocs.yml", search=False)
    return out


@pytest.fixture(scope="module")
def built(story: Story, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(story.repo.data, tmp_path_factory.mktemp("story-site") / "site")


def _summary(change: Change) -> tuple[str, str, tuple[str, ...]]:
    return change.kind, change.task_key or change.plan_key, tuple(f.field for f in change.fields)


def _one(history: SiteHistory, step: str) -> Change:
    [change] = [c for c in history.changes if c.commit.sha == _sha(history, step)]
    return change


def _sha(history: SiteHistory, step: str) -> str:
    message = FIRST_MESSAGE if step == "first" else STEP[step][0]
    return next(c.commit.sha for c in history.changes if c.commit.subject == message)


def _page(site: Path, url: str) -> lxml.html.HtmlElement:
    return lxml.html.fromstring((site / url / "index.html").read_text(encoding="utf-8"))


def _text(element: lxml.html.HtmlElement) -> str:
    return "".join(element.itertext())


# ---- What is read from git --------------------------------------------------------------------

def test_each_commit_gives_its_changes_with_its_date_and_message(history: SiteHistory, story: Story) -> None:
    assert history.available and history.reason == "" and history.skipped == ()
    by_commit: dict[str, set] = {}
    for change in history.changes:
        by_commit.setdefault(change.commit.sha, set()).add(_summary(change))
    assert by_commit == {story.shas[step]: changes for step, changes in EXPECTED.items()}
    for step, (message, date) in STEP.items():
        commit = _one(history, step).commit
        assert (commit.sha, commit.subject, commit.date) == (story.shas[step], message, date)
        assert commit.date.utcoffset() == dt.timedelta(hours=8)
    first = next(c.commit for c in history.changes if c.kind == "plan_added")
    assert (first.sha, first.subject, first.date) == (story.shas["first"], FIRST_MESSAGE, when(FIRST_DATE))


def test_dates_are_china_time(history: SiteHistory) -> None:
    # Committed at 01:30 on 6 May in China, which is still 5 May in UTC.
    date = _one(history, "deadline").commit.date
    assert date.date() == dt.date(2024, 5, 6)
    assert date.astimezone(dt.timezone.utc).date() == dt.date(2024, 5, 5)


def test_changes_are_newest_first_and_ids_unique(history: SiteHistory, story: Story, story_site: Site) -> None:
    dates = [c.commit.date for c in history.changes]
    assert dates == sorted(dates, reverse=True)
    assert history.changes[0].commit.sha == story.shas["removed"]
    ids = [c.id for c in history.changes]
    assert len(set(ids)) == len(ids) == 11
    assert load_history(story.repo.data, story_site) == history  # same commit, same history


def test_field_differences_old_and_new(history: SiteHistory, story_site: Site) -> None:
    [text] = _one(history, "reword").fields
    assert "依托政府网站集中公开" in text.old and "依托区政府网站和政务新媒体集中公开" in text.new
    assert text.label == "要求"
    assert [p for p in text.pieces if p[0] != "same"] == [("ins", "区"), ("ins", "和政务新媒体")]
    [deadline] = _one(history, "deadline").fields
    assert (deadline.label, deadline.old, deadline.new) == ("完成时限", "2022年年底前", "2022年9月底前")
    units, themes = _one(history, "units").fields
    assert (units.old, units.new) == ("各街镇和区农业农村局、区财政局", "各街镇和区农业农村局")
    rural = next(t.name for t in story_site.themes if t.id == "rural")
    assert (themes.label, themes.old, themes.new) == ("主题", "", rural)


def test_added_removed_and_report_changes_carry_the_task(history: SiteHistory) -> None:
    added = _one(history, "added")
    assert added.task_text == "每季度在区政府网站公开本要点的落实进度。"
    removed = _one(history, "removed")
    assert (removed.district_slug, removed.year, removed.task_number) == ("haojiang", 2022, 50)
    assert removed.task_text.startswith("工作要点落实情况")
    report = _one(history, "report")
    assert (report.report_date, report.report_status) == (dt.date(2024, 6, 28), "推进中")
    assert report.report_text == "【测试】养老服务补贴政策汇编已公开第一批。"
    assert report.id.endswith("/report_added/changqing-2022-23/2024-06-28")


def test_first_published(history: SiteHistory, story: Story) -> None:
    first = history.first_published("changqing-2022-3")
    assert first is not None and first.sha == story.shas["first"]
    added = history.first_published("changqing-2022-67")
    assert added is not None and added.sha == story.shas["added"]
    assert history.later_changes("changqing-2022-67") == []
    assert [c.commit.sha for c in history.later_changes("changqing-2022-3")] == [story.shas["reword"]]
    assert [c.kind for c in history.for_task("changqing-2022-23")] == ["report_added"]
    assert history.first_published("changqing-2022-999") is None


def test_one_log_and_one_cat_file_whatever_the_number_of_commits(story: Story, story_site: Site,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    commands: list[list[str]] = []
    real = subprocess.Popen

    class Counting(real):  # type: ignore[misc, valid-type]
        def __init__(self, args: list[str], *rest: object, **options: object) -> None:
            commands.append(list(args))
            super().__init__(args, *rest, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(subprocess, "Popen", Counting)
    assert load_history(story.repo.data, story_site).changes  # seven commits, eleven changes
    assert all(command[0] == "git" for command in commands)
    assert sum("log" in command for command in commands) == 1
    assert sum("cat-file" in command for command in commands) == 1
    assert all({"log", "cat-file", "rev-parse"} & set(command) for command in commands) and len(commands) <= 7


# ---- What is not history, and when there is none ------------------------------------------------

def test_working_tree_changes_are_not_history(story: Story, story_site: Site, history: SiteHistory,
                                              tmp_path: Path) -> None:
    clone = story.repo.clone(tmp_path / "clone")
    edit_text("changqing-2022", 1, "抓好", "切实抓好")(clone.data)  # edited, not committed
    write_file("progress/licheng-2023.yaml", "plan: licheng-2023\nreports:\n  - task: 1\n    date: 2024-01-02\n"
               "    status: 推进中\n    text: 未提交\n")(clone.data)
    assert load_history(clone.data, story_site).changes == history.changes


def test_a_copy_without_git_has_no_history(data: Path, real_site: Site) -> None:
    found = load_history(data, real_site)
    assert not found.available and found.changes == ()
    assert found.reason == NOT_IN_GIT and "git" in found.reason


def test_a_shallow_clone_says_the_history_is_incomplete(story: Story, story_site: Site, tmp_path: Path) -> None:
    shallow = story.repo.shallow_clone(tmp_path / "shallow", depth=2)
    found = load_history(shallow.data, story_site)
    assert not found.available and found.changes == ()
    assert found.reason == SHALLOW and "不完整" in found.reason


def test_without_git_installed(story: Story, story_site: Site, monkeypatch: pytest.MonkeyPatch,
                               tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no git on it
    found = load_history(story.repo.data, story_site)
    assert not found.available and found.reason == NO_GIT


def test_a_version_that_does_not_parse_is_skipped(story: Story, story_site: Site, tmp_path: Path) -> None:
    clone = story.repo.clone(tmp_path / "clone")
    good = (clone.data / "plans" / "licheng-2023.yaml").read_text(encoding="utf-8")
    broken = clone.commit("误提交了半个文件", "2024-08-01 10:00", write_file("plans/licheng-2023.yaml", good[:300] + "\n  - : ["))
    fixed = clone.commit("恢复历城区任务表，并更正第1项", "2024-08-02 10:00", write_file("plans/licheng-2023.yaml", good),
                         edit_text("licheng-2023", 1, "。", "；"))
    found = load_history(clone.data, story_site)
    [skipped] = found.skipped
    assert (skipped.commit.sha, skipped.path) == (broken, "site_data/plans/licheng-2023.yaml")
    assert any("\u4e00" <= ch <= "\u9fff" for ch in skipped.problem)  # what the loader said, in Chinese
    # The fix is compared with the last version that parsed: one task changed, nothing re-added.
    late = [c for c in found.changes if c.commit.sha in (broken, fixed)]
    assert [_summary(c) for c in late] == [("task_changed", "licheng-2023-1", ("text",))]


def test_a_renamed_file_keeps_its_history(story: Story, story_site: Site, tmp_path: Path) -> None:
    clone = story.repo.clone(tmp_path / "clone")
    sha = clone.commit("整理文件名", "2024-08-03 10:00", edit_text("shangyu-2022", 1, "。", "；"),
                       rename("plans/shangyu-2022.yaml", "plans/shangyu-2022-a.yaml"))
    found = load_history(clone.data, story_site)
    renamed = [_summary(c) for c in found.changes if c.commit.sha == sha]
    assert renamed == [("task_changed", "shangyu-2022-1", ("text",))]  # not a second plan_added


def test_merged_branches_each_keep_their_own_change(story: Story, story_site: Site, tmp_path: Path) -> None:
    # Each commit is compared with its own parent: a branch that did not touch task 2 does not
    # "undo" the other branch's change to it when the two are merged.
    clone = story.repo.clone(tmp_path / "clone")
    git(clone.root, "checkout", "-q", "-b", "other")
    one = clone.commit("第1项：更正标点", "2024-08-05 10:00", edit_text("rencheng-2023", 1, "。", "；"))
    git(clone.root, "checkout", "-q", "main")
    two = clone.commit("第2项：更正标点", "2024-08-06 10:00", edit_text("rencheng-2023", 2, "。", "；"))
    git(clone.root, "merge", "-q", "--no-ff", "-m", "合并第1项的更正", "other", date=when("2024-08-07 10:00"))
    found = load_history(clone.data, story_site)
    late = [(c.commit.sha, _summary(c)) for c in found.changes if c.plan_key == "rencheng-2023" and c.kind != "plan_added"]
    assert late == [(two, ("task_changed", "rencheng-2023-2", ("text",))),
                    (one, ("task_changed", "rencheng-2023-1", ("text",)))]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="政务公开年月底前区局、，。0123456789ab", max_size=40),
       st.text(alphabet="政务公开年月底前区局、，。0123456789ab", max_size=40))
def test_difference_pieces_rebuild_both_texts(old: str, new: str) -> None:
    pieces = diff_pieces(old, new)
    assert "".join(t for kind, t in pieces if kind != "ins") == old
    assert "".join(t for kind, t in pieces if kind != "del") == new
    assert all(text for _, text in pieces)


def test_difference_reads_as_words() -> None:
    # A one-character run between two changes is folded in: one deletion, one insertion.
    assert diff_pieces("2022年年底前完成", "2022年9月底前完成") == (("same", "2022年"), ("del", "年"), ("ins", "9月"),
                                                                  ("same", "底前完成"))
    assert diff_pieces("区发改局", "区财政局") == (("same", "区"), ("del", "发改"), ("ins", "财政"), ("same", "局"))
    # A rewritten text is shown as the old one out and the new one in, not as scattered characters.
    assert diff_pieces("全年", "长期坚持") == (("del", "全年"), ("ins", "长期坚持"))


# ---- The pages ----------------------------------------------------------------------------------

def test_task_page_shows_its_history(built: Path) -> None:
    section = _page(built, "changqing/2022/3").get_element_by_id("history-h").getparent()
    words = _text(section)
    assert "本站首次收录：2024年3月1日（收录五份任务表）" in words
    times = [t.get("datetime") for t in section.iter("time")]
    assert times == ["2024-03-01T09:00:00+08:00", "2024-04-02T10:30:00+08:00"]
    [change] = section.find_class("zw-change")
    assert "2024年4月2日：修改了要求" in _text(change.find("h3"))
    assert "修改说明：第3项要求按原文更正：依托区政府网站和政务新媒体" in _text(change)
    # Insertions are marked in words, not only by <ins>, and the whole texts are there too.
    assert [_text(i) for i in change.iter("ins")] == ["区", "和政务新媒体"]
    assert "〔新增：区〕" in _text(change) and "〔新增：和政务新媒体〕" in _text(change)
    whole = {_text(dt_): _text(dt_.getnext()) for dt_ in change.iter("dt")}
    assert "依托政府网站集中" in whole["修改前"] and "依托区政府网站和政务新媒体集中" in whole["修改后"]


def test_task_page_deadline_units_report_and_added(built: Path) -> None:
    deadline = _text(_page(built, "changqing/2022/12").get_element_by_id("history-h").getparent())
    assert "2024年5月6日：修改了完成时限" in deadline and "〔删去：年〕" in deadline and "〔新增：9月〕" in deadline
    units = _text(_page(built, "changqing/2022/7").get_element_by_id("history-h").getparent())
    assert "修改了负责单位、主题" in units and "〔删去：、区财政局〕" in units and "（没有）" in units
    report = _text(_page(built, "changqing/2022/23").get_element_by_id("history-h").getparent())
    assert "2024年7月1日：新增进展报告（报告日期2024年6月28日，状态：推进中）" in report
    added = _text(_page(built, "changqing/2022/67").get_element_by_id("history-h").getparent())
    assert "本站首次收录：2024年6月1日（增加第67项任务）" in added and "收录以后没有修改过" in added


def test_updates_page_lists_changes_newest_first_by_day(built: Path) -> None:
    page = _page(built, "updates")
    assert _text(page.find(".//h1")) == "最近更新"
    days = [t.get("datetime") for t in page.xpath("//section[@class='zw-history-group']/h2/time")]
    assert days == sorted({when(d).date().isoformat() for _, _, d, _ in STORY_STEPS} | {"2024-03-01"}, reverse=True)
    items = page.find_class("zw-change")
    assert len(items) == 11
    assert "长清区2022年第3项任务：修改了要求。" in _text(items[5])
    assert "修改说明：第3项要求按原文更正" in _text(items[5])
    assert "濠江区2022年第50项任务：删去了这项任务。" in _text(items[0]) and items[0].find(".//a") is None
    for link in page.xpath("//li[@class='zw-change']/a/@href"):  # every link opens a page of the site
        assert (built / "updates" / link / "index.html").resolve().is_file(), link


def test_plan_history_page_and_its_links(built: Path) -> None:
    page = _page(built, "changqing/2022/history")
    assert _text(page.find(".//h1")) == "长清区2022年政务公开重点工作任务：修改记录"
    heads = [_text(h) for h in page.xpath("//section[@class='zw-history-group']/h2")]
    assert heads == ["2024年7月1日", "2024年6月1日", "2024年5月20日", "2024年5月6日", "2024年4月2日", "2024年3月1日"]
    assert "本表：收录到本站。" in _text(page.find_class("zw-history-group")[-1])
    body = _text(page.find_class("page-history")[0])
    assert "第50项" not in body and "濠江区" not in body  # another plan's changes are not on it
    for source in ("changqing/2022", "changqing"):  # the plan page and the district page link it
        links = _page(built, source).xpath("//a[contains(., '修改记录')]/@href")
        assert any((built / source / link).resolve() == (built / "changqing/2022/history").resolve() for link in links)


def test_updates_is_in_the_nav_and_the_footer(built: Path) -> None:
    home = _page(built, "")
    assert home.xpath("//nav[contains(@class, 'zw-nav')]//a[normalize-space(.)='最近更新']/@href") == ["updates/"]
    assert home.xpath("//footer//a[normalize-space(.)='最近更新']/@href") == ["updates/"]


def test_a_build_without_git_says_so(data: Path, tmp_path: Path) -> None:
    out = _build(data, tmp_path / "site")
    task = _text(_page(out, "changqing/2022/3").get_element_by_id("history-h").getparent())
    assert f"这次生成的网站没有修改记录：{NOT_IN_GIT}" in task and "首次收录" not in task
    for url in ("updates", "changqing/2022/history"):
        page = _page(out, url)
        assert NOT_IN_GIT in _text(page) and not page.find_class("zw-change")


def test_the_same_commit_builds_the_same_history_pages(story: Story, built: Path, tmp_path: Path) -> None:
    clone = story.repo.clone(tmp_path / "clone")  # other folder, other file times, same commit
    again = _build(clone.data, tmp_path / "site")
    for url in ("updates", "changqing/2022/history", "changqing/2022/3", "changqing/2022/7", "haojiang/2022/history"):
        first, second = (built / url / "index.html").read_bytes(), (again / url / "index.html").read_bytes()
        at = next((i for i, (x, y) in enumerate(zip(first, second)) if x != y), min(len(first), len(second)))
        assert first == second, f"{url} differs at byte {at}: {first[at - 80:at + 80]!r} / {second[at - 80:at + 80]!r}"


# ---- The real repository ------------------------------------------------------------------------

def _git_out(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture(scope="module")
def real_repo() -> None:
    if shutil.which("git") is None or subprocess.run(["git", "rev-parse"], cwd=ROOT, capture_output=True).returncode:
        pytest.skip("the project is not a git clone here (a tarball): nothing to read")
    if _git_out("rev-parse", "--is-shallow-repository") == "true":
        pytest.skip("a shallow clone: run `git fetch --unshallow` to test the real history")


def test_each_seed_plan_was_added_by_the_commit_that_added_its_file(real_repo: None, real_site: Site) -> None:
    found = load_history(ROOT / "site_data", real_site)
    assert found.available, found.reason
    for plan in real_site.plans:
        log = _git_out("log", "--diff-filter=A", "--format=%H %ct", "--", f"site_data/plans/{plan.key}.yaml")
        sha, seconds = log.splitlines()[-1].split()
        [added] = [c for c in found.for_plan(plan.key) if c.kind == "plan_added"]
        assert added.commit.sha == sha
        assert added.commit.date == dt.datetime.fromtimestamp(int(seconds), CHINA)


def test_the_real_site_shows_when_each_plan_was_added(real_repo: None, real_site: Site, built_site: Path) -> None:
    found = load_history(ROOT / "site_data", real_site)
    for plan in real_site.plans:
        [added] = [c for c in found.for_plan(plan.key) if c.kind == "plan_added"]
        page = _page(built_site, f"{plan.district.slug}/{plan.year}/history")
        assert added.commit.date.isoformat() in page.xpath("//section[@class='zw-history-group']/h2/time/@datetime")
        task = _page(built_site, f"{plan.district.slug}/{plan.year}/{plan.tasks[0].number}")
        first = task.get_element_by_id("history-h").getparent()
        assert f"本站首次收录：{added.commit.date.year}年{added.commit.date.month}月{added.commit.date.day}日" in _text(first)
