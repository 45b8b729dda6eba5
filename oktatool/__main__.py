"""Run oktatool with `python -m oktatool`."""

import sys

from oktatool.cli import main

sys.exit(main())
