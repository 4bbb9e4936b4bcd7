"""The workspace's web application (Flask): the pages of the units and of the office.

Safe by default: every page and action sits under a secret link (``/u/<token>/`` for a unit,
``/o/<token>/`` for the office); a wrong or missing token is a 404 with no data. Uploads are
limited (20 MB: 413) and read by worker processes; a file's name as sent is never a path. Every
POST from another site is refused (Origin / Sec-Fetch-Site), the office's forms and the unit's
publication form carry a CSRF token. Responses forbid framing, sniffing, referrers (the links
are secrets) and caching; no response carries a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, abort, request
from werkzeug.exceptions import HTTPException

from ..core.findings import LEVEL_ZH
from ..format import common
from .ledger import shown_time
from .pages_office import office
from .pages_unit import unit
from .space import Workspace
from .web import LIMIT_MB, UPLOAD_LIMIT, Context, crash, http_error
from .workers import Workers

PACKAGE = Path(__file__).resolve().parent
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


def create_app(root: str | Path, *, workers: Workers | None = None) -> Flask:
    """The application over the workspace at ``root``; ``workers`` read uploads (None: in-process)."""
    ws = Workspace.open(root)
    app = Flask(__name__, template_folder=str(PACKAGE / "templates"), static_folder=str(PACKAGE / "static"))
    app.config.update(MAX_CONTENT_LENGTH=UPLOAD_LIMIT, MAX_FORM_MEMORY_SIZE=64 * 1024, MAX_FORM_PARTS=50,
                      TEMPLATES_AUTO_RELOAD=False, SEND_FILE_MAX_AGE_DEFAULT=3600)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.extensions["nianbao"] = Context(ws, workers)
    app.jinja_env.filters["when"] = shown_time
    app.jinja_env.globals.update(limit_mb=LIMIT_MB, statuses=common().statuses, level_zh=LEVEL_ZH)
    app.register_blueprint(unit, url_prefix="/u/<token>")
    app.register_blueprint(office, url_prefix="/o/<token>")
    app.before_request(_same_site_posts)
    app.after_request(_headers)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(Exception, crash)

    @app.get("/")
    def root_page() -> Any:
        abort(404)

    return app


def _same_site_posts() -> None:
    """A POST must come from our own pages (or from a script, which sends no Origin)."""
    if request.method not in ("POST", "PUT", "DELETE", "PATCH"):
        return
    if request.headers.get("Sec-Fetch-Site", "") == "cross-site":
        abort(403)
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        abort(403)


def _headers(resp: Any) -> Any:
    resp.headers.setdefault("Content-Security-Policy", CSP)
    resp.headers["Referrer-Policy"] = "no-referrer"  # the links are secrets: never sent elsewhere
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["X-Frame-Options"] = "DENY"
    if not request.path.startswith("/static/"):
        resp.headers["Cache-Control"] = "no-store"
    return resp
