"""The import corpus and the held-out set (tests/fixtures/import_corpus/, import_heldout/) are
consistent with themselves.

Each document is a real page's table text with a hand-written truth.yaml. These checks keep the
truth honest: every value it claims must be readable in source.txt, so a reader measured on the
corpus is never marked wrong for text the source does not hold. The held-out set also keeps the
search tool's excerpt (returned.txt) that its source.txt was trimmed from, and must not repeat a
document of the development corpus or of the seed plans. Its documents come in batches
(batches.yaml); a sealed batch has no score anywhere, and the benchmark never runs it.
"""
from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = FIXTURES / "import_corpus"
HELDOUT = FIXTURES / "import_heldout"
ROOT = Path(__file__).parents[1]
SEED_SOURCES = ROOT / "site_data" / "sources"
BENCHMARK_REPORT = ROOT / "docs" / "import-benchmark.md"
MIN_DOCUMENTS = {CORPUS: 12, HELDOUT: 20}
MIN_BATCH = 10  # documents in each held-out batch
SEALED_NOTE = "batch {n}, sealed: not run through the interpreter until a maintainer says so"
FILES = ("source.txt", "provenance.yaml", "truth.yaml")
LEVELS = {"区", "县", "县级市", "旗", "市", "省", "部门", "镇"}
COUNTY_LEVELS = {"县", "县级市", "旗"}
ROLES = {"lead", "responsible", "cooperating"}
TASK_KEYS = {"number", "section", "text", "units", "deadline"}
PROVENANCE_KEYS = {"url", "title", "issuer", "level", "year", "retrieved", "headers", "layout", "cut"}
# A bracket naming units by label, as in "（牵头单位：…；完成时限：…）" or "(责任单位:…)".
INLINE_LABELLED_UNITS = re.compile(r"[（(](?:牵头单位|责任单位|責任單位)[:：]")


def documents(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def source(doc: Path) -> str:
    return (doc / "source.txt").read_text(encoding="utf-8")


def texts(doc: Path) -> list[str]:
    return [task["text"] for task in load(doc / "truth.yaml")["tasks"]]


DOCS = [*documents(CORPUS), *documents(HELDOUT)]
IDS = [f"{d.parent.name}/{d.name}" for d in DOCS]
HELDOUT_DOCS = documents(HELDOUT)
HELDOUT_IDS = [d.name for d in HELDOUT_DOCS]


def batches() -> dict[int, list[str]]:
    """Held-out batch number -> the document folders batches.yaml puts in it."""
    return {int(n): list(names) for n, names in load(HELDOUT / "batches.yaml")["batches"].items()}


def sealed_batches() -> set[int]:
    return set(load(HELDOUT / "batches.yaml").get("sealed") or [])


def batch_of(doc: Path) -> int:
    return next(n for n, names in batches().items() if doc.name in names)


@pytest.mark.parametrize("folder", list(MIN_DOCUMENTS), ids=lambda f: f.name)
def test_each_set_has_enough_documents(folder: Path) -> None:
    found = len(documents(folder))
    assert found >= MIN_DOCUMENTS[folder], f"only {found} documents in {folder}"


@pytest.mark.parametrize("folder", list(MIN_DOCUMENTS), ids=lambda f: f.name)
def test_folder_names_are_numbered_and_unique(folder: Path) -> None:
    prefixes = [d.name.split("-", 1)[0] for d in documents(folder)]
    assert all(p.isdigit() and len(p) == 2 for p in prefixes), prefixes
    assert len(set(prefixes)) == len(prefixes)


@pytest.mark.parametrize("doc", DOCS, ids=IDS)
def test_folder_has_the_three_files(doc: Path) -> None:
    missing = [name for name in FILES if not (doc / name).is_file()]
    assert not missing, f"{doc.name} lacks {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=IDS)
def test_truth_matches_schema(doc: Path) -> None:
    truth = load(doc / "truth.yaml")
    assert set(truth) == {"year", "issuer", "level", "tasks"}
    # year/issuer are null only where the stored page text does not print them.
    assert truth["year"] is None or isinstance(truth["year"], int)
    assert truth["issuer"] is None or isinstance(truth["issuer"], str)
    assert truth["level"] in LEVELS
    assert isinstance(truth["tasks"], list) and 1 <= len(truth["tasks"]) <= 30
    for task in truth["tasks"]:
        assert set(task) == TASK_KEYS, task
        assert isinstance(task["number"], int) and not isinstance(task["number"], bool)
        assert task["section"] is None or isinstance(task["section"], str)
        assert isinstance(task["text"], str) and task["text"].strip()
        assert task["deadline"] is None or isinstance(task["deadline"], str)
        assert task["units"], f"task {task['number']} has no unit"
        for unit in task["units"]:
            assert set(unit) == {"name", "role"} and unit["role"] in ROLES, unit
            assert isinstance(unit["name"], str) and unit["name"].strip()


@pytest.mark.parametrize("doc", DOCS, ids=IDS)
def test_truth_values_are_printed_in_the_source(doc: Path) -> None:
    text = source(doc)
    truth = load(doc / "truth.yaml")
    missing: list[str] = []
    if truth["issuer"] is not None and truth["issuer"] not in text:
        missing.append(f"issuer {truth['issuer']!r}")
    if truth["year"] is not None and str(truth["year"]) not in text:
        missing.append(f"year {truth['year']}")
    for task in truth["tasks"]:
        where = f"task {task['number']}"
        values = [("text", task["text"]), ("deadline", task["deadline"]), ("section", task["section"])]
        values += [("unit", unit["name"]) for unit in task["units"]]
        missing += [f"{where} {kind} {value!r}" for kind, value in values if value and value not in text]
    assert not missing, f"{doc.name}: not in source.txt: {missing}"


@pytest.mark.parametrize("doc", DOCS, ids=IDS)
def test_task_texts_appear_in_source_order(doc: Path) -> None:
    # Catches a truth whose tasks were shuffled or which picked a later copy of the text.
    text = source(doc)
    positions = [text.find(task_text) for task_text in texts(doc)]
    assert positions == sorted(positions), f"{doc.name}: tasks out of order {positions}"


@pytest.mark.parametrize("doc", DOCS, ids=IDS)
def test_numbers_are_unique(doc: Path) -> None:
    numbers = [task["number"] for task in load(doc / "truth.yaml")["tasks"]]
    assert len(numbers) == len(set(numbers)), f"{doc.name}: repeated numbers {numbers}"


@pytest.mark.parametrize("doc", DOCS, ids=IDS)
def test_provenance_is_complete(doc: Path) -> None:
    prov = load(doc / "provenance.yaml")
    truth = load(doc / "truth.yaml")
    assert PROVENANCE_KEYS <= set(prov), PROVENANCE_KEYS - set(prov)
    assert str(prov["url"]).startswith(("http://", "https://"))
    assert str(prov["retrieved"]) == "2026-11-29"
    assert prov["level"] == truth["level"] and prov["year"] == truth["year"]
    assert prov["layout"].strip() and prov["cut"].strip()
    assert isinstance(prov["headers"], list)
    # An empty header list is allowed only for a table printed without any header row.
    assert prov["headers"] or "no header" in prov["layout"].lower(), f"{doc.name}: no header words"
    text = source(doc)
    assert all(word in text for word in prov["headers"]), prov["headers"]


def test_at_least_four_header_vocabularies() -> None:
    vocabularies = {frozenset(load(d / "provenance.yaml")["headers"]) for d in documents(CORPUS)}
    assert len(vocabularies) >= 4, vocabularies


def readme_rows(doc: Path) -> list[list[str]]:
    """The cells of every README table row that starts with this document's id."""
    readme = (doc.parent / "README.md").read_text(encoding="utf-8")
    return [[c.strip() for c in line.strip().strip("|").split("|")]
            for line in readme.splitlines() if line.startswith(f"| {doc.name} |")]


@pytest.mark.parametrize("doc", DOCS, ids=IDS)
def test_readme_lists_every_document(doc: Path) -> None:
    readme = (doc.parent / "README.md").read_text(encoding="utf-8")
    assert doc.name in readme, f"README.md does not list {doc.name}"
    assert load(doc / "provenance.yaml")["url"] in readme


@pytest.mark.parametrize("doc", DOCS, ids=IDS)
def test_readme_task_count_matches_the_truth(doc: Path) -> None:
    # The documents table's "tasks" column is the sixth cell: id, issuer, level, year, header words, tasks.
    rows = [r for r in readme_rows(doc) if len(r) == 7]
    assert rows, f"{doc.name}: no row in the README's documents table"
    assert rows[0][5] == str(len(texts(doc))), f"{doc.name}: README says {rows[0][5]} tasks"


# --- the held-out set ------------------------------------------------------------------------
@pytest.mark.parametrize("doc", HELDOUT_DOCS, ids=HELDOUT_IDS)
def test_heldout_source_is_the_returned_excerpt_trimmed(doc: Path) -> None:
    """source.txt is the tool's excerpt with only a start and an end cut off, nothing edited."""
    returned = (doc / "returned.txt").read_text(encoding="utf-8")
    kept = source(doc).removesuffix("\n")
    assert kept and kept in returned, f"{doc.name}: source.txt is not a verbatim part of returned.txt"
    assert f"{len(returned)} characters" in load(doc / "provenance.yaml")["returned"]


@pytest.mark.parametrize("doc", HELDOUT_DOCS, ids=HELDOUT_IDS)
def test_heldout_document_is_new(doc: Path) -> None:
    """Not a development document, not a seed plan, not another held-out document."""
    others = [d for d in DOCS if d != doc]
    urls = {load(d / "provenance.yaml")["url"] for d in others}
    assert load(doc / "provenance.yaml")["url"] not in urls
    elsewhere = [source(d) for d in others]
    elsewhere += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(SEED_SOURCES.glob("*.txt"))]
    repeated = [t[:30] for t in texts(doc) if any(t in other for other in elsewhere)]
    assert not repeated, f"{doc.name}: task texts found in another document: {repeated}"


def test_heldout_covers_the_layouts_asked_for() -> None:
    levels = [load(d / "truth.yaml")["level"] for d in HELDOUT_DOCS]
    assert sum(level in COUNTY_LEVELS for level in levels) >= 2, levels
    prose = [d.name for d in HELDOUT_DOCS if INLINE_LABELLED_UNITS.search(source(d))]
    assert prose, "no prose plan with inline （牵头单位：…） / （责任单位：…）"
    headerless = [d.name for d in HELDOUT_DOCS if not load(d / "provenance.yaml")["headers"]]
    assert headerless, "no table without a header"


@pytest.mark.parametrize("doc", HELDOUT_DOCS, ids=HELDOUT_IDS)
def test_heldout_readme_records_the_first_score(doc: Path) -> None:
    readme = (HELDOUT / "README.md").read_text(encoding="utf-8")
    assert "## First score (measured before any change to the interpreter)" in readme
    # One row in the documents table, and one in its batch's first-score table (11 cells: id and
    # 10 measures) once the batch is unsealed; a sealed batch has not been scored, so no score row.
    expected = [7] if batch_of(doc) in sealed_batches() else [7, 11]
    assert [len(r) for r in readme_rows(doc)] == expected, f"{doc.name}: README rows {readme_rows(doc)}"


# --- the held-out batches and the seal ---------------------------------------------------------
def test_every_heldout_document_is_in_exactly_one_batch() -> None:
    listed = [name for names in batches().values() for name in names]
    assert sorted(listed) == HELDOUT_IDS, "batches.yaml and the held-out folders disagree"
    assert sealed_batches() <= set(batches()), sealed_batches()


@pytest.mark.parametrize("number", sorted(batches()), ids=lambda n: f"batch-{n}")
def test_each_heldout_batch_has_enough_documents(number: int) -> None:
    assert len(batches()[number]) >= MIN_BATCH, batches()[number]


@pytest.mark.parametrize("number", sorted(sealed_batches()), ids=lambda n: f"batch-{n}")
def test_readme_says_the_batch_is_sealed(number: int) -> None:
    readme = (HELDOUT / "README.md").read_text(encoding="utf-8")
    assert SEALED_NOTE.format(n=number) in readme


@pytest.mark.parametrize("number", sorted(sealed_batches()), ids=lambda n: f"batch-{n}")
def test_no_score_of_a_sealed_batch_was_written(number: int) -> None:
    """The benchmark report in docs/ must not hold a result for a sealed document."""
    report = BENCHMARK_REPORT.read_text(encoding="utf-8") if BENCHMARK_REPORT.is_file() else ""
    leaked = [name for name in batches()[number] if name in report]
    assert not leaked, f"{BENCHMARK_REPORT.name} holds results for sealed documents: {leaked}"


def benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("import_benchmark", ROOT / "benchmarks" / "import_benchmark.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_benchmark_never_reads_a_sealed_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    bench = benchmark()
    measured: list[str] = []
    # Stands in for the interpreter run so that this test runs nothing on any document.
    monkeypatch.setattr(bench, "measure", lambda folder: measured.append(folder.name) or bench.Score(folder.name))
    results = bench.measure_batches(bench.heldout_batches())
    sealed = {name for n in sealed_batches() for name in batches()[n]}
    assert measured and not sealed & set(measured), sorted(sealed & set(measured))
    assert [b.number for b, scores in results if scores is None] == sorted(sealed_batches())


def test_benchmark_reports_each_batch_apart_and_a_sealed_one_as_sealed() -> None:
    bench = benchmark()
    batch_1 = bench.Batch(1, [HELDOUT / name for name in batches()[1]], False)
    batch_2 = bench.Batch(2, [HELDOUT / name for name in batches()[2]], True)
    scores_1 = [bench.Score(f.name, truth=2, found=2, matched=1) for f in batch_1.folders]
    text = bench.report([bench.Score("corpus-doc", truth=1, found=1, matched=1)], [(batch_1, scores_1), (batch_2, None)])
    assert f"## Held-out batch 1 ({len(batch_1.folders)} documents)" in text
    assert f"## Held-out batch 2 ({len(batch_2.folders)} documents)" in text and "**Sealed: not measured.**" in text
    assert text.count("| **overall** |") == 2  # the corpus and batch 1; none for the sealed batch
    assert "| measure | issue 11 target | development | held-out batch 1 |" in text
    assert not [f.name for f in batch_2.folders if f.name in text]


def test_benchmark_reads_a_unit_name_wrapped_over_two_lines_as_one_name() -> None:
    # 15-shijingshan prints "园区党工\n委" (a PDF's hard-wrapped line); the truth keeps it as printed.
    assert benchmark().flat("园区党工\n委") == "园区党工委"
