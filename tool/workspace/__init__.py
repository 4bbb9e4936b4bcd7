"""The office's workspace: a folder with a SQLite ledger and the files, served to the units and
the office in a browser (``nianbao workspace`` and ``nianbao serve``).

    space     the folder, its units and links        ledger    the SQLite file (WAL, transactions)
    tokens    secret links (only hashes stored)      store     files under their SHA-256
    setup     init, links, distribute with links     intake    an upload: check, judge, store, record
    examine   reading in the worker processes        workers   the worker processes
    status    where each unit stands                 publish   回填网址 after publication
    chase     催报 notices and letters, 退回          gather    the 汇总 button (collect + reports)
    app, pages_unit, pages_office, serve             the web application and its server
"""
