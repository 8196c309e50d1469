"""Paths shared by the tests."""
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "site_data"
SEEDS = ROOT.parent / "shared" / "seeds"  # the originals, beside the clone in CI

EXPECTED_COUNTS = {
    ("changqing", 2022): 66,
    ("rencheng", 2023): 59,
    ("licheng", 2023): 49,
    ("haojiang", 2022): 50,
    ("shangyu", 2022): 49,
}
SOURCES = DATA / "sources"


def other_sources(name: str) -> list[str]:
    """The seed files other than `name`: a layout's detector must refuse each of them."""
    return sorted(p.name for p in SOURCES.glob("*.txt") if p.name != name)
