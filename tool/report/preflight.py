"""What ``report`` checks of a custom template before it writes: the six section headings verbatim
(graders deduct for drift such as “五、存在的主要问题及改进举措”)."""

from __future__ import annotations

import difflib
import html
import io
import re
import zipfile

from ..core.findings import Finding, make
from ..core.text import norm
from ..format import Spec

_TAG = re.compile(r"<[^>]+>")
_JINJA = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}")


def document_paragraphs(docx: bytes) -> list[str]:
    """The text of each paragraph of a rendered report (our own output, read back)."""
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    out = []
    for part in xml.split("</w:p>"):
        text = _JINJA.sub("", _TAG.sub("", part)).strip()
        if text:
            out.append(html.unescape(text))
    return out


def heading_findings(docx: bytes, spec: Spec, template: str) -> list[Finding]:
    """The six section headings verbatim, as the report made with a custom template prints them."""
    paras = document_paragraphs(docx)
    have = {norm(p) for p in paras}
    out = []
    for s in spec.sections:
        if norm(s.title) in have:
            continue
        near = difflib.get_close_matches(s.title, paras, n=1, cutoff=0.5)
        out.append(make("REPORT_HEADING", template=template, expected=s.title, actual=near[0] if near else "",
                        near=f"（模板中是“{near[0]}”）" if near else ""))
    return out
