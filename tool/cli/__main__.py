"""``python -m tool.cli``: the same as the ``nianbao`` command."""

from . import main

main()
