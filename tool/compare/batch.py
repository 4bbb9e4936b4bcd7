"""Which units' texts may be copies of each other, in near-linear time: an index of representatives.

Units are taken in order. A unit looks its indexed fingerprints (a further sample of its sketch)
up in the index, counts which earlier units share them, and measures its containment against the
few best candidates with whole fingerprint sets. If one of them holds most of its text, the unit
joins that unit's representative and only the fingerprints the representative lacks are indexed
for it; otherwise the unit is a new representative. So a text copied by 1,000 units costs the
index one text, not a million pairs; a posting list longer than ``posting_cap`` belongs to a phrase
that many unrelated texts use and is not counted. Pairs whose estimated containment (either way)
reaches the threshold less a slack are returned: the caller measures them exactly on the texts.
"""

from __future__ import annotations

from array import array
from collections import Counter
from dataclasses import dataclass
from math import sqrt

from ..format import compare_data
from .sketch import Sketch, index_limit


@dataclass(frozen=True)
class Link:
    """Two units whose texts of one section look alike: a's share found in b, and b's in a (estimates)."""

    a: int
    b: int
    ab: float
    ba: float


def candidates(sketches: list[Sketch | None], threshold: float) -> list[Link]:
    """Links between the units (by position in ``sketches``; None: no text) worth an exact measure."""
    cfg = compare_data()["similar"]
    cap, top, slack = int(cfg["posting_cap"]), int(cfg["candidates"]), float(cfg["slack"])
    min_chars = int(cfg["min_chars"])
    limit = index_limit()
    index: dict[int, list[int]] = {}
    rep = list(range(len(sketches)))
    links: list[Link] = []
    for a, sk in enumerate(sketches):
        if sk is None or sk.chars < min_chars:
            continue
        fa = sk.values()
        if not fa:
            continue
        sample = [f for f in fa if f < limit] or list(fa[:2])
        counts: Counter[int] = Counter()
        for f in sample:
            post = index.get(f)
            if post is not None and len(post) <= cap:
                counts.update(post)
        best, best_share = -1, 0.0
        if counts:
            mine = set(fa)
            for b, _ in counts.most_common(top):
                fb = _values(sketches[b])
                both = len(mine.intersection(fb))
                ab, ba = both / len(fa), both / len(fb)
                if ab >= threshold - _margin(len(fa), slack) or ba >= threshold - _margin(len(fb), slack):
                    links.append(Link(a, b, ab, ba))
                if ab >= threshold and ab > best_share:
                    best, best_share = b, ab
        held: set[int] = set()
        if best >= 0:
            rep[a] = rep[best]
            held = set(_values(sketches[rep[a]]))
        for f in sample:
            if f not in held:
                post = index.setdefault(f, [])
                if len(post) <= cap:
                    post.append(a)
    return links


def _margin(n: int, cap: float) -> float:
    """How far below the threshold an estimate from ``n`` fingerprints may fall and still be measured: two
    standard errors of a share near one half (a long text's estimate is close, a short one's is not)."""
    return min(cap, 2 * sqrt(0.25 / max(n, 1)))


def _values(sk: Sketch | None) -> array:  # type: ignore[type-arg]
    return sk.values() if sk is not None else array("I")
