"""The scale benchmark's synthetic data (benchmarks/scale_data.py, issue 14 point 1): copies of
the five seed plans as distinct made-up districts, and one plan of 2,000 tasks. Both must pass
validate, the real copy must stay byte for byte the real data, and nothing may be written into
site_data/."""
from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.scale_data import MARK, make_big_plan, make_scaled_data
from generator.loader import load_site

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "site_data"
COPIES = 3


@pytest.fixture(scope="module")
def scaled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_scaled_data(DATA, tmp_path_factory.mktemp("scaled") / "data", COPIES)


def _validate(folder: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", "validate", str(folder)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_scaled_data_passes_validate(scaled: Path) -> None:
    result = _validate(scaled)
    assert result.returncode == 0, result.stderr
    assert "数据检查通过" in result.stdout


def test_scaled_data_holds_every_task_once_per_copy(scaled: Path, real_site) -> None:
    site = load_site(scaled)
    assert len(real_site.tasks) == 273  # the five seed plans; the copies are counted from them
    assert len(site.tasks) == COPIES * len(real_site.tasks)
    assert len(site.plans) == COPIES * len(real_site.plans)
    real_texts = Counter(t.text for t in real_site.tasks)
    renamed = sum(1 for t in site.tasks if t.text not in real_texts)
    assert renamed < len(site.tasks) // 2  # most task texts name no place: copies keep them as they are


def test_copies_are_distinct_districts_spread_over_provinces(scaled: Path, real_site) -> None:
    site = load_site(scaled)
    districts = {plan.district for plan in site.plans}
    seeds = {plan.district for plan in real_site.plans}
    assert len({d.slug for d in districts}) == len({d.name for d in districts}) == COPIES * len(seeds)
    assert seeds <= districts  # the real districts, exactly as they are
    made_up = districts - seeds
    assert len({d.province for d in made_up}) == COPIES - 1  # one made-up province per copy here
    assert not {d.province for d in made_up} & {d.province for d in seeds}
    for district in made_up:  # a copy's own registry, plan file and unit names
        assert (scaled / "units" / f"{district.slug}.yaml").is_file()
        assert site.units[district.slug]
    sources = [plan.source for plan in site.plans]
    assert len(set(sources)) == len(sources)  # every plan has its own source file


def test_real_copy_is_unchanged_and_copies_are_marked(scaled: Path) -> None:
    for folder in ("plans", "units", "sources", "schema"):
        for path in (DATA / folder).iterdir():
            assert (scaled / folder / path.name).read_bytes() == path.read_bytes(), path
    for name in ("themes.yaml", "synonyms.yaml"):
        assert (scaled / name).read_bytes() == (DATA / name).read_bytes()
    real_titles = {plan.title for plan in load_site(DATA).plans}
    for plan in load_site(scaled).plans:
        assert (plan.title in real_titles) != plan.title.endswith(MARK), plan.title
    assert "合成的测试数据" in (scaled / "README.txt").read_text(encoding="utf-8")


def test_scaled_data_is_one_commit_with_a_fixed_date(scaled: Path) -> None:
    log = subprocess.run(["git", "log", "--format=%aI %cI %s"], cwd=scaled, capture_output=True, text=True, check=True)
    assert log.stdout.splitlines() == ["2024-01-02T09:00:00+08:00 2024-01-02T09:00:00+08:00 收录合成的测试数据（性能测试）"]
    status = subprocess.run(["git", "status", "--porcelain"], cwd=scaled, capture_output=True, text=True, check=True)
    assert status.stdout == ""


def test_big_plan_has_2000_valid_tasks(tmp_path: Path, real_site) -> None:
    folder = make_big_plan(DATA, tmp_path / "big", git=False)
    assert _validate(folder).returncode == 0
    site = load_site(folder)
    assert len(site.plans) == 1
    plan = site.plans[0]
    assert [t.number for t in plan.tasks] == list(range(1, 2001))
    assert plan.title.endswith(MARK)
    assert plan.district.slug not in {p.district.slug for p in real_site.plans}
    assert len({t.section.id for t in plan.tasks}) > 100  # spread over repeated sections, not piled in a few
    assert not (folder / ".git").exists()


def test_never_writes_into_the_real_data(tmp_path: Path) -> None:
    before = sorted(p.relative_to(DATA) for p in DATA.rglob("*"))
    with pytest.raises(ValueError):
        make_scaled_data(DATA, DATA / "scaled", 2, git=False)
    assert sorted(p.relative_to(DATA) for p in DATA.rglob("*")) == before
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("x", encoding="utf-8")
    with pytest.raises(FileExistsError):
        make_scaled_data(DATA, tmp_path / "full", 2, git=False)
