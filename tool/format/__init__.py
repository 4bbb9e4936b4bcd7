"""The official format as data, compiled once per version.

``load(version)`` / ``for_year(year)`` give a ``Spec``: the parsed data file plus its layout,
structure, relation instances and totals. ``common()`` is the product vocabulary shared by every
version (sheet names, statuses, output names). Nothing here knows Excel or Word.
"""

from .model import Cell, Common, Field, Instance, Number, Relation, Section, Table, Term
from .registry import common, compare_data, data_dir, for_year, from_data, latest, load, norm, reset, versions
from .spec import Spec

__all__ = ["Cell", "Common", "Field", "Instance", "Number", "Relation", "Section", "Spec", "Table", "Term",
           "common", "compare_data", "data_dir", "for_year", "from_data", "latest", "load", "norm", "reset", "versions"]
