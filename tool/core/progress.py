"""How a long job reports its progress without knowing who shows it (the CLI draws a bar)."""

from __future__ import annotations


class Progress:
    """Silent by default; the CLI passes a subclass that draws a progress bar."""

    def start(self, total: int, label: str) -> None:
        """A step of ``total`` units of work begins."""

    def step(self, n: int = 1) -> None:
        """``n`` more units are done."""

    def done(self) -> None:
        """The step is over."""


SILENT = Progress()
