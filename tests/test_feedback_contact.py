"""Issue 12 (in part): where to send a correction or complaint, and which years the site holds.

A district's contact lives in its units registry and is validated like the rest of the data;
the five real districts have published none here, so every page says so plainly and points to
12345 instead of inventing an address."""
from __future__ import annotations

from pathlib import Path

import pytest

from generator import views
from generator.build import build_site
from generator.loader import load_site
from generator.validate import validate
from tests.helpers import ROOT

CONTACT = """contact:
  office: 长清区人民政府办公室（示例）
  phone: 0531-87212345转8001
  email: zwgk@example.gov.cn
  address: 济南市长清区（示例地址）
"""


def _add_contact(data: Path, text: str = CONTACT) -> Path:
    registry = data / "units" / "changqing.yaml"
    lines = registry.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("district:")) + 1
    registry.write_text("\n".join(lines[:at] + text.rstrip("\n").split("\n") + lines[at:]), encoding="utf-8")
    return registry


def test_real_districts_say_plainly_that_no_contact_is_published(built_site: Path, real_site) -> None:
    for district in real_site.districts:
        page = (built_site / views.district_url(district) / "index.html").read_text(encoding="utf-8")
        assert f"{district.name}还没有在本站公布受理纠错和投诉的联系方式" in page and 'href="tel:12345"' in page
    task = real_site.tasks[0]
    page = (built_site / views.task_url(task) / "index.html").read_text(encoding="utf-8")
    assert "还没有在本站公布" in page and 'href="tel:12345"' in page


def test_district_page_states_the_years_it_holds(built_site: Path, real_site) -> None:
    from generator.build import reference_dates

    as_of = reference_dates(ROOT / "site_data").as_of
    for district in real_site.districts:
        years = sorted(p.year for p in real_site.plans if p.district.slug == district.slug)
        page = (built_site / views.district_url(district) / "index.html").read_text(encoding="utf-8")
        assert f"本站收录了{district.name}{years[-1]}年的任务表" in page
        assert (f"{years[-1] + 1}年以后的任务表本站还没有收录" in page) == (years[-1] < as_of.year)


def test_footer_says_what_the_update_date_means(built_site: Path) -> None:
    page = (built_site / "index.html").read_text(encoding="utf-8")
    assert "数据最后更新（本站数据的修改日期，不是任务表的印发日期）" in page


def test_a_published_contact_is_on_every_page_of_the_district(data: Path, tmp_path: Path) -> None:
    _add_contact(data)
    assert validate(data) == []
    site = load_site(data)
    assert site.contacts["changqing"].tel == "tel:053187212345,8001"
    out = tmp_path / "site"
    build_site(data, out, config_file=ROOT / "mkdocs.yml", search=False)
    task = next(t for t in site.tasks if t.plan.district.slug == "changqing")
    for url in (views.task_url(task), views.district_url(task.plan.district)):
        page = (out / url / "index.html").read_text(encoding="utf-8")
        assert 'href="tel:053187212345,8001">0531-87212345转8001</a>' in page
        assert 'href="mailto:zwgk@example.gov.cn"' in page and "还没有在本站公布" not in page
    other = next(t for t in site.tasks if t.plan.district.slug != "changqing")
    assert "还没有在本站公布" in (out / views.task_url(other) / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("field, value", [("phone", "请拨打12345"), ("email", "zwgk@jncq"),
                                          ("email", '"><script>@x.cn')])
def test_a_malformed_contact_is_refused_with_its_line(data: Path, field: str, value: str) -> None:
    registry = _add_contact(data, CONTACT.replace(
        "0531-87212345转8001" if field == "phone" else "zwgk@example.gov.cn", value.replace('"', '\\"')))
    registry.write_text(registry.read_text(encoding="utf-8").replace(f"{field}: {value}", f"{field}: '{value}'"),
                        encoding="utf-8")
    problems = validate(data)
    line = next(i for i, text in enumerate(registry.read_text(encoding="utf-8").split("\n"), 1)
                if text.strip().startswith(f"{field}:"))
    in_registry = [p for p in problems if p.file == registry]
    assert [(p.line, p.field) for p in in_registry] == [(line, f"contact.{field}")]
    assert "格式不对" in in_registry[0].message and in_registry[0].hint
