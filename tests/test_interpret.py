"""The table interpreter (generator/importers/interpret.py): header roles, row kinds, text layouts,
and its measured accuracy on the import corpus (tests/fixtures/import_corpus/)."""
from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import pytest

from generator.importers.headers import CATEGORY, DEADLINE, NUMBER, REQUIREMENT, UNITS, fold, header_role
from generator.importers.interpret import InterpretError, interpret
from generator.readers import read_document

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "fixtures" / "import_corpus"

LONG_A = "加强重大政策解读，做到应解读尽解读，提高解读质量"
LONG_B = "做好政府信息公开年度报告编制发布工作，确保数据准确"
LONG_C = "规范办理依申请公开，依法依规答复群众的政府信息公开申请"


def _csv(tmp_path: Path, rows: list[list[str]]) -> Path:
    path = tmp_path / "table.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def _interpret(path: Path):
    return interpret(read_document(path))


# --- header folding ---------------------------------------------------------------------------
@pytest.mark.parametrize(("printed", "role"), [
    ("序　号", NUMBER), ("序號", NUMBER), ("具 体 要 求", REQUIREMENT), ("工作內容", REQUIREMENT),
    ("負責科室", UNITS), ("落实科室(部门)", UNITS), ("完成时限", DEADLINE), ("時限要求", DEADLINE),
    ("工作任务", CATEGORY), ("重點任務", CATEGORY),
])
def test_header_words_match_after_folding(printed: str, role: str) -> None:
    assert header_role(printed) == role


def test_folding_is_for_comparison_only() -> None:
    assert fold("序　號 Ａ") == "序号A"
    assert header_role("一、工作任务") is None  # a section heading, not a header cell


# --- tables -----------------------------------------------------------------------------------
def test_spaced_and_traditional_header_table(tmp_path: Path) -> None:
    path = _csv(tmp_path, [["序　號", "具 体 要 求", "責任單位", "完成時限"],
                           ["1", LONG_A, "区发改局", "2023年6月底前"],
                           ["2", LONG_B, "区政府办公室", "年底前"]])
    plan = _interpret(path)
    assert [(t.number, t.text, t.units_text, t.deadline_text) for t in plan.tasks] == [
        (1, LONG_A, "区发改局", "2023年6月底前"), (2, LONG_B, "区政府办公室", "年底前")]


def test_two_row_header_keeps_lead_and_cooperating_apart(tmp_path: Path) -> None:
    path = _csv(tmp_path, [["序号", "具体要求", "责任单位", "", "完成时限"],
                           ["", "", "牵头单位", "配合单位", ""],
                           ["1", LONG_A, "区发改局", "区财政局", "年底前"]])
    [task] = _interpret(path).tasks
    assert task.lead_units_text == "区发改局"
    assert task.units_text == "区财政局"
    assert any("配合" in note.message for note in task.notes)
    assert task.deadline_text == "年底前"


def test_header_repeated_after_a_page_break_is_skipped(tmp_path: Path) -> None:
    header = ["序号", "工作任务", "责任单位", "完成时限"]
    path = _csv(tmp_path, [header, ["1", LONG_A, "区发改局", "年底前"], header, ["2", LONG_B, "区财政局", "年底前"]])
    plan = _interpret(path)
    assert [t.number for t in plan.tasks] == [1, 2]
    assert all(t.text in (LONG_A, LONG_B) for t in plan.tasks)


def test_table_without_header_is_classified_by_content(tmp_path: Path) -> None:
    path = _csv(tmp_path, [["1", LONG_A, "区发改局、区财政局", "2023年6月底前"],
                           ["2", LONG_B, "区政府办公室", "持续推进"],
                           ["3", LONG_C, "各街道", "年底前"]])
    plan = _interpret(path)
    assert [(t.number, t.units_text, t.deadline_text) for t in plan.tasks] == [
        (1, "区发改局、区财政局", "2023年6月底前"), (2, "区政府办公室", "持续推进"), (3, "各街道", "年底前")]


def test_section_rows_give_the_section(tmp_path: Path) -> None:
    path = _csv(tmp_path, [["序号", "工作任务", "责任单位", "完成时限"],
                           ["一、推进重点领域信息公开", "", "", ""],
                           ["1", LONG_A, "区发改局", "年底前"],
                           ["二、加强政策解读", "", "", ""],
                           ["2", LONG_B, "区财政局", "年底前"]])
    plan = _interpret(path)
    assert [t.section for t in plan.tasks] == [["一、推进重点领域信息公开"], ["二、加强政策解读"]]


def test_continuation_row_is_not_a_task(tmp_path: Path) -> None:
    path = _csv(tmp_path, [["序号", "具体要求", "责任单位", "完成时限"],
                           ["1", "加强重大政策解读，做到应解读尽解读，提高", "区发改局", "年底前"],
                           ["", "解读的质量和实效。", "", ""],
                           ["2", LONG_B, "区财政局", "年底前"]])
    plan = _interpret(path)
    assert [t.number for t in plan.tasks] == [1, 2]
    assert any("续行" in u.reason and u.text == "解读的质量和实效。" for u in plan.unplaced)
    assert any("续写" in n.message for n in plan.tasks[0].notes)


def test_several_numbered_tasks_in_one_cell_are_split(tmp_path: Path) -> None:
    cell = "6．加强重大政策解读，做到应解读尽解读。\n7．做好政府信息公开年度报告编制发布工作。"
    path = _csv(tmp_path, [["序号", "具体要求", "落实单位"], ["", cell, "区政府办公室"]])
    plan = _interpret(path)
    assert [(t.number, t.text, t.units_text) for t in plan.tasks] == [
        (6, "加强重大政策解读，做到应解读尽解读。", "区政府办公室"),
        (7, "做好政府信息公开年度报告编制发布工作。", "区政府办公室")]


def test_number_from_the_text_else_document_order(tmp_path: Path) -> None:
    path = _csv(tmp_path, [["工作任务", "具体要求", "责任单位"],
                           ["政策解读", "（3）" + LONG_A, "区发改局"],
                           ["政策解读", LONG_B, "区财政局"]])
    first, second = _interpret(path).tasks
    assert (first.number, first.text) == (3, LONG_A)
    assert second.number == 4 and any("顺序编号" in n.message for n in second.notes)
    assert first.section == ["政策解读"]


def test_merged_units_cell_is_carried_with_a_note(tmp_path: Path) -> None:
    path = _csv(tmp_path, [["序号", "具体要求", "责任单位"], ["1", LONG_A, "区发改局"], ["2", LONG_B, ""]])
    second = _interpret(path).tasks[1]
    assert second.units_text == "区发改局"
    assert any("沿用" in n.message for n in second.notes)


def test_ignored_columns_are_reported(tmp_path: Path) -> None:
    path = _csv(tmp_path, [["序号", "具体要求", "责任单位", "完成情况"], ["1", LONG_A, "区发改局", "推进中"]])
    plan = _interpret(path)
    assert any(u.text == "完成情况" for u in plan.unplaced)


# --- text layouts -----------------------------------------------------------------------------
def test_label_lines_and_doc_number_year(tmp_path: Path) -> None:
    path = tmp_path / "plan.txt"
    path.write_text("某某区人民政府文件\n某政发〔2024〕3号\n\n一、稳增长\n\n1.努力实现地区生产总值增长6%左右。\n\n"
                    "牵头单位：区发改局\n\n责任单位：各街道，区财政局\n", encoding="utf-8")
    plan = _interpret(path)
    assert plan.year == 2024
    [task] = plan.tasks
    assert (task.text, task.lead_units_text, task.units_text) == ("努力实现地区生产总值增长6%左右。", "区发改局", "各街道，区财政局")
    assert task.section == ["一、稳增长"]


def test_prose_with_inline_fields(tmp_path: Path) -> None:
    path = tmp_path / "prose.txt"
    path.write_text("一、加强信息公开\n（一）做好重点领域公开。推进教育信息公开。（牵头单位：区教体局；完成时限：2024年6月底前）"
                    "做好医疗信息公开。（区卫健局牵头，区医保局配合）\n", encoding="utf-8")
    first, second = _interpret(path).tasks
    assert (first.text, first.lead_units_text, first.deadline_text) == ("推进教育信息公开。", "区教体局", "2024年6月底前")
    assert (second.text, second.units_text) == ("做好医疗信息公开。", "区卫健局牵头，区医保局配合")
    assert first.section[-1] == "（一）做好重点领域公开。"


def test_no_task_table_is_a_chinese_error(tmp_path: Path) -> None:
    path = tmp_path / "notice.txt"
    path.write_text("关于召开会议的通知\n请各单位准时参加。\n", encoding="utf-8")
    with pytest.raises(InterpretError) as error:
        _interpret(path)
    assert "找不到任务表" in str(error.value) and str(path) in str(error.value)


# --- the corpus -------------------------------------------------------------------------------
def _benchmark():
    spec = importlib.util.spec_from_file_location("import_benchmark", ROOT / "benchmarks" / "import_benchmark.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_corpus_scores_do_not_regress() -> None:
    bench = _benchmark()
    scores = [bench.measure(folder) for folder in sorted(p for p in CORPUS.iterdir() if p.is_dir())]
    assert len(scores) >= 12 and not [s.error for s in scores if s.error]
    total = bench.total(scores)
    # Measured when the interpreter was written (docs/import-benchmark.md), rounded down.
    assert total.rate(total.matched, total.truth) >= 1.0, "recall"
    assert total.rate(total.matched, total.found) >= 1.0, "precision"
    assert total.rate(total.exact, total.matched) >= 1.0, "text equal to the truth"
    assert total.rate(total.units, total.matched) >= 0.98, "units"
    assert total.rate(total.deadline, total.matched) >= 1.0, "deadline"


@pytest.mark.parametrize("folder", sorted(p for p in CORPUS.iterdir() if p.is_dir()), ids=lambda p: p.name)
def test_every_found_text_is_verbatim_in_the_source(folder: Path) -> None:
    source = (folder / "source.txt").read_text(encoding="utf-8")
    plan = interpret(read_document(folder / "source.txt"))
    assert plan.tasks
    for task in plan.tasks:
        assert task.text and task.text == task.text.strip() and task.text in source, task.text
        for value in (task.units_text, task.lead_units_text, task.deadline_text):
            assert value is None or value in source
