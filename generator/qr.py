"""QR codes of page addresses, made at build time as inline SVG, never by an online service.

Used on the notice-board sheets (generator/printsheets.py) and on task pages (the 分享 block).
The SVG carries its own text alternative (role="img" and a Chinese aria-label holding the
address); the templates print the address as text beside or below it as well.

The symbol comes from zxing-cpp's encoder (libzint, in C: about 0.4 ms a code, where segno,
in Python, took 3 ms, most of a build's time on task pages at a hundred districts); the SVG
is drawn here from its modules.

Choices, for a code printed on A4 and pinned to a notice board, then scanned by an old phone:
- error correction M or higher (raised to Q or H for free when the symbol stays the same
  size): a code still reads with up to 15 % of it dirty, torn or behind a drawing pin;
- the quiet zone of 4 modules that the standard asks for, drawn in white inside the SVG,
  so that the code also reads on the high-contrast (black) background;
- no fixed size: the viewBox is in modules and the stylesheets size it (print.css: ≥ 30 mm).
"""
from __future__ import annotations

import html
import re
from functools import lru_cache

import zxingcpp
from markupsafe import Markup

# Bytes a symbol holds in byte mode, by version (1-10) and error level (ISO/IEC 18004, table 7):
# the level is the highest whose symbol is no larger than error level M's.
BYTE_CAPACITY = {"M": (14, 26, 42, 62, 84, 106, 122, 152, 180, 213),
                 "Q": (11, 20, 32, 46, 60, 74, 86, 108, 130, 151),
                 "H": (7, 14, 24, 34, 44, 58, 64, 84, 98, 119)}
QUIET_ZONE = 4  # modules of white border on each side (ISO/IEC 18004)
SVG_CLASS = "zw-qr__code"
_DARK_RUN = re.compile(b"\x00+")  # zxing-cpp's image: one byte a module, 0 dark, 255 light


@lru_cache(maxsize=None)
def qr_svg(url: str, label: str) -> Markup:
    """The QR code of `url` as an inline <svg> element, `label` its accessible name.

    Deterministic (the same address gives the same bytes), so two builds stay identical.
    """
    modules = _modules(url)
    size = len(modules) + 2 * QUIET_ZONE
    name = html.escape(label, quote=True)
    return Markup(f'<svg role="img" aria-label="{name}" viewBox="0 0 {size} {size}" class="{SVG_CLASS}">'
                  f'<path fill="#fff" d="M0 0h{size}v{size}h-{size}z"/>'
                  f'<path stroke="#000" d="{_path(modules)}"/></svg>')


def error_level(url: str) -> str:
    """M, or Q or H when the symbol stays the size it has at M (as segno's boost_error)."""
    length = len(url.encode("utf-8"))
    version = next((v for v, cap in enumerate(BYTE_CAPACITY["M"]) if length <= cap), None)
    if version is None:  # beyond version 10: an address that long is not ours; M
        return "M"
    return next(level for level in ("H", "Q", "M") if length <= BYTE_CAPACITY[level][version])


def _modules(url: str) -> list[bytes]:
    """The symbol's rows, one byte a module."""
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level=error_level(url))
    image = memoryview(code.to_image(scale=1, add_quiet_zones=False))
    raw, width = image.tobytes(), image.shape[1]
    return [raw[row:row + width] for row in range(0, len(raw), width)]


def _path(modules: list[bytes]) -> str:
    """Each row's runs of dark modules as 1-unit strokes, each move relative to the last."""
    parts: list[str] = []
    pen_x, pen_y = 0, None
    for y, row in enumerate(modules):
        for run in _DARK_RUN.finditer(row):
            x, length = run.start(), run.end() - run.start()
            if pen_y is None:
                parts.append(f"M{x + QUIET_ZONE} {y + QUIET_ZONE}.5h{length}")
            else:
                parts.append(f"m{x + QUIET_ZONE - pen_x} {y - pen_y}h{length}")
            pen_x, pen_y = run.end() + QUIET_ZONE, y
    return "".join(parts)


def qr_label(url: str) -> str:
    """The code's accessible name: what it is and the address it opens."""
    return f"二维码：用手机扫描，打开 {url}"
