"""`python -m lcity_data ...` runs the command-line interface."""

import sys

from lcity_data.cli import main

sys.exit(main())
