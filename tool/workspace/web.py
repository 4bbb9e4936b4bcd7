"""What the workspace's pages share: the request's workspace, content negotiation, error answers,
CSRF checks, downloads, token resolution. (``app`` builds the application; the pages import this.)"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import abort, current_app, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from ..read.sniff import MAX_BYTES
from .space import Workspace
from .workers import Workers

UPLOAD_LIMIT = MAX_BYTES + 256 * 1024  # the file (as check allows it) plus the multipart envelope
LIMIT_MB = MAX_BYTES // (1024 * 1024)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
log = logging.getLogger("nianbao.workspace")

MESSAGES = {
    400: "请求无法处理：缺少内容或格式不对。",
    403: "拒绝访问：请从工作台自己的页面操作（页面可能已过期，请刷新后重试）。",
    404: "链接无效或页面不存在。报送链接由办公室发放，请核对链接是否完整；链接已更换的，请向办公室索取新链接。",
    405: "不支持这种请求方式。",
    413: f"文件太大：上传的文件不能超过 {LIMIT_MB} MB。填报表一般只有几十 KB，请删除表中插入的图片或多余内容后另存为 .xlsx 再上传。",
    500: "服务器内部错误，本次操作未完成。请稍后重试；如果一再出现，请把时间告诉办公室（运行日志中有详细记录）。",
}


class Context:
    """What the requests share: the workspace and the reader processes."""

    def __init__(self, ws: Workspace, workers: Workers | None):
        self.ws = ws
        self.workers = workers


def ctx() -> Context:
    return current_app.extensions["nianbao"]


def wants_json() -> bool:
    accept = request.accept_mimetypes
    return accept["application/json"] > accept["text/html"]


def error_response(code: int, message: str | None = None, **extra: Any) -> Any:
    message = message or MESSAGES.get(code, MESSAGES[400])
    if wants_json():
        return jsonify({"error": message, **extra}), code
    return render_template("error.html", code=code, message=message), code


def csrf_ok(scope: str) -> None:
    from . import tokens

    if not tokens.same(request.form.get("csrf", ""), ctx().ws.csrf_token(scope)):
        abort(403)


def download(data: bytes, name: str, mimetype: str) -> Any:
    from io import BytesIO

    from flask import send_file

    return send_file(BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name, max_age=0)


def page(template: str, **kw: Any) -> Any:
    return render_template(template, ws=ctx().ws, **kw)


def resolver(lookup: Callable[[str], Any]) -> Callable[[str | None, dict[str, Any] | None], None]:
    """A url_value_preprocessor that turns the link's token into ``g.who`` or a 404."""
    def pre(endpoint: str | None, values: dict[str, Any] | None) -> None:
        token = (values or {}).pop("token", "")
        found = lookup(token) if token and len(token) < 100 else None
        if not found:
            abort(404)
        g.token = token
        g.who = found
    return pre


def http_error(e: HTTPException) -> Any:
    return error_response(e.code or 500)


def crash(e: Exception) -> Any:
    log.exception("request failed: %s", request.method)
    return error_response(500)
