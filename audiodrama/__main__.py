"""`python -m audiodrama` is the `audiodrama` command."""

import sys

from audiodrama.cli import main

sys.exit(main())
