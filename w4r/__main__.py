"""Entry point for `python -m w4r`."""

import sys

from w4r.cli import main

sys.exit(main())
