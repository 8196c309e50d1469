"""MkDocs hooks (mkdocs.yml `hooks:`): generated pages reach MkDocs as finished HTML.

generator.render writes every generated page as one autoescaped HTML block with
`generated: true` in its front matter. Running that HTML back through Python-Markdown
(md_in_html re-parses every tag) cost most of the MkDocs step and changed nothing, so the
body is set aside before Markdown and put back in place of its (empty) output. Hand-written
pages (content/*.md) have no such key and are rendered as Markdown as before.
"""
from __future__ import annotations

from typing import Any

_bodies: dict[str, str] = {}  # source path -> the page's HTML, between the two events


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if page.meta.get("generated") is True:
        _bodies[page.file.src_uri] = markdown
        return ""
    return markdown


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    return _bodies.pop(page.file.src_uri, html)
