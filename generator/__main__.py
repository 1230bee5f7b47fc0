"""``python -m generator``: the same as the ``maxmap`` command."""

import sys

from generator.cli import main

if __name__ == "__main__":
    sys.exit(main())
