"""Screenshots of pages as an older reader sees them on a phone, for a person to review.

    .venv/bin/python scripts/screenshots.py                 # build the real site, then shoot
    .venv/bin/python scripts/screenshots.py --site site     # use an already built site
    .venv/bin/python scripts/screenshots.py --path /help/   # other pages (repeatable)

Serves the site on 127.0.0.1 (a free port), opens each page in the system Chromium at
375 px wide (a common phone) in the default and the large-text (大) display settings, and
saves the first few screens and the whole page as PNGs in screenshots/ (git-ignored).
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import sys
import tempfile
import threading
from pathlib import Path
from typing import Iterator

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from generator.serve import SiteHandler  # noqa: E402  (the site's MIME types)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 375, "height": 740}
SCREENS = 4  # first screens, one after another, at full resolution; plus the whole page
# Display settings as site.js stores them (localStorage "zw-display").
MODES = {
    "default": None,
    "large": '{"size": "large", "contrast": false}',
}


def default_plan_path() -> str:
    """The first plan page of the real data: /<district>/<year>/."""
    from generator.loader import load_site

    plan = load_site(ROOT / "site_data").plans[0]
    return f"/{plan.district.slug}/{plan.year}/"


class QuietHandler(SiteHandler):
    def log_message(self, format: str, *args: object) -> None:  # no request log on stderr
        pass


@contextlib.contextmanager
def serving(site_dir: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(site_dir.resolve()))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)  # port 0: a free port
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        host, port = server.server_address[:2]
        yield f"http://{host}:{port}"
    finally:
        server.shutdown()
        server.server_close()


def slug(path: str) -> str:
    return path.strip("/").replace("/", "-") or "home"


def shoot(base_url: str, paths: list[str], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    saved: list[Path] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for mode, stored in MODES.items():
                context = browser.new_context(viewport=PHONE, device_scale_factor=1, is_mobile=True, has_touch=True)
                if stored:
                    context.add_init_script(f"localStorage.setItem('zw-display', {stored!r});")
                page = context.new_page()
                for path in paths:
                    page.goto(base_url + path, wait_until="load")
                    name = f"{slug(path)}-375-{mode}"
                    for screen in range(SCREENS):
                        page.evaluate("y => window.scrollTo(0, y)", screen * PHONE["height"])
                        target = out_dir / f"{name}-screen{screen + 1}.png"
                        page.screenshot(path=str(target))
                        saved.append(target)
                    card = page.locator(".task-card").first  # where the tasks start
                    if card.count():
                        card.evaluate("el => el.scrollIntoView()")
                        target = out_dir / f"{name}-first-task.png"
                        page.screenshot(path=str(target))
                        saved.append(target)
                    target = out_dir / f"{name}-full.png"
                    page.screenshot(path=str(target), full_page=True)
                    saved.append(target)
                context.close()
        finally:
            browser.close()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, help="an already built site (default: build the real data)")
    parser.add_argument("--path", action="append", help="page path such as /help/ (default: the first plan)")
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    args = parser.parse_args(argv)
    paths = args.path or [default_plan_path()]
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site
        if site is None:
            from generator.build import build_site

            site = Path(tmp) / "site"
            build_site(ROOT / "site_data", site, config_file=ROOT / "mkdocs.yml", search=False)
        with serving(site) as base_url:
            for target in shoot(base_url, paths, args.out):
                print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
