"""`python -m audiodrama` is the `audiodrama` command."""
import sys

from .cli import main

sys.exit(main())
