"""Fingerprints of a section: a fixed sample of its character shingles, small enough to carry for 10,000 units.

A shingle is ``k`` characters of a section's key (``prep``); its hash is CRC-32 (the same in every
process, unlike ``hash``) mixed by a multiplicative constant, and a shingle is kept as a fingerprint
when its mixed hash falls in the lowest 1/``sample`` of the range ("0 mod p" sampling): two texts
keep the same fingerprints for the same shingles, so the share of A's fingerprints found in B
estimates the share of A's text found in B. A sketch is bytes (sorted unsigned 32-bit values).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from zlib import crc32

from ..format import Spec, compare_data
from ..format.interchange import ReportData
from ..text.scan import TextRows
from .prep import prepare

_MIX = 0x9E3779B1
_SPACE = 1 << 32


@dataclass(frozen=True)
class Sketch:
    chars: int  # characters of the key (what is compared, boilerplate removed)
    fps: bytes  # sorted unique fingerprints, array("I")

    def values(self) -> array:  # type: ignore[type-arg]
        a = array("I")
        a.frombytes(self.fps)
        return a


def params() -> tuple[int, int, int]:
    """(shingle length, fingerprint sample, index sample) from compare.json."""
    s = compare_data()["similar"]
    return int(s["shingle"]), int(s["sample"]), int(s["index_sample"])


def fingerprints(key: str, k: int, sample: int) -> array:  # type: ignore[type-arg]
    """The sampled shingle hashes of a key, sorted (a key shorter than ``k`` is one shingle)."""
    if not key:
        return array("I")
    b = key.encode("utf-16-le")
    width, last = 2 * k, max(2 * (len(key) - k), 0)
    limit = _SPACE // sample
    kept = {m for i in range(0, last + 1, 2) if (m := (crc32(b[i:i + width]) * _MIX) % _SPACE) < limit}
    return array("I", sorted(kept))


def sketch_text(key: str) -> Sketch:
    k, sample, _ = params()
    return Sketch(len(key), fingerprints(key, k, sample).tobytes())


def sketch_report(data: ReportData, spec: Spec | None = None, rows: TextRows | None = None) -> dict[str, Sketch]:
    """Section key → sketch, for the compared sections of a report (runs in ``collect``'s workers)."""
    return {s: sketch_text(p.key) for s, p in prepare(data, spec, rows).items()}


def index_limit() -> int:
    """Fingerprints below this value are the ones the batch index holds."""
    _, sample, idx = params()
    return _SPACE // (sample * idx)
