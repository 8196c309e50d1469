"""Load site_data/ into the model: read, validate, then build the dataclasses.

Raises DataError (every problem, with file and line) when anything is wrong, so no later
stage ever sees half-valid data.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.errors import DataError
from generator.model import Contact, DEFAULT_LEVEL, Deadline, District, Note, Plan, Section, Site, Task, TaskUnit, Theme, Unit
from generator.progress import attach_reports
from generator.themes import task_themes
from generator.validate import DataSet, check, read_dataset


def load_site(data_dir: Path, progress_dir: Path | None = None) -> Site:
    """`progress_dir`: where the progress reports are (None: data_dir/progress, the real ones)."""
    ds = read_dataset(Path(data_dir), progress_dir)
    problems = check(ds)
    if problems:
        raise DataError(problems)
    return build_site(ds)


def build_site(ds: DataSet) -> Site:
    """The model from a data set that passed every check."""
    assert ds.themes is not None
    themes = [Theme(t["id"], t["name"], t["description"], tuple(t["keywords"])) for t in ds.themes.data["themes"]]
    units = {slug: [_unit(slug, u) for u in reg.data["units"]] for slug, reg in sorted(ds.registries.items())}
    plans = [_plan(p.path, p.data, units, themes) for p in ds.plans]
    plans.sort(key=lambda p: (p.district.slug, p.year))
    attach_reports(ds, plans, units)
    contacts = {slug: Contact(**reg.data["contact"]) for slug, reg in sorted(ds.registries.items())
                if "contact" in reg.data}
    return Site(plans=plans, units=units, themes=themes, contacts=contacts)


def _unit(slug: str, data: dict) -> Unit:
    return Unit(data["id"], slug, data["name"], tuple(data.get("aliases", [])), data["kind"], tuple(data.get("members", [])))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _plan(path: Path, data: dict, units: dict[str, list[Unit]], themes: list[Theme]) -> Plan:
    d = data["district"]
    district = District(d["slug"], d["name"], d["city"], d["province"], d.get("level", DEFAULT_LEVEL))
    by_name = {name: unit for unit in units[district.slug] for name in unit.all_names}
    sections = {s["id"]: Section(s["id"], s["title"]) for s in data["sections"]}
    plan = Plan(
        district=district,
        year=data["year"],
        title=data["title"],
        doc_number=data.get("doc_number"),
        issuer=data.get("issuer"),
        issue_date=_date(data.get("issue_date")),
        source=(path.parent / data["source"]).resolve(),
        has_deadline_column=data["has_deadline_column"],
        sections=list(sections.values()),
        tasks=[],
        path=path,
    )
    for t in data["tasks"]:
        dl = t["deadline"]
        task = Task(
            number=t["number"],
            section=sections[t["section"]],
            text=t["text"],
            units_text=t.get("units_text"),
            lead_units_text=t.get("lead_units_text"),
            cooperating_units_text=t.get("cooperating_units_text"),
            units=[TaskUnit(u["name"], u["role"], by_name[u["name"]]) for u in t["units"]],
            deadline=Deadline(t.get("deadline_text"), dl["kind"], _date(dl.get("due")), dl.get("after_issue_days")),
            themes=task_themes(t["text"], t.get("themes"), themes),
            notes=[Note(n["field"], n["message"]) for n in t.get("notes", [])],
            source_line=t.get("source_line"),
            plan=plan,
        )
        plan.tasks.append(task)
    return plan


__all__ = ["load_site", "build_site", "DataError"]
