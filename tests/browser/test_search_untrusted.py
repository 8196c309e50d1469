"""The search page with hostile data (issue 9's rule, in the browser): every free-text field of
the data carries a payload that would redirect the page, load a script and break out of an
attribute (tests/test_untrusted_fields.py injects it). search.js builds the result cards and
the filters, the 地区 options under a heading for each province and city, from the index
and the keys file: whatever the data hold must show as typed and never become markup.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterator
from urllib.parse import quote

import pytest

from generator.build import build_site
from generator.loader import load_site
from generator.model import Site

from tests.helpers import ROOT
from tests.test_untrusted_fields import CORE, copy_data, inject_everything
from .conftest import SEARCH_SETTLED, new_context, served

# Elements and attributes the payload would make if it were ever parsed as markup.
INJECTED = "() => document.querySelectorAll('[data-zr], script[src*=\"x.js\"], meta[http-equiv=refresh i]').length"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Site]]:
    data, progress, progress_dir = copy_data(tmp_path_factory.mktemp("untrusted-search"))
    inject_everything(data, progress)
    out: Path = data.parent / "site"
    build_site(data, out, config_file=ROOT / "mkdocs.yml", progress_dir=progress_dir)
    with served(out) as url:
        yield url, load_site(data, progress_dir)


def test_cards_and_filters_show_hostile_data_as_typed(browser, hostile) -> None:
    url, site = hostile
    context = new_context(browser, 1280)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        page.goto(url + "/search/?q=" + quote("公开"))
        page.wait_for_function(SEARCH_SETTLED)
        assert page.evaluate("document.getElementById('zw-search').dataset.state") == "done"
        cards = page.locator(".zw-result").all_inner_texts()
        assert cards and all(CORE in card for card in cards[:3]), cards[:1]  # task text, units … as typed

        groups = page.eval_on_selector_all("#zw-filter-district optgroup", "gs => gs.map((g) => g.label)")
        districts = {d.slug: d for d in site.districts}
        assert sorted(groups) == sorted({d.province + (d.city if d.city != d.province else "")
                                         for d in districts.values()})
        assert all(CORE in label for label in groups)
        options = page.eval_on_selector_all("#zw-filter-district optgroup option",
                                            "os => os.map((o) => [o.value, o.textContent])")
        assert {value for value, _ in options} == set(districts)
        for value, text in options:
            assert text.startswith(districts[value].name + "（"), text  # the name as typed, then the count

        page.select_option("#zw-filter-district", options[0][0])
        page.wait_for_function(SEARCH_SETTLED)
        status = page.text_content("#zw-search-status")
        assert f"地区：{districts[options[0][0]].name}" in status
        assert page.evaluate(INJECTED) == 0
        assert page.url.startswith(url)  # no redirect
        assert not errors, errors
    finally:
        context.close()
