"""Text normalisation shared by every stage that compares labels or names."""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import Any


def norm(text: Any) -> str:
    """Text for comparing labels and names: NFKC (full-width → half-width), no whitespace and no
    invisible format characters (zero-width spaces, BOM) at all.

    Web copies, typing and text extraction differ in these (（一） vs (一), “商业 企业”).
    """
    return "".join(ch for ch in unicodedata.normalize("NFKC", str(text))
                   if not ch.isspace() and unicodedata.category(ch) != "Cf")


@cache
def _t2s() -> Any:
    from opencc import OpenCC  # opencc-python-reimplemented: pure-Python traditional → simplified

    return OpenCC("t2s")


def lookalike(text: Any) -> str:
    """The key under which two names a person would read as one are equal: ``norm`` and traditional
    characters as simplified (財政局 and 财政局, a name with a zero-width space and one without)."""
    return _t2s().convert(norm(text))
