"""`python -m facilitator` runs the command line."""

import sys

from facilitator.cli import main

# Guarded: worker processes (spawn) import the main module again and must not run it.
if __name__ == "__main__":
    sys.exit(main())
