"""The office's year: the roster, distributing prefilled workbooks, collecting the returns
(intake → inspect → decide), and writing 汇总表, the consolidated workbook and the 退回 copies."""
