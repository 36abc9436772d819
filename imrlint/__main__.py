"""``python -m imrlint``."""

import sys

from imrlint.cli.main import main

sys.exit(main())
