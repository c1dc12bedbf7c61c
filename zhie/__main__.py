"""``python -m zhie …`` is the ``zhie`` command."""
import sys

from .cli import main

sys.exit(main())
