"""`python -m bundle`: build dist/houqin-VERSION-win64.zip (see bundle/build.py)."""

import sys

from bundle.build import main

sys.exit(main())
