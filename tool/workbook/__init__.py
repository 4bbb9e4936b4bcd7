"""Writing our workbooks (xlsxwriter): the fill-in form, its prefilled and annotated copies."""

from .build import blank_workbook, build_workbook, template_path, write_templates

__all__ = ["blank_workbook", "build_workbook", "template_path", "write_templates"]
