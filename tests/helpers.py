"""Paths and expectations shared by the tests."""
import datetime as dt
from collections import defaultdict
from pathlib import Path

from generator import views
from generator.model import Site

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "site_data"
SEEDS = ROOT.parent / "shared" / "seeds"  # the originals, beside the clone in CI

EXPECTED_COUNTS = {
    ("changqing", 2022): 66,
    ("rencheng", 2023): 59,
    ("licheng", 2023): 49,
    ("haojiang", 2022): 50,
    ("shangyu", 2022): 49,
}
SOURCES = DATA / "sources"


def other_sources(name: str) -> list[str]:
    """The seed files other than `name`: a layout's detector must refuse each of them."""
    return sorted(p.name for p in SOURCES.glob("*.txt") if p.name != name)


def search_filter_values(site: Site, as_of: dt.date) -> dict[str, dict[str, set[str]]]:
    """Search filter -> value -> URLs ("/changqing/2022/1/") of the tasks that carry it, from
    the data: districts by address (changqing); units by canonical name, lead and shared alike; the status label on `as_of`
    (the build's reference date, generator.build.reference_dates)."""
    values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    statuses = views.task_statuses(site, as_of)
    for task in site.tasks:
        url = "/" + views.task_url(task)
        values["district"][task.plan.district.slug].add(url)  # unique: two cities may each have a 鼓楼区
        values["year"][str(task.plan.year)].add(url)
        values["deadline"][views.deadline_facet(task.deadline)].add(url)
        values["status"][statuses[task.key].label].add(url)
        for task_unit in task.units:
            values["unit"][task_unit.unit.name].add(url)
        for theme in task.themes:
            values["theme"][theme.name].add(url)
    return {name: dict(by_value) for name, by_value in values.items()}
