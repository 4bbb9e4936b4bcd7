"""Text normalisation shared by every stage that compares labels or names."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

# Unicode "format" characters people cannot see: soft hyphen, zero-width space/joiners, bidi marks, BOM …
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff]")


def norm(text: Any) -> str:
    """Text for comparing labels and names: NFKC (full-width → half-width), no whitespace and no
    invisible format characters (zero-width spaces, BOM) at all.

    Web copies, typing and text extraction differ in these (（一） vs (一), “商业 企业”).
    """
    return _INVISIBLE.sub("", "".join(nfkc(str(text)).split()))


# Text made only of characters NFKC leaves alone or maps one to one (full-width ASCII and the ideographic
# space) is normalised by a table: unicodedata.normalize takes ~0.25 ms for a 1,300-character section,
# and a report's sections are normalised several times per check. Anything else takes the full path.
_STABLE = re.compile("[\t\n\r\u0020-\u007e\u2014\u2018\u2019\u201c\u201d\u3000-\u3002\u3008-\u3011"
                     "\u3014-\u301b\u4e00-\u9fff\uff01-\uff5e]*")
_WIDE = re.compile("[\u3000\uff01-\uff5e]")
_WIDE_TO_ASCII = {"\u3000": " "} | {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}


def nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``; when the text allows (``_STABLE``), by replacing the few
    distinct full-width characters it has (str.translate with a table is as slow as normalising)."""
    if not _STABLE.fullmatch(text):
        return unicodedata.normalize("NFKC", text)
    for ch in set(_WIDE.findall(text)):
        text = text.replace(ch, _WIDE_TO_ASCII[ch])
    return text


@cache
def _t2s() -> Any:
    from opencc import OpenCC  # opencc-python-reimplemented: pure-Python traditional → simplified

    return OpenCC("t2s")


def lookalike(text: Any) -> str:
    """The key under which two names a person would read as one are equal: ``norm`` and traditional
    characters as simplified (財政局 and 财政局, a name with a zero-width space and one without)."""
    return _t2s().convert(norm(text))


def name_list(names: list[str], limit: int = 10, sep: str = "、") -> str:
    """Names for a console line: all of them up to ``limit``, else the first ``limit`` and "等 N 个"."""
    if len(names) <= limit:
        return sep.join(names)
    return sep.join(names[:limit]) + f" 等 {len(names)} 个"
