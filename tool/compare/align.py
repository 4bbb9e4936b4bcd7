"""How much of one text is in another, exactly, and which of its sentences: the measure that decides.

Every ``k``-character shingle of A's key found among B's marks its characters as shared; the ratio
is the shared characters over all of A's (boilerplate already removed by ``prep``). A sentence is
shared when at least ``sentence_share`` of its characters are. The sentences are what the 雷同
sheet quotes and what a returned copy highlights.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..format import compare_data
from .prep import Prepared, Sent
from .sketch import params


@dataclass
class Overlap:
    chars: int
    shared_chars: int
    shared: list[Sent] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.shared_chars / self.chars if self.chars else 0.0

    @property
    def percent(self) -> int:
        return int(self.ratio * 100 + 0.5)


def grams(key: str, k: int) -> set[str]:
    return {key[i:i + k] for i in range(max(len(key) - k, 0) + 1)} if key else set()


def overlap(a: Prepared, b: Prepared | set[str]) -> Overlap:
    """A's text found in B (B's shingles may be given, when one text is compared with many)."""
    k = params()[0]
    theirs = b if isinstance(b, set) else grams(b.key, k)
    key = a.key
    n = len(key)
    covered = bytearray(n)
    if n < k:
        if key in theirs or any(key in g for g in theirs):
            covered[:] = b"\x01" * n
    else:
        for i in range(n - k + 1):
            if key[i:i + k] in theirs:
                covered[i:i + k] = b"\x01" * k
    share = float(compare_data()["similar"]["sentence_share"])
    out = Overlap(n, covered.count(1))
    at = 0
    for s in a.sents:
        m = len(s.key)
        if m and covered.count(1, at, at + m) >= share * m:
            out.shared.append(s)
        at += m
    return out
