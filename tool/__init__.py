"""nianbao: the 政府信息公开工作年度报告 workflow, as a pipeline of subpackages.

    core      exceptions, the finding catalog and records, safe writes, progress
    format    the official format as data, compiled once per version (layout, structure, totals)
    workbook  writing our fill-in workbooks (xlsxwriter)
    read      reading filled workbooks back (sniff, values, reader)
    text      the report's words: paragraphs, numbers, claims against the tables, text not ready, drafts
    compare   across units and years: copied text (sketches, index, exact overlap), year-on-year figures
    check     rules from the relations, report rules, check, annotate, export
    collect   roster, distribute, intake, decide, copies and last year, 汇总表 (雷同, 同比, 分析), run
    report    context, GB/T 9704 template, render, lint, batch, LibreOffice (one call, or a pool for many)
    publish   the publication package: web page and CMS fragment, CSV/JSON, 图解, 历年 index
    workspace the office's workspace in a browser: SQLite ledger, links, uploads, 退回/催报, 汇总, web
    demo      the built-in sample run and synthetic data
    cli       the ``nianbao`` commands (click)

A package imports only packages above it in this list (tests/test_layers.py).
"""
