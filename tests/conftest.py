"""Shared fixtures: the real data loaded once, and the real site built once per session."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def real_site():
    """The model of site_data/ (the real 273 tasks)."""
    from generator.loader import load_site

    return load_site(ROOT / "site_data")


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once (with the search index when generator.search exists).

    Returns the output folder (the one that holds index.html). Read it, never change it:
    every test that asks for it shares it.
    """
    from generator.build import build_site

    out = tmp_path_factory.mktemp("built") / "site"
    build_site(ROOT / "site_data", out, config_file=ROOT / "mkdocs.yml")
    return out
