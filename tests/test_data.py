"""Acceptance of the committed data against the original source files."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from generator.loader import load_site
from generator.model import Plan
from tests.helpers import DATA, EXPECTED_COUNTS, ROOT, SEEDS

SITE = load_site(DATA)
PLANS = {(p.district.slug, p.year): p for p in SITE.plans}


def test_task_counts() -> None:
    assert {k: len(p.tasks) for k, p in PLANS.items()} == EXPECTED_COUNTS
    assert len(SITE.tasks) == 273


@pytest.mark.skipif(not SEEDS.is_dir(), reason="../shared/seeds is not beside this clone")
def test_sources_are_unedited_copies_of_the_seeds() -> None:
    for plan in SITE.plans:
        assert plan.source.read_bytes() == (SEEDS / plan.source.name).read_bytes()
    assert {p.source.name for p in SITE.plans} == {f.name for f in SEEDS.glob("*.txt")}


@pytest.mark.parametrize("key", sorted(EXPECTED_COUNTS))
def test_every_text_is_verbatim_in_its_source_on_its_line(key: tuple[str, int]) -> None:
    plan = PLANS[key]
    source = plan.source.read_text(encoding="utf-8")
    lines = source.splitlines()
    for task in plan.tasks:
        assert task.text in source, (task.number, task.text[:30])
        first_line = task.text.splitlines()[0]
        assert first_line[:20] in lines[task.source_line - 1], task.number


_SECTION_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）])")


def _requirement_passages(plan: Plan) -> list[tuple[int, str]]:
    """Requirement-looking passages of the table, found without the parsers: cell pieces of 12+
    characters holding 。 that are not section titles, between the first and last task lines."""
    lines = plan.source.read_text(encoding="utf-8").splitlines()
    first = min(t.source_line for t in plan.tasks)
    last = max(t.source_line for t in plan.tasks)
    passages = []
    for number in range(first, last + 1):
        for cell in lines[number - 1].split("\t"):
            for piece in re.split(r"</?p>", cell):
                piece = re.sub(r"^\s*\d+[．.]", "", piece).strip()
                if len(piece) >= 12 and "。" in piece and not _SECTION_START.match(piece):
                    passages.append((number, piece))
    return passages


@pytest.mark.parametrize("key", sorted(EXPECTED_COUNTS))
def test_every_requirement_in_the_source_is_in_exactly_one_task(key: tuple[str, int]) -> None:
    plan = PLANS[key]
    passages = _requirement_passages(plan)
    assert len(passages) >= len(plan.tasks)
    for line, piece in passages:
        owners = [
            t for t in plan.tasks
            if t.source_line <= line <= t.source_line + t.text.count("\n") and piece in t.text
        ]
        assert len(owners) == 1, (line, piece[:30], [t.number for t in owners])
    starts = [t.source_line for t in plan.tasks]
    assert len(starts) == len(set(starts)), "two tasks start on the same source line"


def test_web_page_chrome_never_becomes_a_task() -> None:
    chrome = ("文件下载", "扫一扫", "ICP备", "网站标识码", "主办", "抄送", "发布机关", "此件公开发布")
    for task in SITE.tasks:
        assert not any(word in task.text for word in chrome), task.key


def test_every_task_has_units_or_a_note_and_a_deadline_where_the_source_has_one() -> None:
    for task in SITE.tasks:
        assert task.units or any(n.field in ("units", "units_text") for n in task.notes), task.key
        if task.plan.has_deadline_column:
            assert task.deadline.text, task.key
            assert task.deadline.kind != "none", task.key
        else:
            assert task.deadline.kind == "none" and task.deadline.text is None


def test_every_parsed_unit_resolves_to_exactly_one_registry_entry() -> None:
    for plan in SITE.plans:
        registry = SITE.units[plan.district.slug]
        for task in plan.tasks:
            for unit in task.units:
                matches = [u for u in registry if unit.name in u.all_names]
                assert matches == [unit.unit], (task.key, unit.name)


def test_units_are_printed_in_their_cell_with_a_role() -> None:
    for task in SITE.tasks:
        cells = (task.units_text or "") + (task.lead_units_text or "") + (task.cooperating_units_text or "")
        for unit in task.units:
            assert unit.name in cells, (task.key, unit.name)
            assert unit.role in ("lead", "responsible", "cooperating")


def test_every_task_has_a_theme() -> None:
    assert all(task.themes for task in SITE.tasks)
    assert 10 <= len(SITE.themes) <= 15


def test_lead_roles_follow_the_printed_words() -> None:
    changqing = PLANS[("changqing", 2022)]
    task = next(t for t in changqing.tasks if t.units_text == "区住建局牵头，各街镇配合")
    assert [(u.name, u.role) for u in task.units] == [("区住建局", "lead"), ("各街镇", "cooperating")]
    shangyu = PLANS[("shangyu", 2022)].tasks[1]
    assert {u.role for u in shangyu.units if u.name in shangyu.lead_units_text} == {"lead"}


def test_deadlines_are_normalized_for_every_phrasing() -> None:
    kinds = {t.deadline.text: (t.deadline.kind, t.deadline.due) for t in SITE.tasks}
    assert kinds["全年"][0] == "year_round"
    assert kinds["2022年年底前完成，长期坚持"][0] == "due_then_ongoing"
    assert kinds["本文件印发后30日内"][0] == "unresolved"  # 长清 gives no issue date
    assert kinds["2024年1月31日前"] == ("due", __import__("datetime").date(2024, 1, 31))
    assert not [t.key for t in SITE.tasks if t.deadline.kind == "unresolved" and t.deadline.after_issue_days is None]


def test_every_data_file_carries_its_editor_schema_line() -> None:
    for path in [*DATA.glob("plans/*.yaml"), *DATA.glob("units/*.yaml"), DATA / "themes.yaml"]:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# yaml-language-server: $schema="), path
        schema = (path.parent / first.split("=", 1)[1]).resolve()
        assert schema.is_file(), path


def test_validate_passes_on_the_committed_data() -> None:
    result = subprocess.run([sys.executable, "-m", "generator", "validate"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "数据检查通过" in result.stdout
