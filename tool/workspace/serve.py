"""``nianbao serve DIR``: the workspace on waitress (a pure-Python, multi-threaded WSGI server that
runs the same on Windows and Linux), with the reader processes beside it.

Binds to loopback unless told otherwise; says the office link; opens it in the browser on a
desktop. Logs go to the workspace's 运行日志.txt (waitress's own English notices stay there).
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import webbrowser
from collections.abc import Callable
from pathlib import Path

from ..core.errors import UsageError
from .app import create_app
from .gather import abandon_stale
from .setup import office_url
from .space import Workspace, names
from .status import states
from .web import UPLOAD_LIMIT
from .workers import Workers

THREADS = 8
# waitress reads a whole request before the application sees it; up to here the application answers
# a too-large upload itself (413, in Chinese), beyond it waitress refuses and closes the connection.
BODY_LIMIT = 3 * UPLOAD_LIMIT
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def desktop() -> bool:
    """Whether a browser can be opened here (not a server without a screen)."""
    if sys.platform in ("win32", "darwin"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _log_to(ws: Workspace) -> None:
    handler = logging.FileHandler(ws.root / names()["log"], encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    for name in ("nianbao", "waitress"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.propagate = False
        logger.setLevel(logging.INFO)


def _shown_host(host: str) -> str:
    if host in ("0.0.0.0", "::", ""):
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
                return s.getsockname()[0]
        except OSError:
            return socket.gethostname()
    return f"[{host}]" if ":" in host else host


def serve(root: str | Path, *, host: str = "127.0.0.1", port: int = 8000, say: Callable[[str], None],
          open_browser: bool = True, readers: int | None = None) -> None:
    """Serve until interrupted (Ctrl+C)."""
    from waitress import create_server

    ws = Workspace.open(root)
    _log_to(ws)
    abandon_stale(ws)
    workers = Workers(readers or min(2, os.cpu_count() or 1))
    try:
        app = create_app(ws.root, workers=workers)
        try:
            server = create_server(app, host=host, port=port, threads=THREADS, ident="nianbao",
                                   max_request_body_size=BODY_LIMIT, channel_timeout=120,
                                   expose_tracebacks=False, clear_untrusted_proxy_headers=True)
        except OSError:
            raise UsageError(f"无法在 {host}:{port} 上启动：端口已被占用或地址不可用。"
                             "请用 --port 换一个端口（如 --port 8080），或先关闭占用该端口的程序") from None
        base = f"http://{_shown_host(host)}:{server.effective_port}"  # type: ignore[union-attr]
        office = office_url(ws, base)
        n = len(states(ws))
        say(f"工作台：{ws.root}（{ws.org} {ws.year}年度，{n} 个单位）")
        say(f"办公室链接（相当于密码，请勿外传）：{office}")
        if host in LOOPBACK:
            say("只有本机可以访问。要让各单位在局域网内访问，请加 --host 0.0.0.0，并用 "
                f"nianbao workspace links {ws.root} --base-url http://本机地址:{server.effective_port} 生成各单位的链接")
        else:
            say(f"局域网内可以访问；各单位的链接：nianbao workspace links {ws.root} --base-url {base}")
        say("按 Ctrl+C 停止。")
        if open_browser and desktop():
            webbrowser.open(office)
        try:
            server.run()
        except KeyboardInterrupt:
            say("已停止。")
        finally:
            server.close()
    finally:
        workers.close()
