"""``python -m tool.cli``: the same as the ``nianbao`` command."""

from . import main

if __name__ == "__main__":  # spawned worker processes import this module too
    main()
