"""Every string field of the data is untrusted: it reaches the site only through escaping.

The string fields are found by walking the JSON Schemas in site_data/schema/, never listed by
hand: a field added to a schema is injected automatically. A copy of the real data gets, in
every free-text field of every data file, a payload that would redirect the page, load a
script and break out of an attribute, each tagged with the field it went into. The copy
stays valid (fields that must match other data are injected consistently), the site is
built, and no built page may contain an element, attribute or redirect that came from the
data; the payloads are shown as typed (escaped once, never twice).
Fields with a pattern or an enum (ids, slugs, dates) cannot hold markup: the validator
must reject it there.
"""
from __future__ import annotations

import csv
import io
import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any, Iterator

import pytest

from generator import views, yamlio
from generator.build import build_site
from generator.loader import load_site
from generator.validate import validate
from tests.helpers import DATA, ROOT
from tests.test_escaping import parse

SCHEMA_DIR = DATA / "schema"
# Which data files each schema describes (a new schema must be added here, see the test below).
SCHEMA_FILES = {"plan.schema.json": "plans/*.yaml", "units.schema.json": "units/*.yaml",
                "themes.schema.json": "themes.yaml", "progress.schema.json": "progress/*.yaml",
                # Synonym words have a pattern (no free text); the search shows them with textContent.
                "synonyms.schema.json": "synonyms.yaml"}
REDIRECT = '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
SCRIPT = '<script src="/assets/x.js"></script>'
CORE = f'{REDIRECT}{SCRIPT}" data-zr="1\' data-zr=\'2'
# Free-text fields (in the schema) whose value must match other data. Those in REJECTED can't
# hold markup at all: the validator rejects it there, like a pattern. The others are injected
# consistently by a handler below instead of getting the payload appended.
REJECTED = {
    ("plan", ("source",)): "the path of a file in site_data/sources/ (see test_validate)",
    ("plan", ("tasks", "*", "themes", "*")): "a theme id",
    ("progress", ("reports", "*", "evidence", "*", "url")): "an https address",
}
REFERENCES = {
    **REJECTED,
    ("plan", ("tasks", "*", "units", "*", "name")): "a name or alias in the district's registry",
    ("progress", ("reports", "*", "unit")): "a name or alias in the district's registry",
    ("plan", ("tasks", "*", "notes", "*", "field")): "a field name the validator looks for",
    ("themes", ("themes", "*", "keywords", "*")): "words looked for in the task texts",
}
FieldPath = tuple[Any, ...]


def marker(kind: str, path: FieldPath) -> str:
    return f"〔{kind}:{'.'.join(map(str, path))}〕"


def payload(kind: str, path: FieldPath) -> str:
    return marker(kind, path) + CORE


# ---- Walking the schemas ---------------------------------------------------------------------

def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        assert schema["$ref"].startswith("#/"), schema["$ref"]
        target: Any = root
        for part in schema["$ref"][2:].split("/"):
            target = target[part]
        schema = target
    return schema


def _types(schema: dict[str, Any]) -> list[str]:
    kind = schema.get("type", [])
    return [kind] if isinstance(kind, str) else list(kind)


def string_fields(schema: dict[str, Any], root: dict[str, Any] | None = None,
                  path: FieldPath = ()) -> Iterator[tuple[FieldPath, dict[str, Any]]]:
    """(path with "*" for list items, schema) of every string field."""
    root = root or schema
    schema = _resolve(schema, root)
    if "string" in _types(schema) or all(isinstance(v, str) for v in schema.get("enum", [0])):
        yield path, schema
    for name, sub in schema.get("properties", {}).items():
        yield from string_fields(sub, root, path + (name,))
    if isinstance(schema.get("items"), dict):
        yield from string_fields(schema["items"], root, path + ("*",))


def is_free_text(schema: dict[str, Any]) -> bool:
    return not ({"pattern", "enum", "const", "format"} & set(schema))


def schemas() -> dict[str, dict[str, Any]]:
    """kind ("plan", "units", "themes") -> its schema."""
    return {name.split(".")[0]: json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
            for name in SCHEMA_FILES}


def fields_by_kind() -> dict[str, dict[FieldPath, dict[str, Any]]]:
    return {kind: dict(string_fields(schema)) for kind, schema in schemas().items()}


# ---- Injecting -----------------------------------------------------------------------------

class Injector:
    """Appends a tagged payload to every free-text value (adding optional ones), and counts
    where it went."""

    def __init__(self) -> None:
        self.done: Counter[tuple[str, FieldPath]] = Counter()
        self.unit_names: dict[str, dict[str, str]] = {}  # district -> old name -> new name

    def walk(self, kind: str, data: Any, schema: dict[str, Any], root: dict[str, Any],
             path: FieldPath = ()) -> Any:
        schema = _resolve(schema, root)
        if isinstance(data, list) and isinstance(schema.get("items"), dict):
            return [self.walk(kind, item, schema["items"], root, path + ("*",)) for item in data]
        if not isinstance(data, dict):
            if isinstance(data, str) and "string" in _types(schema) and is_free_text(schema) \
                    and (kind, path) not in REFERENCES:
                self.done[(kind, path)] += 1
                return f"{data} {payload(kind, path)}" if data else payload(kind, path)
            return data
        out = dict(data)
        for name, sub in schema.get("properties", {}).items():
            sub = _resolve(sub, root)
            if name in out:
                out[name] = self.walk(kind, out[name], sub, root, path + (name,))
            elif "string" in _types(sub) and is_free_text(sub) and (kind, path + (name,)) not in REFERENCES:
                out[name] = self.walk(kind, "", sub, root, path + (name,))  # an optional field, added
        return out

    def registry(self, before: dict[str, Any], after: dict[str, Any]) -> None:
        """Remember each unit name's new form, for the plans' task units."""
        names = self.unit_names.setdefault(before["district"], {})
        for old, new in zip(before["units"], after["units"]):
            names[old["name"]] = new["name"]
            names.update(zip(old.get("aliases", []), new.get("aliases", [])))

    def plan_references(self, plan: dict[str, Any]) -> None:
        names = self.unit_names[plan["district"]["slug"]]
        for task in plan["tasks"]:
            for unit in task["units"]:
                unit["name"] = names[unit["name"]]
                self.done[("plan", ("tasks", "*", "units", "*", "name"))] += 1
            field = ("tasks", "*", "notes", "*", "field")
            task.setdefault("notes", []).append({"field": payload("plan", field),
                                                 "message": payload("plan", ("tasks", "*", "notes", "*", "message"))})
            self.done[("plan", field)] += 1

    def progress_references(self, progress: dict[str, Any]) -> None:
        names = self.unit_names[progress["plan"].rsplit("-", 1)[0]]
        for report in progress["reports"]:
            if report.get("unit"):
                report["unit"] = names[report["unit"]]
                self.done[("progress", ("reports", "*", "unit"))] += 1

    def theme_keywords(self, themes: dict[str, Any]) -> None:
        path = ("themes", "*", "keywords", "*")
        for theme in themes["themes"]:
            theme["keywords"].append(payload("themes", path))  # an extra keyword: the others still match
            self.done[("themes", path)] += 1


def _rewrite(path: Path, data: Any) -> None:
    head = path.read_text(encoding="utf-8").splitlines()[0]
    path.write_text(head + "\n" + yamlio.dump(data), encoding="utf-8")


def inject_everything(data_dir: Path, progress_dir: Path) -> Injector:
    injector = Injector()
    kinds = schemas()
    themes_file = data_dir / "themes.yaml"
    themes, _ = yamlio.load(themes_file)
    themes = injector.walk("themes", themes, kinds["themes"], kinds["themes"])
    injector.theme_keywords(themes)
    _rewrite(themes_file, themes)
    for path in sorted((data_dir / "units").glob("*.yaml")):
        before, _ = yamlio.load(path)
        # No real district has published a contact: give each one, so its fields get the payload too.
        before.setdefault("contact", {"office": "区政务公开办", "phone": "0531-87212345", "email": "zwgk@example.gov.cn",
                                      "address": "示例地址", "hours": "工作日"})
        after = injector.walk("units", before, kinds["units"], kinds["units"])
        injector.registry(before, after)
        _rewrite(path, after)
    for path in sorted((data_dir / "plans").glob("*.yaml")):
        plan, _ = yamlio.load(path)
        plan = injector.walk("plan", plan, kinds["plan"], kinds["plan"])
        injector.plan_references(plan)
        _rewrite(path, plan)
    for path in sorted(progress_dir.glob("*.yaml")):
        progress, _ = yamlio.load(path)
        progress = injector.walk("progress", progress, kinds["progress"], kinds["progress"])
        injector.progress_references(progress)
        _rewrite(path, progress)
    return injector


def copy_data(base: Path) -> tuple[Path, Path, Path | None]:
    """A copy of site_data/ and of the progress reports: the real ones (in the copy's progress/)
    when there are any, else the made-up examples (example: true), which are accepted only from
    another folder. Returns (data folder, progress folder, progress_dir for load_site)."""
    data = base / "site_data"
    shutil.copytree(DATA, data, ignore=shutil.ignore_patterns("reports"))
    if any(data.glob(SCHEMA_FILES["progress.schema.json"])):
        return data, data / "progress", None
    progress = base / "progress"
    shutil.copytree(ROOT / "examples" / "progress", progress)
    return data, progress, progress


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory):
    data, progress, progress_dir = copy_data(tmp_path_factory.mktemp("untrusted"))
    injector = inject_everything(data, progress)
    site = load_site(data, progress_dir)  # still valid data: DataError here means the injection is wrong
    out = data.parent / "site"
    build_site(data, out, config_file=ROOT / "mkdocs.yml", search=False, progress_dir=progress_dir)
    return data, out, site, injector


# ---- The schemas and the injection cover every field -------------------------------------------

def test_every_schema_is_injected() -> None:
    assert {p.name for p in SCHEMA_DIR.glob("*.json")} == set(SCHEMA_FILES), \
        "a new schema: add its data files to SCHEMA_FILES so its fields get the payload"


def test_every_free_text_field_got_the_payload(injected) -> None:
    _, _, _, injector = injected
    free = {(kind, path) for kind, fields in fields_by_kind().items()
            for path, schema in fields.items() if "string" in _types(schema) and is_free_text(schema)}
    assert set(REFERENCES) <= free, "a reference field is no longer free text: update REFERENCES"
    missing = sorted(f for f in free if injector.done[f] == 0 and f not in REJECTED)
    assert not missing, missing
    assert len(free) >= 20  # the walk found the fields (district name, task text, unit aliases ...)


# ---- Nothing from the data becomes markup -------------------------------------------------------

def _built_files(out: Path, *suffixes: str) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file() and p.suffix in suffixes)


def test_no_page_contains_markup_from_the_data(injected) -> None:
    _, out, _, _ = injected
    pages = _built_files(out, ".html")
    assert len(pages) > 273
    for path in pages:
        raw = path.read_text(encoding="utf-8")
        assert REDIRECT not in raw and SCRIPT not in raw, path
        assert "&amp;lt;" not in raw and "&amp;quot;" not in raw and "&amp;#" not in raw, f"{path}: escaped twice"
        for tag, attrs in parse(path).elements:
            assert "data-zr" not in attrs, (path, tag, attrs)
            assert not (tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh"), path
            assert not (tag == "script" and "x.js" in (attrs.get("src") or "")), path
            for name in ("href", "src", "action", "content"):
                assert "evil.example" not in (attrs.get(name) or ""), (path, tag, attrs)


def test_other_text_files_hold_no_markup(injected) -> None:
    _, out, _, _ = injected
    files = _built_files(out, ".xml", ".js", ".css", ".svg", ".txt")
    assert any(p.name == "sitemap.xml" for p in files)
    for path in files:
        raw = path.read_text(encoding="utf-8")
        assert "evil.example" not in raw, path


def test_district_name_in_every_list_and_title_is_shown_as_typed(injected) -> None:
    _, out, site, _ = injected
    names = {d.name for d in site.districts}
    assert all(marker("plan", ("district", "name")) + CORE in name for name in names)
    # The nav names no district (issue 14): the lists of districts do, grouped by province.
    lists = [views.DISTRICTS_URL, views.UNITS_URL, views.DEADLINES_URL, views.DATA_URL]
    for url in lists + [views.district_url(d) for d in site.districts]:
        text = "".join(parse(out / url / "index.html").text)
        for name in (names if url in lists else {d.name for d in site.districts if url == views.district_url(d)}):
            assert name in text, f"/{url} lacks {name!r}"
    district = site.districts[0]
    title = parse(out / district.slug / "index.html").title
    assert district.name in title


def test_every_shown_payload_is_literal(injected) -> None:
    """Each field that reaches a page shows its whole payload as typed: escaped exactly once."""
    _, out, _, injector = injected
    shown: set[str] = set()
    for path in _built_files(out, ".html"):
        page = parse(path)
        texts = ["".join(page.text), page.title] + [v or "" for _, attrs in page.elements for v in attrs.values()]
        for text in texts:
            for kind, field in injector.done:
                if marker(kind, field) + CORE in text:
                    shown.add(marker(kind, field))
    # Every field a citizen sees (task text, names, titles ...) was found whole somewhere.
    for kind, field in [("plan", ("district", "name")), ("plan", ("title",)), ("plan", ("tasks", "*", "text")),
                        ("plan", ("sections", "*", "title")), ("units", ("units", "*", "name")),
                        ("themes", ("themes", "*", "name")), ("plan", ("tasks", "*", "units_text")),
                        ("units", ("units", "*", "aliases", "*")), ("plan", ("tasks", "*", "notes", "*", "message")),
                        ("progress", ("reports", "*", "text")), ("progress", ("reports", "*", "evidence", "*", "title"))]:
        assert marker(kind, field) in shown, (kind, field)


# ---- The open data keep the exact text -----------------------------------------------------------

def test_open_data_keep_the_exact_text(injected) -> None:
    data, out, site, _ = injected
    records = json.loads((out / "data" / "all-tasks.json").read_text(encoding="utf-8"))["tasks"]
    assert [r["text"] for r in records] == [t.text for t in site.tasks]
    assert all(CORE in r["text"] and CORE in r["district_name"] for r in records)
    rows = list(csv.DictReader(io.StringIO((out / "data" / "all-tasks.csv").read_text(encoding="utf-8-sig"))))
    assert [r["text"] for r in rows] == [t.text for t in site.tasks]
    for plan in site.plans:
        assert (out / "data" / f"{plan.key}.yaml").read_bytes() == plan.path.read_bytes()
        record = json.loads((out / "data" / f"{plan.key}.json").read_text(encoding="utf-8"))
        assert (record["title"], record["issuer"], record["doc_number"]) == (plan.title, plan.issuer, plan.doc_number)


# ---- Fields with a pattern or an enum refuse markup ---------------------------------------------

def _set_first(data: Any, path: FieldPath, value: str) -> None:
    """Set the field at `path` ("*" = the first item) to `value`, creating it if absent."""
    for part, after in zip(path, path[1:]):
        if part == "*":
            if not data:
                data.append([] if after == "*" else {})
            data = data[0]
        else:
            data = data.setdefault(part, [] if after == "*" else {})
    if path[-1] == "*":
        data[:1] = [value]
    else:
        data[path[-1]] = value


def _markup_everywhere(data: Path, progress: Path, which: Any) -> list[tuple[Path, str]]:
    """Put markup into each string field `which(kind, path, schema)` selects, in one file of
    each kind; return (file, field) of each."""
    files = {"plan": data / "plans" / "rencheng-2023.yaml", "units": data / "units" / "rencheng.yaml",
             "themes": data / "themes.yaml", "progress": sorted(progress.glob("*.yaml"))[0],
             "synonyms": data / "synonyms.yaml"}
    expected: list[tuple[Path, str]] = []
    for kind, fields in fields_by_kind().items():
        loaded, _ = yamlio.load(files[kind])
        for path, schema in fields.items():
            if which(kind, path, schema):
                _set_first(loaded, path, "<b>x</b>")
                expected.append((files[kind], yamlio.field_path(tuple(0 if p == "*" else p for p in path))))
        _rewrite(files[kind], loaded)
    return expected


@pytest.mark.parametrize("which", ["pattern or enum", "reference"])
def test_constrained_fields_reject_markup(tmp_path: Path, which: str) -> None:
    """Schema checks and cross-file checks (which run only on files that pass the schema)."""
    data, progress, progress_dir = copy_data(tmp_path)
    if which == "reference":
        expected = _markup_everywhere(data, progress, lambda kind, path, schema: (kind, path) in REJECTED)
        assert len(expected) >= 3  # source, task themes, evidence address
    else:
        expected = _markup_everywhere(data, progress, lambda kind, path, schema: not is_free_text(schema))
        assert len(expected) >= 10  # slugs, ids, dates, roles, kinds
    found = {(p.file, p.field) for p in validate(data, progress_dir)}
    for where in expected:
        assert where in found, where
