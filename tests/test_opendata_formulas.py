"""CSV cells that a spreadsheet would run as a formula are neutralised (OWASP: a leading ');
JSON and YAML keep the exact text, and ordinary text is written as it is."""
from __future__ import annotations

import csv
import datetime
import io
import json
import shutil
from pathlib import Path

import pytest

from generator import opendata, yamlio
from generator.loader import load_site
from tests.helpers import DATA

PLAN = "plans/rencheng-2023.yaml"
FORMULAS = ('=HYPERLINK("https://evil.example","点我")', "+1", "-1", "@SUM(1)")


def _csv_rows(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel needs the BOM for Chinese text
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory):
    """The open data of a copy of the real data whose first tasks start with a formula."""
    base = tmp_path_factory.mktemp("formulas")
    data = base / "site_data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("reports"))
    plan_file = data / PLAN
    plan, _ = yamlio.load(plan_file)
    for task, formula in zip(plan["tasks"], FORMULAS):
        task["text"] = formula + task["text"]  # the rest keeps the theme keywords
    head = plan_file.read_text(encoding="utf-8").splitlines()[0]
    plan_file.write_text(head + "\n" + yamlio.dump(plan), encoding="utf-8")
    site = load_site(data)  # such a text is valid data
    out = base / "data"
    opendata.write_open_data(site, out, "https://example.org/zwgk/", as_of=datetime.date(2026, 1, 1))
    return site, out


def test_formula_cells_get_a_leading_quote(written) -> None:
    site, out = written
    plan = next(p for p in site.plans if p.key == "rencheng-2023")
    for name in (f"{plan.key}.csv", "all-tasks.csv"):
        rows = {(r["district"], int(r["number"])): r for r in _csv_rows(out / name)}
        for task, formula in zip(plan.tasks, FORMULAS):
            cell = rows[("rencheng", task.number)]["text"]
            assert task.text.startswith(formula)
            assert cell == "'" + task.text, (name, cell[:30])


def test_other_cells_are_unchanged(written) -> None:
    site, out = written
    rows = _csv_rows(out / "all-tasks.csv")
    changed = {(t.plan.district.slug, t.number) for t in site.tasks if t.text.startswith(FORMULAS)}
    assert len(changed) == len(FORMULAS)
    for row, task in zip(rows, site.tasks, strict=True):
        if (row["district"], int(row["number"])) not in changed:
            assert row["text"] == task.text
        assert row["units_text"] == (task.units_text or "")
        assert row["district_name"] == task.plan.district.name


def test_json_and_yaml_keep_the_exact_text(written) -> None:
    site, out = written
    plan = next(p for p in site.plans if p.key == "rencheng-2023")
    record = json.loads((out / f"{plan.key}.json").read_text(encoding="utf-8"))
    assert [t["text"] for t in record["tasks"]] == [t.text for t in plan.tasks]
    assert record["tasks"][0]["text"].startswith(FORMULAS[0])
    assert (out / f"{plan.key}.yaml").read_bytes() == plan.path.read_bytes()


@pytest.mark.parametrize("text", ["=1+1", "+86 531", "-1", "@SUM(A1)", "\t=1", "\r=1"])
def test_every_owasp_start_is_neutralised(text: str) -> None:
    assert opendata.neutralize_formula(text) == "'" + text


@pytest.mark.parametrize("text", ["区发改局", "1月底前", "（一）加强…", "a=b", " =1", "＝1", ""])
def test_ordinary_text_is_kept(text: str) -> None:
    assert opendata.neutralize_formula(text) == text


def test_the_data_page_explains_the_rule() -> None:
    template = (Path(opendata.__file__).parent / "templates" / "data.html.j2").read_text(encoding="utf-8")
    assert "公式" in template and "单引号" in template
