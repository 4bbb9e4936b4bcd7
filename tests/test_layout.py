"""layout.a1 agrees with xlsxwriter's A1 helper (ours avoids importing xlsxwriter on the check path)."""

import pytest
from xlsxwriter.utility import xl_rowcol_to_cell

from tool.format.layout import a1


@pytest.mark.parametrize("row", [1, 30, 1048576])
@pytest.mark.parametrize("col", [1, 2, 26, 27, 52, 53, 702, 703, 16384])
def test_a1_matches_xlsxwriter(row, col):
    exp = xl_rowcol_to_cell(row - 1, col - 1)
    got = a1(row, col)
    assert got == exp
