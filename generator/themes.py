"""Assign citizen-facing themes to a task by the keyword rules kept in site_data/themes.yaml."""
from __future__ import annotations

from generator.model import Theme


def matching_themes(text: str, themes: list[Theme]) -> list[Theme]:
    """Every theme with a keyword in `text`, in the order of the themes file."""
    return [theme for theme in themes if any(k in text for k in theme.keywords)]


def task_themes(text: str, override: list[str] | None, themes: list[Theme]) -> list[Theme]:
    """A task's themes: its explicit `themes:` list if it has one, else the keyword rules."""
    if override:
        by_id = {t.id: t for t in themes}
        return [by_id[i] for i in override if i in by_id]
    return matching_themes(text, themes)
