"""Numbers in the text that name a table quantity, compared with the tables.

A number with its unit (``numbers``) is a claim when the word that governs it, the nearest
vocabulary word before it in the same clause with no other number between, names a quantity:
a term (予以公开, 办结, 维持 …) or a topic with a total (行政复议 12件). A term that needs its topic
(维持 of 行政复议 or of 行政诉讼) takes the topic named in the sentence, or in the sentence before
when this one starts with 其中. Anything unclear is not a claim: a change (较上年增加), a past or
cumulative figure (累计, 去年), an approximation (100余件), another year, a link broken by a noun
(解读, 事项), a unit the quantity is not counted in. Words joined by 和/及/、 name a sum
(予以公开和部分公开 25件), or each one the number with 各.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from ..format import Number, Spec
from ..format.textdata import expand, total
from .scan import CLAUSE_SEPS, Para, clause_start, masked, normalise, numbers, quote, sentences
from .scan import Number as Num
from .vocab import Alt, Term, Topic, Vocab, Word, vocab

FILLER_MAX = 16
MAX_SENTENCE = 1000  # a longer "sentence" is not prose (a pasted table, a hostile cell): nothing is read in it
APPROX_BEFORE = ("约", "近", "超过", "逾", "不足", "至少")
_YEAR = re.compile(r"(\d{4})\s*年")
JOINERS = ("和", "及", "与", "、", "以及", "或")


@dataclass(frozen=True)
class Candidate:
    keys: tuple[str, ...]
    name: str
    p: tuple[str, ...] | None = None


@dataclass
class Claim:
    """A number in the text read as a table quantity."""

    para: Para
    start: int
    end: int
    quote: str
    actual: Decimal
    unit: str
    candidates: list[Candidate]
    kind: str  # the term's kind, or "total" for a topic's own total, "zero" for 未发生…
    topic: str = ""
    decimals: int = 0
    matched: Candidate | None = None  # which candidate the text agrees with (None: a mismatch)
    expected: list[Decimal] = field(default_factory=list)


@dataclass(eq=False, slots=True)  # identity: hits.index(h) needs no field-by-field comparison
class _Hit:
    start: int
    end: int
    word: Word


def _hits(v: Vocab, text: str) -> list[_Hit]:
    return [_Hit(m.start(), m.end(), v.words[m.group(0)]) for m in v.regex.finditer(text)]


@dataclass
class Scan:
    """One paragraph read once: normalised, masked, its numbers, vocabulary words and sentences."""

    para: Para
    text: str
    mask: str
    nums: list[Num]
    hits: list[_Hit]
    sents: list[tuple[int, int]]


class Reader:
    """Reads the claims of one report's paragraphs (context flows within a paragraph)."""

    def __init__(self, spec: Spec, values: dict[str, Number], year: int | None):
        self.spec, self.values, self.year = spec, values, year
        self.v = vocab(spec)
        self.default_rows = self.v.default_rows
        self._scans: dict[int, Scan] = {}

    def scan(self, para: Para) -> Scan:
        s = self._scans.get(id(para))
        if s is None or s.para is not para:
            text = normalise(para.text)
            mask = masked(text)
            hits = _hits(self.v, text)
            inside = {i for h in hits for i in range(h.start, h.end)}
            nums = [n for n in numbers(text, mask) if n.start not in inside]
            s = self._scans[id(para)] = Scan(para, text, mask, nums, hits, list(sentences(text)))
        return s

    def value(self, c: Candidate) -> Decimal:
        return Decimal(str(total(self.values, c.keys)))

    # -- one paragraph ------------------------------------------------------------------------
    def read(self, para: Para) -> list[Claim]:
        sc = self.scan(para)
        text, mask, hits, nums = sc.text, sc.mask, sc.hits, sc.nums
        out: list[Claim] = []
        if not nums:
            return out
        prev_topics: list[Topic] = []
        rows: list[tuple[str, ...]] = list(self.default_rows)
        for s0, s1 in sc.sents:
            if s1 - s0 > MAX_SENTENCE:
                prev_topics = []
                continue
            carry = text[s0:s1].lstrip().startswith("其中")
            s_hits = [h for h in hits if s0 <= h.start < s1]
            if not carry:
                rows = list(self.default_rows)
            for n in (n for n in nums if s0 <= n.start < s1):
                for claim in self._claim(para, text, mask, s0, n, s_hits, nums, prev_topics if carry else [], rows):
                    out.append(claim)
                    if claim.kind == "measure":
                        rows = [c.p for c in ([claim.matched] if claim.matched else claim.candidates) if c.p]
            prev_topics = [h.word.topic for h in s_hits if h.word.topic]
        return out

    # -- one number -------------------------------------------------------------------------
    def _claim(self, para: Para, text: str, mask: str, s0: int, n: Num, hits: list[_Hit], nums: list[Num],
               prev_topics: list[Topic], rows: list[tuple[str, ...]]) -> list[Claim]:
        if n.approx or n.unit == "%" or self._approx_after(text, n):
            return []
        c0 = clause_start(text, n.start, s0)
        gov = self._governor(text, c0, n, hits, nums)
        if gov is None:
            return []
        chain, each = self._chain(text, c0, gov, hits)
        pieces, at = [], c0
        for h in chain:
            if h.start >= at:
                pieces.append(text[at:h.start])
                at = h.end
        pieces.append(text[at:n.start])
        if self._skipped("".join(pieces)):
            return []
        found = [self._candidates(h, n, text, s0, hits, prev_topics, rows) for h in chain]
        q = quote(para.text, chain[0].start, n.end)
        if any(f is None for f in found):
            return []
        if len(chain) > 1 and not each:
            keys = tuple(dict.fromkeys(k for f in found for k in f[0][0].keys))  # type: ignore[index]
            groups = [([Candidate(keys, "与".join(f[0][0].name for f in found))], found[0][1], found[0][2])]  # type: ignore[index]
        else:
            groups = found if each else found[-1:]  # type: ignore[assignment]
        out = []
        for cands, kind, topic in groups:  # type: ignore[misc]
            claim = Claim(para, n.start, n.end, q, n.value, n.unit, cands, kind, topic, n.decimals)
            self._compare(claim, n)
            out.append(claim)
        return out

    def _approx_after(self, text: str, n: Num) -> bool:
        return text.startswith(("以上", "以下", "左右", "上下", "余"), n.end)

    def _governor(self, text: str, c0: int, n: Num, hits: list[_Hit], nums: list[Num]) -> _Hit | None:
        """The word governing a number: the nearest named quantity before it in its clause, else right after it."""
        before = [h for h in hits if c0 <= h.start and h.end <= n.start]
        for h in reversed(before):
            if any(h.end <= m.start < n.start for m in nums):
                return None  # another number sits between: it belongs to that one
            if len(text[h.end:n.start]) > FILLER_MAX or self._blocked(text[h.end:n.start]):
                return None
            if h.word.term or (h.word.topic and h.word.topic.total):
                return self._reason(h, before, n, nums) or h
        end = n.end
        while end < len(text) and text[end] not in CLAUSE_SEPS + "。！？\n":
            end += 1
        after = [h for h in hits if n.end <= h.start < end and h.start - n.end <= 3]
        for h in after[:1]:
            if h.word.term and not before:
                return h
        return None

    def _reason(self, h: _Hit, before: list[_Hit], n: Num, nums: list[Num]) -> _Hit | None:
        """因属于国家秘密不予公开1件: a reason named before its outcome is the more precise word."""
        if not h.word.term or h.word.term.kind != "outcome":
            return None
        for r in reversed(before[:before.index(h)]):
            if any(r.end <= m.start < n.start for m in nums):
                return None
            if r.word.term and r.word.term.kind == "reason":
                return r
        return None

    def _blocked(self, filler: str) -> bool:
        return bool(filler) and self.v.block_re.search(filler) is not None

    def _skipped(self, lead: str) -> bool:
        """A change, a past or cumulative figure, an approximation, or another year's number."""
        if self.v.skip_re.search(lead):
            return True
        if lead.endswith(self.v.skip["approx"]) or lead.rstrip("共计为有达").endswith(APPROX_BEFORE):
            return True
        if self.year and "年" in lead:
            for m in _YEAR.finditer(lead):
                if int(m[1]) != self.year:
                    return True
        return "至" in lead[-2:] or "到" in lead[-1:]

    def _chain(self, text: str, c0: int, gov: _Hit, hits: list[_Hit]) -> tuple[list[_Hit], bool]:
        """Words joined by 和/及/、 before the governing one name a sum (or each, with 各)."""
        chain = [gov]
        same = (lambda h: h.word.topic is not None and bool(h.word.topic.total)) if gov.word.topic else (
            lambda h: h.word.term is not None and h.word.term.kind == gov.word.term.kind)  # type: ignore[union-attr]
        i = hits.index(gov)
        while i > 0:
            prev = hits[i - 1]
            if text[prev.end:chain[0].start] not in JOINERS or not same(prev):
                break
            chain.insert(0, prev)
            i -= 1
        return chain, "各" in text[gov.end:gov.end + FILLER_MAX]

    def _topic(self, term: Term, pos: int, s0: int, hits: list[_Hit], prev: list[Topic]) -> Topic | None:
        seen = [h.word.topic for h in hits if h.word.topic and h.start < pos and h.word.topic.id in term.topics]
        if seen:
            return seen[-1]
        carried = [t for t in prev if t.id in term.topics]
        if carried:
            return carried[-1]
        if not term.needs_topic:
            return self.v.topics.get(term.topics[0])
        return None

    def _candidates(self, h: _Hit, n: Num, text: str, s0: int, hits: list[_Hit], prev: list[Topic],
                    rows: list[tuple[str, ...]]) -> tuple[list[Candidate], str, str] | None:
        w = h.word
        if w.topic is not None:  # a topic's own total: 行政复议12件
            t = w.topic
            keys = expand(self.spec, t.total, t.p)
            if keys is None or not self._unit_ok(t, n):
                return None
            return [Candidate(keys, t.name)], "total", t.id
        term = w.term
        assert term is not None
        topic = self._topic(term, n.start, s0, hits, prev)
        if topic is None or not self._unit_ok(topic, n):
            return None
        return self._alts(term, topic, rows), term.kind, topic.id

    def _unit_ok(self, topic: Topic, n: Num) -> bool:
        return n.money if topic.money else n.unit in topic.units

    def _alts(self, term: Term, topic: Topic, rows: list[tuple[str, ...]]) -> list[Candidate]:
        out: list[Candidate] = []
        for a in term.alts:
            prefixes = [topic.p] if "{p}" in a.sum and topic.id != "applications" else (rows if "{p}" in a.sum else [()])
            for p in prefixes:
                keys = expand(self.spec, a.sum, p)
                if keys is not None:
                    out.append(Candidate(keys, self._name(a, topic, p), a.p))
        return out

    def _name(self, a: Alt, topic: Topic, p: tuple[str, ...]) -> str:
        if "{pname}" not in a.name:
            return a.name
        if topic.id == "applications":
            return a.name.replace("{pname}", self.v.row_names.get(p, "")).strip()
        return a.name.replace("{pname}", topic.label).strip()

    def _compare(self, claim: Claim, n: Num) -> None:
        for c in claim.candidates:
            v = self.value(c)
            if n.money and n.unit == "元":
                v = v * 10000
            shown = v.quantize(Decimal(1).scaleb(-n.decimals), rounding=ROUND_HALF_UP) if n.money else v
            claim.expected.append(v)
            if shown == n.value and claim.matched is None:
                claim.matched = c
