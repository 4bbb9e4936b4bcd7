"""A unit's pages (its own link ``/u/<token>/``): upload → verdict, its history, the marked-up copy,
the 退回 reason, the publication URL. A unit reaches its own uploads only."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, jsonify, redirect, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from ..check.annotate import return_name
from ..core.files import safe_name
from ..core.findings import failed
from ..core.isolate import Failed
from . import store
from .examine import Examined, examine
from .examine import marked as mark_up
from .intake import WrongUnit, extra_findings, receive
from .publish import record_publication
from .status import history, submission, unit_state
from .web import MESSAGES, XLSX, csrf_ok, ctx, download, error_response, log, page, resolver, wants_json

unit = Blueprint("unit", __name__)
unit.url_value_preprocessor(resolver(lambda t: ctx().ws.unit_by_token(t)))


@unit.url_defaults
def _token(endpoint: str, values: dict[str, Any]) -> None:
    values.setdefault("token", g.token)


def _examine(blob: bytes, name: str, prev: str | None) -> Examined:
    workers, rules = ctx().workers, ctx().ws.rules_text
    if workers is None:  # in-process (tests of the library; never the server)
        return examine(blob, name, prev, rules)
    got = workers.call("examine", blob, name, prev, rules)
    if isinstance(got, Failed):
        log.error("reading an upload of %d bytes failed in its worker: %s %s", len(blob), got.why, got.detail)
        return Examined(failed(name, got))
    return got


def _page(shown_id: int | None = None, *, status: int = 200, refusal: str = "", published: list[Any] | None = None,
          publish_form: dict[str, str] | None = None) -> Any:
    ws, u = ctx().ws, g.who
    state = unit_state(ws, u.seq)
    subs = history(ws, u.seq)
    shown = next((s for s in subs if s.id == shown_id), None) if shown_id else (subs[0] if subs else None)
    return page("unit.html", unit=u, state=state, subs=subs, shown=shown, refusal=refusal,
                published_notes=published or [], publish_form=publish_form or {},
                csrf=ws.csrf_token(u.token_hash), deadline=ws.deadline()), status


@unit.get("/")
def home() -> Any:
    return _page()


@unit.post("/upload")
def upload() -> Any:
    try:
        f = request.files.get("file")
    except RequestEntityTooLarge:
        if wants_json():
            return error_response(413)
        return _page(status=413, refusal=MESSAGES[413])
    if f is None:
        return error_response(400, "请选择要上传的填报表（表单字段 file）")
    blob = f.read()
    try:
        receipt = receive(ctx().ws, g.who, blob, f.filename, _examine)
    except WrongUnit as e:
        if wants_json():
            return jsonify({"error": e.message, "unit": g.who.name, "file_unit": e.other}), 422
        return _page(status=422, refusal=e.message)
    if wants_json():
        return jsonify(receipt.to_json())
    return redirect(url_for("unit.shown", sid=receipt.id), code=303)


@unit.get("/submissions/<int:sid>")
def shown(sid: int) -> Any:
    if submission(ctx().ws, sid, g.who.seq) is None:
        abort(404)
    return _page(sid)


@unit.get("/submissions/<int:sid>/marked")
def marked_download(sid: int) -> Any:
    return marked_copy(sid, g.who)


@unit.get("/submissions/<int:sid>/file")
def original(sid: int) -> Any:
    return original_file(sid, g.who)


def marked_copy(sid: int, u: Any) -> Any:
    """The marked-up copy of a unit's upload (as check --annotate makes it), built on demand."""
    ws = ctx().ws
    s = submission(ws, sid, u.seq)
    if s is None:
        abort(404)
    row = ws.ledger.row("SELECT file_name, result FROM submissions WHERE id = ?", sid)
    blob = store.get(ws.files, s.sha256)
    extra = extra_findings(ws, u, row)
    workers = ctx().workers
    args = (blob, s.file, u.last_year, extra, ws.rules_text)
    data = workers.call("marked", *args) if workers else mark_up(*args)
    if data is None or isinstance(data, Failed):
        return error_response(404, "这份文件没有可以标注的问题，或文件无法读取，没有标注副本")
    return download(data, return_name(f"{u.seq}_{u.name}"), XLSX)


def original_file(sid: int, u: Any) -> Any:
    ws = ctx().ws
    s = submission(ws, sid, u.seq)
    if s is None:
        abort(404)
    suffix = s.file.rsplit(".", 1)[-1].lower() if "." in s.file else "xlsx"
    suffix = suffix if suffix in ("xlsx", "xlsm", "xls", "ods", "et") else "bin"
    return download(store.get(ws.files, s.sha256), f"{safe_name(u.seq)}_{safe_name(u.name)}_第{sid}号提交.{suffix}",
                    "application/octet-stream")


@unit.post("/publish")
def publish() -> Any:
    ws, u = ctx().ws, g.who
    csrf_ok(u.token_hash)
    state = unit_state(ws, u.seq)
    form = {"url": request.form.get("url", "")[:600], "date": request.form.get("date", "")[:40]}
    if state.last is None or state.status not in ("passed", "warned", "published"):
        return error_response(409, "填报表通过校验（且未被退回）后才能填写发布网址")
    ok, found = record_publication(ws, u.seq, state.last.id, form["url"], form["date"])
    if ok and not found:
        return redirect(url_for("unit.home"), code=303)
    return _page(status=200 if ok else 422, published=found, publish_form={} if ok else form)
