"""The report's words: paragraphs, sentences and numbers (``scan``), the vocabulary that ties words to
table quantities (``vocab``), claims and statements read from the text (``claims``, ``statements``),
text that is not ready (``ready``), and ``text_findings`` for ``check``."""

from .check import all_claims, text_findings
from .scan import Para, TextRows, paragraphs

__all__ = ["Para", "TextRows", "all_claims", "paragraphs", "text_findings"]
