"""A layout case: how the rows and cells of one known layout are cut out of a text source.

Each seed layout (a text export seen in a real plan) is a case: `detect` recognises its header,
`read` walks its lines and hands every task, cell, section title and leftover to the shared
`PlanBuilder`, and returns what the layout prints about the plan (title, year, issuer …).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from generator.importers.base import RawPlan
from generator.importers.lines import Lines
from generator.importers.plan_builder import PlanBuilder


class NotThisLayout(ValueError):
    """The layout's header is there, but its title or rows are not: read the file another way."""


@dataclass(frozen=True)
class Case:
    name: str
    detect: Callable[[Lines], bool]
    read: Callable[[Lines, PlanBuilder], RawPlan]  # the plan's metadata; the tasks are in the builder
    origin: str = PlanBuilder.origin  # how this layout's carried-cell notes cite the row above
    labels: dict[str, str] = field(default_factory=dict)  # column names for notes, where they differ

    def builder(self) -> PlanBuilder:
        builder = PlanBuilder(origin=self.origin)
        builder.labels.update(self.labels)
        return builder

    def detects(self, text: str) -> bool:
        """Whether a text shows this layout's header (tests, and a quick check of a file)."""
        return self.detect(Lines(text))

    def parse(self, text: str) -> RawPlan:
        """A text read as this layout through the whole pipeline; NotThisLayout if it is not one."""
        from generator.importers.interpret import interpret_text

        return interpret_text(text, self.name)
