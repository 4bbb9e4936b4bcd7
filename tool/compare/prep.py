"""A report's text made ready for comparison: sentences with a key that keeps only what a copier copies.

A sentence's key drops what every report may share or a copier would change: boilerplate (the
statutory phrases and patterns of ``compare.json``; the clauses of the default preface and of our
own 参考表述, derived from the format data, so a department that pastes the drafted sentence or
keeps the default preface copies nothing), headings, punctuation and spaces; digits become 0 (a
copy with other numbers is still a copy) and the unit's own name becomes ◎ (a copy with the
name replaced is still a copy). What is left of a section is compared by character shingles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from ..format import Spec, compare_data
from ..format.interchange import ReportData
from ..format.textdata import drafts
from ..text.scan import Para, TextRows, paragraphs, sentences

OWN = "◎"
_SEP = "\x1f"
_CLAUSE_SEPS = str.maketrans({c: _SEP for c in "，,；;：:"})
_NOT_KEPT = re.compile(r"[^\w◎\x1f]|_")
_DIGITS = re.compile(r"\d+")


def key_of(text: str) -> str:
    """What of a text is compared: word characters only, digits as 0, lower case (clause breaks kept as \\x1f)."""
    return _DIGITS.sub("0", _NOT_KEPT.sub("", text.translate(_CLAUSE_SEPS))).lower()


@dataclass(frozen=True)
class Sent:
    """One sentence of a section: the paragraph it is in (index into ``Prepared.paras``), as written, its key."""

    para: int
    text: str
    key: str


@dataclass
class Prepared:
    section: str
    paras: list[Para]
    sents: list[Sent]

    @property
    def key(self) -> str:
        return "".join(s.key for s in self.sents)

    @property
    def chars(self) -> int:
        return sum(len(s.key) for s in self.sents)


@cache
def _phrases() -> re.Pattern[str]:
    """The statutory phrases, keyed (longest first)."""
    keys = sorted({key_of(p) for p in compare_data()["similar"]["phrases"]} - {""}, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys)) if keys else re.compile(r"(?!)")


@cache
def _patterns() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in compare_data()["similar"]["patterns"]))


_DRAFTS: dict[int, tuple[Spec, frozenset[str]]] = {}


def _draft_clauses(spec: Spec) -> frozenset[str]:
    """Every clause of our own 参考表述 (numbers are 0 in keys, so any numbers match)."""
    got = _DRAFTS.get(id(spec))
    if got is None or got[0] is not spec:
        out: set[str] = set()
        for d in drafts(spec):
            out.update(_clause_keys(d.lead + d.text({})))
        got = _DRAFTS[id(spec)] = (spec, frozenset(out - {""}))
    return got[1]


def _clause_keys(text: str) -> list[str]:
    return [k for s0, s1 in sentences(text) for k in _keys(text[s0:s1])]


def _keys(sentence: str) -> list[str]:
    """The keys of a sentence's clauses, statutory phrases and patterns removed."""
    return _phrases().sub("", key_of(_patterns().sub("", "".join(sentence.split())))).split(_SEP)


def boiler(data: ReportData, spec: Spec) -> frozenset[str]:
    """Clause keys that are never copying: our drafts and the default preface of this unit."""
    preface = spec.common.preface(OWN, data.year or "", data.info.get("url", ""))
    return _draft_clauses(spec) | frozenset(_clause_keys(preface))


def sentence_key(text: str, org: str, skip: frozenset[str]) -> str:
    """The key of one sentence: the unit's name as ◎, patterns and boilerplate clauses dropped."""
    return "".join(k for k in _keys(text.replace(org, OWN) if org else text) if k and k not in skip)


def prepare(data: ReportData, spec: Spec | None = None, rows: TextRows | None = None,
            sections: tuple[str, ...] | None = None) -> dict[str, Prepared]:
    """The compared sections of a report (``compare.json`` similar.sections that the version has)."""
    spec = spec or data.spec
    wanted = sections or tuple(compare_data()["similar"]["sections"])
    skip = boiler(data, spec)
    out = {s.key: Prepared(s.key, [], []) for s in spec.text_sections if s.key in wanted}
    for p in paragraphs(data, spec, rows):
        prep = out.get(p.section)
        if prep is None:
            continue
        prep.paras.append(p)
        for s0, s1 in sentences(p.text):
            text = p.text[s0:s1].strip()
            k = sentence_key(text, data.org, skip)
            if k:
                prep.sents.append(Sent(len(prep.paras) - 1, text, k))
    return out
