"""Copied text across the units of one collection: exact measures of the candidate pairs, groups, findings.

``batch.candidates`` proposes pairs from the sketches; here each is measured exactly on the texts
(``align.overlap``, both ways). A unit whose text of a section is at least ``threshold`` in another
unit's is flagged: ``TEXT_SIMILAR_UNIT`` names the other unit(s), the section and the share. Units
linked by such pairs form a group (an office's sample copied by many is one group): each member's
finding names the group's size and a few members, so the output stays small however many copied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ..core.findings import Finding, make
from ..format import compare_data
from ..text.scan import Para
from .align import Overlap, grams, overlap
from .batch import Link
from .prep import Prepared, Sent
from .sketch import params

Marks = dict[tuple[str, str], tuple[str, ...]]  # (sheet, cell) → the sentences to highlight there


@dataclass
class Copy:
    """One unit's text of one section found in other units' texts."""

    unit: int
    section: str
    title: str
    partners: list[tuple[int, Overlap]]  # best first; each at or above the threshold
    group: list[int] = field(default_factory=list)  # every unit linked to this one (itself included)

    @property
    def best(self) -> Overlap:
        return self.partners[0][1]


class _Recent:
    """The shingles of the texts measured last (a group's representative is measured against again and
    again); bounded, so 10,000 units' texts are never all held at once."""

    def __init__(self, k: int, size: int = 128) -> None:
        self.k, self.size = k, size
        self.held: dict[int, set[str]] = {}

    def get(self, unit: int, prep: Prepared) -> set[str]:
        got = self.held.pop(unit, None)
        if got is None:
            got = grams(prep.key, self.k)
            if len(self.held) >= self.size:
                del self.held[next(iter(self.held))]
        self.held[unit] = got  # most recent last
        return got


class _Groups:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def join(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def copies(links: Mapping[str, Iterable[Link]], texts: Mapping[int, Mapping[str, Prepared]], threshold: float,
           titles: Mapping[str, str]) -> list[Copy]:
    """Every (unit, section) whose text is at least ``threshold`` in another's; ``texts``: the units' prepared
    texts (those of every unit in a link)."""
    k = params()[0]
    out: list[Copy] = []
    for section, found in links.items():
        cache = _Recent(k)
        hits: dict[int, list[tuple[int, Overlap]]] = {}
        groups = _Groups()
        for link in found:
            pa, pb = texts.get(link.a, {}).get(section), texts.get(link.b, {}).get(section)
            if pa is None or pb is None:
                continue
            ab = overlap(pa, cache.get(link.b, pb))
            ba = overlap(pb, cache.get(link.a, pa))
            for x, y, ov in ((link.a, link.b, ab), (link.b, link.a, ba)):
                if ov.ratio >= threshold:
                    hits.setdefault(x, []).append((y, ov))
            if ab.ratio >= threshold or ba.ratio >= threshold:
                groups.join(link.a, link.b)
        members: dict[int, list[int]] = {}
        for x in sorted(groups.parent):
            members.setdefault(groups.find(x), []).append(x)
        for unit in sorted(hits):
            partners = sorted(hits[unit], key=lambda p: (-p[1].ratio, p[0]))
            out.append(Copy(unit, section, titles.get(section, section), partners, members[groups.find(unit)]))
    return out


def _shown(sents: list[Sent], limit: int = 80) -> str:
    """The first shared sentences, as a quote (at most ``limit`` characters)."""
    n = int(compare_data()["similar"]["shown_sentences"])
    text = "".join(s.text for s in sents[:n])
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _at(prep: Prepared, sents: list[Sent]) -> dict[str, object]:
    p: Para | None = prep.paras[sents[0].para] if sents else (prep.paras[0] if prep.paras else None)
    if p is None:
        return {"key": f"text.{prep.section}"}
    return {"sheet": p.sheet, "cell": p.cell, "key": f"text.{prep.section}", "label_path": (p.sheet, p.title),
            "where": p.where}


def unit_finding(c: Copy, prep: Prepared, names: Mapping[int, str]) -> Finding:
    """TEXT_SIMILAR_UNIT for one copy: the best partner's share; the group when it has three or more."""
    shown = int(compare_data()["similar"]["shown_members"])
    best = c.best
    others = [names[u] for u, _ in c.partners]
    fields = dict(_at(prep, best.shared), title=c.title, percent=best.percent, actual=f"{best.percent}%",
                  shared=best.shared_chars, chars=best.chars, quote=_shown(best.shared),
                  related=tuple(others[:shown]))
    if len(c.group) >= 3:
        members = [names[u] for u in c.group if u != c.unit and names[u] not in others[:1]]
        listed = "、".join([others[0], *members][:shown])
        return make("TEXT_SIMILAR_UNIT", variant="group", size=len(c.group), best=others[0], members=listed,
                    **fields)
    return make("TEXT_SIMILAR_UNIT", others="、".join(others[:shown]) + ("等" if len(others) > shown else ""),
                **fields)


def marks_of(prep: Prepared, overlaps: Iterable[Overlap]) -> Marks:
    """The shared sentences by the cell of their paragraph (for the returned copy)."""
    out: dict[tuple[str, str], list[str]] = {}
    for ov in overlaps:
        for s in ov.shared:
            p = prep.paras[s.para]
            got = out.setdefault((p.sheet, p.cell), [])
            if s.text not in got:
                got.append(s.text)
    return {k: tuple(v) for k, v in out.items()}


def merge_marks(into: Marks, more: Marks) -> None:
    """Add ``more``'s sentences to ``into``, cell by cell, each sentence once (first seen first)."""
    for cell, sents in more.items():
        into[cell] = tuple(dict.fromkeys((*into.get(cell, ()), *sents)))
