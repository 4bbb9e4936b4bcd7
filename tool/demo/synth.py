"""Synthetic but realistic report data that satisfies every relation of a format.

Used by ``nianbao demo`` (a small multi-department run), the tests and the benchmark. The
balancing is driven by the relation data: for each equality, the blamed input is solved for,
so a new relation in the format data is honoured without code here knowing its id.
"""

from __future__ import annotations

import random
from decimal import Decimal

from ..format import Instance, Number, Spec
from ..format.interchange import ReportData

_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"

_ART50 = "全年组织开展政府信息公开工作考核、社会评议，考核结果纳入绩效考评，未发生需要责任追究的情形。"


def person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.randint(1, 2)))


def _value(spec: Spec, key: str, rng: random.Random, scale: int) -> Number:
    f = spec.fields[key]
    if f.type == "decimal":
        return Decimal(rng.randint(0, 500 * scale)) / 100
    if f.signed:
        return rng.randint(-3, 5)
    # most cells of tables 三 and 四 are 0 in real reports; keep them sparse
    return rng.randint(1, 4 * scale) if rng.random() < 0.35 else 0


def _sum(values: dict[str, Number], spec: Spec, terms) -> Number:  # type: ignore[no-untyped-def]
    full = spec.compute(values)
    return sum((t.sign * full[t.key] for t in terms), 0)


def _balance(spec: Spec, values: dict[str, Number], inst: Instance) -> None:
    """Make one relation hold by solving for its blamed input."""
    blame = inst.blame
    if blame not in values:
        return
    lhs_has = any(t.key == blame for t in inst.lhs)
    side, other = (inst.lhs, inst.rhs) if lhs_has else (inst.rhs, inst.lhs)
    rest = [t for t in side if t.key != blame]
    sign = next(t.sign for t in side if t.key == blame)
    need = (_sum(values, spec, other) - _sum(values, spec, rest)) * sign
    if inst.kind == "le" and lhs_has:
        values[blame] = min(values[blame], need) if need >= 0 else 0
        return
    if need < 0:  # raise an input on the other side instead of writing a negative count
        lift = next((t for t in other if t.key in values and t.sign > 0), None)
        if lift is None:
            return
        values[lift.key] += -need
        need = 0
    values[blame] = need


def synthetic(spec: Spec, org: str, year: int, rng: random.Random, *, scale: int = 3,
              kind: str = "department") -> ReportData:
    values: dict[str, Number] = {k: _value(spec, k, rng, scale) for k in spec.inputs}
    for _ in range(2):  # a second pass settles relations that share terms
        for inst in spec.instances:
            if inst.kind != "total" and not inst.cross_year:
                _balance(spec, values, inst)
    info = {"kind": kind, "contact": person(rng), "phone": f"0{rng.randint(100, 999)}-{rng.randint(1000000, 9999999)}",
            "sign_date": f"{year + 1}-01-{rng.randint(10, 28):02d}", "url": "https://www.example.gov.cn/zwgk/"}
    data = ReportData(spec.id, year, org, info, values, {})
    data.text = narrative(spec, data, rng=rng)
    return data


def narrative(spec: Spec, data: ReportData, rng: random.Random | None = None) -> dict[str, str]:
    """Sample text that agrees with the tables: the 参考表述 drafted from ``data``'s values, around prose
    of the unit's own (``demo.prose``; without ``rng`` chosen by the unit's name, so every unit differs)."""
    from ..format.textdata import drafts
    from .prose import prose

    values = spec.compute(data.values)
    said = {d.key: d.lead + d.text(values) for d in drafts(spec)}
    rng = rng or random.Random(f"{data.org}{data.year}")
    text = prose(data.org, data.year or "", rng, applications=said.get("applications", ""),
                 review=said.get("review_litigation", ""), art50=_ART50 if data.kind == "government" else "")
    return {"preface": spec.common.preface(data.org, data.year or "", data.info.get("url", "")), **text}


def _balances(spec: Spec) -> list[Instance]:
    """The instances of the first in-year equality (表三's 第一项 + 第二项 = 第三项 + 第四项)."""
    eq = [i for i in spec.instances if i.kind == "equal" and not i.cross_year]
    return [i for i in eq if i.rule == eq[0].rule] if eq else []


def unbalance(spec: Spec, data: ReportData, by: int = 1) -> str:
    """Break the first in-year equality of ``data`` by ``by`` at its blamed input; returns that key."""
    key = _balances(spec)[0].blame
    data.values[key] = data.values.get(key, 0) + by
    return key
