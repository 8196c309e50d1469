"""MkDocs hooks (mkdocs.yml `hooks:`): generated pages reach MkDocs as finished HTML.

generator.render writes every generated page as one autoescaped HTML block with
`generated: true` in its front matter. Running that HTML back through Python-Markdown
(md_in_html re-parses every tag) cost most of the MkDocs step and changed nothing, so such a
page skips Markdown altogether: its content is a marker while MkDocs lays out the theme
around it, and the body is read back from its file into the marker's place once the page is
laid out (on_post_page). MkDocs reads every page before it lays out the first, so holding
each body in memory until then would hold the whole site: with the marker, memory stays the
size of one page whatever the number of districts. Hand-written pages (content/*.md) have no
such key and are rendered as Markdown as before.

Material's own scripts (assets/javascripts: its bundle, lunr search, workers; 2.3 MB) are
removed from the output: theme/base.html loads none of them, and a site per province would
publish them again and again.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from mkdocs.structure.toc import get_toc

MARKER = "<!--zw-generated-body-->"  # theme/partials/content.html prints it as the page's content
UNUSED_THEME_FILES = ("assets/javascripts",)  # in site_dir; tests/test_build.py checks nothing links there
_FRONT_END = "\n---\n"  # generator/render.py writes "---\n<front matter>---\n\n<body>"
# A theme template's fill for a marker (<!-- name -->) in the body it cannot see yet.
_FILL = re.compile(r'<template data-zw-fill="([a-z-]+)">(.*?)</template>', re.S)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if page.meta.get("generated") is True:
        page.meta["body_later"] = True  # theme/partials/content.html: print the content as it is
        page.render = lambda config, files: _render_marker(page)  # instead of Markdown
        return ""
    return markdown


def _render_marker(page: Any) -> None:
    """What Page.render sets (MkDocs 1.6, pinned), for a page without Markdown: no toc, no
    title from the body, no anchors. A MkDocs that sets more would fail the build tests."""
    page.content = MARKER
    page.toc = get_toc([])
    page._title_from_render = None
    page.present_anchor_ids = set()


def on_post_page(output: str, page: Any, config: Any) -> str:
    if not page.meta.get("body_later"):
        return output
    text = Path(page.file.abs_src_path).read_text(encoding="utf-8")
    body = text.split(_FRONT_END, 1)[1].lstrip("\n")
    before, marker, after = output.partition(MARKER)
    if not marker:
        raise RuntimeError(f"{page.file.src_uri}：页面模板没有放页面内容的位置（{MARKER}）")
    fills: dict[str, str] = {}  # what the theme template made for the body's own markers

    def take(found: re.Match[str]) -> str:
        fills[found.group(1)] = found.group(2)
        return ""

    before = _FILL.sub(take, before)
    for name, html in fills.items():  # theme/print.html: the dates band of a notice-board sheet
        body = body.replace(f"<!-- {name} -->", html)
    return before + body + after


def on_post_build(config: Any) -> None:
    for folder in UNUSED_THEME_FILES:
        shutil.rmtree(Path(config["site_dir"]) / folder, ignore_errors=True)
