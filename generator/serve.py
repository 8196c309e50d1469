"""Preview a built site on this computer with Python's own http.server.

Pagefind does not work from file://, so the site has to be served. Types are set
explicitly (the system's mime.types may lack .wasm or know nothing of .pagefind files),
text is declared UTF-8, and nothing is cached, so a rebuilt page shows on the next reload.

Only the site's own pages are served: no folder listings (a folder without index.html is a
404, with the site's 404 page, as on GitHub Pages), and nothing whose real path, symlinks
followed, lies outside the served folder. The folder is looked up by name on every request,
so after a rebuild (which swaps the folder, see generator/build.py), even one made by another
process while this server runs, the next request shows the new site.
"""
from __future__ import annotations

import errno
import functools
import http.server
import os
import sys
from pathlib import Path
from typing import BinaryIO

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


class ServeError(Exception):
    """The preview cannot start; the message says why and what to do, in Chinese."""


def _inside(root: str, path: str) -> bool:
    """Whether `path`, symlinks followed, is `root` or below it (`root` is a real path)."""
    real = os.path.realpath(path)
    return real == root or real.startswith(root.rstrip(os.sep) + os.sep)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = MIME_TYPES
    quiet = False  # True: no line per request on stderr (tests)

    def _root(self) -> str:
        # Resolved per request: if the served path is a symlink, a rebuild may point it elsewhere.
        return os.path.realpath(self.directory)

    def send_head(self) -> BinaryIO | None:
        """The base class's, once the request is known to name a page of the site: a file, or
        a folder with an index.html, whose real path is inside the served folder."""
        path = self.translate_path(self.path)  # already drops "..", "." and drive names
        page = os.path.join(path, "index.html") if os.path.isdir(path) else path
        if not (_inside(self._root(), page) and os.path.isfile(page)):
            self.send_error(404)
            return None
        return super().send_head()

    def list_directory(self, path: str) -> None:
        """Never list a folder (send_head does not get here; this guards any other way in)."""
        self.send_error(404)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (the base class's name)
        if not self.quiet:
            super().log_message(format, *args)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Answer a missing page with the site's own 404 page, as GitHub Pages does."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not (_inside(self._root(), str(page)) and page.is_file()):
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


class SiteServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: tuple) -> None:
        """A browser that drops a connection (a cancelled fetch, a closed tab) is not an error
        worth a traceback on the console; anything else still is."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def make_server(site_dir: Path, host: str = "127.0.0.1", port: int = 8000, *,
                quiet: bool = False) -> http.server.ThreadingHTTPServer:
    """A server for `site_dir` (port 0 picks a free port: see `server.server_address`)."""
    handler_class = _QuietHandler if quiet else SiteHandler
    # Not resolved here: a symlinked output is followed afresh on every request.
    handler = functools.partial(handler_class, directory=os.path.abspath(site_dir))
    return SiteServer((host, port), handler)


_BIND_ERRORS = {
    errno.EADDRINUSE: "这个端口已被别的程序占用",
    errno.EACCES: "没有权限使用这个端口（1024 以下的端口需要管理员权限）",
    errno.EADDRNOTAVAIL: "本机没有这个地址",
}


def serve(site_dir: Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve `site_dir` until Ctrl+C. ServeError when there is no site or the port is taken."""
    site_dir = Path(site_dir)
    index = site_dir / "index.html"
    if not index.is_file():
        raise ServeError(f"{site_dir} 里没有生成好的网站（找不到 {index}）。"
                         f"请先运行 python -m generator build --out {site_dir}，或去掉 --no-build 让 serve 先生成。")
    try:
        server = make_server(site_dir, host, port)
    except OSError as exc:
        reason = _BIND_ERRORS.get(exc.errno, exc.strerror or str(exc))
        raise ServeError(f"无法在 {host}:{port} 上启动预览：{reason}。"
                         f"请用 --port 换一个端口（如 --port {port + 1}），或用 --host 换一个地址。") from exc
    with server:
        shown_host, shown_port = server.server_address[:2]
        print(f"正在预览：http://{shown_host}:{shown_port}/  （按 Ctrl+C 停止）", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
