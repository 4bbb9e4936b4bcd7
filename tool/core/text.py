"""Text normalisation shared by every stage that compares labels or names."""

from __future__ import annotations

import unicodedata
from typing import Any


def norm(text: Any) -> str:
    """Text for comparing labels and names: NFKC (full-width → half-width), no whitespace at all.

    Web copies, typing and text extraction differ in both (（一） vs (一), “商业 企业”).
    """
    return "".join(unicodedata.normalize("NFKC", str(text)).split())
