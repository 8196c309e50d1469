"""QR codes of page addresses, made at build time as inline SVG (segno), never by an online service.

Used on the notice-board sheets (generator/printsheets.py) and on task pages (the 分享 block).
The SVG carries its own text alternative (role="img" and a Chinese aria-label holding the
address); the templates print the address as text beside or below it as well.

Choices, for a code printed on A4 and pinned to a notice board, then scanned by an old phone:
- error correction M or higher (segno raises it for free when the symbol size allows):
  a code still reads with up to 15 % of it dirty, torn or behind a drawing pin;
- the quiet zone of 4 modules that the standard asks for, drawn in white inside the SVG,
  so that the code also reads on the high-contrast (black) background;
- no fixed size: the viewBox is in modules and the stylesheets size it (print.css: ≥ 30 mm).
"""
from __future__ import annotations

import html
from functools import lru_cache

import segno
from markupsafe import Markup

ERROR_LEVEL = "m"  # the minimum; boost_error may raise it to Q or H at the same symbol size
QUIET_ZONE = 4  # modules of white border on each side (ISO/IEC 18004)
SVG_CLASS = "zw-qr__code"


@lru_cache(maxsize=None)
def qr_svg(url: str, label: str) -> Markup:
    """The QR code of `url` as an inline <svg> element, `label` its accessible name.

    Deterministic (the same address gives the same bytes), so two builds stay identical.
    """
    code = segno.make(url, error=ERROR_LEVEL, micro=False, boost_error=True)
    svg = code.svg_inline(scale=1, border=QUIET_ZONE, dark="#000", light="#fff", omitsize=True,
                          svgclass=SVG_CLASS, lineclass=None)
    # segno writes no role or label: add them to the root element (its first tag).
    name = html.escape(label, quote=True)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{name}" ', 1))


def qr_label(url: str) -> str:
    """The code's accessible name: what it is and the address it opens."""
    return f"二维码：用手机扫描，打开 {url}"
