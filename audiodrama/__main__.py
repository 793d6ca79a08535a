"""`python -m audiodrama` is the `audiodrama` command."""

import sys

from audiodrama.cli.main import main

sys.exit(main())
