"""Exceptions for "cannot continue" (an unreadable file, unusable arguments, broken data).

Data problems inside a readable workbook are never exceptions: they are findings.
Every message is Chinese and names the file (and sheet and cell where there is one).
"""

from __future__ import annotations

from typing import Any


class NianbaoError(Exception):
    """Base: the message is shown to the user as is; ``exit_code`` is what the CLI returns."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UsageError(NianbaoError):
    """The arguments or an input document (e.g. a --data JSON) cannot be used."""


class UnreadableError(NianbaoError):
    """A file is not a workbook of this product, or cannot be opened at all.

    Carries a catalog code (FILE_EMPTY, FILE_ENCRYPTED …) and its parameters, so the cause is
    kept as data; the message is the catalog's rendering of them.
    """

    def __init__(self, code: str, **params: Any):
        from .catalog import render_code

        self.code = code
        self.params = params
        super().__init__(render_code(code, params))

    def __reduce__(self) -> tuple:  # pickled across worker processes by code and parameters
        return (_unreadable, (self.code, self.params))


def _unreadable(code: str, params: dict[str, Any]) -> UnreadableError:
    return UnreadableError(code, **params)


class TemplateError(NianbaoError):
    """A docx template is broken or asks for values that do not exist."""


class OfficeMissingError(NianbaoError):
    """LibreOffice is needed (PDF conversion) but not installed."""


class FormatDataError(NianbaoError):
    """The format data (``format/data/*.json``) is inconsistent: names the JSON path and the fault."""

    def __init__(self, source: str, path: str, problem: str):
        self.source, self.path, self.problem = source, path, problem
        super().__init__(f"格式数据 {source} 有误（{path or '顶层'}）：{problem}")
