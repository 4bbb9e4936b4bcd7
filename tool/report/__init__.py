"""The annual report: its context (``context``), the GB/T 9704 default template (``styles``,
``template``), rendering (``render``), template lint (``lint``), batches (``batch``), LibreOffice
for PDF (``office``) and the ``report`` command's library calls (``make``)."""
