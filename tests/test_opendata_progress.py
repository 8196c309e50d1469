"""Open data carries each task's status with the day it was computed for, and the progress
reports themselves in CSV, JSON and YAML (issue 10), from the example reports."""
from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
import yaml

from generator import opendata, views
from generator.loader import load_site
from generator.model import Site
from tests.helpers import DATA, ROOT

AS_OF = dt.date(2023, 6, 15)
URL = "https://example.org/zwgk/"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Site, Path]:
    site = load_site(DATA, ROOT / "examples" / "progress")
    out = tmp_path_factory.mktemp("open-data")
    opendata.write_open_data(site, out, URL, as_of=AS_OF)
    return site, out


def _csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))


def test_every_task_row_has_its_status_and_the_day(written) -> None:
    site, out = written
    statuses = views.task_statuses(site, AS_OF)
    rows = _csv(out / "all-tasks.csv")
    assert len(rows) == len(site.tasks)
    by_key = {f"{r['district']}-{r['year']}-{r['number']}": r for r in rows}
    for task in site.tasks:
        row = by_key[task.key]
        assert row["status"] == statuses[task.key].code and row["status_label"] == statuses[task.key].label
        assert row["status_as_of"] == "2023-06-15" and int(row["report_count"]) == len(task.reports)
    data = json.loads((out / "all-tasks.json").read_text(encoding="utf-8"))
    assert data["status_as_of"] == "2023-06-15" and "status_label" in data["columns"]


def test_reports_are_published_verbatim_in_three_formats(written) -> None:
    site, out = written
    expected = [(t, r) for t in site.tasks for r in t.reports]
    assert len(expected) >= 10
    rows = _csv(out / "all-reports.csv")
    as_json = json.loads((out / "all-reports.json").read_text(encoding="utf-8"))["reports"]
    as_yaml = yaml.safe_load((out / "all-reports.yaml").read_text(encoding="utf-8"))["reports"]
    assert len(rows) == len(as_json) == len(as_yaml) == len(expected)
    for (task, report), row, record, again in zip(expected, rows, as_json, as_yaml):
        assert row["text"] == record["text"] == again["text"] == report.text  # 【示例】… starts with no formula char
        assert record["date"] == report.date.isoformat() and record["status"] == report.status
        assert record["example"] is True and row["example"] == "true"
        assert record["task_url"] == URL + views.task_url(task)
        assert [e["url"] for e in record["evidence"]] == [e.url for e in report.evidence]
    plan_json = json.loads((out / "changqing-2022.json").read_text(encoding="utf-8"))
    assert len(plan_json["reports"]) == sum(len(t.reports) for t in site.plans[0].tasks)
    assert (out / "changqing-2022-reports.csv").is_file() and (out / "changqing-2022-reports.yaml").is_file()
    assert not (out / "haojiang-2022-reports.csv").exists()  # no reports, no file


def test_the_real_data_has_no_reports(tmp_path: Path) -> None:
    site = load_site(DATA)
    opendata.write_open_data(site, tmp_path, URL, as_of=AS_OF)
    assert json.loads((tmp_path / "all-reports.json").read_text(encoding="utf-8"))["reports"] == []
    assert {r["report_count"] for r in _csv(tmp_path / "all-tasks.csv")} == {"0"}
