"""The import corpus (tests/fixtures/import_corpus/) is consistent with itself.

Each document is a real page's table text with a hand-written truth.yaml. These checks keep the
truth honest: every value it claims must be readable in source.txt, so a reader measured on the
corpus is never marked wrong for text the source does not hold.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

CORPUS = Path(__file__).parent / "fixtures" / "import_corpus"
FILES = ("source.txt", "provenance.yaml", "truth.yaml")
LEVELS = {"区", "县", "县级市", "旗", "市", "部门", "镇"}
ROLES = {"lead", "responsible", "cooperating"}
TASK_KEYS = {"number", "section", "text", "units", "deadline"}
PROVENANCE_KEYS = {"url", "title", "issuer", "level", "year", "retrieved", "headers", "layout", "cut"}


def documents() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_dir())


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def source(doc: Path) -> str:
    return (doc / "source.txt").read_text(encoding="utf-8")


DOCS = documents() if CORPUS.is_dir() else []
IDS = [d.name for d in DOCS]


def test_corpus_has_at_least_twelve_documents() -> None:
    assert len(DOCS) >= 12, f"only {len(DOCS)} documents in {CORPUS}"


def test_folder_names_are_numbered_and_unique() -> None:
    prefixes = [d.name.split("-", 1)[0] for d in DOCS]
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
    positions = [text.find(task["text"]) for task in load(doc / "truth.yaml")["tasks"]]
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
    text = source(doc)
    assert prov["headers"] and all(word in text for word in prov["headers"]), prov["headers"]


def test_at_least_four_header_vocabularies() -> None:
    vocabularies = {frozenset(load(d / "provenance.yaml")["headers"]) for d in DOCS}
    assert len(vocabularies) >= 4, vocabularies


def test_readme_lists_every_document() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for doc in DOCS:
        assert doc.name in readme, f"README.md does not list {doc.name}"
        assert load(doc / "provenance.yaml")["url"] in readme
