"""Reading filled workbooks back: what the file is (``sniff``), cell values as typed (``values``),
and the workbook as ``ReportData`` with its reading findings (``reader``)."""

from .reader import Submission, read_bytes, read_file

__all__ = ["Submission", "read_bytes", "read_file"]
