"""Checking: rules generated from the relations (``rules``), rules over the report as a whole
(``report_rules``), the glue from files to ``CheckResult`` (``run``) and marked-up copies for
returning a workbook (``annotate``)."""

from .run import check_bytes, check_files, describe, exit_code, result_of

__all__ = ["check_bytes", "check_files", "describe", "exit_code", "result_of"]
