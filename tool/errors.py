"""Exceptions for "cannot continue" (an unreadable file, unusable arguments, broken data).

Data problems inside a readable workbook are never exceptions: they are findings.
Every message is Chinese and names the file (and sheet and cell where there is one).
"""

from __future__ import annotations


class NianbaoError(Exception):
    """Base: the message is shown to the user as is; ``exit_code`` is what the CLI returns."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UsageError(NianbaoError):
    """The arguments or an input document (e.g. a --data JSON) cannot be used."""


class UnreadableError(NianbaoError):
    """A file is not a workbook of this product, or cannot be opened at all."""


class TemplateError(NianbaoError):
    """A docx template is broken or asks for values that do not exist."""


class OfficeMissingError(NianbaoError):
    """LibreOffice is needed (PDF conversion) but not installed."""
