"""Statements beyond "word + number": 未发生行政复议 (a zero), 均获维持 (nothing corrected or pending),
未收取任何费用 (a zero fee), 占比 x% beside a count, and the text's own sums (共N…，其中a、b、c).

Each returns ``Claim`` records (percentages and sums their own); the comparison with the tables
is the same as for a number: a claim without a matching candidate is a finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from ..format.textdata import expand
from .claims import MAX_SENTENCE, Candidate, Claim, Reader
from .scan import Number as Num
from .scan import Para, clause_start, quote, sentences

ZERO = Decimal(0)


@dataclass
class Percent:
    """占比 x% written beside a claim: the printed share and what the tables give."""

    para: Para
    quote: str
    actual: Decimal
    expected: Decimal | None  # the share by the first base, rounded as printed (None: it agrees)
    base_name: str


@dataclass
class TextSum:
    """共N…，其中a…、b…: the written total and the sum of its parts."""

    para: Para
    quote: str
    actual: Decimal
    expected: Decimal
    parts: list[Num]


def _clauses(text: str, s0: int, s1: int, seps: str = "，,；;：:") -> list[tuple[int, int]]:
    out, start = [], s0
    for i in range(s0, s1):
        if text[i] in seps:
            out.append((start, i))
            start = i + 1
    out.append((start, s1))
    return out


def zero_claims(r: Reader, para: Para) -> list[Claim]:
    """未发生行政复议、行政诉讼 → each 0; 未收到政府信息公开申请 → 本年新收 0."""
    z = r.v.raw["zero"]
    sc = r.scan(para)
    text, nums, hits = sc.text, sc.nums, sc.hits
    out: list[Claim] = []
    if not any(w in text for w in z["gate"]):
        return out
    for s0, s1 in (s for s in sc.sents if s[1] - s[0] <= MAX_SENTENCE):
        for c0, c1 in _clauses(text, s0, s1):
            if any(c0 <= n.start < c1 for n in nums):
                continue
            clause = text[c0:c1]
            words = [w for w in z["before"] + z["received_before"] if w in clause]
            if not words:
                continue
            at = c0 + min(clause.index(w) + len(w) for w in words)
            for h in (h for h in hits if at <= h.start < c1):
                claim = _zero(r, para, text, h, at, c1, hits, words)
                if claim is not None:
                    out.append(claim)
    return out


def _zero(r: Reader, para: Para, text: str, h, at: int, c1: int, hits, words: list[str]) -> Claim | None:  # type: ignore[no-untyped-def]
    z = r.v.raw["zero"]
    q = para.text[clause_start(text, at):c1].strip().rstrip("。！？!?")
    q = q if len(q) <= 60 else q[:58] + "……"
    t = h.word.topic
    if t is not None and t.id in z["topics"] and t.total:
        if "无" in words and len(words) == 1 and text[at:h.start]:
            return None  # a bare 无 must stand right before the topic (not 无法…)
        outcome = next((x for x in hits if h.end <= x.start < c1 and x.word.term
                        and x.word.term.kind == "case_outcome"), None)
        cands = r._alts(outcome.word.term, t, []) if outcome else [Candidate(expand(r.spec, t.total, t.p) or (), t.name)]
        return _check(r, Claim(para, h.start, h.end, q, ZERO, "件", cands, "zero", t.id))
    term = h.word.term
    if term is not None and term.id == "received" and any(w in z["received_before"] for w in words):
        topic = r.v.topics["applications"]
        if not any(x.word.topic is topic for x in hits if x.start >= at):
            return None
        return _check(r, Claim(para, h.start, h.end, q, ZERO, "件", r._alts(term, topic, []), "zero", topic.id))
    return None


def _check(r: Reader, claim: Claim) -> Claim:
    claim.expected = [r.value(c) for c in claim.candidates]
    claim.matched = next((c for c, v in zip(claim.candidates, claim.expected, strict=True) if v == 0), None)
    return claim


def upheld_claims(r: Reader, para: Para) -> list[tuple[str, str, list[tuple[str, Decimal]]]]:
    """均获维持 where the tables have a corrected, other or pending case: (quote, topic, nonzero parts)."""
    spec_words = r.v.raw["all_upheld"]
    sc = r.scan(para)
    text, hits = sc.text, sc.hits
    out = []
    prev: list = []
    if "维持" not in text:
        return out
    for s0, s1 in (s for s in sc.sents if s[1] - s[0] <= MAX_SENTENCE):
        sent = text[s0:s1]
        word = next((w for w in spec_words["words"] if w in sent), None)
        topics = [h.word.topic for h in hits if s0 <= h.start < s1 and h.word.topic and h.word.topic.total
                  and h.word.topic.id in r.v.raw["zero"]["topics"]]
        if word is not None:
            at = s0 + sent.index(word)
            named = [t for h, t in zip([h for h in hits if s0 <= h.start < s1 and h.word.topic and h.word.topic.total
                                        and h.word.topic.id in r.v.raw["zero"]["topics"]], topics, strict=True)
                     if h.start < at] or prev
            for t in dict.fromkeys(named):
                bad = []
                for expr in spec_words["not_upheld"]:
                    keys = expand(r.spec, expr, t.p)
                    if keys:
                        v = r.value(Candidate(keys, ""))
                        if v:
                            bad.append((r.spec.fields[keys[0]].label_path[-1], v))
                if bad:
                    out.append((para.text[s0:at + len(word)].strip(), t.label or t.name, bad))
        prev = topics or prev
    return out


def fee_claims(r: Reader, para: Para) -> list[Claim]:
    """未收取任何费用 (not about the 信息处理费 of applications) against 表二（八）."""
    nf = r.v.raw["none_fee"]
    keys = expand(r.spec, nf["sum"])
    if not keys:
        return []
    sc = r.scan(para)
    text = sc.text
    out = []
    if "费" not in text:
        return out
    for s0, s1 in sc.sents:
        sent = text[s0:s1]
        word = next((w for w in nf["words"] if w in sent), None)
        if word is None or any(u in sent for u in nf["unless"]):
            continue
        at = s0 + sent.index(word)
        out.append(_check(r, Claim(para, at, at + len(word), quote(para.text, at, at + len(word)), ZERO, "万元",
                                   [Candidate(keys, nf["name"])], "zero", "fees")))
    return out


@cache
def _share(words: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    """占比 / 比例为 / 占办结总数的 … right before the percentage."""
    named = "|".join(re.escape(w) for w in words if w != "占")
    return re.compile(rf"(?:{named})(?:为|是)?\s*$|占[^，,。；;、\d%]{{0,12}}$")


def percents(r: Reader, para: Para, claims: list[Claim]) -> list[Percent]:
    """占比 x% after a claim in the same sentence, against its table value over a base."""
    pc = r.v.raw["percent"]
    sc = r.scan(para)
    text, nums = sc.text, sc.nums
    out = []
    for n in (n for n in nums if n.unit == "%" and not n.approx):
        lead = text[clause_start(text, n.start):n.start]
        if not _share(tuple(pc["words"])).search(lead):
            continue
        before = [c for c in claims if c.end <= n.start and c.para is para]
        if not before:
            continue
        c = before[-1]
        between = [m for m in nums if c.end <= m.start < n.start and m.unit != "%"]
        s0 = max((s for s, _ in sc.sents if s <= n.start), default=0)
        if between or c.start < s0 or c.topic not in pc["bases"]:
            continue
        p = _percent(r, para, text, c, n, pc["bases"][c.topic])
        if p is not None:
            out.append(p)
    return out


def _percent(r: Reader, para: Para, text: str, c: Claim, n: Num, bases: list[dict]) -> Percent | None:  # type: ignore[type-arg]
    topic = r.v.topics[c.topic]
    value = r.value(c.matched or c.candidates[0])
    step = Decimal(1).scaleb(-n.decimals)
    first: tuple[Decimal, str] | None = None
    for b in bases:
        keys = expand(r.spec, b["sum"], topic.p)
        if not keys or set(keys) == set((c.matched or c.candidates[0]).keys):
            continue
        base = r.value(Candidate(keys, ""))
        if not base:
            continue
        exact = value * 100 / base
        if abs(exact - n.value) <= step / 2 + Decimal("1e-9"):
            return None
        if first is None:
            first = (exact.quantize(step, rounding=ROUND_HALF_UP), b["name"])
    if first is None:
        return None
    return Percent(para, quote(para.text, c.start, n.end, 60), n.value, first[0], f"{c.candidates[0].name}÷{first[1]}")


def text_sums(r: Reader, para: Para) -> list[TextSum]:
    """共N…，其中a、b、c whose parts (two or more, the same unit) do not add up to N."""
    cfg = r.v.raw["sums"]
    skip = r.v.skip
    sc = r.scan(para)
    text = sc.text
    out: list[TextSum] = []
    if cfg["parts_word"] not in text:
        return out
    nums = [n for n in sc.nums if n.unit != "%"]
    for s0, s1 in sentences(text.replace("；", "。").replace(";", "。")):
        if s1 - s0 > MAX_SENTENCE:
            continue
        at = text.find(cfg["parts_word"], s0, s1)
        if at < 0:
            continue
        head = [n for n in nums if s0 <= n.start and n.end <= at]
        if not head or at - head[-1].end > 20:
            continue
        total = head[-1]
        after = text[at + len(cfg["parts_word"]):at + len(cfg["parts_word"]) + 4].lstrip("：:，, ")
        if total.approx or any(after.startswith(w) for w in skip["not_exhaustive"]):
            continue
        parts = _parts(sc.hits, text, at, s1, nums, total, cfg)
        if parts is None or len(parts) < 2:
            continue
        got = sum((p.value for p in parts), Decimal(0))
        if got != total.value:
            q = para.text[clause_start(text, total.start, s0):parts[-1].end].strip()
            out.append(TextSum(para, q if len(q) <= 120 else q[:58] + "……" + q[-58:], total.value, got, parts))
    return out


def _parts(hits: list, text: str, at: int, s1: int, nums: list[Num], total: Num, cfg: dict) -> list[Num] | None:  # type: ignore[type-arg]
    """The listed parts after 其中: same unit, same kind of word, up to a new total or 另有…"""
    parts: list[Num] = []
    kind = None
    for n in (n for n in nums if at < n.start < s1):
        c0 = clause_start(text, n.start, at)
        lead = text[c0:n.start]
        if any(w in lead for w in cfg["end_words"] + cfg["total_words"]) or n.unit != total.unit:
            break
        if n.approx or "其中" in text[at + 2:n.start]:
            return None
        gov = [h for h in hits if c0 <= h.start and h.end <= n.start and h.word.term]
        k = gov[-1].word.term.kind if gov else ""  # type: ignore[union-attr]
        if kind is not None and k != kind:
            break
        kind = k
        parts.append(n)
    if parts and text[parts[-1].end:parts[-1].end + 1] == "等":
        return None
    return parts
