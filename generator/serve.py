"""Preview a built site on this computer with Python's own http.server.

Pagefind does not work from file://, so the site has to be served. Types are set
explicitly (the system's mime.types may lack .wasm or know nothing of .pagefind files),
text is declared UTF-8, and nothing is cached, so a rebuilt page shows on the next reload.
"""
from __future__ import annotations

import functools
import http.server
from pathlib import Path

MIME_TYPES = {
    "": "application/octet-stream",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".yaml": "text/plain; charset=utf-8",  # shown in the browser rather than downloaded
    ".yml": "text/plain; charset=utf-8",
    ".md": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".wasm": "application/wasm",
    ".pagefind": "application/octet-stream",  # Pagefind's compressed index chunks
    ".pf_meta": "application/octet-stream",
    ".pf_fragment": "application/octet-stream",
    ".pf_index": "application/octet-stream",
    ".pf_filter": "application/octet-stream",
    ".gz": "application/gzip",
}


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = MIME_TYPES
    quiet = False  # True: no line per request on stderr (tests)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        if not self.quiet:
            super().log_message(format, *args)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer a missing page with the site's own 404 page, as GitHub Pages does."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", MIME_TYPES[".html"])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _QuietHandler(SiteHandler):
    quiet = True


def make_server(site_dir: Path, host: str = "127.0.0.1", port: int = 8000, *,
                quiet: bool = False) -> http.server.ThreadingHTTPServer:
    """A server for `site_dir` (port 0 picks a free port: see `server.server_address`)."""
    handler_class = _QuietHandler if quiet else SiteHandler
    handler = functools.partial(handler_class, directory=str(Path(site_dir).resolve()))
    return http.server.ThreadingHTTPServer((host, port), handler)


def serve(site_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    site_dir = Path(site_dir)
    if not (site_dir / "index.html").is_file():
        raise FileNotFoundError(f"{site_dir} 里没有生成好的网站，请先运行 python -m generator build")
    with make_server(site_dir, host, port) as server:
        shown_host, shown_port = server.server_address[:2]
        print(f"正在预览：http://{shown_host}:{shown_port}/  （按 Ctrl+C 停止）", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
