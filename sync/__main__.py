"""`python -m sync ...`: see sync/cli/entry.py."""

import sys

from sync.cli.entry import main

sys.exit(main())
