"""The publication package (``nianbao publish``): the report as a web page and a CMS fragment
(``html``, ``styles``), its data as CSV/JSON, the 图解 (``figures`` → ``poster`` drawn on a
``canvas``: PDF by fpdf2, PNG by PDFium), the package on disk (``package``, ``make``), the
departments of a consolidated report (``departments``) and the 历年 index page (``index``)."""
