"""The office's pages (its link ``/o/<token>/``): the dashboard, each unit's history, 退回, 催报,
settings and the 汇总 runs. Every POST carries the page's CSRF token."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, abort, g, jsonify, redirect, request, send_file, url_for

from ..core.errors import UsageError
from ..format import norm
from .chase import letters, notices, return_unit, save_settings
from .gather import run_file, start_run
from .ledger import now, shown_time
from .pages_unit import marked_copy, original_file
from .status import ORDER, api_status, counts, events, history, states
from .web import DOCX, csrf_ok, ctx, download, error_response, page, resolver

office = Blueprint("office", __name__)
office.url_value_preprocessor(resolver(lambda t: ctx().ws.is_office(t)))


@office.url_defaults
def _token(endpoint: str, values: dict[str, Any]) -> None:
    values.setdefault("token", g.token)


def _csrf() -> str:
    return ctx().ws.csrf_token(ctx().ws.meta().get("office_hash", ""))


def _unit(pos: int) -> Any:
    u = next((x for x in ctx().ws.units() if x.pos == pos), None)
    if u is None:
        abort(404)
    return u


@office.get("/")
def dashboard() -> Any:
    ws = ctx().ws
    all_states = states(ws)
    want, q = request.args.get("status", ""), request.args.get("q", "").strip()[:50]
    shown = [s for s in all_states if (not want or s.status == want) and (not q or norm(q) in norm(s.unit.name))]
    return page("office.html", states=shown, total=len(all_states), counts=counts(all_states), order=ORDER,
                want=want, q=q, csrf=_csrf(), settings=ws.settings(), runs=_runs(limit=1))


@office.get("/api/status")
def status_json() -> Any:
    return jsonify(api_status(ctx().ws))


@office.get("/units/<int:pos>")
def unit_page(pos: int, *, status: int = 200, message: str = "") -> Any:
    ws = ctx().ws
    u = _unit(pos)
    state = states(ws, u.seq)[0]
    base = ws.settings()["base_url"]
    link = f"{base}/u/{ws.unit_token(u)}/" if base and ws.key else ""
    return page("office_unit.html", unit=u, state=state, subs=history(ws, u.seq), events=events(ws, u.seq),
                csrf=_csrf(), message=message, link=link), status


@office.post("/units/<int:pos>/return")
def return_(pos: int) -> Any:
    csrf_ok(ctx().ws.meta().get("office_hash", ""))
    u = _unit(pos)
    try:
        return_unit(ctx().ws, u.seq, request.form.get("reason", ""))
    except UsageError as e:
        return unit_page(pos, status=422, message=e.message)
    return redirect(url_for("office.unit_page", pos=pos), code=303)


@office.get("/units/<int:pos>/submissions/<int:sid>/marked")
def marked(pos: int, sid: int) -> Any:
    return marked_copy(sid, _unit(pos))


@office.get("/units/<int:pos>/submissions/<int:sid>/file")
def original(pos: int, sid: int) -> Any:
    return original_file(sid, _unit(pos))


@office.get("/chase")
def chase() -> Any:
    return page("chase.html", notices=notices(ctx().ws), settings=ctx().ws.settings(), csrf=_csrf())


@office.get("/chase/print")
def chase_print() -> Any:
    return page("chase_print.html", notices=notices(ctx().ws), settings=ctx().ws.settings(), now=shown_time(now()))


@office.get("/chase/letters.docx")
def chase_letters() -> Any:
    ws = ctx().ws
    pos = request.args.get("unit", type=int)
    seq = _unit(pos).seq if pos is not None else None
    try:
        data = letters(ws, seq)
    except UsageError as e:
        return error_response(404, e.message)
    who = _unit(pos).name if pos is not None else "各单位"
    return download(data, f"催报通知_{who}.docx", DOCX)


@office.post("/settings")
def settings() -> Any:
    csrf_ok(ctx().ws.meta().get("office_hash", ""))
    try:
        save_settings(ctx().ws, request.form.get("deadline", ""), request.form.get("contact", ""),
                      request.form.get("phone", ""))
    except UsageError as e:
        return error_response(422, e.message)
    return redirect(url_for("office.dashboard"), code=303)


def _runs(limit: int = 20) -> list[dict[str, Any]]:
    rows = ctx().ws.ledger.rows("SELECT * FROM runs ORDER BY id DESC LIMIT ?", limit)
    return [{**dict(r), "files": json.loads(r["files"]), "started": shown_time(r["started_at"]),
             "finished": shown_time(r["finished_at"])} for r in rows]


@office.get("/runs")
def runs() -> Any:
    from ..report.office import has_office

    found = _runs()
    return page("runs.html", runs=found, csrf=_csrf(), office=has_office(),
                running=any(r["state"] == "running" for r in found))


@office.post("/runs")
def run_now() -> Any:
    csrf_ok(ctx().ws.meta().get("office_hash", ""))
    try:
        start_run(ctx().ws, pdf=request.form.get("pdf") == "1")
    except UsageError as e:
        return error_response(409, e.message)
    return redirect(url_for("office.runs"), code=303)


@office.get("/runs/<int:rid>/files/<int:index>")
def run_download(rid: int, index: int) -> Any:
    p = run_file(ctx().ws, rid, index)
    if p is None:
        abort(404)
    return send_file(p, as_attachment=True, download_name=p.name, max_age=0)
