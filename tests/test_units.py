"""The units splitter: printed names kept verbatim, roles from the printed words."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.units import is_collective, name_key, split_units


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("各街镇，区发改局、区工信局等区政府相关部门",
         [("各街镇", "responsible"), ("区发改局", "responsible"), ("区工信局", "responsible"), ("区政府相关部门", "responsible")]),
        ("各街镇和区财政局、区税务局", [("各街镇", "responsible"), ("区财政局", "responsible"), ("区税务局", "responsible")]),
        ("区住房和城乡建设局", [("区住房和城乡建设局", "responsible")]),
        ("区行政审批局、区司法局、牵头，各街镇、区政府有关部门配合",
         [("区行政审批局", "lead"), ("区司法局", "lead"), ("各街镇", "cooperating"), ("区政府有关部门", "cooperating")]),
        ("区市场监管局牵头、区政府有关部门配合", [("区市场监管局", "lead"), ("区政府有关部门", "cooperating")]),
        ("区卫生健康局、政务服务数据管理局牵头，各街道、区直各单位按职责分工落实",
         [("区卫生健康局", "lead"), ("政务服务数据管理局", "lead"), ("各街道", "responsible"), ("区直各单位", "responsible")]),
        ("区委宣传部（区新闻办/区网信办）", [("区委宣传部（区新闻办/区网信办）", "responsible")]),
        ("区工信局（商务局）、区文旅局", [("区工信局（商务局）", "responsible"), ("区文旅局", "responsible")]),
        ("区发改局\n区工信局\n区国金局", [("区发改局", "responsible"), ("区工信局", "responsible"), ("区国金局", "responsible")]),
        ("区工信局,运河经济开发区、各镇(街道)", [("区工信局", "responsible"), ("运河经济开发区", "responsible"), ("各镇(街道)", "responsible")]),
        ("各乡镇人民政府、街道办事处及有关部门单位",
         [("各乡镇人民政府", "responsible"), ("街道办事处", "responsible"), ("有关部门单位", "responsible")]),
        ("区教育局、卫生健康局等单位", [("区教育局", "responsible"), ("卫生健康局", "responsible")]),
        ("", []),
        (None, []),
    ],
)
def test_printed_cells(cell: str | None, expected: list[tuple[str, str]]) -> None:
    assert split_units(cell) == expected


def test_default_role_for_a_lead_column() -> None:
    assert split_units("区发改局、区建设局", "lead") == [("区发改局", "lead"), ("区建设局", "lead")]


# Unit-like names without separators or role words, as they are printed.
_name = st.builds(
    lambda prefix, core, suffix: prefix + core + suffix,
    st.sampled_from(["区", "各", "市", ""]),
    st.text(alphabet="发改工信财政税务民商文旅教体卫健农业村审计司法人社医保应急", min_size=1, max_size=6),
    st.sampled_from(["局", "办", "中心", "街镇", "分局", "委员会"]),
)


@given(st.lists(_name, min_size=1, max_size=8, unique=True), st.sampled_from(["、", "，", ",", "\n", "；"]))
def test_joined_names_split_back(names: list[str], separator: str) -> None:
    assert split_units(separator.join(names)) == [(n, "responsible") for n in names]


@given(st.lists(_name, min_size=1, max_size=4, unique=True), st.lists(_name, min_size=1, max_size=4, unique=True))
def test_lead_and_cooperating_clauses(leads: list[str], helpers: list[str]) -> None:
    helpers = [h for h in helpers if h not in leads] or ["各街镇"]
    if "各街镇" in leads:
        return
    cell = "、".join(leads) + "牵头，" + "、".join(helpers) + "配合"
    assert split_units(cell) == [(n, "lead") for n in leads] + [(n, "cooperating") for n in helpers]


@given(st.text(max_size=60))
def test_every_name_is_a_nonempty_substring_of_the_cell(cell: str) -> None:
    for name, role in split_units(cell):
        assert name and name in cell
        assert role in ("lead", "responsible", "cooperating")


def test_printed_variants_share_a_key() -> None:
    assert name_key("区发改局") == name_key("区发展改革局") == name_key("区发展改革委")
    assert name_key("市生态环境局历城区分局") == name_key("市生态环境局历城分局")
    assert name_key("区财政局") != name_key("区税务局")


def test_collectives() -> None:
    assert is_collective("各街镇") and is_collective("区政府各部门(单位)") and is_collective("有关部门单位")
    assert not is_collective("区发改局") and not is_collective("运河经济开发区")
