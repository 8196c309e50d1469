"""Text from the YAML is shown as typed and runs nothing.

A copy of the real data gets hostile or Markdown-looking text in a task, a plan title, a
section title, a unit name and a theme name; the built HTML must show each literally and
contain no element, attribute or link that the text tried to inject.
"""
from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator import views, yamlio
from generator.build import build_site
from generator.loader import load_site

ROOT = Path(__file__).resolve().parents[1]

PAYLOADS = (
    '<script>alert("注入1")</script>',
    '<img src=x onerror="alert(2)">',
    "[点我](javascript:alert(3))",
    "{{ 7*7 }} {% raw %}注入{% endraw %}",
    "*强调* **粗体** _斜体_ `代码` | 竖线 | --- 分隔",
    '<a href="https://evil.example/">恶意链接</a>',
    "&amp; &lt;b&gt; 已转义的字符",
    "<!-- 注释 --> <style>body{display:none}</style>",
)
ALL = " ".join(PAYLOADS)
BAD_UNIT = '区<b onmouseover="alert(5)">测试</b>局*星号*'
BAD_THEME = "主题<script>alert(6)</script>`代码`"


def _inject(data: Path) -> dict[str, str]:
    """Put the payloads into the copy of the data; return where they went."""
    plan_file = data / "plans" / "changqing-2022.yaml"
    plan, _ = yamlio.load(plan_file)
    for i, payload in enumerate(PAYLOADS):
        plan["tasks"][i]["text"] += " " + payload
    plan["tasks"][len(PAYLOADS)]["text"] += " " + ALL
    plan["title"] += " " + PAYLOADS[0] + " " + PAYLOADS[4]
    plan["sections"][0]["title"] += " " + PAYLOADS[1] + " " + PAYLOADS[2]
    plan_file.write_text(yamlio.dump(plan), encoding="utf-8")

    units_file = data / "units" / "changqing.yaml"
    units, _ = yamlio.load(units_file)
    units["units"].append({"id": "zhuru-ceshi", "name": BAD_UNIT, "aliases": [PAYLOADS[3]], "kind": "office"})
    units_file.write_text(yamlio.dump(units), encoding="utf-8")

    themes_file = data / "themes.yaml"
    themes, _ = yamlio.load(themes_file)
    themes["themes"][0]["name"] = BAD_THEME
    themes["themes"][0]["description"] += " " + PAYLOADS[5]
    themes_file.write_text(yamlio.dump(themes), encoding="utf-8")
    return {"theme_id": themes["themes"][0]["id"]}


class Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.title = ""
        self.script = ""  # text inside <script> and <style>
        self._in_title = False
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_title = tag == "title"
        self._in_script = tag in ("script", "style")

    def handle_endtag(self, tag):
        self._in_title = self._in_script = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if self._in_script:
            self.script += data
        else:
            self.text.append(data)

    def handle_comment(self, data):
        self.elements.append(("!--", {"text": data}))


def parse(path: Path) -> Collect:
    page = Collect()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    base = tmp_path_factory.mktemp("escaping")
    data = base / "data"
    shutil.copytree(ROOT / "site_data", data)
    where = _inject(data)
    site = load_site(data)  # the injected data are valid data
    out = base / "site"
    build_site(data, out, config_file=ROOT / "mkdocs.yml", search=False)
    return out, site, where


def test_injected_text_shows_literally_on_task_and_plan_pages(hostile):
    out, site, _ = hostile
    plan = next(p for p in site.plans if p.key == "changqing-2022")
    plan_page = parse(out / views.plan_url(plan) / "index.html")
    plan_text = flat("".join(plan_page.text))
    for i, payload in enumerate(PAYLOADS):
        task = plan.tasks[i]
        assert task.text.endswith(payload)
        task_page = parse(out / views.task_url(task) / "index.html")
        assert flat(payload) in flat("".join(task_page.text)), payload
        assert flat(task.text) in plan_text, payload
    assert flat(ALL) in plan_text
    assert flat(plan.title) in plan_text
    assert flat(plan.sections[0].title) in plan_text


def test_injected_unit_and_theme_names_show_literally(hostile):
    out, site, where = hostile
    unit_page = parse(out / "units" / "changqing" / "zhuru-ceshi" / "index.html")
    assert BAD_UNIT in flat("".join(unit_page.text))
    assert BAD_UNIT in unit_page.title
    assert PAYLOADS[3] in flat("".join(unit_page.text))
    theme_page = parse(out / "themes" / where["theme_id"] / "index.html")
    assert BAD_THEME in flat("".join(theme_page.text))
    assert BAD_THEME in theme_page.title
    assert flat(PAYLOADS[5]) in flat("".join(theme_page.text))
    index = parse(out / "units" / "changqing" / "index.html")  # the district's list of units (issue 14)
    assert BAD_UNIT in flat("".join(index.text))


def test_nothing_injected_anywhere(hostile):
    out, _, _ = hostile
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 273
    for path in pages:
        raw = path.read_text(encoding="utf-8")
        page = parse(path)
        for tag, attrs in page.elements:
            assert not any(name.startswith("on") for name in attrs), (path, tag, attrs)
            for name in ("href", "src", "action"):
                value = (attrs.get(name) or "").strip().lower()
                assert not value.startswith("javascript:"), (path, tag, attrs)
                assert "evil.example" not in value, (path, tag, attrs)
            assert tag not in ("img", "style") or "x" != attrs.get("src"), (path, tag, attrs)
            assert tag != "!--" or "注释" not in (attrs.get("text") or ""), path
            if tag == "b":
                raise AssertionError(f"{path}: injected <b>")
        # Markdown did not read the data: no emphasis, code or table made from it.
        for made in ("<em>强调</em>", "<strong>粗体</strong>", "<em>斜体</em>", "<code>代码</code>", "<table"):
            assert made not in raw, (path, made)
        assert "alert" not in page.script and "display:none" not in page.script, path
