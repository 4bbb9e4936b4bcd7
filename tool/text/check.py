"""The text checks of one report as findings: numbers against the tables, the text's own sums and
shares, and text that is not ready (``ready``). One call, ``text_findings``, used by ``check``."""

from __future__ import annotations

from decimal import Decimal

from ..core.findings import Finding, fmt_number, make
from ..format import Number, Spec
from ..format.interchange import ReportData
from ..format.localrules import NATIONAL, LocalRules
from .claims import Candidate, Claim, Reader
from .ready import ready_findings
from .scan import Para, TextRows, paragraphs
from .statements import fee_claims, percents, text_sums, upheld_claims, zero_claims


def text_findings(data: ReportData, spec: Spec, values: dict[str, Number] | None = None,
                  rows: TextRows | None = None, *, skip: set[str] | frozenset[str] = frozenset(),
                  rules: LocalRules = NATIONAL) -> list[Finding]:
    """Every text finding of a report. ``values``: the recomputed table values; ``skip``: fields that
    could not be read (a claim about them is not judged); ``rules``: local limits and required words."""
    values = values if values is not None else spec.compute({k: v for k, v in data.values.items() if k not in skip})
    paras = paragraphs(data, spec, rows)
    out = read_claims(data, spec, values, paras, skip)
    return out + ready_findings(data, spec, paras, max_chars=rules.max_chars, min_chars=rules.min_chars,
                                require=rules.require)


def all_claims(data: ReportData, spec: Spec, values: dict[str, Number], paras: list[Para]) -> list[Claim]:
    """Every claim of the text, matched or not (``nianbao draft --claims`` and the tests show them)."""
    r = Reader(spec, values, data.year)
    out: list[Claim] = []
    for p in paras:
        out += r.read(p) + zero_claims(r, p) + fee_claims(r, p)
    return out


def read_claims(data: ReportData, spec: Spec, values: dict[str, Number], paras: list[Para],
                skip: set[str] | frozenset[str] = frozenset()) -> list[Finding]:
    r = Reader(spec, values, data.year)
    out: list[Finding] = []
    for p in paras:
        claims = r.read(p)
        out += [_mismatch(spec, c) for c in claims + zero_claims(r, p) + fee_claims(r, p)
                if c.matched is None and c.candidates and not (skip and _uses(spec, c, skip))]
        for pc in percents(r, p, claims):
            out.append(make("TEXT_PERCENT_MISMATCH", **_at(p), quote=pc.quote, actual=pc.actual,
                            expected=pc.expected, base_name=pc.base_name))
        for s in text_sums(r, p):
            out.append(make("TEXT_SUM_MISMATCH", **_at(p), quote=s.quote, actual=s.actual, expected=s.expected,
                            parts_text=" + ".join(fmt_number(x.value) for x in s.parts)))
        for q, topic, bad in upheld_claims(r, p):
            out.append(make("TEXT_UPHELD_MISMATCH", **_at(p), quote=q, topic=topic, actual="均获维持",
                            expected=sum((v for _, v in bad), Decimal(0)),
                            expected_text="、".join(f"{name} {fmt_number(v)} 件" for name, v in bad)))
    return out


def _uses(spec: Spec, c: Claim, skip: set[str] | frozenset[str]) -> bool:
    """Whether a claim's table value rests on a cell that could not be read."""
    return any(leaf in skip for x in c.candidates for k in x.keys for leaf in spec.leaves(k))


def _at(p: Para) -> dict[str, object]:
    key = "info.preface" if p.section == "preface" else f"text.{p.section}"
    return {"sheet": p.sheet, "cell": p.cell, "key": key, "label_path": (p.sheet, p.title), "where": p.where}


def _name(spec: Spec, c: Candidate) -> str:
    sheet = spec.layout.values[c.keys[0]].sheet if c.keys else ""
    return f"{sheet} {c.name}".strip()


def _mismatch(spec: Spec, c: Claim) -> Finding:
    shown = [f"{_name(spec, x)} {fmt_number(v)}{_unit(spec, x, c)}" for x, v in zip(c.candidates, c.expected, strict=True)]
    text = shown[0] + ("" if len(shown) == 1 else "，也不等于" + "、".join(s.split(" ", 1)[-1] for s in shown[1:]))
    first = c.candidates[0]
    related = tuple(f"{spec.layout.values[k].sheet}!{spec.layout.values[k].cell}" for k in first.keys)
    return make("TEXT_NUMBER_MISMATCH", **_at(c.para), quote=c.quote, actual=c.actual, expected=c.expected[0],
                related=related, expected_text=text)


def _unit(spec: Spec, x: Candidate, c: Claim) -> str:
    return c.unit if c.unit in ("万元", "元") else ""
