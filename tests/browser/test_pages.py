"""Every page type, at phone and desktop widths, in each display mode: axe-core finds no
serious or critical problem, and the floors of docs/elderly-and-accessibility.md hold
(text size and line height, line length, target size, no sideways scrolling, no request
to another host, no failed request, no script error)."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe

from .conftest import MODES, PAGE_TYPE_NAMES, WIDTHS

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# "Large text" for axe is the largest step: it is where layouts break.
AXE_MODES = ("default", "xlarge", "contrast")
# Task cards all come from one template; past this many, axe checks a sample (except in
# one full run per page type), or the 273-card deadlines page takes minutes.
AXE_SAMPLE_CARDS = 12
FULL_AXE_RUN = (375, "default")

axe = Axe()


def axe_problems(page, tags: list[str], sample: bool) -> list[str]:
    context = None
    if sample:
        skipped = page.evaluate(
            """n => { const cards = [...document.querySelectorAll('.task-card')].slice(n);
                      cards.forEach(c => c.setAttribute('data-axe-sample-skip', ''));
                      return cards.length; }""",
            AXE_SAMPLE_CARDS,
        )
        if skipped:
            context = {"exclude": [["[data-axe-sample-skip]"]]}
    options = {"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]}
    results = axe.run(page, context=context, options=options)
    problems = []
    for violation in results.response["violations"]:
        if violation["impact"] in ("serious", "critical"):
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:5]]
            problems.append(f"{violation['id']} ({violation['impact']}): {violation['help']} -> {targets}")
    return problems


@pytest.mark.parametrize("mode", AXE_MODES)
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_type", PAGE_TYPE_NAMES)
def test_axe_finds_no_serious_problem(visit, path_of, page_type: str, width: int, mode: str) -> None:
    opened = visit(path_of(page_type), width, mode)
    tags = AXE_TAGS + (["wcag2aaa"] if MODES[mode].contrast else [])  # AAA contrast (7:1)
    problems = axe_problems(opened.page, tags, sample=(width, mode) != FULL_AXE_RUN)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_type", PAGE_TYPE_NAMES)
def test_page_meets_the_floors(visit, path_of, base_url: str, page_type: str, width: int, mode: str) -> None:
    opened = visit(path_of(page_type), width, mode)
    page = opened.page
    problems: list[str] = []

    assert page.evaluate("document.documentElement.lang") == "zh-Hans"
    expected_size = {"large": "large", "xlarge": "xlarge"}.get(mode)
    assert page.evaluate("document.documentElement.getAttribute('data-zw-size')") == expected_size
    assert page.evaluate("document.documentElement.classList.contains('zw-contrast')") == MODES[mode].contrast

    problems += ["text: " + p for p in page.evaluate("px => zwChecks.textProblems(px)", MODES[mode].min_text_px)]
    problems += ["target: " + p for p in page.evaluate("zwChecks.targetProblems()")]
    problems += ["reflow: " + p for p in page.evaluate("zwChecks.overflowProblems()")]
    if width >= 1280:
        problems += ["line length: " + p for p in page.evaluate("zwChecks.lineLengthProblems()")]

    local = urlsplit(base_url).netloc
    problems += [f"request to another host: {url}" for url in opened.requests if urlsplit(url).netloc != local]
    problems += [f"request failed: {failure}" for failure in opened.failures]
    problems += [f"console error: {error}" for error in opened.errors]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems[:40])
